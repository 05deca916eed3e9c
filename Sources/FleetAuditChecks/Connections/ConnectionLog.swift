import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Connect and Disconnect entries of `iot-logs/`, reduced to compact
/// connection sessions: the shared state of DEVICE_CERTIFICATE_SHARED_CHECK and
/// CONFLICTING_CLIENT_IDS_CHECK. Strings (client ids, principals, addresses)
/// are interned once; an event is a few integers; a session is two times and
/// four string numbers. Log lines themselves are never kept.
///
/// `iot-logs/*.jsonl` hold one log entry a line; `iot-logs/*.json` hold
/// `aws logs filter-log-events` output, whose `events[].message` is the entry
/// as a JSON string. Both are streamed element by element.
struct ConnectionLog {
    /// The on-demand audit window: the 31 days before the audit.
    static let windowDays: Int64 = 31

    struct Event {
        var time: Int64
        /// Input order, to keep equal times stable.
        var order: Int
        var isConnect: Bool
        var client: Int32
        var principal: Int32
        var sourceIp: Int32
        var sourcePort: Int64
        var disconnectReason: Int32
    }

    struct Session {
        var client: Int32
        var principal: Int32
        var sourceIp: Int32
        var sourcePort: Int64
        var start: Int64
        /// nil: still connected when the logs end.
        var end: Int64?
        var disconnectReason: Int32
        var endedByDuplicateClientId: Bool
    }

    var strings = StringTable()
    var events: [Event] = []
    var windowStart: Int64 = 0
    var windowEnd: Int64 = 0

    static let noString: Int32 = -1

    /// One Connect or Disconnect entry, as read from a log line.
    struct Entry: Sendable {
        var time: Int64
        var isConnect: Bool
        var client: String
        var principal: String
        var sourceIp: String?
        var sourcePort: Int64
        var disconnectReason: String?

        /// The record without its input position, which only the reading thread knows
        /// (`record(order:)` puts it in front); encoded on the worker that read the line.
        func encoded() -> [UInt8] {
            var writer = SpillRecordWriter()
            writer.write(time)
            writer.write(isConnect)
            writer.write(client)
            writer.write(principal)
            writer.write(sourceIp ?? "")
            writer.write(sourceIp != nil)
            writer.write(sourcePort)
            writer.write(disconnectReason ?? "")
            writer.write(disconnectReason != nil)
            return writer.bytes
        }
    }

    /// An entry encoded on a worker, with the hash of its client ID (its bucket).
    struct EncodedEntry: Sendable {
        var bytes: [UInt8]
        var clientHash: UInt64

        init(_ entry: Entry) {
            bytes = entry.encoded()
            clientHash = stableHash(entry.client.utf8)
        }

        init(bytes: [UInt8], clientHash: UInt64) {
            self.bytes = bytes
            self.clientHash = clientHash
        }

        /// The bucket record: the input position, then the entry.
        func record(order: Int64) -> [UInt8] {
            var writer = SpillRecordWriter()
            writer.write(order)
            return writer.bytes + bytes
        }
    }

    /// The members `line` reads of an entry, and of a `filter-log-events` event.
    static let entryMembers = JSONMemberSelection([
        "eventType", "status", "timestamp", "clientId", "principalId", "sourceIp", "sourcePort", "disconnectReason",
    ])
    static let eventMembers = JSONMemberSelection(["message"])

    /// What one log line holds for the connection checks.
    enum Line: Sendable {
        case entry(EncodedEntry)
        /// Not a Connect/Disconnect, a failed Connect, or after the audit time.
        case ignored
        case skipped(SnapshotProblem)
    }

    /// Reads one raw log element of `stream`. A JSON Lines entry is read in
    /// place when it can be (`inPlace`); anything else, including every line
    /// that is skipped with a problem, is parsed and read as before, which
    /// gives its exact message.
    static func line(_ raw: RawElement, of stream: SnapshotStream, wrapped: Bool, windowEnd: Int64) -> Line {
        if !wrapped, raw.bytes.count <= SnapshotStream.elementSizeLimit,
            let line = raw.bytes.withUnsafeBytes({ inPlace($0, windowEnd: windowEnd) })
        {
            return line
        }
        return line(
            stream.streamed(raw, members: wrapped ? eventMembers : entryMembers), wrapped: wrapped,
            windowEnd: windowEnd)
    }

