import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

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
