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
        probeTable = ProbeTable(arnPrefix: "arn:aws:iot:\(region):\(accountId):")
    }

    /// `arn:aws:iot:REGION:ACCOUNT:`.
    var arnPrefix: String { probeTable.arnPrefix }
    /// Built once per scope (a reference: scopes are passed around per statement).
    let probeTable: ProbeTable

    /// Stands, in compiled patterns and probes, for the connecting device's
    /// own identity; 0x02 stands for another device's. Neither byte can occur
    /// in an ARN.
    static let selfMarker = "\u{1}"
    static let otherMarker = "\u{2}"

    func probes(_ kind: IoTActions.ResourceKind) -> ArraySlice<String> { probeTable.probes(kind) }
}

/// Resources of *another* device that a broad pattern would reach, per
/// resource kind, numbered so that a pattern's matches are one bit mask.
final class ProbeTable: Sendable, Hashable {
    static func == (lhs: ProbeTable, rhs: ProbeTable) -> Bool { lhs.arnPrefix == rhs.arnPrefix }
    func hash(into hasher: inout Hasher) { hasher.combine(arnPrefix) }

    let arnPrefix: String
    /// Every probe; `range(kind)` gives a kind's slice.
    let all: [String]
    static let client = 0..<1
    static let topic = 1..<4
    static let topicFilter = 4..<11
    static let thing = 11..<13

    /// `all` as bytes, and without the `arn:aws:iot:REGION:ACCOUNT:` prefix.
    let fullBytes: [[UInt8]]
    let suffixBytes: [[UInt8]]
    let prefixBytes: [UInt8]

    init(arnPrefix: String) {
        self.arnPrefix = arnPrefix
        let other = PolicyScope.otherMarker
        let suffixes = [
            "client/\(other)",
            "topic/$aws/things/\(other)/shadow/update", "topic/$aws/things/\(other)/shadow/name/\(other)/update",
            "topic/$aws/things/\(other)/jobs/notify",
            // MQTT wildcards in a filter the client may subscribe to reach other
            // devices' topics too: a policy `*` matches the literal `+` and `#`.
            "topicfilter/$aws/things/\(other)/shadow/update", "topicfilter/$aws/things/\(other)/jobs/notify",
            "topicfilter/$aws/things/+/shadow/update", "topicfilter/$aws/things/+/jobs/notify",
            "topicfilter/$aws/things/#", "topicfilter/$aws/#", "topicfilter/#",
            "thing/\(other)", "thing/\(other)/\(other)",
        ]
        all = suffixes.map { arnPrefix + $0 }
        fullBytes = all.map { Array($0.utf8) }
        suffixBytes = suffixes.map { Array($0.utf8) }
        prefixBytes = Array(arnPrefix.utf8)
    }

    /// Whether `resource` (with `wild` slots as wildcards) matches probe `index`.
    /// Patterns that begin with this account's literal ARN prefix are matched
    /// on the shorter suffix.
    func matches(_ resource: GlobPattern, probe index: Int, wild: UInt32, prefixed: Bool) -> Bool {
        let bytes = prefixed ? suffixBytes[index] : fullBytes[index]
        return bytes.withUnsafeBufferPointer { buffer in
            resource.matches(bytes: buffer, fromToken: prefixed ? prefixBytes.count : 0, wildVariables: wild)
        }
    }

    static func range(_ kind: IoTActions.ResourceKind) -> Range<Int> {
        switch kind {
        case .client: return client
        case .topic: return topic
        case .topicFilter: return topicFilter
        case .thing: return thing
        }
    }

    static func mask(_ kind: IoTActions.ResourceKind) -> UInt16 {
        range(kind).reduce(0) { $0 | (1 << UInt16($1)) }
    }

