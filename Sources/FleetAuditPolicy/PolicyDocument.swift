import FleetAuditJSON

/// `Allow` or `Deny`.
public enum PolicyEffect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// One statement of an IoT or IAM policy, with its patterns as written and
/// compiled. A class: analyses pass statements around by the thousand, and a
/// reference is one retain where a struct of arrays would be a dozen.
public final class PolicyStatement: Sendable, Hashable {
    /// Position in the document's `Statement` list, from 0.
    public let index: Int
    public let sid: String?
    public let effect: PolicyEffect
    /// `Action` patterns, or `NotAction` patterns when `actionsNegated`.
    public let actions: [String]
    public let actionsNegated: Bool
    /// `Resource` patterns, or `NotResource` patterns when `resourcesNegated`.
    public let resources: [String]
    public let resourcesNegated: Bool
    /// `Condition {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}`: the client must be attached to its thing.
    public let requiresAttachedThing: Bool
    /// Any other condition: it may or may not hold, so an Allow is assumed to apply and a Deny is not relied on.
    public let hasOtherConditions: Bool
    /// The keys of those other conditions (`aws:SourceIp`, ...), for `missingContextValues`.
    public let otherConditionKeys: [String]

    // Compiled once when the document is parsed; the analyses only match.
    /// `actions` compiled, case-insensitive.
    public let actionPatterns: [GlobPattern]
    /// `resources` compiled with their variables kept symbolic.
    public let compiledResources: [CompiledResource]
    /// The probed actions (`IoTActions.probed`) the Action/NotAction covers, as bits.
    public let probedActionMask: UInt32

    public init(
        index: Int, sid: String?, effect: PolicyEffect, actions: [String], actionsNegated: Bool, resources: [String],
        resourcesNegated: Bool, requiresAttachedThing: Bool, hasOtherConditions: Bool, otherConditionKeys: [String] = []
    ) {
        self.index = index
        self.sid = sid
        self.effect = effect
        self.actions = actions
        self.actionsNegated = actionsNegated
        self.resources = resources
        self.resourcesNegated = resourcesNegated
        self.requiresAttachedThing = requiresAttachedThing
        self.hasOtherConditions = hasOtherConditions
        self.otherConditionKeys = otherConditionKeys
        let actionPatterns = actions.map { GlobPattern($0, caseInsensitive: true) }
        var mask: UInt32 = 0
        for pattern in actionPatterns { mask |= IoTActions.probedMask(of: pattern) }
        self.actionPatterns = actionPatterns
        probedActionMask = actionsNegated ? ~mask & IoTActions.probedAllMask : mask
        compiledResources = resources.map(CompiledResource.init)
    }

    private init(_ other: PolicyStatement, index: Int) {
        self.index = index
        sid = other.sid
        effect = other.effect
        actions = other.actions
        actionsNegated = other.actionsNegated
        resources = other.resources
        resourcesNegated = other.resourcesNegated
        requiresAttachedThing = other.requiresAttachedThing
        hasOtherConditions = other.hasOtherConditions
        otherConditionKeys = other.otherConditionKeys
        actionPatterns = other.actionPatterns
        compiledResources = other.compiledResources
        probedActionMask = other.probedActionMask
    }

    /// The same statement at another position (role policies merged into one document).
    public func reindexed(_ index: Int) -> PolicyStatement { PolicyStatement(self, index: index) }

    public static func == (lhs: PolicyStatement, rhs: PolicyStatement) -> Bool {
        lhs.index == rhs.index && lhs.sid == rhs.sid && lhs.effect == rhs.effect && lhs.actions == rhs.actions
            && lhs.actionsNegated == rhs.actionsNegated && lhs.resources == rhs.resources
            && lhs.resourcesNegated == rhs.resourcesNegated && lhs.requiresAttachedThing == rhs.requiresAttachedThing
            && lhs.hasOtherConditions == rhs.hasOtherConditions && lhs.otherConditionKeys == rhs.otherConditionKeys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(index)
        hasher.combine(effect)
        hasher.combine(actions)
        hasher.combine(resources)
    }
}

/// A resource pattern compiled when its policy is parsed, with what each
/// variable slot can bind to (decided per scope when the policy is analysed).
public final class CompiledResource: Sendable, Hashable {
    public let pattern: GlobPattern
    /// Slots that always name the device itself: thing name, certificate fields, Cognito identity.
    public let selfBound: UInt32
    /// Slots holding `${iot:ClientId}`: the device's own only when the client must be attached to its thing.
    public let clientId: UInt32
    /// Slots holding the thing's type or one of its attributes: the device's own
    /// only when no other thing shares the value.
    public let thingData: UInt32

    public static func == (lhs: CompiledResource, rhs: CompiledResource) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    public convenience init(_ text: String) {
        self.init(pattern: GlobPattern(text))
    }

