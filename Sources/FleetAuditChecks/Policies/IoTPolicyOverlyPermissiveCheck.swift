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

/// IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK: a Deny that does not deny what
/// its author meant (docs/defender-reference.md §2.5): MQTT wildcards `+`/`#` are literal in
/// policies, and a Deny of Subscribe on `a/b/*` leaves `a/#` open when the
/// messages of `a/b/...` can still be received.
public struct IoTPolicyPotentialMisconfigurationCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.policies
    public static let resourceMembers: [String]? = PolicyVersionResource.members

    public static let description = CheckDescription(
        check: .iotPolicyPotentialMisconfiguration,
        severity: .medium,
        resourceType: .iotPolicy,
        reasonCodes: [
            "POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT",
            "TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS",
        ],
        inputs: [.policies, .things],
        summary: "An IoT policy's Deny statement does not deny what it appears to (MQTT wildcards in policies).",
        examples: IoTPolicyPotentialMisconfigurationCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> ThingVariableScope {
        try ThingVariableFacts.scope(context)
    }

    public func remarks(_ facts: ThingVariableScope) -> CheckRemarks { facts.remarks }

    public func evaluate(_ resource: JSONValue, facts: ThingVariableScope, context: AuditContext) -> ResourceVerdict {
        PolicyVersionResource.evaluateDefault(resource) { version, document in
            let found = PolicyAnalysis(document, scope: facts.scope).misconfigurations()
            guard !found.isEmpty else { return .compliant }
            var drafts: [FindingDraft] = []
            for kind in [PolicyMisconfiguration.Kind.mqttWildcardsInDeny, .deniedTopicsAllowedThroughWildcards] {
                let ofKind = found.filter { $0.kind == kind }
                guard let first = ofKind.first else { continue }
                var info = [("STATEMENT_INDEX", String(first.statementIndex)), ("RESOURCE", first.resource)]
                let reason: String
                switch kind {
                case .mqttWildcardsInDeny:
                    reason =
                        "Policy contains MQTT wildcards (+ or #) in a Deny statement, where they are literal "
                        + "characters and deny less than intended: statement \(first.statementIndex) denies \(first.resource)."
                case .deniedTopicsAllowedThroughWildcards:
                    let filter = first.allowedFilter ?? "#"
                    info.append(("ALLOWED_TOPIC_FILTER", filter))
                    reason =
                        "Policy denies topic filters that an allowed wildcard filter still reaches: statement "
                        + "\(first.statementIndex) denies \(first.resource), but a client may subscribe to '\(filter)' "
                        + "and receive the messages the Deny was meant to withhold."
                }
                drafts.append(
                    FindingDraft(
                        resource: AuditResource(.iotPolicy, version.identifier, additionalInfo: info),
                        reasonCode: kind.rawValue, reason: reason))
            }
            return .nonCompliant(drafts)
        }
    }
}