    func probes(_ kind: IoTActions.ResourceKind) -> ArraySlice<String> { all[Self.range(kind)] }
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

/// One statement with its patterns compiled for a scope, and what they reach
/// as bit masks: the data-plane and thing-read actions it covers, and the
/// other-device probes each resource pattern matches. The broadness questions
/// are then bit operations, not glob matches.
struct CompiledStatement: Sendable {
    /// What one resource pattern means in the scope: its wildcard variable slots
    /// with `${iot:ClientId}` bound to the client (scoped) or not, whether it
    /// begins with this account's literal ARN prefix, and the probes it reaches.
    /// Kept in one array per analysis (`PolicyAnalysis.resourceStates`).
    struct ResourceState: Sendable {
        var scopedWild: UInt32
        var unscopedWild: UInt32
        var prefixed: Bool
        var scopedMask: UInt16 = 0
        var unscopedMask: UInt16 = 0
    }

    let statement: PolicyStatement
    /// Bit i set: covers `IoTActions.probed[i]`.
    let actionMask: UInt32
    /// This statement's resources in `PolicyAnalysis.resourceStates`.
    let resourceRange: Range<Int>
    /// All resources' probe masks combined.
    let scopedReach: UInt16
    let unscopedReach: UInt16

    init(_ statement: PolicyStatement, scope: PolicyScope, states: inout [ResourceState]) {
        self.statement = statement
        let mask = statement.probedActionMask
        actionMask = mask
        let table = scope.probeTable
        // Only the kinds of resource the covered actions are authorised against.
        var kindBits: UInt16 = 0
        for (index, kind) in IoTActions.probedKinds.enumerated() where mask & (1 << UInt32(index)) != 0 {
            kindBits |= ProbeTable.mask(kind)
        }
        func reach(_ pattern: GlobPattern, wild: UInt32, prefixed: Bool) -> UInt16 {
            var bits: UInt16 = 0
            var remaining = kindBits
            while remaining != 0 {
                let index = remaining.trailingZeroBitCount
                remaining &= remaining - 1
                if table.matches(pattern, probe: index, wild: wild, prefixed: prefixed) { bits |= 1 << UInt16(index) }
            }
            return bits
        }
        let first = states.count
        var scopedReach: UInt16 = 0
        var unscopedReach: UInt16 = 0
        for resource in statement.compiledResources {
            var state = ResourceState(
                scopedWild: resource.wildVariables(in: scope, clientIdScoped: true),
                unscopedWild: resource.wildVariables(in: scope, clientIdScoped: false),
                prefixed: resource.pattern.hasLiteralPrefix(table.prefixBytes))
            if kindBits != 0 {
                state.scopedMask = reach(resource.pattern, wild: state.scopedWild, prefixed: state.prefixed)
                state.unscopedMask =
                    resource.clientId == 0
                    ? state.scopedMask : reach(resource.pattern, wild: state.unscopedWild, prefixed: state.prefixed)
            }
            scopedReach |= state.scopedMask
            unscopedReach |= state.unscopedMask
            states.append(state)
        }
        resourceRange = first..<states.count
        self.scopedReach = scopedReach
        self.unscopedReach = unscopedReach
    }

    var isAllow: Bool { statement.effect == .allow }
    /// A Deny that always applies: no condition that might not hold.
    var isUnconditionalDeny: Bool {
        statement.effect == .deny && !statement.requiresAttachedThing && !statement.hasOtherConditions
    }

    func coversAction(_ action: String) -> Bool {
        let matched = statement.actionPatterns.contains { $0.matches(action) }
        return statement.actionsNegated ? !matched : matched
    }

    func covers(probedAction index: Int) -> Bool { actionMask & (1 << UInt32(index)) != 0 }

    /// The probes of `kind` this statement's resources reach.
    func probeMask(_ kind: IoTActions.ResourceKind, clientIdScoped: Bool) -> UInt16 {
        let all = clientIdScoped ? scopedReach : unscopedReach
        let kindMask = ProbeTable.mask(kind)
        return statement.resourcesNegated ? ~all & kindMask : all & kindMask
    }

    /// The pattern to report for a grant reaching the probes in `bits`.
    func pattern(reaching bits: UInt16, clientIdScoped: Bool, states: [ResourceState]) -> String {
        if statement.resourcesNegated { return "NotResource: [\(statement.resources.joined(separator: ", "))]" }
        let resources = states[resourceRange]
        let offset =
            resources.firstIndex {
                ($0.scopedMask & bits != 0 && clientIdScoped) || ($0.unscopedMask & bits != 0 && !clientIdScoped)
            }
            ?? resourceRange.lowerBound
        let index = offset - resourceRange.lowerBound
        return statement.resources.indices.contains(index) ? statement.resources[index] : "*"
    }

