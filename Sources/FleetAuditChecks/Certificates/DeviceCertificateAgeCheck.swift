import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// DEVICE_CERTIFICATE_AGE_CHECK: an ACTIVE or PENDING_TRANSFER device
/// certificate has been in use for `CERT_AGE_THRESHOLD_IN_DAYS` (default 365)
/// days or more.
///
/// Rule (docs/checks.md): age = audit time − the certificate's registration
/// (`creationDate`), or its X.509 notBefore with `--cert-age-from not-before`;
/// `CERTIFICATE_PAST_AGE_THRESHOLD` when age ≥ threshold days (exactly N days
/// counts, as the Developer Guide's "greater than or equal" says).
public struct DeviceCertificateAgeCheck: ResourceCheck, DeviceCertificateThresholdCheck {
    public init() {}

    public static let configurationKey = "CERT_AGE_THRESHOLD_IN_DAYS"
    public static let defaultThresholdDays: Int64 = 365
    static let threshold = CertificateThreshold.key(configurationKey, defaultDays: defaultThresholdDays)
    static let reasonCode = "CERTIFICATE_PAST_AGE_THRESHOLD"

    public static let description = CheckDescription(
        check: .deviceCertificateAge,
        severity: .low,
        resourceType: .deviceCertificate,
        reasonCodes: [reasonCode],
        inputs: [.certificates, .auditConfiguration],
        summary: "An active device certificate is CERT_AGE_THRESHOLD_IN_DAYS (default 365) days old or older.",
        configurationKeys: [threshold],
        examples: DeviceCertificateAgeCheck.examples)

    public func evaluate(_ resource: JSONValue, facts thresholdDays: Int64, context: AuditContext) -> ResourceVerdict {
        CertificateElement.evaluateInScope(resource) { element, certificate in
            let notBefore = certificate.notBefore
            let origin: AuditTime
            let originName: String
            switch context.settings.certificateAgeOrigin {
            case .creationDate:
                guard let created = element.creationDate else {
                    return .notEvaluable("certificate \(element.certificateId): no creationDate (its registration)")
                }
                origin = created
                originName = "registered"
            case .notBefore:
                origin = notBefore
                originName = "valid from (notBefore)"
            }
            guard origin <= context.auditTime.adding(days: -thresholdDays) else { return .compliant }
            let days = origin.days(until: context.auditTime)
            return .nonCompliant([
                FindingDraft(
                    resource: AuditResource(.deviceCertificate, .deviceCertificateId(element.certificateId)),
                    reasonCode: Self.reasonCode,
                    reason: "Certificate is \(days) day(s) old (\(originName) \(origin.iso8601)), at or past the "
                        + "threshold of \(thresholdDays) days.")
            ])
        }
    }
}