    /// The entry read from its bytes, without a `JSONValue` or a `String`: the
    /// same outcome as parsing it and calling `line(_:at:windowEnd:)` (the
    /// equivalence tests hold the two together), or nil when that outcome needs
    /// the parse: a line that is not valid JSON or not an object, a selected
    /// value with escapes or a real number, and every line that would be
    /// skipped with a problem. Nearly every line of real logs is a plain
    /// entry, and building a `JSONValue` and a `String` of each member was a
    /// fifth of an audit's CPU (docs/benchmarks.md, "Fifth round").
    static func inPlace(_ bytes: UnsafeRawBufferPointer, windowEnd: Int64) -> Line? {
        // The members by their index in `entryMembers`.
        let (eventType, status, timestamp, clientId, principalId, sourceIp, sourcePort, disconnectReason) =
            (0, 1, 2, 3, 4, 5, 6, 7)
        func read(_ members: UnsafeBufferPointer<JSONScalarView>) -> Line? {
            guard case .string(let type) = members[eventType] else { return nil }
            let isConnect = same(type, "Connect")
            guard isConnect || same(type, "Disconnect") else { return .ignored }
            if isConnect, case .string(let text) = members[status], !same(text, "Success") { return .ignored }
            let time: Int64
            switch members[timestamp] {
            case .string(let text):
                guard let parsed = AuditTime(iso8601UTF8: text) else { return nil }
                time = parsed.millisecondsSinceEpoch
            case .integer(let number):
                guard let parsed = Self.time(.integer(number)) else { return nil }
                time = parsed
            case .absent, .other:
                return nil
            }
            guard case .string(let client) = members[clientId], !client.isEmpty,
                case .string(let principal) = members[principalId], !principal.isEmpty
            else { return nil }
            guard time <= windowEnd else { return .ignored }
            var writer = SpillRecordWriter()
            // An optional string as `Entry.encoded` writes it: the text ("" when absent), then whether it is there.
            func writeOptional(_ view: JSONScalarView) {
                guard case .string(let text) = view else {
                    writer.write("")
                    writer.write(false)
                    return
                }
                writer.write(utf8: text)
                writer.write(true)
            }
            writer.write(time)
            writer.write(isConnect)
            writer.write(utf8: client)
            writer.write(utf8: principal)
            writeOptional(members[sourceIp])
            if case .integer(let port) = members[sourcePort] { writer.write(port) } else { writer.write(Int64(-1)) }
            writeOptional(members[disconnectReason])
            return .entry(EncodedEntry(bytes: writer.bytes, clientHash: stableHash(client)))
        }
        var line: Line? = nil
        JSONParser.withSelectedScalars(bytes, members: entryMembers) { members in line = read(members) }
        return line
    }

    /// Whether `bytes` spell `text` (a few ASCII letters).
    @inline(__always)
    private static func same(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        guard let base = bytes.baseAddress else { return true }
        return memcmp(base, text.utf8Start, bytes.count) == 0
    }

    /// Reads one streamed log element: an entry (`.jsonl`) or an event whose `message` is the entry (`.json`).
    static func line(_ element: StreamedElement, wrapped: Bool, windowEnd: Int64) -> Line {
        let value: JSONValue
        switch element.value {
        case .failure(let problem): return .skipped(problem)
        case .success(let parsed): value = parsed
        }
        guard wrapped else { return line(value, at: element, windowEnd: windowEnd) }
        guard let message = value["message"]?.stringValue else {
            return .skipped(element.problem("the event has no message string"))
        }
        var utf8 = message
        if let line = utf8.withUTF8({ inPlace(UnsafeRawBufferPointer($0), windowEnd: windowEnd) }) { return line }
        switch JSONParser.parse(message) {
        case .success(let entry): return line(entry, at: element, windowEnd: windowEnd)
        case .failure(let error):
            return .skipped(element.problem("message is not JSON (at byte \(error.position)): \(error.reason)"))
        }
    }

