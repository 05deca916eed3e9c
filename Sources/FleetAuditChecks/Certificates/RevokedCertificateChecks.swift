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

    static let reasonCode = "CERTIFICATE_REVOKED_BY_ISSUER"

    public static let description = CheckDescription(
        check: .revokedDeviceCertificateStillActive,
        severity: .medium,
        resourceType: .deviceCertificate,
        reasonCodes: [reasonCode],
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

/// REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK: a CA certificate registered in
/// AWS IoT is ACTIVE although its own issuer has revoked it. Same rule; a
/// self-issued (root) CA has no issuer that could revoke it.
public struct RevokedCACertificateStillActiveCheck: ResourceCheck {
    public init() {}

    public static let description = CheckDescription(
        check: .revokedCACertificateStillActive,
        severity: .critical,
        resourceType: .caCertificate,
        reasonCodes: [RevokedDeviceCertificateStillActiveCheck.reasonCode],
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

/// The known CAs and their CRLs (opaque to callers outside the checks).
public struct CertificateAuthorities: Sendable {
    var index: CertificateAuthorityIndex
}

enum RevocationRule {
    static func evaluate(_ resource: JSONValue, index: CertificateAuthorityIndex, caCertificates: Bool)
        -> ResourceVerdict
    {
        CertificateElement.evaluateInScope(resource) { element, certificate in
            if caCertificates && certificate.isSelfIssued { return .compliant }
            switch index.revocation(of: certificate) {
            case .notRevoked:
                return .compliant
            case .unknown(let reason):
                return .notEvaluable("certificate \(element.certificateId): revocation unknown: \(reason)")
            case .revoked(let list):
                let resource =
                    caCertificates
                    ? AuditResource(.caCertificate, .caCertificateId(element.certificateId))
                    : AuditResource(.deviceCertificate, .deviceCertificateId(element.certificateId))
                return .nonCompliant([
                    FindingDraft(
                        resource: resource, reasonCode: RevokedDeviceCertificateStillActiveCheck.reasonCode,
                        reason: "Certificate is \(element.status) in AWS IoT but its issuer \(certificate.issuer) "
                            + "revoked it: serial \(certificate.serialNumberHex) is in \(list).")
                ])
            }
        }
    }
}
