import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// The connection logs of a run, read once for both connection checks and
/// partitioned so that each check works one partition at a time, within the
/// memory budget, whatever the size of the fleet.
///
/// 1. Every log file is streamed (elements parsed on the workers); each
///    Connect/Disconnect entry becomes a compact record in the bucket of its
///    client ID (a stable hash), with its place in the input (file, line).
/// 2. Each client bucket is turned into sessions on the workers (all events of
///    a client, hence of each client/principal pair, are in one bucket); the
///    sessions of device certificates are written to the bucket of their
///    certificate id, and a bucket whose clients all pass
///    CONFLICTING_CLIENT_IDS_CHECK's rule is noted by its client count.
/// CONFLICTING_CLIENT_IDS_CHECK then evaluates the other client buckets, and
/// DEVICE_CERTIFICATE_SHARED_CHECK joins certificate buckets with the
/// certificates' statuses. Both report in bucket order, which is hash order,
/// so the output is the same whether or not the buckets spilled to disk and
/// whatever their number.
struct ConnectionLogPartitions: Sendable {
    let byClient: SpillBuckets
    let byCertificate: SpillBuckets
    /// Log lines that could not be used: the first few, and how many more.
    let remarks: CheckRemarks
    let windowStart: Int64
    let windowEnd: Int64
    /// How many certificate sessions were written (none: nothing to join).
    let certificateSessions: Int
    /// For each client bucket, how many client IDs it holds when none of them is
    /// non-compliant for CONFLICTING_CLIENT_IDS_CHECK, found while phase 2 pairs
    /// the bucket's events anyway; nil when the check must evaluate the bucket
    /// (a conflict, or a bucket that could not be read). One number a bucket, so
    /// memory stays bounded.
    let conflictFreeClients: [Int?]

    /// The run's partitions, built by the first check that asks.
    static func shared(_ context: AuditContext) throws(SnapshotProblem) -> ConnectionLogPartitions {
        try context.resources.shared("connection-log-partitions") { () throws(SnapshotProblem) in
            try build(context)
        }
    }

    static let listedSkips = 20

    private static func build(_ context: AuditContext) throws(SnapshotProblem) -> ConnectionLogPartitions {
        let resources = context.resources
        let windowEnd = context.auditTime.millisecondsSinceEpoch
        let windowStart = context.auditTime.adding(days: -ConnectionLog.windowDays).millisecondsSinceEpoch
        let files = try context.snapshot.files(in: .iotLogs).get()
        let totalBytes = files.reduce(Int64(0)) { $0 + (FileSystem.size($1.path) ?? 0) }
        let byClient = SpillBuckets(name: "log-events", expectedBytes: totalBytes / 2, resources: resources)
        var skipped: [SnapshotProblem] = []
        var unlisted = 0
        func skip(_ problem: SnapshotProblem) {
            if skipped.count < listedSkips { skipped.append(problem) } else { unlisted += 1 }
        }
        for (fileNumber, file) in files.enumerated() {
            let wrapped: Bool
            let stream: SnapshotStream
            if file.name.hasSuffix(".jsonl") {
                wrapped = false
                stream = SnapshotStream(
                    name: file.name, path: file.path, form: .lines, arrayKey: "", progress: resources.progress)
            } else if file.name.hasSuffix(".json") {
                wrapped = true
                stream = SnapshotStream(
                    name: file.name, path: file.path, form: .object, arrayKey: "events", progress: resources.progress)
            } else {
                skip(SnapshotProblem(file: file.name, reason: "not a .jsonl or .json log file; ignored"))
                continue
            }
            resources.progress?.begin("connection logs")
            try stream.forEachParallel(workers: resources.workers) { raw in
                ConnectionLog.line(raw, of: stream, wrapped: wrapped, windowEnd: windowEnd)
            } consume: { line, location in
                // Appended by the one coordinating thread: appended from the workers, the
                // bucket lock was contended on every line (futex wake-ups in the profile of
                // a two-worker run). The order number (file, then line) is what
                // `ConnectionLog.sessions` sorts by.
                switch line {
                case .ignored: break
                case .skipped(let problem): skip(problem)
                case .entry(let entry):
                    let order = Int64(fileNumber) << 40 | Int64(location.elementIndex ?? 0)
                    byClient.append(entry.bytes, prefixedBy: order, hash: entry.clientHash)
                }
            }
            if let problem = resources.abortProblem { throw problem }
        }

        byClient.finishWriting()
        let byCertificate = SpillBuckets(
            name: "certificate-sessions", expectedBytes: totalBytes / 4, resources: resources)
        let buckets = Parallel.map(count: byClient.count, workers: resources.workers) {
            bucket -> (sessions: Int, conflictFreeClients: Int?) in
            var read = true
            let log = ConnectionLog.decode(windowStart: windowStart, windowEnd: windowEnd) { body in
                read = byClient.forEachRecord(bucket, body)
            }
            guard read else { return (0, nil) }
            var sessionRecords: [(record: [UInt8], hash: UInt64)] = []
            let sessions = log.sessions()
            let clients = ConflictingClientIdsCheck.sessionsByClient(sessions)
            let conflictFree = clients.values.allSatisfy { ConflictingClientIdsCheck.conflict($0, log) == nil }
            let displacers = log.displacers(of: sessions)
            // Each distinct principal read as a certificate id once, not once a session.
            var keys: [Int32: CertificateKey?] = [:]
            func certificateKey(_ principal: Int32) -> CertificateKey? {
                if let known = keys[principal] { return known }
                let parsed = CertificateKey(hex: log.string(principal))
                keys[principal] = parsed
                return parsed
            }
            for (index, session) in sessions.enumerated() {
                guard let key = certificateKey(session.principal) else { continue }
                // Taken over by a connection with the same certificate: both were connected at once.
                let takenOver = displacers[index].map { certificateKey(sessions[$0].principal) == key }
                let record = CertificateSession(
                    certificate: key, client: log.string(session.client), start: session.start, end: session.end,
                    takenOverWithSameCertificate: takenOver ?? false)
                sessionRecords.append((record.encoded(), key.stableHash))
            }
            byCertificate.append(contentsOf: sessionRecords)
            return (sessionRecords.count, conflictFree ? clients.count : nil)
        }
        byCertificate.finishWriting()
        if let problem = resources.abortProblem { throw problem }
        return ConnectionLogPartitions(
            byClient: byClient, byCertificate: byCertificate,
            remarks: CheckRemarks(skippedInputs: skipped, unlistedSkippedCount: unlisted), windowStart: windowStart,
            windowEnd: windowEnd, certificateSessions: buckets.reduce(0) { $0 + $1.sessions },
            conflictFreeClients: buckets.map(\.conflictFreeClients))
    }

