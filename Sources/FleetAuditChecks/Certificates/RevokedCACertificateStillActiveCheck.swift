import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK: a CA certificate registered in
/// AWS IoT is ACTIVE although its own issuer has revoked it. Same rule; a
/// self-issued (root) CA has no issuer that could revoke it.
public struct RevokedCACertificateStillActiveCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .revokedCACertificateStillActive,
        severity: .critical,
        resourceType: .caCertificate,
        reasonCodes: [RevocationRule.reasonCode],
        inputs: [.caCertificates],
        inputDirectories: [.crls, .caChain],
        summary: "An active CA certificate is listed in its issuer's certificate revocation list.",
        examples: RevokedCACertificateStillActiveCheck.examples)

    public static let resourceFile = SnapshotFile.caCertificates

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> CertificateAuthorities {
        CertificateAuthorities(index: try CertificateAuthorityIndex.build(context, reportRegisteredProblems: false))
    }

    public func remarks(_ facts: CertificateAuthorities) -> CheckRemarks { facts.index.remarks }

    public func evaluate(_ resource: JSONValue, facts: CertificateAuthorities, context: AuditContext)
        -> ResourceVerdict
    {
        RevocationRule.evaluate(resource, index: facts.index, caCertificates: true)
    }
}
