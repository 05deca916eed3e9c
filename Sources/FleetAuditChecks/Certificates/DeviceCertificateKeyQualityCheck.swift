import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// DEVICE_CERTIFICATE_KEY_QUALITY_CHECK: an ACTIVE or PENDING_TRANSFER device
/// certificate has a key known to be weak.
///
/// Rule (docs/checks.md), on the key read from `certificatePem`:
/// `CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361` when an RSA modulus has the
/// ROCA fingerprint; `CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166` when an RSA
/// modulus is in the Debian weak-key blacklist of its size
/// (`--weak-key-blacklist DIR`, openssl-blacklist format). EC, DSA and EdDSA
/// keys are subject to neither test; a key of an algorithm the audit does not
/// model is not evaluable.
public struct DeviceCertificateKeyQualityCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .deviceCertificateKeyQuality,
        severity: .critical,
        resourceType: .deviceCertificate,
        reasonCodes: [KeyQuality.roca, KeyQuality.debian],
        inputs: [.certificates],
        summary: "An active device certificate has a ROCA (CVE-2017-15361) or Debian weak (CVE-2008-0166) RSA key.",
        examples: DeviceCertificateKeyQualityCheck.examples)

    public static let resourceFile = SnapshotFile.certificates
    public static let resourceMembers: [String]? = CertificateElement.members

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> KeyQuality.Facts {
        try KeyQuality.facts(context)
    }

    public func remarks(_ facts: KeyQuality.Facts) -> CheckRemarks { KeyQuality.remarks(facts) }

    public func evaluate(_ resource: JSONValue, facts: KeyQuality.Facts, context: AuditContext) -> ResourceVerdict {
        KeyQuality.evaluate(resource, facts: facts) { AuditResource(.deviceCertificate, .deviceCertificateId($0)) }
    }
}
