import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// CA_CERTIFICATE_KEY_QUALITY_CHECK: the same tests on the registered CA certificates.
public struct CACertificateKeyQualityCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .caCertificateKeyQuality,
        severity: .critical,
        resourceType: .caCertificate,
        reasonCodes: [KeyQuality.roca, KeyQuality.debian],
        inputs: [.caCertificates],
        summary: "An active CA certificate has a ROCA (CVE-2017-15361) or Debian weak (CVE-2008-0166) RSA key.",
        examples: CACertificateKeyQualityCheck.examples)

    public static let resourceFile = SnapshotFile.caCertificates

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> KeyQuality.Facts {
        try KeyQuality.facts(context)
    }

    public func remarks(_ facts: KeyQuality.Facts) -> CheckRemarks { KeyQuality.remarks(facts) }

    public func evaluate(_ resource: JSONValue, facts: KeyQuality.Facts, context: AuditContext) -> ResourceVerdict {
        KeyQuality.evaluate(resource, facts: facts) { AuditResource(.caCertificate, .caCertificateId($0)) }
    }
}
