import FleetAuditCore
import FleetAuditJSON

/// UPDATE_DEVICE_CERTIFICATE: `updateDeviceCertificateParams{action: DEACTIVATE}`,
/// the finding's device certificate (or, for a revoked intermediate CA, every
/// active device certificate that chains to it) set to INACTIVE in
/// `certificates.json`, as `aws iot update-certificate --new-status INACTIVE`.
public struct UpdateDeviceCertificateAction: MitigationActionType {
    public static let typeName = "UPDATE_DEVICE_CERTIFICATE"
    public static let paramsMember = "updateDeviceCertificateParams"
    /// docs/defender-reference.md §3.1; DEVICE_CERTIFICATE_AGE_CHECK is not in the documented matrix.
    public static let applicableChecks: Set<CheckName>? = [
        .deviceCertificateShared, .deviceCertificateExpiring,
        .revokedDeviceCertificateStillActive, .deviceCertificateKeyQuality,
        .intermediateCARevokedForActiveDeviceCertificates,
    ]

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

/// UPDATE_CA_CERTIFICATE: `updateCACertificateParams{action: DEACTIVATE}`, the
/// finding's CA certificate set to INACTIVE in `ca-certificates.json`, as
/// `aws iot update-ca-certificate --new-status INACTIVE`.
public struct UpdateCACertificateAction: MitigationActionType {
    public static let typeName = "UPDATE_CA_CERTIFICATE"
    public static let paramsMember = "updateCACertificateParams"
    public static let applicableChecks: Set<CheckName>? = [
        .revokedCACertificateStillActive, .caCertificateExpiring,
        .caCertificateKeyQuality,
    ]

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

/// `{action: DEACTIVATE}`, the only value of the API's enums for both types.
enum DeactivateParams {
    static func validate(_ params: JSONObject, member: String) throws(MitigationRequestError) {
        try ActionParams.requireOnly(["action"], in: params, of: member)
        let action = try ActionParams.string("action", in: params, of: member, length: 1...32)
        guard action == "DEACTIVATE" else { throw .input("\(member).action must be DEACTIVATE, found '\(action)'") }
    }
}