    /// Whether resource `position` matches `candidate`.
    func resource(_ position: Int, matches candidate: String, clientIdScoped: Bool, states: [ResourceState]) -> Bool {
        var candidate = candidate
        let state = states[resourceRange.lowerBound + position]
        let wild = clientIdScoped ? state.scopedWild : state.unscopedWild
        let pattern = statement.compiledResources[position].pattern
        return candidate.withUTF8 { pattern.matches(bytes: $0, fromToken: 0, wildVariables: wild) }
    }

    /// The first pattern matching `candidate` (or the NotResource list when it excludes nothing).
    func resourceMatching(_ candidate: String, clientIdScoped: Bool, states: [ResourceState]) -> String? {
        let positions = statement.compiledResources.indices
        let first = positions.first {
            resource($0, matches: candidate, clientIdScoped: clientIdScoped, states: states)
        }
        if statement.resourcesNegated {
            return first == nil ? "NotResource: [\(statement.resources.joined(separator: ", "))]" : nil
        }
        return first.map { statement.resources[$0] }
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
    /// Every statement's resource states, in one array.
    let resourceStates: [CompiledStatement.ResourceState]
    /// Per probed action: the probes some unconditional Deny covering it takes
    /// back, client ID scoped and not. One pass over the Denies here keeps
    /// `broadGrant` linear: it no longer visits every Deny for every Allow
    /// (10,000 of each was 10^8 visits per action).
    let deniedProbes: [(scoped: UInt16, unscoped: UInt16)]

    public init(_ document: PolicyDocument, scope: PolicyScope) {
        self.scope = scope
        var states: [CompiledStatement.ResourceState] = []
        states.reserveCapacity(document.statements.count * 2)
        var compiled: [CompiledStatement] = []
        compiled.reserveCapacity(document.statements.count)
        for statement in document.statements {
            compiled.append(CompiledStatement(statement, scope: scope, states: &states))
        }
        statements = compiled
        let denies = compiled.filter(\.isUnconditionalDeny)
        self.denies = denies
        resourceStates = states
        var denied = [(scoped: UInt16, unscoped: UInt16)](repeating: (0, 0), count: IoTActions.probed.count)
        for deny in denies {
            // A NotResource Deny takes back every probe its patterns miss.
            let scoped = deny.statement.resourcesNegated ? ~deny.scopedReach : deny.scopedReach
            let unscoped = deny.statement.resourcesNegated ? ~deny.unscopedReach : deny.unscopedReach
            for index in denied.indices where deny.covers(probedAction: index) {
                denied[index].scoped |= scoped
                denied[index].unscoped |= unscoped
            }
        }
        deniedProbes = denied
    }

    /// Whether an unconditional Deny covers `action` on `candidate`.
    func isDenied(_ action: String, _ candidate: String, clientIdScoped: Bool) -> Bool {
        denies.contains { deny in
            deny.coversAction(action)
                && deny.resourceMatching(candidate, clientIdScoped: clientIdScoped, states: resourceStates) != nil
        }
    }

    /// The first Allow granting `action` on some resource of `kind` that belongs
    /// to another device, not taken back by an explicit Deny.
    func broadGrant(_ index: Int, kind: IoTActions.ResourceKind, clientIdScoped: (CompiledStatement) -> Bool)
        -> PolicyGrant?
    {
        let action = IoTActions.probed[index]
        for statement in statements where statement.isAllow && statement.covers(probedAction: index) {
            let scoped = clientIdScoped(statement)
            var reached = statement.probeMask(kind, clientIdScoped: scoped)
            guard reached != 0 else { continue }
            reached &= ~(scoped ? deniedProbes[index].scoped : deniedProbes[index].unscoped)
            if reached != 0 {
                return PolicyGrant(
                    action: action, statementIndex: statement.statement.index,
                    resource: statement.pattern(reaching: reached, clientIdScoped: scoped, states: resourceStates))
            }
        }
        return nil
    }

    /// Whether `iot:Connect` is granted for other clients' IDs: then
    /// `${iot:ClientId}` elsewhere in the policy is no longer the device's own.
    var grantsBroadConnect: Bool {
        broadGrant(IoTActions.connectIndex, kind: .client) { $0.statement.requiresAttachedThing } != nil
    }

    /// Data-plane actions granted on other devices' resources, in Defender's order.
    public func broadDataPlaneGrants() -> [PolicyGrant] {
        let connectBroad = grantsBroadConnect
        return IoTActions.dataPlane.indices.compactMap { index in
            let kind = IoTActions.probedKinds[index]
            return broadGrant(index, kind: kind) { statement in
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
        IoTActions.probed.indices.dropFirst(IoTActions.dataPlane.count).compactMap { index in
            broadGrant(index, kind: .thing) { $0.statement.requiresAttachedThing }
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
        return statement.statement.compiledResources.first { $0.pattern.canMatch(prefix: scope.arnPrefix) }?.pattern
            .text
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

    /// The misconfigurations of docs/defender-reference.md §2.5, each with the Deny statement concerned.
    public func misconfigurations() -> [PolicyMisconfiguration] {
        var found: [PolicyMisconfiguration] = []
        // Built once per document, and only when some Deny needs the subtree search.
        var reachability: TopicReachability? = nil
        // Conditional Denies are misconfigured the same way as unconditional ones.
        for deny in statements where deny.statement.effect == .deny && !deny.statement.resourcesNegated {
            appendMisconfigurations(of: deny, to: &found, reachability: &reachability)
        }
        return found
    }

    private func appendMisconfigurations(
        of deny: CompiledStatement, to found: inout [PolicyMisconfiguration], reachability: inout TopicReachability?
    ) {
        for resource in deny.statement.resources {
            var text = resource
            let part: (offset: Int, isFilter: Bool, hasMQTTWildcard: Bool, hasGlob: Bool)? = text.withUTF8 { bytes in
                guard let (offset, isFilter) = Self.topicOffset(bytes) else { return nil }
                var mqtt = false
                var glob = false
                for byte in bytes[offset...] {
                    if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#") { mqtt = true }
                    if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") { glob = true }
                }
                return (offset, isFilter, mqtt, glob)
            }
            guard let part else { continue }
            if part.hasMQTTWildcard {
                found.append(
                    PolicyMisconfiguration(
                        kind: .mqttWildcardsInDeny, statementIndex: deny.statement.index, resource: resource,
                        allowedFilter: nil))
            } else if part.isFilter, part.hasGlob, deny.covers(probedAction: IoTActions.subscribeIndex) {
                if reachability == nil { reachability = TopicReachability(self) }
                let name = Array(resource.utf8)[part.offset...]
                if let filter = reachability?.subtreeStillReachable(denied: name) {
                    found.append(
                        PolicyMisconfiguration(
                            kind: .deniedTopicsAllowedThroughWildcards, statementIndex: deny.statement.index,
                            resource: resource, allowedFilter: filter))
                }
            }
        }
    }

    /// Where the topic name starts after `:topicfilter/` or `:topic/`, and which of the two.
    static let topicFilterMarker = Array(":topicfilter/".utf8)
    static let topicMarker = Array(":topic/".utf8)

    static func topicOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Bool)? {
        for start in bytes.indices where bytes[start] == UInt8(ascii: ":") {
            for (needle, isFilter) in [(topicFilterMarker, true), (topicMarker, false)]
            where start + needle.count <= bytes.count && bytes[start..<(start + needle.count)].elementsEqual(needle) {
                return (start + needle.count, isFilter)
            }
        }
        return nil
    }

    /// Allowed by some Allow and not taken back by an unconditional Deny
    /// (the plain evaluation `TopicReachability` must agree with; tests use it).
    func isAllowed(_ action: String, _ candidate: String) -> Bool {
        guard !isDenied(action, candidate, clientIdScoped: true) else { return false }
        return statements.contains { statement in
            statement.isAllow && statement.coversAction(action)
                && statement.resourceMatching(candidate, clientIdScoped: true, states: resourceStates) != nil
        }
    }
}

/// `iot:Receive` and `iot:Subscribe` decisions for the subtree search of
/// `misconfigurations`, in time near-linear in the document.
///
/// A pattern can only match a candidate that begins with the pattern's
/// literal prefix (the bytes before its first `*`, `?` or variable), so the
/// patterns are indexed by a hash of that prefix and only those whose prefix
/// begins the candidate are matched. The candidates of one Deny (`a/b/#`,
/// `a/#`, `#`) are prefixes of one buffer, whose prefix hashes are computed
/// once: a filter of L levels costs O(L) hashing, not O(L^2) copying (a Deny
/// on a 20,000-level filter built 20,000 strings, 400 MB).
struct TopicReachability {
    let analysis: PolicyAnalysis
    let receive: PatternIndex
    let subscribe: PatternIndex

    init(_ analysis: PolicyAnalysis) {
        self.analysis = analysis
        receive = PatternIndex(analysis, action: "iot:Receive")
        subscribe = PatternIndex(analysis, action: "iot:Subscribe")
    }

    /// For a Deny of Subscribe on `prefix*` (`name` is the topic part of its
    /// filter): a wildcard filter on an enclosing level that a client may
    /// subscribe to, when messages of the denied subtree are also receivable.
    func subtreeStillReachable(denied name: ArraySlice<UInt8>) -> String? {
        guard let star = name.firstIndex(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }) else {
            return nil
        }
        let prefix = name[..<star]
        let arnPrefix = analysis.scope.probeTable.prefixBytes
        // A concrete topic inside the denied subtree.
        var topic = arnPrefix + Array("topic/".utf8)
        topic += prefix
        topic += Array(PolicyScope.otherMarker.utf8)
        guard receive.isAllowed(topic) else { return nil }
        // Enclosing levels, innermost first: "a/b/c/" -> "a/b/#", "a/#", "#".
        // Level j keeps the bytes before the j-th slash; the last level (after
        // the last slash, or the empty one a trailing slash leaves) is dropped.
        var slashes: [Int] = []
        for position in prefix.indices where prefix[position] == UInt8(ascii: "/") {
            slashes.append(position - prefix.startIndex)
        }
        let levels = prefix.isEmpty ? 0 : slashes.count + 1 - (prefix.last == UInt8(ascii: "/") ? 1 : 0)
        guard levels > 0 else { return nil }
        // One buffer: `arn...:topicfilter/` + prefix + one spare byte; a
        // candidate is a prefix of it with `#` written after its last slash.
        var buffer = arnPrefix + Array("topicfilter/".utf8)
        let base = buffer.count
        buffer += prefix
        buffer.append(0)
        let hashes = PatternIndex.prefixHashes(buffer)
        for kept in stride(from: levels - 1, through: 0, by: -1) {
            let cut = kept == 0 ? base : base + slashes[kept - 1] + 1
            let saved = buffer[cut]
            buffer[cut] = UInt8(ascii: "#")
            let allowed = buffer.withUnsafeBufferPointer { all in
                let candidate = UnsafeBufferPointer(rebasing: all[0...cut])
                return subscribe.isAllowed(candidate) { length in
                    length <= cut ? hashes[length] : PatternIndex.extend(hashes[cut], UInt8(ascii: "#"))
                }
            }
            buffer[cut] = saved
            if allowed { return String(decoding: buffer[base..<cut], as: UTF8.self) + "#" }
        }
        return nil
    }
}

/// The resource patterns of the statements covering one action, found by the
/// hash of their literal prefix: Allows, unconditional Denies, and the
/// NotResource statements (which match what their patterns miss, so are
/// always evaluated).
struct PatternIndex {
    struct Entry {
        var statement: Int
        var position: Int
    }

    let analysis: PolicyAnalysis
    /// (literal prefix length, hash) -> patterns, Allows and Denies apart.
    private var allows: [Key: [Entry]] = [:]
    private var denies: [Key: [Entry]] = [:]
    /// Distinct literal prefix lengths, ascending.
    private var lengths: [Int] = []
    private var negatedAllows: [Int] = []
    private var negatedDenies: [Int] = []

    struct Key: Hashable {
        var length: Int
        var hash: UInt64
    }

    init(_ analysis: PolicyAnalysis, action: String) {
        self.analysis = analysis
        var lengthSet: Set<Int> = []
        for (number, statement) in analysis.statements.enumerated() {
            let isDeny = statement.isUnconditionalDeny
            guard statement.isAllow || isDeny, statement.coversAction(action) else { continue }
            if statement.statement.resourcesNegated {
                if isDeny { negatedDenies.append(number) } else { negatedAllows.append(number) }
                continue
            }
            for (position, resource) in statement.statement.compiledResources.enumerated() {
                let pattern = resource.pattern
                // Resource patterns are case-sensitive: a literal token is one byte.
                var hash = Self.seed
                for token in pattern.tokens.prefix(pattern.literalPrefixCount) {
                    hash = Self.extend(hash, UInt8(token))
                }
                let key = Key(length: pattern.literalPrefixCount, hash: hash)
                lengthSet.insert(key.length)
                if isDeny {
                    denies[key, default: []].append(Entry(statement: number, position: position))
                } else {
                    allows[key, default: []].append(Entry(statement: number, position: position))
                }
            }
        }
        lengths = lengthSet.sorted()
    }

    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func extend(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash &* 0x0000_0100_0000_01B3) &+ UInt64(byte) &+ 1
    }

    /// `result[n]` is the hash of the first `n` bytes.
    static func prefixHashes(_ bytes: [UInt8]) -> [UInt64] {
        var result: [UInt64] = [seed]
        result.reserveCapacity(bytes.count + 1)
        var hash = seed
        for byte in bytes {
            hash = extend(hash, byte)
            result.append(hash)
        }
        return result
    }

    /// Whether `candidate` is allowed (client ID scoped, as `PolicyAnalysis.isAllowed`).
    func isAllowed(_ candidate: [UInt8]) -> Bool {
        let hashes = Self.prefixHashes(candidate)
        return candidate.withUnsafeBufferPointer { buffer in isAllowed(buffer) { hashes[$0] } }
    }

    /// Whether `candidate` is allowed; `hash(n)` gives the hash of its first `n` bytes.
    func isAllowed(_ candidate: UnsafeBufferPointer<UInt8>, hash: (Int) -> UInt64) -> Bool {
        if anyMatch(candidate, hash: hash, in: denies, negated: negatedDenies) { return false }
        return anyMatch(candidate, hash: hash, in: allows, negated: negatedAllows)
    }

    private func anyMatch(
        _ candidate: UnsafeBufferPointer<UInt8>, hash: (Int) -> UInt64, in table: [Key: [Entry]], negated: [Int]
    ) -> Bool {
        for number in negated {
            // A NotResource statement applies when none of its patterns matches.
            let statement = analysis.statements[number]
            let hit = statement.statement.compiledResources.indices.contains { matches(number, $0, candidate, from: 0) }
            if !hit { return true }
        }
        guard !table.isEmpty else { return false }
        for length in lengths {
            guard length <= candidate.count else { break }
            guard let entries = table[Key(length: length, hash: hash(length))] else { continue }
            for entry in entries where matches(entry.statement, entry.position, candidate, from: length) {
                return true
            }
        }
        return false
    }

    /// Whether pattern `position` of statement `number` matches `candidate`,
    /// its first `from` bytes (its literal prefix, by hash) checked here too:
    /// a hash collision must not decide.
    private func matches(_ number: Int, _ position: Int, _ candidate: UnsafeBufferPointer<UInt8>, from: Int) -> Bool {
        let statement = analysis.statements[number]
        let state = analysis.resourceStates[statement.resourceRange.lowerBound + position]
        let pattern = statement.statement.compiledResources[position].pattern
        for offset in 0..<from where pattern.tokens[offset] != UInt16(candidate[offset]) { return false }
        return pattern.matches(
            bytes: UnsafeBufferPointer(rebasing: candidate[from...]), fromToken: from,
            wildVariables: state.scopedWild)
    }
}
