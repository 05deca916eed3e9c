import FleetAuditJSON

/// What a check is, in one place: its Defender name, severity, the resource it
/// reports, its reason codes, the snapshot files it reads, and examples that
/// must and must not produce findings (the examples are also its tests).
public struct CheckDescription: Sendable {
    /// The Device Defender `checkName`.
    public var name: String
    /// Other spellings accepted on input (legacy names, documentation typos).
    public var aliases: [String]
    public var severity: Severity
    public var resourceType: ResourceType
    public var reasonCodes: [String]
    /// Snapshot files the check reads.
    public var inputs: [SnapshotFile]
    /// One sentence: what non-compliance means.
    public var summary: String
    public var examples: [CheckExample]

    public init(
        name: String, aliases: [String] = [], severity: Severity, resourceType: ResourceType, reasonCodes: [String],
        inputs: [SnapshotFile], summary: String, examples: [CheckExample]
    ) {
        self.name = name
        self.aliases = aliases
        self.severity = severity
        self.resourceType = resourceType
        self.reasonCodes = reasonCodes
        self.inputs = inputs
        self.summary = summary
        self.examples = examples
    }
}

/// A small snapshot and what the check must conclude about it.
public struct CheckExample: Sendable, CustomStringConvertible {
    public enum Expectation: Sendable, Hashable {
        case compliant
        /// Exactly these findings, in this order.
        case nonCompliant([ExpectedFinding])
        /// The check ends FAILED with exactly this message.
        case failed(message: String)
    }

    public var name: String
    /// File name → content. The example runner adds a `manifest.json` unless one is given.
    public var files: [String: String]
    public var expectation: Expectation

    public init(_ name: String, files: [String: String], expect expectation: Expectation) {
        self.name = name
        self.files = files
        self.expectation = expectation
    }

    public var description: String { name }
}

/// The parts of a finding an example pins down: reason code and resource.
public struct ExpectedFinding: Sendable, Hashable {
    public var reasonCode: String
    public var resource: ResourceIdentifier

    public init(_ reasonCode: String, _ resource: ResourceIdentifier) {
        self.reasonCode = reasonCode
        self.resource = resource
    }
}

/// What a check concluded about one resource.
public enum ResourceVerdict: Sendable, Hashable {
    case compliant
    /// One draft per reason code found.
    case nonCompliant([FindingDraft])
    /// The resource could not be judged (malformed, inconsistent); the reason names what is wrong.
    case notEvaluable(String)
    /// The element is not a resource of this check (a non-default policy version,
    /// an inactive certificate): not counted in `totalResourcesCount`.
    case outOfScope
    /// A verdict with a note worth telling the user (a policy over AWS's size
    /// limit, evaluated anyway); notes are listed in the check's `message`.
    indirect case noted(String, ResourceVerdict)
}

/// What every check evaluation may consult besides its own input.
public struct AuditContext: Sendable {
    public var snapshot: Snapshot
    /// The audit clock: `--now`, or the manifest's `exportedAt`.
    public var auditTime: AuditTime

    public init(snapshot: Snapshot, auditTime: AuditTime) {
        self.snapshot = snapshot
        self.auditTime = auditTime
    }

    public var accountId: String { snapshot.manifest.accountId }
}

/// A Device Defender audit check. Conform through one of the two evaluation
/// shapes below; the registry in `FleetAuditChecks` lists every check.
public protocol AuditCheck: Sendable {
    static var description: CheckDescription { get }
    init()
}

/// A check whose one resource is the account (e.g. LOGGING_DISABLED_CHECK):
/// it reads small settings files whole.
public protocol AccountSettingsCheck: AuditCheck {
    /// Throws when an input cannot be read, which makes the check FAILED.
    func evaluate(_ context: AuditContext) throws(SnapshotProblem) -> ResourceVerdict
}

/// A check whose resources are the elements of one streamed array (policy
/// versions, certificates, role aliases, ...). Elements are parsed and
/// evaluated on parallel workers; `evaluate` must be a pure function of its
/// arguments so that any number of workers gives the same bytes.
public protocol ResourceCheck: AuditCheck {
    /// Compact facts from other files (a CA's status for its device
    /// certificates, say), gathered once before the stream and shared by all
    /// workers. Ids and statuses only, never whole documents.
    associatedtype Facts: Sendable

    /// The file whose primary array holds this check's resources.
    static var resourceFile: SnapshotFile { get }

    /// Throws when a file the facts come from cannot be read (the check FAILS).
    func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> Facts

    func evaluate(_ resource: JSONValue, facts: Facts, context: AuditContext) -> ResourceVerdict
}

extension ResourceCheck where Facts == Void {
    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) {}
}
