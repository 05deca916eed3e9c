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
        check: .caCertificateExpiring,
        severity: .medium,
        resourceType: .caCertificate,
        reasonCodes: [CertificateExpiry.approaching, CertificateExpiry.past],
        inputs: [.caCertificates],
        summary: "An active CA certificate has expired or expires within 30 days.",
        examples: CACertificateExpiringCheck.examples)

    public static let resourceFile = SnapshotFile.caCertificates

    public func evaluate(_ resource: JSONValue, facts: Void, context: AuditContext) -> ResourceVerdict {
        CertificateElement.evaluateInScope(resource) { element, certificate in
            CertificateExpiry.verdict(
                certificate, thresholdDays: Self.thresholdDays, auditTime: context.auditTime,
                resource: AuditResource(.caCertificate, .caCertificateId(element.certificateId)))
        }
    }
}
