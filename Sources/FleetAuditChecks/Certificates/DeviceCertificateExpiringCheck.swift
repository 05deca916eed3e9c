import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// DEVICE_CERTIFICATE_EXPIRING_CHECK: an ACTIVE or PENDING_TRANSFER device
/// certificate has expired, or expires within `CERT_EXPIRATION_THRESHOLD_IN_DAYS`
/// (default 30) of the audit.
///
/// Rule (docs/checks.md): with `notAfter` read from `certificatePem`,
/// `CERTIFICATE_PAST_EXPIRATION` when notAfter < audit time (a certificate is
/// valid through its notAfter second), else `CERTIFICATE_APPROACHING_EXPIRATION`
/// when notAfter ≤ audit time + threshold days (exactly N days away counts).
/// The finding carries `EXPIRATION_TIME`, notAfter in epoch milliseconds.
public struct DeviceCertificateExpiringCheck: ResourceCheck, DeviceCertificateThresholdCheck {
    public init() {}

    public static let configurationKey = "CERT_EXPIRATION_THRESHOLD_IN_DAYS"
    public static let defaultThresholdDays: Int64 = 30
    static let threshold = CertificateThreshold.key(configurationKey, defaultDays: defaultThresholdDays)

    public static let description = CheckDescription(
        check: .deviceCertificateExpiring,
        severity: .medium,
        resourceType: .deviceCertificate,
        reasonCodes: [CertificateExpiry.approaching, CertificateExpiry.past],
        inputs: [.certificates, .auditConfiguration],
        summary: "An active device certificate has expired or expires within CERT_EXPIRATION_THRESHOLD_IN_DAYS "
            + "(default 30) days.",
        configurationKeys: [threshold],
        examples: DeviceCertificateExpiringCheck.examples)

    public func evaluate(_ resource: JSONValue, facts thresholdDays: Int64, context: AuditContext) -> ResourceVerdict {
        CertificateElement.evaluateInScope(resource) { element, certificate in
            CertificateExpiry.verdict(
                certificate, thresholdDays: thresholdDays, auditTime: context.auditTime,
                resource: AuditResource(.deviceCertificate, .deviceCertificateId(element.certificateId)))
        }
    }
}

/// The expiry rule shared by the device and CA certificate checks.
enum CertificateExpiry {
    static let approaching = "CERTIFICATE_APPROACHING_EXPIRATION"
    static let past = "CERTIFICATE_PAST_EXPIRATION"

    static func verdict(
        _ certificate: CertificateFields, thresholdDays: Int64, auditTime: AuditTime, resource: AuditResource
    ) -> ResourceVerdict {
        let notAfter = certificate.notAfter
        var resource = resource
        resource.additionalInfo = [("EXPIRATION_TIME", String(notAfter.millisecondsSinceEpoch))]
        func finding(_ reasonCode: String, _ reason: String) -> ResourceVerdict {
            .nonCompliant([FindingDraft(resource: resource, reasonCode: reasonCode, reason: reason)])
        }
        if notAfter < auditTime {
            return finding(
                past,
                "Certificate is past its expiration: it expired on \(notAfter.iso8601), "
                    + "\(notAfter.days(until: auditTime)) day(s) before the audit.")
        }
        if notAfter <= auditTime.adding(days: thresholdDays) {
            return finding(
                approaching,
                "Certificate is approaching its expiration: it expires on \(notAfter.iso8601), "
                    + "in \(auditTime.days(until: notAfter)) day(s) (threshold \(thresholdDays) days).")
        }
        return .compliant
    }
}
