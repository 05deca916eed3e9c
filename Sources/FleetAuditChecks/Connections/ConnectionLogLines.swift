import FleetAuditCore
import FleetAuditJSON

/// The log-line reader of the connection checks, reachable from outside the
/// module so the fuzz target (Fuzz/) can feed it arbitrary lines through the
/// same path an audit takes: read the line (in place, or parsed), encode it
/// for its bucket, decode the bucket and pair its events into sessions.
public enum ConnectionLogLines {
    /// Reads one line of `iot-logs/` (`wrapped`: a `filter-log-events` event
    /// whose `message` is the entry) and returns what became of it: `entry`,
    /// `ignored`, or the problem's reason. Sessions are built from the entry
    /// with the window `windowEnd - 31 days ..< windowEnd`.
    public static func read(_ bytes: [UInt8], wrapped: Bool, windowEnd: Int64) -> String {
        let raw = RawElement(key: nil, index: 0, byteOffset: 0, bytes: bytes)
        switch ConnectionLog.line(raw, of: stream(wrapped: wrapped), wrapped: wrapped, windowEnd: windowEnd) {
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

    /// The two readings of one JSON Lines entry, which must agree: in place
    /// (nil when that reader leaves the line to the parse) and parsed. Each
    /// as text: `entry`, the record's bytes and the client hash; `ignored`;
    /// or the problem's reason. The tests and the fuzz target compare them.
    public static func readings(_ bytes: [UInt8], windowEnd: Int64) -> (inPlace: String?, parsed: String) {
        let raw = RawElement(key: nil, index: 0, byteOffset: 0, bytes: bytes)
        let inPlace = bytes.withUnsafeBytes { ConnectionLog.inPlace($0, windowEnd: windowEnd) }
        let parsed = ConnectionLog.line(
            stream(wrapped: false).streamed(raw, members: ConnectionLog.entryMembers), wrapped: false,
            windowEnd: windowEnd)
        return (inPlace.map(describe), describe(parsed))
    }

    static func stream(wrapped: Bool) -> SnapshotStream {
        SnapshotStream(
            name: wrapped ? "iot-logs/events.json" : "iot-logs/line.jsonl", path: "", form: wrapped ? .object : .lines,
            arrayKey: wrapped ? "events" : "")
    }

    static func describe(_ line: ConnectionLog.Line) -> String {
        switch line {
        case .ignored: return "ignored"
        case .skipped(let problem): return problem.reason
        case .entry(let entry): return "entry \(entry.bytes) \(entry.clientHash)"
        }
    }
}
