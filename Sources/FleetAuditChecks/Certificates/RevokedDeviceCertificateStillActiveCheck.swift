import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: a device certificate is ACTIVE
/// (or PENDING_TRANSFER) in AWS IoT although its issuer has revoked it.
///
/// Rule (docs/checks.md): the certificate's serial number is in a CRL of
/// `crls/` whose issuer is the certificate's issuer (name, and key identifier
/// when both name one) and whose signature verifies with that CA's key (the CA
/// registered, or in `ca-chain/`). Without a usable CRL of its issuer the
/// certificate is not evaluable when it names a CRL distribution point, and
/// compliant when it names none.
public struct RevokedDeviceCertificateStillActiveCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .revokedDeviceCertificateStillActive,
        severity: .medium,
        resourceType: .deviceCertificate,
        reasonCodes: [RevocationRule.reasonCode],
        inputs: [.certificates, .caCertificates],
        inputDirectories: [.crls, .caChain],
        summary: "An active device certificate is listed in its issuer's certificate revocation list.",
        examples: RevokedDeviceCertificateStillActiveCheck.examples)

    public static let resourceFile = SnapshotFile.certificates
    public static let resourceMembers: [String]? = CertificateElement.members

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> CertificateAuthorities {
        CertificateAuthorities(index: try CertificateAuthorityIndex.build(context))
    }

    public func remarks(_ facts: CertificateAuthorities) -> CheckRemarks { facts.index.remarks }

    public func evaluate(_ resource: JSONValue, facts: CertificateAuthorities, context: AuditContext)
        -> ResourceVerdict
    {
        RevocationRule.evaluate(resource, index: facts.index, caCertificates: false)
    }
}
