/// The IoT action groups of the audit checks (reference §2.1) and the
/// resource each data-plane action is authorised against.
public enum IoTActions {
    /// Data-plane actions whose resource can be broad, in the order Defender
    /// lists them in `reasonForNonCompliance` (its CLI example begins
    /// `[iot:Subscribe, iot:Connect, iot:GetThingShadow, iot:DeleteThingShadow,
    /// iot:UpdateThingShadow, iot:Publish]`), then the rest. `iot:Receive` is
    /// absent: delivery is limited by the Subscribe permission, so Defender
    /// accepts even `topic/$aws/things/*` for it. `iot:ListRetainedMessages`
    /// and `iot:ListNamedShadowsForThing` are absent: they list names only and
    /// cannot be scoped (docs/checks.md).
    public static let dataPlane: [String] = [
        "iot:Subscribe", "iot:Connect", "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow",
        "iot:Publish", "iot:RetainPublish", "iot:GetRetainedMessage", "iot:DescribeJobExecution",
        "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution", "iot:UpdateJobExecution",
    ]

    /// Every data-plane action, including those that are never broad.
    public static let allDataPlane: Set<String> = Set(
        dataPlane + ["iot:Receive", "iot:ListRetainedMessages", "iot:ListNamedShadowsForThing"])

    /// "Manage or modify things" (C): non-compliant for Cognito roles on any resource.
    public static let thingAdminWrite: [String] = [
        "iot:AddThingToThingGroup", "iot:AttachThingPrincipal", "iot:CreateThing", "iot:DeleteThing",
        "iot:DetachThingPrincipal", "iot:ListThings", "iot:ListThingsInThingGroup", "iot:RegisterThing",
        "iot:RemoveThingFromThingGroup", "iot:UpdateThing", "iot:UpdateThingGroupsForThing",
    ]

    /// "Read thing administrative data" (D).
    public static let thingAdminRead: [String] = [
        "iot:DescribeThing", "iot:ListJobExecutionsForThing", "iot:ListThingGroupsForThing", "iot:ListThingPrincipals",
    ]

    /// "Manage non-things" (E): every other IoT control-plane action of botocore's model.
    public static let nonThingAdmin: [String] = {
        let excluded = Set(thingAdminWrite + thingAdminRead).union(allDataPlane)
        return IoTActionCatalog.controlPlane.filter { !excluded.contains($0) }
    }()

    /// Services whose access a role alias must never have (reference §1.4).
    public static let securityAuditingServices: [String] = [
        "iam", "cloudtrail", "guardduty", "inspector", "trustedadvisor",
    ]

    /// The kind of resource an action is authorised against.
    public enum ResourceKind: Sendable, Hashable {
        case client, topic, topicFilter, thing
    }

    public static func resourceKind(of action: String) -> ResourceKind? {
        switch action {
        case "iot:Connect": return .client
        case "iot:Publish", "iot:RetainPublish", "iot:GetRetainedMessage", "iot:Receive": return .topic
        case "iot:Subscribe": return .topicFilter
        case "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow", "iot:DescribeJobExecution",
            "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution", "iot:UpdateJobExecution",
            "iot:DescribeThing", "iot:ListJobExecutionsForThing", "iot:ListThingGroupsForThing",
            "iot:ListThingPrincipals":
            return .thing
        default: return nil
        }
    }
}
