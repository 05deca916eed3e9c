/// What the broker knows about a connection when it authorises an action
/// (`aws iot test-authorization`'s principal, client ID and thing).
public struct AuthorizationContext: Sendable, Hashable {
    public var clientId: String?
    /// The thing attached to the principal whose name is the client ID.
    public var attachedThing: String?
    public var thingTypeName: String?
    public var thingAttributes: [String: String]

    public init(
        clientId: String? = nil, attachedThing: String? = nil, thingTypeName: String? = nil,
        thingAttributes: [String: String] = [:]
    ) {
        self.clientId = clientId
        self.attachedThing = attachedThing
        self.thingTypeName = thingTypeName
        self.thingAttributes = thingAttributes
    }

    /// A value that no resource contains: a variable without a value matches nothing.
    static let unresolved = "\u{3}"

    func value(of variable: String) -> String? {
        let lowered = variable.lowercased()
        switch lowered {
        case "iot:clientid": return clientId
        case "iot:connection.thing.thingname": return attachedThing
        case "iot:connection.thing.isattached": return attachedThing == nil ? "false" : "true"
        case "iot:connection.thing.thingtypename": return attachedThing == nil ? nil : thingTypeName
        default:
            let prefix = "iot:connection.thing.attributes["
            if lowered.hasPrefix(prefix), variable.hasSuffix("]"), attachedThing != nil {
                let name = String(variable.dropFirst(prefix.count).dropLast())
                return thingAttributes[name]
            }
            return nil
        }
    }
}

/// An IoT policy's default version, as attached to a principal.
public struct AttachedPolicy: Sendable, Hashable {
    public var name: String
    public var arn: String
    public var versionId: String
    public var document: PolicyDocument

    public init(name: String, arn: String, versionId: String, document: PolicyDocument) {
        self.name = name
        self.arn = arn
        self.versionId = versionId
        self.document = document
    }
}

/// `AuthDecision` and the policies behind it (the `AuthResult` shape).
public struct AuthorizationResult: Sendable, Hashable {
    public enum Decision: String, Sendable, Hashable {
        case allowed = "ALLOWED"
        case explicitDeny = "EXPLICIT_DENY"
        case implicitDeny = "IMPLICIT_DENY"
    }

    /// The statement that decided: the first matching Deny, or the first matching Allow.
    public struct DecidingStatement: Sendable, Hashable {
        public var policyName: String
        public var policyVersionId: String
        public var statementIndex: Int
        public var effect: PolicyEffect

        public init(policyName: String, policyVersionId: String, statementIndex: Int, effect: PolicyEffect) {
            self.policyName = policyName
            self.policyVersionId = policyVersionId
            self.statementIndex = statementIndex
            self.effect = effect
        }
    }

    public var decision: Decision
    public var allowedBy: [AttachedPolicy]
    public var explicitlyDeniedBy: [AttachedPolicy]
    public var implicitlyDeniedBy: [AttachedPolicy]
    public var missingContextValues: [String]
    public var decidingStatement: DecidingStatement?
}

/// Offline `test-authorization`: evaluates IoT policies for one action on
/// concrete resources with the connection's context. Explicit Deny beats
/// Allow; no matching Allow is an implicit deny. Policy variables resolve to
/// the context's values; a variable without one matches nothing and is
/// reported in `missingContextValues`, as is every condition key other than
/// `iot:Connection.Thing.IsAttached` (such statements are not applied).
public enum Authorizer {
    public static func authorize(
        action: String, resources: [String], policies: [AttachedPolicy], context: AuthorizationContext
    ) -> AuthorizationResult {
        var missing: [String] = []
        // A set beside the ordered list: one lookup per key, not a scan of
        // every key noted so far (quadratic in a document of many conditions).
        var missingSet: Set<String> = []
        func note(_ key: String) { if missingSet.insert(key).inserted { missing.append(key) } }
        var allowing: [(AttachedPolicy, PolicyStatement)] = []
        var denying: [(AttachedPolicy, PolicyStatement)] = []
        var allowedResources: Set<String> = []
        for policy in policies {
            for statement in policy.document.statements {
                let actions = statement.actions.map { GlobPattern($0, caseInsensitive: true) }
                let coversAction = actions.contains { $0.matches(action) } != statement.actionsNegated
                guard coversAction else { continue }
                if statement.requiresAttachedThing && context.attachedThing == nil { continue }
                if statement.hasOtherConditions {
                    statement.otherConditionKeys.forEach(note)
                    continue
                }
                let patterns = statement.resources.map { text in
                    GlobPattern(text) { variable in
                        if let value = context.value(of: variable) { return .literal(value) }
                        note(variable)
                        return .literal(AuthorizationContext.unresolved)
                    }
                }
                for resource in resources {
                    let matched = patterns.contains { $0.matches(resource) } != statement.resourcesNegated
                    guard matched else { continue }
                    if statement.effect == .deny {
                        denying.append((policy, statement))
                    } else {
                        allowing.append((policy, statement))
                        allowedResources.insert(resource)
                    }
                }
            }
        }
        func unique(_ pairs: [(AttachedPolicy, PolicyStatement)]) -> [AttachedPolicy] {
            var seen: Set<String> = []
            return pairs.map(\.0).filter { seen.insert($0.name).inserted }
        }
        func deciding(_ pair: (AttachedPolicy, PolicyStatement)?) -> AuthorizationResult.DecidingStatement? {
            pair.map {
                .init(
                    policyName: $0.0.name, policyVersionId: $0.0.versionId, statementIndex: $0.1.index,
                    effect: $0.1.effect)
            }
        }
        let allowedBy = unique(allowing)
        let deniedBy = unique(denying)
        if !denying.isEmpty {
            return AuthorizationResult(
                decision: .explicitDeny, allowedBy: allowedBy, explicitlyDeniedBy: deniedBy, implicitlyDeniedBy: [],
                missingContextValues: missing, decidingStatement: deciding(denying.first))
        }
        if !resources.isEmpty && allowedResources.count == Set(resources).count {
            return AuthorizationResult(
                decision: .allowed, allowedBy: allowedBy, explicitlyDeniedBy: [], implicitlyDeniedBy: [],
                missingContextValues: missing, decidingStatement: deciding(allowing.first))
        }
        let allowingNames = Set(allowedBy.map(\.name))
        let silent = policies.filter { !allowingNames.contains($0.name) }
        return AuthorizationResult(
            decision: .implicitDeny, allowedBy: allowedBy, explicitlyDeniedBy: [], implicitlyDeniedBy: silent,
            missingContextValues: missing, decidingStatement: nil)
    }
}
