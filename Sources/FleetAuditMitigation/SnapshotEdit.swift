import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// What one completed execution does: the edits of the new snapshot, the SNS
/// notifications it sends and the changes by resource that `mitigate` prints and
/// `remediation.sh` repeats. An action returns it and the executor applies it: no
/// action writes a file, so an execution that fails (and returns no edits) changes nothing.
public struct ActionEdits: Sendable, Hashable {
    public var snapshotEdits: [SnapshotEdit]
    /// SNS notification records (`SNSNotificationRecord`), one line each of `sns-outbox.jsonl`.
    public var notifications: [JSONValue]
    public var changes: [ResourceChange]

    public init(snapshotEdits: [SnapshotEdit] = [], notifications: [JSONValue] = [], changes: [ResourceChange] = []) {
        self.snapshotEdits = snapshotEdits
        self.notifications = notifications
        self.changes = changes
    }

    /// A completed execution that had nothing to change (a certificate already INACTIVE).
    public static let nothing = ActionEdits()
}

/// One change to one file of the new snapshot.
public enum SnapshotEdit: Sendable, Hashable {
    /// A settings file (one object, such as `v2-logging-options.json`) replaced whole;
    /// it leaves the manifest's `unavailable` list, since it now holds the state.
    case replaceObject(SnapshotFile, JSONObject)
    /// Elements of a file's primary array changed in place (`ElementEdit`).
    case editElements(ElementEdit)
    /// An element added at the end of a file's primary array; the file is created when absent.
    case appendElement(SnapshotFile, JSONValue)
}

/// Which elements of which file change, and how: the elements of `file`'s primary
/// array whose key (`SnapshotWorkspace.elementKey`: a certificate id, a policy name,
/// a thing group name) is `key`, and of those only the ones that meet `condition`.
public struct ElementEdit: Sendable, Hashable {
    public var file: SnapshotFile
    public var key: String
    /// nil: every element with the key.
    public var condition: ElementCondition?
    public var changes: [ElementChange]

    public init(_ file: SnapshotFile, key: String, where condition: ElementCondition? = nil, _ changes: [ElementChange])
    {
        self.file = file
        self.key = key
        self.condition = condition
        self.changes = changes
    }

    /// What replaces `element`: itself changed, then any inserted elements; nothing when
    /// it is removed. An element that is not an object, or does not meet the condition,
    /// stays as it is.
    public func apply(to element: JSONValue) -> [JSONValue] {
        guard var object = element.objectValue, condition?.isMet(by: object) ?? true else { return [element] }
        var kept = true
        var inserted: [JSONValue] = []
        for change in changes {
            switch change {
            case .set(let member, let value):
                object[member] = value
            case .setTime(let member, let time):
                // Keep the form the element uses: epoch seconds (`describe-certificate`'s
                // default output) when it holds a number, ISO 8601 otherwise.
                switch object[member] {
                case .integer?, .real?: object[member] = .real(Double(time.millisecondsSinceEpoch) / 1000)
                default: object[member] = .string(time.iso8601)
                }
            case .increment(let member):
                // Callers check the value can be incremented; saturate rather than trap all the same.
                if case .integer(let value)? = object[member] {
                    object[member] = .integer(value < Int64.max ? value + 1 : value)
                }
            case .addToArray(let member, let value):
                var list = object[member]?.arrayValue ?? []
                if !list.contains(value) { list.append(value) }
                object[member] = .array(list)
            case .removeFromArray(let member, let value):
                object[member] = .array((object[member]?.arrayValue ?? []).filter { $0 != value })
            case .insertAfter(let copied, let members):
                var element = JSONObject()
                for member in copied { element[member] = object[member] }
                for (member, value) in members.members { element[member] = value }
                inserted.append(.object(element))
            case .remove:
                kept = false
            }
        }
        return (kept ? [.object(object)] : []) + inserted
    }
}

/// The elements an `ElementEdit` applies to, among those with its key.
public struct ElementCondition: Sendable, Hashable {
    public var member: String
    public var value: JSONValue

    /// The elements whose `member` equals `value` (`isDefaultVersion` true: a policy's default version).
    public init(member: String, equals value: JSONValue) {
        self.member = member
        self.value = value
    }

    func isMet(by object: JSONObject) -> Bool { object[member] == value }
}

/// One change to one element (an object), applied in the order listed.
public enum ElementChange: Sendable, Hashable {
    /// The member set to the value (added at the end when absent).
    case set(String, JSONValue)
    /// The member set to the time, in the form it already has: epoch seconds when it
    /// holds a number, an ISO 8601 string otherwise.
    case setTime(String, AuditTime)
    /// The integer member one higher; left alone when absent or not an integer.
    case increment(String)
    /// The value appended to the array member unless the array holds it (an absent or
    /// non-array member becomes an array of the value).
    case addToArray(String, JSONValue)
    /// Every copy of the value taken out of the array member.
    case removeFromArray(String, JSONValue)
    /// A new element placed right after this one: the `copying` members of this one
    /// (those it has, as changed so far), then `members` (a policy's new version after
    /// the old default, with the old one's `policyArn`).
    case insertAfter(copying: [String], JSONObject)
    /// The element taken out of the array.
    case remove
}
