import FleetAuditCore
import FleetAuditJSON

/// UPDATE_DEVICE_CERTIFICATE: `updateDeviceCertificateParams{action: DEACTIVATE}`,
/// the finding's device certificate (or, for a revoked intermediate CA, every
/// active device certificate that chains to it) set to INACTIVE in
/// `certificates.json`, as `aws iot update-certificate --new-status INACTIVE`.
public struct UpdateDeviceCertificateAction: MitigationActionType {
    /// docs/defender-reference.md §3.1; DEVICE_CERTIFICATE_AGE_CHECK is not in the documented matrix.
    public static let description = MitigationActionDescription(
        typeName: "UPDATE_DEVICE_CERTIFICATE",
        paramsMember: "updateDeviceCertificateParams",
        applicableChecks: [
            .deviceCertificateShared, .deviceCertificateExpiring,
            .revokedDeviceCertificateStillActive, .deviceCertificateKeyQuality,
            .intermediateCARevokedForActiveDeviceCertificates,
        ],
        summary: "Deactivates the finding's device certificates (UpdateCertificate with newStatus INACTIVE).",
        examples: UpdateDeviceCertificateAction.examples)

    public init(params: JSONObject) throws(MitigationRequestError) {
        try DeactivateParams.validate(params, member: Self.paramsMember)
    }

    public func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
    {
        let ids = FindingCertificates.deviceCertificateIds(finding)
        guard !ids.isEmpty else { return FindingCertificates.namesNoDeviceCertificate(finding) }
        return CertificateDeactivation.deactivate(ids: ids, in: .certificates, session: session)
    }
}
