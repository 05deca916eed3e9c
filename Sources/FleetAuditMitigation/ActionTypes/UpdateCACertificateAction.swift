import FleetAuditCore
import FleetAuditJSON

/// UPDATE_CA_CERTIFICATE: `updateCACertificateParams{action: DEACTIVATE}`, the
/// finding's CA certificate set to INACTIVE in `ca-certificates.json`, as
/// `aws iot update-ca-certificate --new-status INACTIVE`.
public struct UpdateCACertificateAction: MitigationActionType {
    public static let description = MitigationActionDescription(
        typeName: "UPDATE_CA_CERTIFICATE",
        paramsMember: "updateCACertificateParams",
        applicableChecks: [.revokedCACertificateStillActive, .caCertificateExpiring, .caCertificateKeyQuality],
        summary: "Deactivates the finding's CA certificate (UpdateCACertificate with newStatus INACTIVE).",
        examples: UpdateCACertificateAction.examples)

    public init(params: JSONObject) throws(MitigationRequestError) {
        try DeactivateParams.validate(params, member: Self.paramsMember)
    }

    public func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
    {
        guard let id = FindingCertificates.caCertificateId(finding) else {
            return .failed(
                errorCode: "InvalidRequestException", message: "finding \(finding.findingId) names no CA certificate")
        }
        return CertificateDeactivation.deactivate(ids: [id], in: .caCertificates, session: session)
    }
}
