import FleetAuditCore
import FleetAuditJSON

/// DEVICE_CERTIFICATE_SHARED_CHECK: one device certificate was used by several
/// connections at the same time.
///
/// Rule (docs/checks.md): from the Connect/Disconnect entries of `iot-logs/`,
/// the connection sessions of each principal (a certificate id) that overlap
/// the 31 days before the audit; the certificate is non-compliant when two of
/// its sessions with different client IDs were open at the same time (half-open
/// intervals [connect, disconnect): back-to-back sessions do not overlap). Only
/// certificates ACTIVE or PENDING_TRANSFER in `certificates.json` are evaluated.
/// The finding lists the certificate's sessions, newest first, as `CLIENT_ID`
/// related resources with `CONNECTION_TIME` and `DISCONNECTION_TIME`.
public struct DeviceCertificateSharedCheck: AggregatingCheck {
    public init() {}

    static let reasonCode = "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"

    public static let description = CheckDescription(
        name: "DEVICE_CERTIFICATE_SHARED_CHECK",
        severity: .critical,
        resourceType: .deviceCertificate,
        reasonCodes: [reasonCode],
        inputs: [.certificates],
        inputDirectories: [.iotLogs],
        summary: "An active device certificate was used by connections with different client IDs at the same time "
            + "in the 31 days before the audit.",
        examples: DeviceCertificateSharedCheck.examples)

    public func run(_ context: AuditContext, reporter: CheckReporter) throws(SnapshotProblem) {
        let log = try ConnectionLog.read(context, reporter: reporter)
        var byCertificate: [CertificateKey: [ConnectionLog.Session]] = [:]
        var order: [CertificateKey] = []
        for session in log.sessions() {
            guard let key = CertificateKey(hex: log.string(session.principal)) else { continue }
            if byCertificate[key] == nil { order.append(key) }
            byCertificate[key, default: []].append(session)
        }
        // Statuses of the certificates the logs name, and nothing else.
        var statuses: [CertificateKey: String] = [:]
        try SnapshotElements.forEach(.certificates, in: context.snapshot) { element throws(SnapshotProblem) in
            guard case .success(let value) = element.value, let id = value["certificateId"]?.stringValue,
                let key = CertificateKey(hex: id), byCertificate[key] != nil, let status = value["status"]?.stringValue
            else { return }
            statuses[key] = status
        }
        for key in order {
            guard let status = statuses[key], CertificateElement.scopeStatuses.contains(status),
                let sessions = byCertificate[key]
            else { continue }
            reporter.resource(verdict(key, sessions, log))
        }
    }

    func verdict(_ key: CertificateKey, _ sessions: [ConnectionLog.Session], _ log: ConnectionLog)
        -> ResourceVerdict
    {
        // Sweep by start time: a session that starts while another of a different client is open.
        var active: [ConnectionLog.Session] = []
        var overlap: (ConnectionLog.Session, ConnectionLog.Session)? = nil
        for session in sessions {
            active.removeAll { log.effectiveEnd($0) <= session.start }
            if overlap == nil, let other = active.first(where: { $0.client != session.client }) {
                overlap = (other, session)
            }
            active.append(session)
        }
        guard let (first, second) = overlap else { return .compliant }
        let clients = Set(sessions.map(\.client)).count
        let listed = sessions.reversed().prefix(ConnectionLog.relatedLimit)
        let related = listed.map { session in
            AuditResource(.clientId, .clientId(log.string(session.client)), additionalInfo: log.times(session))
        }
        let more = sessions.count > listed.count ? " (the \(listed.count) newest are listed)" : ""
        return .nonCompliant([
            FindingDraft(
                resource: AuditResource(.deviceCertificate, .deviceCertificateId(key.hex)), relatedResources: related,
                reasonCode: Self.reasonCode,
                reason: "Certificate shared by one or more devices: client IDs \(log.string(first.client)) and "
                    + "\(log.string(second.client)) were connected with it at the same time "
                    + "(\(AuditTime(millisecondsSinceEpoch: second.start).iso8601)); \(sessions.count) session(s) by "
                    + "\(clients) client ID(s) in the \(ConnectionLog.windowDays) days before the audit\(more).")
        ])
    }
}
