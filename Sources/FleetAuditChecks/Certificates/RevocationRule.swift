import FleetAuditCore
import FleetAuditJSON
import FleetAuditX509

/// The known CAs and their CRLs (opaque to callers outside the checks).
public struct CertificateAuthorities: Sendable {
    var index: CertificateAuthorityIndex
}

/// The revocation rule of REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK and
/// REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK: an in-scope certificate whose serial is in a
/// usable CRL of its issuer is non-compliant.
enum RevocationRule {
    static let reasonCode = "CERTIFICATE_REVOKED_BY_ISSUER"

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
                        resource: resource, reasonCode: RevocationRule.reasonCode,
                        reason: "Certificate is \(element.status) in AWS IoT but its issuer \(certificate.issuer) "
                            + "revoked it: serial \(certificate.serialNumberHex) is in \(list).")
                ])
            }
        }
    }
}