    init(pattern: GlobPattern) {
        self.pattern = pattern
        var selfBound: UInt32 = 0
        var clientId: UInt32 = 0
        var thingData: UInt32 = 0
        for (slot, name) in pattern.variables.enumerated() {
            let bit: UInt32 = 1 << UInt32(slot)
            switch VariableKind(name) {
            case .device: selfBound |= bit
            case .clientId: clientId |= bit
            case .thingData: thingData |= bit
            case .unknown: break
            }
        }
        self.selfBound = selfBound
        self.clientId = clientId
        self.thingData = thingData
    }

    /// Slots that are wildcards in `scope`: unknown variables always, thing
    /// data when shared or unknown, the client ID unless `clientIdScoped`.
    func wildVariables(in scope: PolicyScope, clientIdScoped: Bool) -> UInt32 {
        let all: UInt32 = pattern.variables.isEmpty ? 0 : UInt32.max >> UInt32(32 - pattern.variables.count)
        var wild = all & ~selfBound & ~clientId & ~thingData
        if !clientIdScoped { wild |= clientId }
        if thingData != 0 {
            for (slot, name) in pattern.variables.enumerated() where thingData & (1 << UInt32(slot)) != 0 {
                if !scope.thingsKnown || scope.sharedVariables.contains(name) { wild |= 1 << UInt32(slot) }
            }
        }
        return wild
    }
}

/// What a policy variable binds to, for the broadness analysis.
enum VariableKind {
    case device, clientId, thingData, unknown

    init(_ name: String) {
        func equal(_ lowered: StaticString, prefix: Bool = false) -> Bool {
            let expected = UnsafeBufferPointer(start: lowered.utf8Start, count: lowered.utf8CodeUnitCount)
            var index = 0
            for byte in name.utf8 {
                guard index < expected.count else { return prefix }
                if GlobPattern.lower(byte) != expected[index] { return false }
                index += 1
            }
            return index == expected.count
        }
        if equal("iot:connection.thing.thingname") || equal("credentials-iot:thingname")
            || equal("cognito-identity.amazonaws.com:sub") || equal("iot:certificate.", prefix: true)
        {
            self = .device
        } else if equal("iot:clientid") {
            self = .clientId
        } else if equal("iot:connection.thing.thingtypename") || equal("iot:connection.thing.attributes[", prefix: true)
        {
            self = .thingData
        } else {
            self = .unknown
        }
    }
}

/// A parsed policy document.
public struct PolicyDocument: Sendable, Hashable {
    public init(statements: [PolicyStatement], significantCharacters: Int) {
        self.statements = statements
        self.significantCharacters = significantCharacters
    }

    public var statements: [PolicyStatement]
    /// Characters other than whitespace outside strings: what AWS IoT's 2048-character limit counts.
    public var significantCharacters: Int

    /// AWS IoT's limit on a policy document, excluding whitespace.
    public static let iotSizeLimit = 2048
}

/// Why a policy document cannot be analysed; the reason names the statement and member.
public struct PolicyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension PolicyDocument {
    /// Parses a document given as JSON text (IoT's `policyDocument` string, or
    /// an IAM document still URL-encoded as on the wire).
    public init(text: String) throws(PolicyParseError) {
        var source = text
        if source.hasPrefix("%7B") || source.hasPrefix("%7b"), let decoded = Self.percentDecoded(source) {
            source = decoded
        }
        // Read jansson's tree directly: a policy is decoded once and needs no owned copy.
        let significant = Self.countSignificant(source)
        let parsed = JSONParser.withTree(source) { root in
            Result { () throws(PolicyParseError) in try PolicyDocument(parsed: root, significantCharacters: significant)
            }
        }
        switch parsed {
        case .success(.success(let document)): self = document
        case .success(.failure(let error)): throw error
        case .failure(let error):
            throw PolicyParseError("policy document is not valid JSON: \(error.reason) (at byte \(error.position))")
        }
    }

    /// Parses a document given as a JSON value (IAM documents as the CLI prints them).
    public init(json: JSONValue) throws(PolicyParseError) {
        if case .string(let text) = json {
            try self.init(text: text)
            return
        }
        try self.init(parsed: json, significantCharacters: Self.countSignificant(JSONWriter.compact(json)))
    }

    init<Node: JSONReadable>(parsed json: Node, significantCharacters: Int) throws(PolicyParseError) {
        guard json.kind == .object else {
            throw PolicyParseError("policy document is \(json.typeName); expected an object")
        }
        var statements: [PolicyStatement] = []
        switch json.member("Statement") {
        case nil: throw PolicyParseError("policy document has no Statement")
        case let list? where list.kind == .array:
            statements.reserveCapacity(list.elementCount)
            for index in 0..<list.elementCount {
                statements.append(try Self.statement(list.element(at: index), index: index))
            }
        case let single? where single.kind == .object:
            statements.append(try Self.statement(single, index: 0))
        case let other?: throw PolicyParseError("Statement is \(other.typeName); expected an object or an array")
        }
        self = PolicyDocument(statements: statements, significantCharacters: significantCharacters)
    }

