/// The account a policy is analysed in, and what its thing-related policy
/// variables can bind to.
public struct PolicyScope: Sendable, Hashable {
    public let region: String
    public let accountId: String
    /// Whether `things.json` was read, so shared and unique values are known.
    public var thingsKnown: Bool
    /// Variables (`iot:Connection.Thing.ThingTypeName`,
    /// `iot:Connection.Thing.Attributes[site]`) whose values are shared by
    /// more than one thing: such a variable reaches other devices' resources.
    public var sharedVariables: Set<String>

    public init(region: String, accountId: String, thingsKnown: Bool = false, sharedVariables: Set<String> = []) {
        self.region = region
        self.accountId = accountId
        self.thingsKnown = thingsKnown
        self.sharedVariables = sharedVariables
        arnPrefix = "arn:aws:iot:\(region):\(accountId):"
        probeTable = ProbeTable(arnPrefix: arnPrefix)
    }

    /// `arn:aws:iot:REGION:ACCOUNT:`.
    let arnPrefix: String
    /// Built once per scope: the analysis of every policy uses the same probes.
    let probeTable: ProbeTable

    /// Stands, in compiled patterns and probes, for the connecting device's
    /// own identity; 0x02 stands for another device's. Neither byte can occur
    /// in an ARN.
    static let selfMarker = "\u{1}"
    static let otherMarker = "\u{2}"

    func probes(_ kind: IoTActions.ResourceKind) -> [String] { probeTable.probes(kind) }

    /// How a `${...}` variable is compiled for the broadness analysis.
    func binding(_ name: String, clientIdScoped: Bool) -> VariableBinding {
        let lowered = name.lowercased()
        switch lowered {
        case "iot:connection.thing.thingname", "credentials-iot:thingname", "cognito-identity.amazonaws.com:sub":
            return .literal(Self.selfMarker)
        case "iot:clientid":
            return clientIdScoped ? .literal(Self.selfMarker) : .wildcard
        default:
            if lowered.hasPrefix("iot:certificate.") { return .literal(Self.selfMarker) }
            if lowered == "iot:connection.thing.thingtypename" || lowered.hasPrefix("iot:connection.thing.attributes[")
            {
                return thingsKnown && !sharedVariables.contains(name) ? .literal(Self.selfMarker) : .wildcard
            }
            // Unknown variables could bind to anything.
            return .wildcard
        }
    }
}

/// Resources of *another* device that a broad pattern would reach, per resource kind.
struct ProbeTable: Sendable, Hashable {
    let client: [String]
    let topic: [String]
    let topicFilter: [String]
    let thing: [String]

    init(arnPrefix: String) {
        let other = PolicyScope.otherMarker
        client = [arnPrefix + "client/\(other)"]
        topic = [
            "topic/$aws/things/\(other)/shadow/update", "topic/$aws/things/\(other)/shadow/name/\(other)/update",
            "topic/$aws/things/\(other)/jobs/notify",
        ].map { arnPrefix + $0 }
        // MQTT wildcards in a filter the client may subscribe to reach other
        // devices' topics too: a policy `*` matches the literal `+` and `#`.
        topicFilter = [
            "topicfilter/$aws/things/\(other)/shadow/update", "topicfilter/$aws/things/\(other)/jobs/notify",
            "topicfilter/$aws/things/+/shadow/update", "topicfilter/$aws/things/+/jobs/notify",
            "topicfilter/$aws/things/#", "topicfilter/$aws/#", "topicfilter/#",
        ].map { arnPrefix + $0 }
        thing = ["thing/\(other)", "thing/\(other)/\(other)"].map { arnPrefix + $0 }
    }

    func probes(_ kind: IoTActions.ResourceKind) -> [String] {
        switch kind {
        case .client: return client
        case .topic: return topic
        case .topicFilter: return topicFilter
        case .thing: return thing
        }
    }
}

/// A permission found too broad: the action, and the statement and resource pattern that grant it.
public struct PolicyGrant: Sendable, Hashable {
    public var action: String
    public var statementIndex: Int
    /// The pattern as written (`NotResource: [...]` for a NotResource statement).
    public var resource: String
}

/// A misconfiguration of the IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK.
public struct PolicyMisconfiguration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case mqttWildcardsInDeny = "POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT"
        case deniedTopicsAllowedThroughWildcards = "TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS"
    }

    public var kind: Kind
    /// The Deny statement and its resource pattern.
    public var statementIndex: Int
    public var resource: String
    /// For `deniedTopicsAllowedThroughWildcards`: the filter a client may still subscribe to.
    public var allowedFilter: String?
}

/// One statement with its patterns compiled for a scope.
struct CompiledStatement: Sendable {
    let statement: PolicyStatement
    let actions: [GlobPattern]
    /// Resources with `${iot:ClientId}` bound to the connecting client, and as a wildcard.
    let resourcesClientScoped: [GlobPattern]
    let resourcesClientWild: [GlobPattern]