    /// Reads one log entry; entries other than Connect and Disconnect are ignored.
    static func line(_ entry: JSONValue, at element: StreamedElement, windowEnd: Int64) -> Line {
        guard entry.objectValue != nil else {
            return .skipped(element.problem("the log entry is \(entry.typeName), not an object"))
        }
        guard let eventType = entry["eventType"]?.stringValue else {
            return .skipped(element.problem("the log entry has no eventType"))
        }
        guard eventType == "Connect" || eventType == "Disconnect" else { return .ignored }
        let isConnect = eventType == "Connect"
        // A failed Connect opens no session.
        if isConnect, let status = entry["status"]?.stringValue, status != "Success" { return .ignored }
        guard let timestamp = entry["timestamp"] else {
            return .skipped(element.problem("\(eventType) entry has no timestamp"))
        }
        guard let time = Self.time(timestamp) else {
            return .skipped(
                element.problem(
                    "\(eventType) entry: timestamp \(JSONWriter.compact(timestamp)) is not in a known format "
                        + "(YYYY-MM-DD HH:MM:SS.mmm in UTC, ISO 8601, or epoch milliseconds)"))
        }
        guard let client = entry["clientId"]?.stringValue, !client.isEmpty else {
            return .skipped(element.problem("\(eventType) entry has no clientId"))
        }
        guard let principal = entry["principalId"]?.stringValue, !principal.isEmpty else {
            return .skipped(element.problem("\(eventType) entry has no principalId"))
        }
        // Entries after the audit time are not yet in the audited period.
        guard time <= windowEnd else { return .ignored }
        var port: Int64 = -1
        if case .integer(let number)? = entry["sourcePort"] { port = number }
        return .entry(
            EncodedEntry(
                Entry(
                    time: time, isConnect: isConnect, client: client, principal: principal,
                    sourceIp: entry["sourceIp"]?.stringValue, sourcePort: port,
                    disconnectReason: entry["disconnectReason"]?.stringValue)))
    }

    /// The events of one client bucket, decoded into a log of their own.
    static func decode(_ records: [[UInt8]], windowStart: Int64, windowEnd: Int64) -> ConnectionLog {
        decode(windowStart: windowStart, windowEnd: windowEnd) { body in
            for record in records { record.withUnsafeBytes(body) }
        }
    }

    /// The events `forEachRecord` hands over (each record's bytes valid during its call),
    /// decoded into a log of their own. Strings are interned from their bytes: a
    /// client's ID and principal become `String`s once, not once an event.
    static func decode(
        windowStart: Int64, windowEnd: Int64, forEachRecord: ((UnsafeRawBufferPointer) -> Void) -> Void
    ) -> ConnectionLog {
        var log = ConnectionLog()
        log.windowStart = windowStart
        log.windowEnd = windowEnd
        forEachRecord { record in
            var reader = SpillRecordCursor(record)
            let order = reader.readInt()
            let time = reader.readInt()
            let isConnect = reader.readBool()
            let client = log.strings.intern(reader.readStringBytes())
            let principal = log.strings.intern(reader.readStringBytes())
            let ip = reader.readStringBytes()
            let sourceIp = reader.readBool() ? log.strings.intern(ip) : Self.noString
            let port = reader.readInt()
            let reason = reader.readStringBytes()
            let disconnectReason = reader.readBool() ? log.strings.intern(reason) : Self.noString
            log.events.append(
                Event(
                    time: time, order: Int(order), isConnect: isConnect, client: client, principal: principal,
                    sourceIp: sourceIp, sourcePort: port, disconnectReason: disconnectReason))
        }
        return log
    }

    /// `"2017-08-10 15:37:23.476"` (UTC), ISO 8601, or epoch seconds/milliseconds → epoch ms.
    static func time(_ value: JSONValue) -> Int64? {
        switch value {
        case .string(let text): return AuditTime(iso8601: text)?.millisecondsSinceEpoch
        case .integer, .real: return AuditTime(json: value)?.millisecondsSinceEpoch
        default: return nil
        }
    }

    /// The connection sessions, from Connect/Disconnect pairs in time order,
    /// that overlap the audit window, by start time.
    ///
    /// A Disconnect closes the open session with the same client id, principal,
    /// source address and port, else the latest open one with the same client id
    /// and principal; with none (its Connect is not in the logs) it is ignored. A
    /// second Connect of an open session's exact source closes the first at that
    /// moment (its Disconnect is missing); an exact repeat (same time) is a
    /// duplicated log line and ignored. Sessions still open end with the window.
    func sessions() -> [Session] {
        let duplicate = strings.lookup("DUPLICATE_CLIENTID") ?? Self.noString
        let ordered = events.sorted { ($0.time, $0.order) < ($1.time, $1.order) }
        var sessions: [Session] = []
        /// Open sessions: (client, principal) → indices into `sessions`.
        var open: [Int64: [Int]] = [:]
        for event in ordered {
            let pair = Int64(event.client) << 32 | Int64(UInt32(bitPattern: event.principal))
            var candidates = open[pair] ?? []
            let exact = candidates.lastIndex {
                sessions[$0].sourceIp == event.sourceIp && sessions[$0].sourcePort == event.sourcePort
            }
            if event.isConnect {
                if let exact {
                    let index = candidates[exact]
                    if sessions[index].start == event.time { continue }
                    sessions[index].end = event.time
                    candidates.remove(at: exact)
                }
                sessions.append(
                    Session(
                        client: event.client, principal: event.principal, sourceIp: event.sourceIp,
                        sourcePort: event.sourcePort, start: event.time,
                        end: nil, disconnectReason: Self.noString, endedByDuplicateClientId: false))
                candidates.append(sessions.count - 1)
            } else {
                guard let position = exact ?? candidates.indices.last else { continue }
                let index = candidates[position]
                sessions[index].end = event.time
                sessions[index].disconnectReason = event.disconnectReason
                sessions[index].endedByDuplicateClientId = event.disconnectReason == duplicate
                candidates.remove(at: position)
            }
            open[pair] = candidates
        }
        // Sessions are created in event order, so (start, creation) is a total
        // order that depends only on the events of each client.
        return sessions.indices
            .filter { sessions[$0].start < windowEnd && (sessions[$0].end ?? windowEnd) > windowStart }
            .sorted { (sessions[$0].start, $0) < (sessions[$1].start, $1) }
            .map { sessions[$0] }
    }

