import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// What a mitigation action type is, in one place: its Defender type name, the
/// `actionParams` member it reads, the checks it may mitigate, what it does, and
/// examples of it at work (the examples are also its tests: one parameterised test
/// applies every example of every registered type).
public struct MitigationActionDescription: Sendable {
    /// The `MitigationActionType` enum string of the API.
    public var typeName: String
    /// The member of `actionParams` that holds this type's parameters.
    public var paramsMember: String
    /// The checks it may mitigate (docs/defender-reference.md §1.2); nil: every check.
    public var applicableChecks: Set<CheckName>?
    /// One sentence: what it changes.
    public var summary: String
    public var examples: [MitigationExample]

    public init(
        typeName: String, paramsMember: String, applicableChecks: Set<CheckName>?, summary: String,
        examples: [MitigationExample]
    ) {
        self.typeName = typeName
        self.paramsMember = paramsMember
        self.applicableChecks = applicableChecks
        self.summary = summary
        self.examples = examples
    }
}

/// A snapshot before, the action's parameters, the finding it acts on, and what must
/// result: the files of the snapshot after, the notifications sent, and whether a
/// re-audit still reports the finding.
public struct MitigationExample: Sendable, CustomStringConvertible {
    public enum Outcome: Sendable, Hashable {
        /// The execution completes. `after`: every file it changes or creates, as it must
        /// read then; every other file stays byte for byte as it was.
        case completed(after: [String: String], reaudit: Reaudit)
        /// The execution fails with exactly this error code and message; nothing changes
        /// and a re-audit still reports the finding.
        case failed(errorCode: String, message: String)
    }

    /// What a re-audit of the snapshot after, with the finding's check, says about the finding.
    public enum Reaudit: Sendable, Hashable {
        case findingGone
        /// The action does not fix what the check reports (PUBLISH_FINDING_TO_SNS,
        /// ADD_THINGS_TO_THING_GROUP).
        case findingStays
    }

    /// The task clock of every example run (`mitigate --now 2026-11-27T09:30:00Z`): what
    /// times the action writes (`lastModifiedDate`, `creationDate`) are this.
    public static let taskTime = AuditTime(millisecondsSinceEpoch: 1_795_771_800_000)
    /// The task id of every example run (`mitigate --task-id`): ids the action derives
    /// from it (a policy version's `generationId`) are fixed.
    public static let taskId = "example-task"

    public var name: String
    /// File name → content. The runner adds a `manifest.json` unless one is given, and
    /// a `mitigation-actions.json` defining the action with `params`.
    public var before: [String: String]
    /// The JSON of the action's `actionParams` member.
    public var params: String
    /// The check that reports `finding` on `before`.
    public var check: CheckName
    public var finding: ExpectedFinding
    public var outcome: Outcome
    /// The topic ARN of each SNS notification the execution sends, in order.
    public var published: [String]
    /// Where the example is written, so a failing example points at itself.
    public var filePath: String
    public var line: Int

    public init(
        _ name: String, before: [String: String], params: String, check: CheckName, finding: ExpectedFinding,
        outcome: Outcome, published: [String] = [], filePath: String = #filePath, line: Int = #line
    ) {
        self.name = name
        self.before = before
        self.params = params
        self.check = check
        self.finding = finding
        self.outcome = outcome
        self.published = published
        self.filePath = filePath
        self.line = line
    }

    public var description: String { name }
}