    init(_ statement: PolicyStatement, scope: PolicyScope) {
        self.statement = statement
        actions = statement.actions.map { GlobPattern($0, caseInsensitive: true) }
        resourcesClientScoped = statement.resources.map { text in
            GlobPattern(text) { scope.binding($0, clientIdScoped: true) }
        }
        resourcesClientWild = statement.resources.map { text in
            GlobPattern(text) { scope.binding($0, clientIdScoped: false) }
        }
    }

    var isAllow: Bool { statement.effect == .allow }
    /// A Deny that always applies: no condition that might not hold.
    var isUnconditionalDeny: Bool {
        statement.effect == .deny && !statement.requiresAttachedThing && !statement.hasOtherConditions
    }

    func coversAction(_ action: String) -> Bool {
        let matched = actions.contains { $0.matches(action) }
        return statement.actionsNegated ? !matched : matched
    }

    /// The first pattern matching `candidate` (or the NotResource list when it excludes nothing).
    func resourceMatching(_ candidate: String, clientIdScoped: Bool) -> String? {
        let patterns = clientIdScoped ? resourcesClientScoped : resourcesClientWild
        if statement.resourcesNegated {
            return patterns.contains { $0.matches(candidate) }
                ? nil : "NotResource: [\(statement.resources.joined(separator: ", "))]"
        }
        return patterns.first { $0.matches(candidate) }?.text
    }

    /// Services an Allow grants some action of; "*" for every service.
    var services: [String] {
        if statement.actionsNegated { return ["*"] }
        return statement.actions.map { text in
            guard let colon = text.firstIndex(of: ":") else { return "*" }
            let service = text[..<colon]
            return service.contains(where: { $0 == "*" || $0 == "?" }) ? "*" : service.lowercased()
        }
    }
}

/// An IoT or IAM policy compiled once for a scope and asked the questions of
/// the policy checks. Every answer is a pure function of the document and scope.
public struct PolicyAnalysis: Sendable {
    public let scope: PolicyScope
    let statements: [CompiledStatement]
    let denies: [CompiledStatement]

    public init(_ document: PolicyDocument, scope: PolicyScope) {
        self.scope = scope
        statements = document.statements.map { CompiledStatement($0, scope: scope) }
        denies = statements.filter(\.isUnconditionalDeny)
    }

    /// Whether an unconditional Deny covers `action` on `candidate`.
    func isDenied(_ action: String, _ candidate: String, clientIdScoped: Bool) -> Bool {
        denies.contains { deny in
            deny.coversAction(action) && deny.resourceMatching(candidate, clientIdScoped: clientIdScoped) != nil
        }
    }

    /// The first Allow granting `action` on some resource of `kind` that belongs
    /// to another device, not taken back by an explicit Deny.
    func broadGrant(_ action: String, kind: IoTActions.ResourceKind, clientIdScoped: (CompiledStatement) -> Bool)
        -> PolicyGrant?
    {
        let probes = scope.probes(kind)
        for statement in statements where statement.isAllow && statement.coversAction(action) {
            let scoped = clientIdScoped(statement)
            for probe in probes {
                if let pattern = statement.resourceMatching(probe, clientIdScoped: scoped),
                    !isDenied(action, probe, clientIdScoped: scoped)
                {
                    return PolicyGrant(action: action, statementIndex: statement.statement.index, resource: pattern)
                }
            }
        }
        return nil
    }

    /// Whether `iot:Connect` is granted for other clients' IDs: then
    /// `${iot:ClientId}` elsewhere in the policy is no longer the device's own.
    var grantsBroadConnect: Bool {
        broadGrant("iot:Connect", kind: .client) { $0.statement.requiresAttachedThing } != nil
    }

    /// Data-plane actions granted on other devices' resources, in Defender's order.
    public func broadDataPlaneGrants() -> [PolicyGrant] {
        let connectBroad = grantsBroadConnect
        return IoTActions.dataPlane.compactMap { action in
            guard let kind = IoTActions.resourceKind(of: action) else { return nil }
            return broadGrant(action, kind: kind) { statement in
                // `client/${iot:ClientId}` is the client's own ID only when the
                // client must be attached to its thing; in topics and thing
                // names it stays the device's own unless Connect lets a device
                // take any client ID.
                kind == .client
                    ? statement.statement.requiresAttachedThing
                    : statement.statement.requiresAttachedThing || !connectBroad
            }
        }
    }

    /// Thing-read actions (D) granted on other devices' things.
    public func broadThingReadGrants() -> [PolicyGrant] {
        IoTActions.thingAdminRead.compactMap { action in
            broadGrant(action, kind: .thing) { $0.statement.requiresAttachedThing }
        }
    }

    /// The first grant of each of `actions` on any IoT resource, not denied everywhere.
    public func grants(of actions: [String]) -> [PolicyGrant] {
        let anyResource = scope.arnPrefix + PolicyScope.otherMarker
        return actions.compactMap { action in
            if isDenied(action, anyResource, clientIdScoped: false) { return nil }
            for statement in statements where statement.isAllow && statement.coversAction(action) {
                if let pattern = iotResourcePattern(of: statement) {
                    return PolicyGrant(action: action, statementIndex: statement.statement.index, resource: pattern)
                }
            }
            return nil
        }
    }