    /// For each of `sessions` (as `sessions()` orders them), the index of the
    /// connection that took its client ID over: when the broker ended it with
    /// `DUPLICATE_CLIENTID`, the next session of the same client ID, however
    /// long after the Disconnect its Connect was logged (AWS's own example
    /// findings show the new Connect up to seconds later); nil otherwise. The
    /// broker holds one session per client ID, so that next session is the
    /// connection that displaced it.
    func displacers(of sessions: [Session]) -> [Int?] {
        var result = [Int?](repeating: nil, count: sessions.count)
        var previous: [Int32: Int] = [:]
        for (index, session) in sessions.enumerated() {
            if let earlier = previous[session.client], sessions[earlier].endedByDuplicateClientId {
                result[earlier] = index
            }
            previous[session.client] = index
        }
        return result
    }

    /// The session's end for overlap tests: still-open sessions last to the window's end.
    func effectiveEnd(_ session: Session) -> Int64 { session.end ?? windowEnd }

    func string(_ id: Int32) -> String { id >= 0 ? strings.strings[Int(id)] : "" }

    /// `CONNECTION_TIME` and, when the session ended, `DISCONNECTION_TIME`, in epoch milliseconds.
    func times(_ session: Session) -> [(String, String)] {
        var info = [("CONNECTION_TIME", String(session.start))]
        if let end = session.end { info.append(("DISCONNECTION_TIME", String(end))) }
        return info
    }

    /// At most this many sessions are listed as related resources of one finding, newest first.
    static let relatedLimit = 100
}

/// Strings stored once and referred to by number.
struct StringTable {
    private(set) var strings: [String] = []
    /// Each string's UTF-8 bytes and hash, by id: what a lookup compares.
    private var utf8: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// Open addressing: an id, or -1 for an empty slot; a power of two, at most half full.
    private var slots = [Int32](repeating: -1, count: 16)

    /// The id of the string with these UTF-8 bytes (valid UTF-8: what
    /// `SpillRecordWriter` wrote from a `String`), added when new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            let id = Int(slots[slot])
            if hashes[id] == hash, Self.same(utf8[id], bytes) { return Int32(id) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = Int32(strings.count)
        strings.append(String(decoding: bytes, as: UTF8.self))
        utf8.append(Array(bytes))
        hashes.append(hash)
        slots[slot] = id
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    mutating func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    func lookup(_ text: String) -> Int32? {
        let bytes = Array(text.utf8)
        let hash = bytes.withUnsafeBytes { Self.hash($0) }
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            let id = Int(slots[slot])
            if hashes[id] == hash, utf8[id] == bytes { return Int32(id) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// A seeded hash of the table's own (ids do not depend on it, so the output
    /// does not either), eight bytes a step: a log event interns three or four
    /// strings, a 64-digit principal among them, and a byte-at-a-time hash was
    /// most of the cost. The seed is drawn once a run, so a snapshot cannot be
    /// made of strings that collide and turn the probing quadratic.
    static let seed = UInt64.random(in: .min ... .max)

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = seed ^ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* multiplier
            hash ^= hash >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* multiplier
        hash ^= hash >> 32
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        return hash ^ (hash >> 33)
    }

    private static func same(_ stored: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == bytes.count else { return false }
        return stored.withUnsafeBytes { storedBytes in
            guard let left = storedBytes.baseAddress, let right = bytes.baseAddress else { return true }
            return memcmp(left, right, bytes.count) == 0
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for id in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[id]) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(id)
        }
    }
}
