import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// DEVICE_CERTIFICATE_SHARED_CHECK: one device certificate was used by several
/// connections at the same time.
///
/// Rule (docs/checks.md): from the Connect/Disconnect entries of `iot-logs/`,
/// the connection sessions of each principal (a certificate id) that overlap
/// the 31 days before the audit; the certificate is non-compliant when two of
/// its sessions with different client IDs were open at the same time (half-open
/// intervals [connect, disconnect): back-to-back sessions do not overlap), or
/// when the broker dropped one of its sessions with `DUPLICATE_CLIENTID` because
/// the client ID's next connection, with the same certificate, took it over
/// (the shape of AWS's own example findings; source addresses play no part). Only
/// certificates ACTIVE or PENDING_TRANSFER in `certificates.json` are evaluated.
/// The finding lists the certificate's sessions, newest first, as `CLIENT_ID`
/// related resources with `CONNECTION_TIME` and `DISCONNECTION_TIME`.
public struct DeviceCertificateSharedCheck: ReducingCheck {
    public init() {}

    static let reasonCode = "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"

    public static let description = CheckDescription(
        check: .deviceCertificateShared,
        severity: .critical,
        resourceType: .deviceCertificate,
        reasonCodes: [reasonCode],
        inputs: [.certificates],
        inputDirectories: [.iotLogs],
        summary: "An active device certificate was used by two connections at the same time (two client IDs, or "
            + "one client ID taken over by a second connection) in the 31 days before the audit.",
        examples: DeviceCertificateSharedCheck.examples)

    public static let resourceFile = SnapshotFile.certificates
    public static let resourceMembers: [String]? = CertificateElement.members

    /// The connection logs, partitioned by certificate (shared with CONFLICTING_CLIENT_IDS_CHECK).
    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> ConnectionLogFacts {
        ConnectionLogFacts(partitions: try ConnectionLogPartitions.shared(context))
    }

    public func needsElements(_ facts: ConnectionLogFacts) -> Bool { facts.partitions.certificateSessions > 0 }

    /// The id of an in-scope certificate (statuses are what the join needs from `certificates.json`).
    public func contribution(of element: StreamedElement, facts: ConnectionLogFacts, context: AuditContext)
        -> CertificateKey?
    {
        guard case .success(let value) = element.value, let id = value["certificateId"]?.stringValue,
            let status = value["status"]?.stringValue, CertificateElement.scopeStatuses.contains(status)
        else { return nil }
        return CertificateKey(hex: id)
    }

    public func makeAccumulator(_ facts: ConnectionLogFacts, context: AuditContext) -> SpillBuckets {
        SpillBuckets(name: "certificates-in-scope", like: facts.partitions.byCertificate, resources: context.resources)
    }

    public func fold(_ contribution: CertificateKey?, into accumulator: inout SpillBuckets, reporter: CheckReporter) {
        guard let key = contribution else { return }
        accumulator.append(key.bytes, hash: key.stableHash)
    }

    /// Joins each certificate bucket's sessions with its in-scope certificates
    /// on the workers; reports in bucket order, then by the certificate's hash.
    public func finish(
        _ inScope: SpillBuckets, facts: ConnectionLogFacts, context: AuditContext, reporter: CheckReporter
    ) throws(SnapshotProblem) {
        let partitions = facts.partitions
        inScope.finishWriting()
        reporter.remarks(partitions.remarks)
        let resources = context.resources
        Parallel.orderedForEach(
            count: partitions.byCertificate.count, workers: resources.workers, window: resources.workers * 8
        ) { bucket -> [ResourceVerdict] in
            guard let sessionRecords = partitions.byCertificate.records(bucket),
                let keyRecords = inScope.records(bucket)
            else { return [] }
            let active = Set(keyRecords.map { CertificateKey(bytes: $0) })
            var byCertificate: [CertificateKey: [CertificateSession]] = [:]
            for record in sessionRecords {
                let session = CertificateSession(decoding: record)
                guard active.contains(session.certificate) else { continue }
                byCertificate[session.certificate, default: []].append(session)
            }
            let keys = byCertificate.keys.sorted {
                $0.stableHash != $1.stableHash ? $0.stableHash < $1.stableHash : $0 < $1
            }
            return keys.compactMap { key in
                byCertificate[key].map { verdict(key, $0.sorted(by: <), windowEnd: partitions.windowEnd) }
            }
        } consume: { _, verdicts in
            for verdict in verdicts { reporter.resource(verdict) }
        }
        if let problem = resources.abortProblem { throw problem }
    }

    func verdict(_ key: CertificateKey, _ sessions: [CertificateSession], windowEnd: Int64) -> ResourceVerdict {
        // Sweep by start time: a session that starts while another of a different client is open.
        var active: [CertificateSession] = []
        var overlap: (CertificateSession, CertificateSession)? = nil
        for session in sessions {
            active.removeAll { ($0.end ?? windowEnd) <= session.start }
            if overlap == nil, let other = active.first(where: { $0.client != session.client }) {
                overlap = (other, session)
            }
            active.append(session)
        }
        let what: String
        if let (first, second) = overlap {
            what =
                "client IDs \(first.client) and \(second.client) were connected with it at the same time "
                + "(\(AuditTime(millisecondsSinceEpoch: second.start).iso8601))"
        } else if let dropped = sessions.first(where: \.takenOverWithSameCertificate), let end = dropped.end {
            // The broker dropped a connection because a second connection with this
            // certificate claimed its client ID: two connections at once, from one
            // address or two (devices behind one NAT share an address).
            what =
                "the broker dropped its connection with client ID \(dropped.client) with DUPLICATE_CLIENTID "
                + "(\(AuditTime(millisecondsSinceEpoch: end).iso8601)) when another connection with this "
                + "certificate took the client ID over"
        } else {
            return .compliant
        }
        let clients = Set(sessions.map(\.client)).count
        let listed = sessions.reversed().prefix(ConnectionLog.relatedLimit)
        let related = listed.map { session in
            var info = [("CONNECTION_TIME", String(session.start))]
            if let end = session.end { info.append(("DISCONNECTION_TIME", String(end))) }
            return AuditResource(.clientId, .clientId(session.client), additionalInfo: info)
        }
        let more = sessions.count > listed.count ? " (the \(listed.count) newest are listed)" : ""
        return .nonCompliant([
            FindingDraft(
                resource: AuditResource(.deviceCertificate, .deviceCertificateId(key.hex)), relatedResources: related,
                reasonCode: Self.reasonCode,
                reason: "Certificate shared by one or more devices: \(what); \(sessions.count) session(s) by "
                    + "\(clients) client ID(s) in the \(ConnectionLog.windowDays) days before the audit\(more).")
        ])
    }
}

/// What DEVICE_CERTIFICATE_SHARED_CHECK gathers before `certificates.json` is read.
public struct ConnectionLogFacts: Sendable {
    let partitions: ConnectionLogPartitions
}