    /// The client bucket decoded into its sessions.
    func clientLog(_ bucket: Int) -> ConnectionLog? {
        var read = true
        let log = ConnectionLog.decode(windowStart: windowStart, windowEnd: windowEnd) { body in
            read = byClient.forEachRecord(bucket, body)
        }
        return read ? log : nil
    }
}

/// One connection session of a device certificate, as DEVICE_CERTIFICATE_SHARED_CHECK needs it.
struct CertificateSession: Sendable, Hashable {
    var certificate: CertificateKey
    var client: String
    var start: Int64
    /// nil: still connected when the logs end.
    var end: Int64?
    /// The broker ended it with `DUPLICATE_CLIENTID` when the client ID's next
    /// connection, with this same certificate, took the client ID over.
    var takenOverWithSameCertificate: Bool

    func encoded() -> [UInt8] {
        var writer = SpillRecordWriter()
        for word in certificate.bigEndianWords { writer.write(Int64(bitPattern: word)) }
        writer.write(client)
        writer.write(start)
        writer.write(end != nil)
        writer.write(end ?? 0)
        writer.write(takenOverWithSameCertificate)
        return writer.bytes
    }

    init(certificate: CertificateKey, client: String, start: Int64, end: Int64?, takenOverWithSameCertificate: Bool) {
        self.certificate = certificate
        self.client = client
        self.start = start
        self.end = end
        self.takenOverWithSameCertificate = takenOverWithSameCertificate
    }

    init(decoding record: [UInt8]) {
        var reader = SpillRecordReader(record)
        let words = (0..<4).map { _ in UInt64(bitPattern: reader.readInt()) }
        certificate = CertificateKey(bigEndianWords: words)
        client = reader.readString()
        start = reader.readInt()
        let ended = reader.readBool()
        let end = reader.readInt()
        self.end = ended ? end : nil
        takenOverWithSameCertificate = reader.readBool()
    }

    /// The order of a certificate's sessions: by start, then the rest, so that
    /// sessions appended from several workers always come out the same way.
    static func < (lhs: CertificateSession, rhs: CertificateSession) -> Bool {
        if lhs.start != rhs.start { return lhs.start < rhs.start }
        if lhs.client != rhs.client { return lhs.client.utf8.lexicographicallyPrecedes(rhs.client.utf8) }
        return (lhs.end ?? Int64.max) < (rhs.end ?? Int64.max)
    }
}
