import FleetAuditCore
import FleetAuditJSON

/// A problem with the mitigation request itself, found before anything runs.
/// `isUsage` separates bad command-line input (exit 64) from input data that
/// cannot be mitigated (exit 2); either way nothing is written.
public struct MitigationRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public var isUsage: Bool

    public static func usage(_ text: String) -> MitigationRequestError {
        MitigationRequestError(description: text, isUsage: true)
    }

    public static func input(_ text: String) -> MitigationRequestError {
        MitigationRequestError(description: text, isUsage: false)
    }
}

/// A mitigation action as `aws iot describe-mitigation-action` prints it.
public struct MitigationActionDefinition: Sendable, Hashable {
    public var name: String
    public var id: String
    public var type: String
    public var roleArn: String
    /// The `actionParams` object: exactly one member, named by the action type.
    public var params: JSONObject

    /// Decodes and validates an element of `mitigation-actions.json` the way
    /// `create-mitigation-action` validates its request.
    public init(json: JSONValue) throws(MitigationRequestError) {
        guard let object = json.objectValue else {
            throw .input("a mitigation action must be an object, found \(json.typeName)")
        }
        guard let name = object["actionName"]?.stringValue else {
            throw .input("a mitigation action has no actionName")
        }
        guard (1...128).contains(name.count), name.utf8.allSatisfy(Self.isNameByte) else {
            throw .input("action name '\(name)' must be 1 to 128 characters of [a-zA-Z0-9_-]")
        }
        guard let type = object["actionType"]?.stringValue else { throw .input("action \(name) has no actionType") }
        guard let roleArn = object["roleArn"]?.stringValue, (20...2048).contains(roleArn.count) else {
            throw .input("action \(name): roleArn must be a string of 20 to 2048 characters")
        }
        guard let params = object["actionParams"]?.objectValue else {
            throw .input("action \(name) has no actionParams object")
        }
        guard params.members.count == 1 else {
            throw .input(
                "action \(name): actionParams must set exactly one member, found \(params.keys.joined(separator: ", "))"
            )
        }
        self.name = name
        self.id = object["actionId"]?.stringValue ?? FindingIdentity.uuidV5(name: "mitigation-action\n" + name)
        self.type = type
        self.roleArn = roleArn
        self.params = params
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// `actionsDefinition` entry of `describe-audit-mitigation-actions-task`.
    public var json: JSONValue {
        ["name": .string(name), "id": .string(id), "roleArn": .string(roleArn), "actionParams": .object(params)]
    }
}

/// One Defender mitigation action type: its description (name, parameters
/// member, the checks it may mitigate, examples), its parameters, validated as the
/// API validates them, and its effect, returned as edits for the executor to apply.
public protocol MitigationActionType: Sendable {
    static var description: MitigationActionDescription { get }

    /// Validates the parameters; the message names the bad member.
    init(params: JSONObject) throws(MitigationRequestError)

    /// What the action does for one finding, given the new snapshot as the task has
    /// left it so far. It reads; it writes nothing: a completed result carries the edits.
    func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
}

extension MitigationActionType {
    /// The `MitigationActionType` enum string.
    public static var typeName: String { description.typeName }
    /// The member of `actionParams` that holds this type's parameters.
    public static var paramsMember: String { description.paramsMember }
    /// Check names it may mitigate; `nil` means every check.
    public static var applicableChecks: Set<CheckName>? { description.applicableChecks }
}

/// How one execution (one action on one finding) ended.
public enum ExecutionResult: Sendable, Hashable {
    /// What to change; nothing has been changed yet.
    case completed(ActionEdits)
    /// `errorCode` in the style of the API's exception names; nothing changes.
    case failed(errorCode: String, message: String)
}

/// Parameter checks shared by the action types.
enum ActionParams {
    static func requireOnly(_ allowed: Set<String>, in params: JSONObject, of member: String)
        throws(MitigationRequestError)
    {
        for key in params.keys where !allowed.contains(key) {
            throw .input("\(member): unknown parameter '\(key)' (valid: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func string(_ key: String, in params: JSONObject, of member: String, length: ClosedRange<Int>)
        throws(MitigationRequestError) -> String
    {
        guard let value = params[key] else { throw .input("\(member): missing required parameter '\(key)'") }
        guard let text = value.stringValue else {
            throw .input("\(member).\(key) must be a string, found \(value.typeName)")
        }
        guard length.contains(text.count) else {
            throw .input("\(member).\(key) must be \(length.lowerBound) to \(length.upperBound) characters")
        }
        return text
    }
}
