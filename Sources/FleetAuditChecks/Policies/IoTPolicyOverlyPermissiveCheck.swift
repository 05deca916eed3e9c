import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// IOT_POLICY_OVERLY_PERMISSIVE_CHECK: an IoT policy (its default version)
/// grants data-plane actions on other devices' resources (docs/defender-reference.md §2.3):
/// a wildcard in the client ID or thing name, `client/${iot:ClientId}`
/// without the IsAttached condition, reserved `$aws/things/...` topics of
/// any thing, or topic filters with MQTT wildcards over them. Explicit Deny
/// statements without conditions take the grant back (docs/checks.md).
public struct IoTPolicyOverlyPermissiveCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.policies
    public static let resourceMembers: [String]? = PolicyVersionResource.members

    public static let description = CheckDescription(
        check: .iotPolicyOverlyPermissive,
        severity: .critical,
        resourceType: .iotPolicy,
        reasonCodes: ["ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"],
        inputs: [.policies, .things],
        summary: "An IoT policy lets a device reach other devices' clients, topics, shadows or jobs.",
        examples: IoTPolicyOverlyPermissiveCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> ThingVariableScope {
        try ThingVariableFacts.scope(context)
    }

    public func remarks(_ facts: ThingVariableScope) -> CheckRemarks { facts.remarks }

    public func evaluate(_ resource: JSONValue, facts: ThingVariableScope, context: AuditContext) -> ResourceVerdict {
        PolicyVersionResource.evaluateDefault(resource) { version, document in
            let grants = PolicyAnalysis(document, scope: facts.scope).broadDataPlaneGrants()
            guard !grants.isEmpty else { return .compliant }
            return .nonCompliant([
                FindingDraft(
                    resource: AuditResource(
                        .iotPolicy, version.identifier, additionalInfo: PolicyWording.additionalInfo(grants)),
                    reasonCode: "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                    reason: "Policy allows broad access to IoT data plane actions: \(PolicyWording.actionList(grants))."
                )
            ])
        }
    }
}
