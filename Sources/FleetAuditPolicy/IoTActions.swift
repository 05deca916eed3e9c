/// The IoT action groups of the audit checks (docs/defender-reference.md §2.1) and the
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

    /// Services whose access a role alias must never have (docs/defender-reference.md §1.4).
    public static let securityAuditingServices: [String] = [
        "iam", "cloudtrail", "guardduty", "inspector", "trustedadvisor",
    ]

    /// The actions whose resources are probed for broadness: the data plane and the thing reads.
    public static let probed: [String] = dataPlane + thingAdminRead

    /// The resource kind of each probed action.
    static let probedKinds: [ResourceKind] = probed.map { resourceKind(of: $0) ?? .thing }
    static let connectIndex = dataPlane.firstIndex(of: "iot:Connect") ?? 0
    static let subscribeIndex = dataPlane.firstIndex(of: "iot:Subscribe") ?? 0
    static let probedLowercased: [String: Int] = Dictionary(
        uniqueKeysWithValues: probed.enumerated().map { ($0.element.lowercased(), $0.offset) })
    static let probedAllMask: UInt32 = (1 << UInt32(probed.count)) - 1

    /// The probed actions an `Action` pattern covers, as bits of `probed`. Most
    /// patterns are a literal name or `iot:*`/`*`; only the rest are matched one by one.
    static func probedMask(of pattern: GlobPattern) -> UInt32 {
        if pattern.isLiteral {
            return probedLowercased[pattern.text.lowercased()].map { 1 << UInt32($0) } ?? 0
        }
        let lowered = pattern.text.lowercased()
        if lowered == "*" || lowered == "iot:*" { return probedAllMask }
        var mask: UInt32 = 0
        for (index, action) in probed.enumerated() where pattern.matches(action) {
            mask |= 1 << UInt32(index)
        }
        return mask
    }

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
