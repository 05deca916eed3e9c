import FleetAuditJSON

/// `Allow` or `Deny`.
public enum PolicyEffect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// One statement of an IoT or IAM policy, with its patterns as written.
public struct PolicyStatement: Sendable, Hashable {
    /// Position in the document's `Statement` list, from 0.
    public var index: Int
    public var sid: String?
    public var effect: PolicyEffect
    /// `Action` patterns, or `NotAction` patterns when `actionsNegated`.
    public var actions: [String]
    public var actionsNegated: Bool
    /// `Resource` patterns, or `NotResource` patterns when `resourcesNegated`.
    public var resources: [String]
    public var resourcesNegated: Bool
    /// `Condition {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}`: the client must be attached to its thing.
    public var requiresAttachedThing: Bool
    /// Any other condition: it may or may not hold, so an Allow is assumed to apply and a Deny is not relied on.
    public var hasOtherConditions: Bool
    /// The keys of those other conditions (`aws:SourceIp`, ...), for `missingContextValues`.
    public var otherConditionKeys: [String] = []
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
        switch JSONParser.parse(source) {
        case .success(let value):
            try self.init(json: value)
            significantCharacters = Self.countSignificant(source)
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
        guard let document = json.objectValue else {
            throw PolicyParseError("policy document is \(json.typeName); expected an object")
        }
        let statementValues: [JSONValue]
        switch document["Statement"] {
        case nil: throw PolicyParseError("policy document has no Statement")
        case .array(let list)?: statementValues = list
        case .object(let single)?: statementValues = [.object(single)]
        case let other?: throw PolicyParseError("Statement is \(other.typeName); expected an object or an array")
        }
        var statements: [PolicyStatement] = []
        statements.reserveCapacity(statementValues.count)
        for (index, value) in statementValues.enumerated() {
            statements.append(try Self.statement(value, index: index))
        }
        self = PolicyDocument(
            statements: statements, significantCharacters: Self.countSignificant(JSONWriter.compact(json)))
    }

    static func statement(_ value: JSONValue, index: Int) throws(PolicyParseError) -> PolicyStatement {
        let label = "Statement[\(index)]"
        guard let object = value.objectValue else {
            throw PolicyParseError("\(label) is \(value.typeName); expected an object")
        }
        let effect: PolicyEffect
        switch object["Effect"] {
        case .string("Allow")?: effect = .allow
        case .string("Deny")?: effect = .deny
        case nil: throw PolicyParseError("\(label) has no Effect")
        case let other?:
            throw PolicyParseError("\(label) has Effect \(JSONWriter.compact(other)); expected \"Allow\" or \"Deny\"")
        }
        let (actions, actionsNegated) = try patterns(object, "Action", "NotAction", label: label)
        let (resources, resourcesNegated) = try patterns(object, "Resource", "NotResource", label: label)
        var requiresAttachedThing = false
        var hasOtherConditions = false
        var otherConditionKeys: [String] = []
        if let condition = object["Condition"] {
            guard let operators = condition.objectValue else {
                throw PolicyParseError("\(label).Condition is \(condition.typeName); expected an object")
            }
            for (name, clause) in operators.members {
                guard let keys = clause.objectValue else {
                    throw PolicyParseError("\(label).Condition.\(name) is \(clause.typeName); expected an object")
                }
                for (key, expected) in keys.members {
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
            index: index, sid: object["Sid"]?.stringValue, effect: effect, actions: actions,
            actionsNegated: actionsNegated, resources: resources, resourcesNegated: resourcesNegated,
            requiresAttachedThing: requiresAttachedThing, hasOtherConditions: hasOtherConditions,
            otherConditionKeys: otherConditionKeys)
    }

    static func isTrue(_ value: JSONValue) -> Bool {
        switch value {
        case .bool(true), .string("true"): return true
        case .array(let list): return list.count == 1 && isTrue(list[0])
        default: return false
        }
    }

    static func patterns(_ object: JSONObject, _ positive: String, _ negative: String, label: String)
        throws(PolicyParseError) -> ([String], Bool)
    {
        let hasPositive = object[positive] != nil
        let hasNegative = object[negative] != nil
        switch (hasPositive, hasNegative) {
        case (false, false): throw PolicyParseError("\(label) has neither \(positive) nor \(negative)")
        case (true, true): throw PolicyParseError("\(label) has both \(positive) and \(negative)")
        default: break
        }
        let name = hasPositive ? positive : negative
        let value = object[name] ?? .null
        switch value {
        case .string(let single): return ([single], hasNegative)
        case .array(let list):
            var result: [String] = []
            result.reserveCapacity(list.count)
            for (position, element) in list.enumerated() {
                guard let text = element.stringValue else {
                    throw PolicyParseError("\(label).\(name)[\(position)] is \(element.typeName); expected a string")
                }
                result.append(text)
            }
            return (result, hasNegative)
        default:
            throw PolicyParseError("\(label).\(name) is \(value.typeName); expected a string or an array of strings")
        }
    }

    /// Non-whitespace characters outside strings plus every character inside them.
    static func countSignificant(_ text: String) -> Int {
        var count = 0
        var inString = false
        var escaped = false
        for scalar in text.unicodeScalars {
            if inString {
                count += 1
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inString = false
                }
            } else if scalar == "\"" {
                inString = true
                count += 1
            } else if scalar != " " && scalar != "\n" && scalar != "\t" && scalar != "\r" {
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
