/// The Device Defender audit checks by name: the `checkName` strings of the API, and the other
/// spellings accepted on input. It lives below the checks so that every module can name a check
/// as a type-checked value (a mitigation action's applicable checks, a suppression, a
/// configuration key) without importing the checks themselves.
public enum CheckName: String, Sendable, Hashable, CaseIterable {
    case loggingDisabled = "LOGGING_DISABLED_CHECK"
    case iotPolicyOverlyPermissive = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
    case iotPolicyPotentialMisconfiguration = "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK"
    case iotRoleAliasOverlyPermissive = "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK"
    case iotRoleAliasAllowsAccessToUnusedServices = "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK"
    case unauthenticatedCognitoRoleOverlyPermissive = "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK"
    case authenticatedCognitoRoleOverlyPermissive = "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK"
    case deviceCertificateExpiring = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
    case caCertificateExpiring = "CA_CERTIFICATE_EXPIRING_CHECK"
    case deviceCertificateAge = "DEVICE_CERTIFICATE_AGE_CHECK"
    case deviceCertificateKeyQuality = "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK"
    case caCertificateKeyQuality = "CA_CERTIFICATE_KEY_QUALITY_CHECK"
    case revokedDeviceCertificateStillActive = "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"
    case revokedCACertificateStillActive = "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"
    case intermediateCARevokedForActiveDeviceCertificates =
        "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"
    case deviceCertificateShared = "DEVICE_CERTIFICATE_SHARED_CHECK"
    case conflictingClientIds = "CONFLICTING_CLIENT_IDS_CHECK"

    /// Other spellings accepted on input: the names the API and its documentation used before
    /// (docs/defender-reference.md lists them), and one documentation typo.
    public var aliases: [String] {
        switch self {
        case .iotPolicyOverlyPermissive: ["IOT_POLICY_UNRESTRICTED_CHECK"]
        case .iotPolicyPotentialMisconfiguration: ["IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK"]
        case .unauthenticatedCognitoRoleOverlyPermissive: ["UNAUTHENTICATED_COGNITO_IDENTITY_UNRESTRICTED_ACCESS_CHECK"]
        case .authenticatedCognitoRoleOverlyPermissive:
            [
                "AUTHENTICATED_COGNITO_IDENTITY_UNRESTRICTED_ACCESS_CHECK",
                "AUTHENTICATE_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
            ]
        case .deviceCertificateExpiring: ["DEVICE_CERT_APPROACHING_EXPIRATION_CHECK"]
        case .caCertificateExpiring: ["CA_CERT_APPROACHING_EXPIRATION_CHECK"]
        case .revokedDeviceCertificateStillActive: ["REVOKED_DEVICE_CERT_CHECK"]
        case .revokedCACertificateStillActive: ["REVOKED_CA_CERT_CHECK"]
        default: []
        }
    }

    /// The check called `name` or one of its aliases; nil for an unknown name.
    public init?(named name: String) {
        if let canonical = CheckName(rawValue: name) {
            self = canonical
            return
        }
        guard let aliased = CheckName.allCases.first(where: { $0.aliases.contains(name) }) else { return nil }
        self = aliased
    }

    /// Every accepted spelling: the canonical names, then the aliases.
    public static let everySpelling: [String] = allCases.map(\.rawValue) + allCases.flatMap(\.aliases)
}