    static func statement<Node: JSONReadable>(_ object: Node, index: Int) throws(PolicyParseError) -> PolicyStatement {
        let label = "Statement[\(index)]"
        guard object.kind == .object else {
            throw PolicyParseError("\(label) is \(object.typeName); expected an object")
        }
        // One pass over the members instead of a lookup per member name.
        var effectValue: Node? = nil
        var action: Node? = nil
        var notAction: Node? = nil
        var resource: Node? = nil
        var notResource: Node? = nil
        var condition: Node? = nil
        var sid: String? = nil
        object.forEachMember { key, value in
            switch key {
            case "Effect": effectValue = value
            case "Action": action = value
            case "NotAction": notAction = value
            case "Resource": resource = value
            case "NotResource": notResource = value
            case "Condition": condition = value
            case "Sid": sid = value.stringValue
            default: break
            }
        }
        let effect: PolicyEffect
        switch effectValue {
        case nil: throw PolicyParseError("\(label) has no Effect")
        case let value?:
            switch value.stringValue {
            case "Allow": effect = .allow
            case "Deny": effect = .deny
            default:
                throw PolicyParseError("\(label) has Effect \(value.compactJSON); expected \"Allow\" or \"Deny\"")
            }
        }
        let (actions, actionsNegated) = try patterns(action, notAction, "Action", "NotAction", label: label)
        let (resources, resourcesNegated) = try patterns(resource, notResource, "Resource", "NotResource", label: label)
        var requiresAttachedThing = false
        var hasOtherConditions = false
        var otherConditionKeys: [String] = []
        if let condition {
            guard condition.kind == .object else {
                throw PolicyParseError("\(label).Condition is \(condition.typeName); expected an object")
            }
            try condition.forEachMember { (name, clause) throws(PolicyParseError) in
                guard clause.kind == .object else {
                    throw PolicyParseError("\(label).Condition.\(name) is \(clause.typeName); expected an object")
                }
                clause.forEachMember { key, expected in
                    if name == "Bool", key.lowercased() == "iot:connection.thing.isattached", isTrue(expected) {
                        requiresAttachedThing = true
                    } else {
                        hasOtherConditions = true
                        otherConditionKeys.append(key)
                    }
                }
            }
        }
        return PolicyStatement(
            index: index, sid: sid, effect: effect, actions: actions, actionsNegated: actionsNegated,
            resources: resources, resourcesNegated: resourcesNegated, requiresAttachedThing: requiresAttachedThing,
            hasOtherConditions: hasOtherConditions, otherConditionKeys: otherConditionKeys)
    }

    static func isTrue<Node: JSONReadable>(_ value: Node) -> Bool {
        if value.boolValue == true || value.stringValue == "true" { return true }
        return value.kind == .array && value.elementCount == 1 && isTrue(value.element(at: 0))
    }

    static func patterns<Node: JSONReadable>(
        _ positiveValue: Node?, _ negativeValue: Node?, _ positive: String, _ negative: String, label: String
    ) throws(PolicyParseError) -> ([String], Bool) {
        switch (positiveValue, negativeValue) {
        case (nil, nil): throw PolicyParseError("\(label) has neither \(positive) nor \(negative)")
        case (.some, .some): throw PolicyParseError("\(label) has both \(positive) and \(negative)")
        default: break
        }
        let name = positiveValue != nil ? positive : negative
        guard let value = positiveValue ?? negativeValue else { return ([], false) }
        switch value.kind {
        case .string: return ([value.stringValue ?? ""], negativeValue != nil)
        case .array:
            var result: [String] = []
            result.reserveCapacity(value.elementCount)
            for position in 0..<value.elementCount {
                let element = value.element(at: position)
                guard let text = element.stringValue else {
                    throw PolicyParseError("\(label).\(name)[\(position)] is \(element.typeName); expected a string")
                }
                result.append(text)
            }
            return (result, negativeValue != nil)
        default:
            throw PolicyParseError("\(label).\(name) is \(value.typeName); expected a string or an array of strings")
        }
    }

    /// Non-whitespace characters outside strings plus every character inside
    /// them (UTF-8 continuation bytes are not counted: characters, not bytes).
    static func countSignificant(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { countSignificant(bytes: $0) }
    }

    static func countSignificant(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if byte & 0xC0 == 0x80 { continue }
            if inString {
                count += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                count += 1
            } else if byte != 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D {
                count += 1
            }
        }
        return count
    }

    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
