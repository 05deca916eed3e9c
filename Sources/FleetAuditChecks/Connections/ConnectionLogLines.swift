import FleetAuditCore
import FleetAuditJSON

/// The log-line reader of the connection checks, reachable from outside the
/// module so the fuzz target (Fuzz/) can feed it arbitrary lines through the
/// same path an audit takes: parse the line, read the entry, encode it for its
/// bucket, decode the bucket and pair its events into sessions.
public enum ConnectionLogLines {
    /// Reads one line of `iot-logs/` (`wrapped`: a `filter-log-events` event
    /// whose `message` is the entry) and returns what became of it: `entry`,
    /// `ignored`, or the problem's reason. Sessions are built from the entry
    /// with the window `windowEnd - 31 days ..< windowEnd`.
    public static func read(_ bytes: [UInt8], wrapped: Bool, windowEnd: Int64) -> String {
        let raw = RawElement(key: nil, index: 0, byteOffset: 0, bytes: bytes)
        let members = wrapped ? ConnectionLog.eventMembers : ConnectionLog.entryMembers
        let location = SnapshotProblem(file: "iot-logs/line.jsonl", elementIndex: 0, byteOffset: 0, reason: "")
        let element = StreamedElement(
            location: location,
            value: raw.parse(members: members).mapError { SnapshotProblem(file: location.file, $0) })
        switch ConnectionLog.line(element, wrapped: wrapped, windowEnd: windowEnd) {
        case .ignored: return "ignored"
        case .skipped(let problem): return problem.reason
        case .entry(let entry):
            // Days as milliseconds, saturating: windowEnd comes from the caller.
            let span = ConnectionLog.windowDays * 86_400_000
            let windowStart = windowEnd.subtractingReportingOverflow(span)
            let log = ConnectionLog.decode(
                [entry.record(order: 0), entry.record(order: 1)],
                windowStart: windowStart.overflow ? Int64.min : windowStart.partialValue, windowEnd: windowEnd)
            let sessions = log.sessions()
            return "entry: \(sessions.count) sessions, \(sessions.map { log.times($0).count }.reduce(0, +)) times"
        }
    }
}