    /// A resource pattern of `statement` that can name an IoT resource in this account.
    func iotResourcePattern(of statement: CompiledStatement) -> String? {
        if statement.statement.resourcesNegated {
            return "NotResource: [\(statement.statement.resources.joined(separator: ", "))]"
        }
        return statement.resourcesClientWild.first { $0.canMatch(prefix: scope.arnPrefix) }?.text
    }

    /// Services some Allow statement grants an action of (`*` = every service), in statement order.
    public func grantedServices() -> [(service: String, statementIndex: Int)] {
        var seen: Set<String> = []
        var result: [(String, Int)] = []
        for statement in statements where statement.isAllow {
            for service in statement.services where seen.insert(service).inserted {
                result.append((service, statement.statement.index))
            }
        }
        return result
    }

    /// Allow statements granting every action of a service (`svc:*` or `*`), with the service.
    public func serviceWildcards() -> [(service: String, statementIndex: Int)] {
        var result: [(String, Int)] = []
        for statement in statements where statement.isAllow && !statement.statement.actionsNegated {
            for text in statement.statement.actions {
                let lowered = text.lowercased()
                if lowered == "*" {
                    result.append(("*", statement.statement.index))
                } else if lowered.hasSuffix(":*"), !lowered.dropLast(2).contains(where: { $0 == "*" || $0 == "?" }) {
                    result.append((String(lowered.dropLast(2)), statement.statement.index))
                }
            }
        }
        return result
    }

    // MARK: - Potential misconfiguration

    /// The misconfigurations of reference §2.5, each with the Deny statement concerned.
    public func misconfigurations() -> [PolicyMisconfiguration] {
        var found: [PolicyMisconfiguration] = []
        for deny in statements where deny.statement.effect == .deny && !deny.statement.resourcesNegated {
            for resource in deny.statement.resources {
                guard let topic = Self.topicPart(resource) else { continue }
                if topic.name.contains("+") || topic.name.contains("#") {
                    found.append(
                        PolicyMisconfiguration(
                            kind: .mqttWildcardsInDeny, statementIndex: deny.statement.index, resource: resource,
                            allowedFilter: nil))
                } else if topic.isFilter, deny.coversAction("iot:Subscribe"),
                    let filter = subtreeStillReachable(denied: topic.name)
                {
                    found.append(
                        PolicyMisconfiguration(
                            kind: .deniedTopicsAllowedThroughWildcards, statementIndex: deny.statement.index,
                            resource: resource, allowedFilter: filter))
                }
            }
        }
        return found
    }

    /// `topic/...` or `topicfilter/...` part of an IoT ARN pattern.
    static func topicPart(_ resource: String) -> (name: String, isFilter: Bool)? {
        for (marker, isFilter) in [(":topicfilter/", true), (":topic/", false)] {
            let bytes = Array(resource.utf8)
            let needle = Array(marker.utf8)
            guard bytes.count >= needle.count else { continue }
            for start in 0...(bytes.count - needle.count)
            where bytes[start..<(start + needle.count)].elementsEqual(needle) {
                return (String(decoding: bytes[(start + needle.count)...], as: UTF8.self), isFilter)
            }
        }
        return nil
    }

    /// For a Deny of Subscribe on `prefix*`: a wildcard filter on an enclosing
    /// level that a client may subscribe to, when messages of the denied
    /// subtree are also receivable. Returns the filter.
    func subtreeStillReachable(denied pattern: String) -> String? {
        guard let star = pattern.firstIndex(where: { $0 == "*" || $0 == "?" }) else { return nil }
        let prefix = String(pattern[..<star])
        // A concrete topic inside the denied subtree.
        let deniedTopic = scope.arnPrefix + "topic/" + prefix + PolicyScope.otherMarker
        guard isAllowed("iot:Receive", deniedTopic) else { return nil }
        // Enclosing levels: "a/b/c/" -> "a/b/#", "a/#", "#".
        var levels = prefix.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if levels.last == "" { levels.removeLast() }
        var candidates: [String] = []
        while !levels.isEmpty {
            levels.removeLast()
            candidates.append(levels.isEmpty ? "#" : levels.joined(separator: "/") + "/#")
        }
        return candidates.first { isAllowed("iot:Subscribe", scope.arnPrefix + "topicfilter/" + $0) }
    }

    /// Allowed by some Allow and not taken back by an unconditional Deny.
    func isAllowed(_ action: String, _ candidate: String) -> Bool {
        guard !isDenied(action, candidate, clientIdScoped: true) else { return false }
        return statements.contains { statement in
            statement.isAllow && statement.coversAction(action)
                && statement.resourceMatching(candidate, clientIdScoped: true) != nil
        }
    }
}
