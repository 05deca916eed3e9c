/// The files of a snapshot directory (`docs/snapshot-format.md`), each with
/// the top-level array that holds its resources.
public enum SnapshotFile: String, Sendable, CaseIterable, Hashable, Comparable {
    case manifest = "manifest"
    case loggingOptions = "logging-options"
    case v2LoggingOptions = "v2-logging-options"
    case v2LoggingLevels = "v2-logging-levels"
    case policies = "policies"
    case certificates = "certificates"
    case caCertificates = "ca-certificates"
    case things = "things"
    case thingPrincipals = "thing-principals"
    case thingGroups = "thing-groups"
    case thingGroupMembers = "thing-group-members"
    case policyTargets = "policy-targets"
    case roleAliases = "role-aliases"
    case iam = "iam"
    case iamServiceLastAccessed = "iam-service-last-accessed"
    case cognitoIdentityPools = "cognito-identity-pools"
    case auditConfiguration = "audit-configuration"
    case auditSuppressions = "audit-suppressions"
    case mitigationActions = "mitigation-actions"

    /// The file name in its object form (`policies.json`).
    public var jsonName: String { rawValue + ".json" }
    /// The file name in its JSON Lines form (`policies.jsonl`).
    public var jsonLinesName: String { rawValue + ".jsonl" }

    /// The array whose elements are streamed (and which a `.jsonl` form lists one per line);
    /// `nil` for single-object files.
    public var primaryArrayKey: String? {
        switch self {
        case .manifest, .loggingOptions, .v2LoggingOptions, .auditConfiguration: return nil
        case .v2LoggingLevels: return "logTargetConfigurations"
        case .policies: return "policyVersions"
        case .certificates, .caCertificates: return "certificateDescriptions"
        case .things: return "things"
        case .thingPrincipals: return "principalThings"
        case .thingGroups: return "thingGroups"
        case .thingGroupMembers: return "thingGroupMembers"
        case .policyTargets: return "policyTargets"
        case .roleAliases: return "roleAliasDescriptions"
        case .iam: return "RoleDetailList"
        case .iamServiceLastAccessed: return "roles"
        case .cognitoIdentityPools: return "identityPoolRoles"
        case .auditSuppressions: return "suppressions"
        case .mitigationActions: return "mitigationActions"
        }
    }

    public static func < (lhs: SnapshotFile, rhs: SnapshotFile) -> Bool { lhs.rawValue < rhs.rawValue }
}
