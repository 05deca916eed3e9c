import FleetAuditCore

/// Every mitigation action type FleetAudit can apply.
public enum MitigationActionRegistry {
    public static let all: [any MitigationActionType.Type] = [
        EnableIoTLoggingAction.self,
        PublishFindingToSnsAction.self,
        ReplaceDefaultPolicyVersionAction.self,
        UpdateDeviceCertificateAction.self,
        UpdateCACertificateAction.self,
        AddThingsToThingGroupAction.self,
    ]

    /// The six `MitigationActionType` values of the API, for telling "unknown" from "not yet supported".
    public static let apiTypeNames: Set<String> = [
        "UPDATE_DEVICE_CERTIFICATE", "UPDATE_CA_CERTIFICATE", "ADD_THINGS_TO_THING_GROUP",
        "REPLACE_DEFAULT_POLICY_VERSION", "ENABLE_IOT_LOGGING", "PUBLISH_FINDING_TO_SNS",
    ]

    public static func type(named name: String) -> (any MitigationActionType.Type)? {
        all.first { $0.typeName == name }
    }

    /// Validates `definition` for use on `checkName` and returns its configured action.
    public static func instantiate(_ definition: MitigationActionDefinition, forCheck checkName: String)
        throws(MitigationRequestError) -> any MitigationActionType
    {
        guard let type = type(named: definition.type) else {
            if apiTypeNames.contains(definition.type) {
                throw .usage("action \(definition.name): type \(definition.type) is not supported by this version")
            }
            throw .input(
                "action \(definition.name): unknown action type '\(definition.type)' (valid: "
                    + apiTypeNames.sorted().joined(separator: ", ") + ")")
        }
        if let checks = type.applicableChecks, !checks.contains(where: { $0.rawValue == checkName }) {
            throw .usage(
                "action \(definition.name) (\(definition.type)) cannot mitigate \(checkName); it applies to "
                    + checks.map(\.rawValue).sorted().joined(separator: ", "))
        }
        guard let params = definition.params[type.paramsMember]?.objectValue else {
            throw .input(
                "action \(definition.name): \(definition.type) needs actionParams.\(type.paramsMember), found "
                    + definition.params.keys.joined(separator: ", "))
        }
        return try type.init(params: params)
    }
}
