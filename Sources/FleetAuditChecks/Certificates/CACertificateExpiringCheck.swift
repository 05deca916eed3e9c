import FleetAuditCore
import FleetAuditJSON

/// CA_CERTIFICATE_EXPIRING_CHECK: an ACTIVE or PENDING_TRANSFER CA certificate
/// registered in AWS IoT has expired or expires within 30 days of the audit.
///
/// Same rule as DEVICE_CERTIFICATE_EXPIRING_CHECK with the window fixed at 30
/// days: the API has no configuration key for the CA check (docs/checks.md).
public struct CACertificateExpiringCheck: ResourceCheck {
    public init() {}

    public static let thresholdDays: Int64 = 30

    public static let description = CheckDescription(
        name: "CA_CERTIFICATE_EXPIRING_CHECK",
        aliases: ["CA_CERT_APPROACHING_EXPIRATION_CHECK"],
        severity: .medium,
        resourceType: .caCertificate,
        reasonCodes: [CertificateExpiry.approaching, CertificateExpiry.past],
        inputs: [.caCertificates],
        summary: "An active CA certificate has expired or expires within 30 days.",
        examples: CACertificateExpiringCheck.examples)

    public static let resourceFile = SnapshotFile.caCertificates

    public func evaluate(_ resource: JSONValue, facts: Void, context: AuditContext) -> ResourceVerdict {
        let element: CertificateElement
        switch CertificateElement.read(resource) {
        case .success(let read): element = read
        case .failure(let problem): return .notEvaluable(problem.reason)
        }
        guard element.isInScope else { return .outOfScope }
        switch element.decode() {
        case .failure(let problem): return .notEvaluable(problem.reason)
        case .success(let certificate):
            return CertificateExpiry.verdict(
                certificate, thresholdDays: Self.thresholdDays, auditTime: context.auditTime,
                resource: AuditResource(.caCertificate, .caCertificateId(element.certificateId)))
        }
    }
}
