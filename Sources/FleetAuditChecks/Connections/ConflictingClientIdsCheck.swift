import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// CONFLICTING_CLIENT_IDS_CHECK: several devices connect with the same MQTT
/// client ID, each new connection dropping the one before.
///
/// Rule (docs/checks.md): from the Connect/Disconnect entries of `iot-logs/`,
/// the sessions of each client ID that overlap the 31 days before the audit.
/// A connection source is a (principal, source IP) pair. The client ID is
/// non-compliant when two of its sessions from different sources were open at
/// the same time (a session the broker ended with `DUPLICATE_CLIENTID` counts
/// as open through its disconnection), or when the broker dropped one of its
/// sessions with `DUPLICATE_CLIENTID` and a next session of the client ID took
/// it over, from any source. The finding lists the client's sessions, newest
/// first.
public struct ConflictingClientIdsCheck: AggregatingCheck {
    public init() {}

    static let reasonCode = "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS"

    public static let description = CheckDescription(
        check: .conflictingClientIds,
        severity: .high,
        resourceType: .clientId,
        reasonCodes: [reasonCode],
        inputs: [],
        inputDirectories: [.iotLogs],
        summary: "Connections from different principals or addresses used the same client ID at the same time "
            + "in the 31 days before the audit.",
        examples: ConflictingClientIdsCheck.examples)

    /// Evaluates the client buckets of the run's partitioned logs on the
    /// workers, and reports in bucket order, then by the client ID's hash.
    public func run(_ context: AuditContext, reporter: CheckReporter) throws(SnapshotProblem) {
        let partitions = try ConnectionLogPartitions.shared(context)
        reporter.remarks(partitions.remarks)
        let resources = context.resources
        Parallel.orderedForEach(
            count: partitions.byClient.count, workers: resources.workers, window: resources.workers * 8
        ) { bucket -> [ResourceVerdict] in
            // Phase 2 of the partitions found no conflict in this bucket: its clients are
            // compliant, and their events need not be decoded and paired a second time.
            if let clients = partitions.conflictFreeClients[bucket] {
                return [ResourceVerdict](repeating: .compliant, count: clients)
            }
            guard let log = partitions.clientLog(bucket) else { return [] }
            let byClient = Self.sessionsByClient(log.sessions())
            let clients = byClient.keys.map { id in
                let text = log.string(id)
                return (id: id, text: text, hash: stableHash(text.utf8))
            }.sorted {
                $0.hash != $1.hash ? $0.hash < $1.hash : $0.text.utf8.lexicographicallyPrecedes($1.text.utf8)
            }
            return clients.compactMap { client in byClient[client.id].map { verdict(client.id, $0, log) } }
        } consume: { _, verdicts in
            for verdict in verdicts { reporter.resource(verdict) }
        }
        if let problem = resources.abortProblem { throw problem }
    }

    /// A client bucket's sessions, by client ID: each client's sessions in `sessions()` order.
    static func sessionsByClient(_ sessions: [ConnectionLog.Session]) -> [Int32: [ConnectionLog.Session]] {
        var byClient: [Int32: [ConnectionLog.Session]] = [:]
        for session in sessions { byClient[session.client, default: []].append(session) }
        return byClient
    }

    /// Why a client ID is non-compliant, from its sessions in `sessions()` order.
    enum Conflict {
        /// Two sessions from different sources open at once: the earlier one and the one that joined it.
        case overlap(ConnectionLog.Session, ConnectionLog.Session)
        /// A session dropped with DUPLICATE_CLIENTID and the next session that took the client ID over.
        case takeover(dropped: ConnectionLog.Session, taker: ConnectionLog.Session)
    }

    /// The rule of the check (see the type's notes), without the finding's text:
    /// what phase 2 of the partitions uses to tell which buckets need it.
    static func conflict(_ sessions: [ConnectionLog.Session], _ log: ConnectionLog) -> Conflict? {
        func end(_ session: ConnectionLog.Session) -> Int64 {
            log.effectiveEnd(session) + (session.endedByDuplicateClientId ? 1 : 0)
        }
        var active: [ConnectionLog.Session] = []
        for session in sessions {
            active.removeAll { end($0) <= session.start }
            if let other = active.first(where: {
                $0.principal != session.principal || $0.sourceIp != session.sourceIp
            }) {
                return .overlap(other, session)
            }
            active.append(session)
        }
        // A connection the broker dropped with DUPLICATE_CLIENTID was knocked off by
        // the client's next connection, from whichever device or address: AWS counts
        // every such knock-off (its page names a device with a bad connection among
        // the causes), and two devices behind one NAT address look like one source.
        let displacers = log.displacers(of: sessions)
        if let index = displacers.indices.first(where: { displacers[$0] != nil }), let next = displacers[index] {
            return .takeover(dropped: sessions[index], taker: sessions[next])
        }
        return nil
    }

    func verdict(_ client: Int32, _ sessions: [ConnectionLog.Session], _ log: ConnectionLog) -> ResourceVerdict {
        func source(_ session: ConnectionLog.Session) -> String {
            let ip = log.string(session.sourceIp)
            return "principal \(log.string(session.principal))" + (ip.isEmpty ? "" : " from \(ip)")
        }
        let what: String
        switch Self.conflict(sessions, log) {
        case nil:
            return .compliant
        case .overlap(let first, let second):
            what =
                "Client ID used by different devices at the same time: \(source(first)) and "
                + "\(source(second)) (\(AuditTime(millisecondsSinceEpoch: second.start).iso8601))"
        case .takeover(let dropped, let taker):
            what =
                "Client ID taken over by another connection: the connection of \(source(dropped)) was dropped "
                + "with DUPLICATE_CLIENTID "
                + "(\(AuditTime(millisecondsSinceEpoch: log.effectiveEnd(dropped)).iso8601)) and "
                + "\(source(taker)) connected (\(AuditTime(millisecondsSinceEpoch: taker.start).iso8601))"
        }
        let listed = sessions.reversed().prefix(ConnectionLog.relatedLimit)
        let related = listed.map { session -> AuditResource in
            var info = log.times(session)
            if session.sourceIp >= 0 { info.append(("SOURCE_IP", log.string(session.sourceIp))) }
            if session.disconnectReason >= 0 {
                info.append(("DISCONNECT_REASON", log.string(session.disconnectReason)))
            }
            let principal = log.string(session.principal)
            if let key = CertificateKey(hex: principal) {
                return AuditResource(.deviceCertificate, .deviceCertificateId(key.hex), additionalInfo: info)
            }
            return AuditResource(
                .clientId, .clientId(log.string(session.client)), additionalInfo: [("PRINCIPAL_ID", principal)] + info)
        }
        let duplicates = sessions.filter(\.endedByDuplicateClientId).count
        let more = sessions.count > listed.count ? " (the \(listed.count) newest are listed)" : ""
        return .nonCompliant([
            FindingDraft(
                resource: AuditResource(.clientId, .clientId(log.string(client))), relatedResources: related,
                reasonCode: Self.reasonCode,
                reason: "\(what); \(sessions.count) session(s), \(duplicates) ended by DUPLICATE_CLIENTID, in the "
                    + "\(ConnectionLog.windowDays) days before the audit\(more).")
        ])
    }
}
