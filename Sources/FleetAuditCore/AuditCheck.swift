import FleetAuditBase
import FleetAuditJSON

/// What a check is, in one place: its Defender name, severity, the resource it
/// reports, its reason codes, the snapshot files it reads, and examples that
/// must and must not produce findings (the examples are also its tests).
public struct CheckDescription: Sendable {
    /// Which Device Defender check this is.
    public var check: CheckName
    /// The Device Defender `checkName`.
    public var name: String { check.rawValue }
    /// Other spellings accepted on input (legacy names, documentation typos).
    public var aliases: [String] { check.aliases }
    public var severity: Severity
    public var resourceType: ResourceType
    public var reasonCodes: [String]
    /// Snapshot files the check reads.
    public var inputs: [SnapshotFile]
    /// Snapshot folders the check reads (`crls/`, `iot-logs/`, ...).
    public var inputDirectories: [SnapshotDirectory]
    /// One sentence: what non-compliance means.
    public var summary: String
    /// The settings it takes from `audit-configuration.json` (`configuration.<KEY>`).
    public var configurationKeys: [CheckConfigurationKey]
    public var examples: [CheckExample]

    public init(
        check: CheckName, severity: Severity, resourceType: ResourceType, reasonCodes: [String],
        inputs: [SnapshotFile], inputDirectories: [SnapshotDirectory] = [], summary: String,
        configurationKeys: [CheckConfigurationKey] = [], examples: [CheckExample]
    ) {
        self.check = check
        self.severity = severity
        self.resourceType = resourceType
        self.reasonCodes = reasonCodes
        self.inputs = inputs
        self.inputDirectories = inputDirectories
        self.summary = summary
        self.configurationKeys = configurationKeys
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
        /// The audit refuses to start: the snapshot's audit configuration or
        /// suppressions are invalid, with exactly these error lines.
        case rejected(message: String)
    }

    public var name: String
    /// File name → content. The example runner adds a `manifest.json` unless one is given.
    public var files: [String: String]
    /// The audit's settings; relative paths in them are inside the example's snapshot directory.
    public var settings: AuditSettings
    public var expectation: Expectation
    /// The check's `message` when it completes: resources not evaluable, inputs
    /// skipped, notes (nil: none).
    public var message: String?
    /// Where the example is written (`#fileID`, `#filePath`, `#line` of its
    /// initialiser), so a failing example is reported at itself.
    public var fileID: String
    public var filePath: String
    public var line: Int

    public init(
        _ name: String, files: [String: String], settings: AuditSettings = AuditSettings(),
        expect expectation: Expectation, message: String? = nil,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.name = name
        self.files = files
        self.settings = settings
        self.expectation = expectation
        self.message = message
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
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

/// Options of an audit that are not in the snapshot (command-line settings).
public struct AuditSettings: Sendable, Hashable {
    /// Where DEVICE_CERTIFICATE_AGE_CHECK measures a certificate's age from.
    public enum CertificateAgeOrigin: String, Sendable, Hashable, CaseIterable {
        /// The certificate's registration with AWS IoT (`creationDate`).
        case creationDate = "creation-date"
        /// The certificate's own `notBefore`.
        case notBefore = "not-before"
    }

    /// `--weak-key-blacklist DIR`: Debian weak-key lists in the openssl-blacklist format.
    public var weakKeyBlacklistDirectory: String?
    /// `--cert-age-from`.
    public var certificateAgeOrigin: CertificateAgeOrigin

    public init(weakKeyBlacklistDirectory: String? = nil, certificateAgeOrigin: CertificateAgeOrigin = .creationDate) {
        self.weakKeyBlacklistDirectory = weakKeyBlacklistDirectory
        self.certificateAgeOrigin = certificateAgeOrigin
    }
}

/// What every check evaluation may consult besides its own input.
public struct AuditContext: Sendable {
    public var snapshot: Snapshot
    /// The audit clock: `--now`, or the manifest's `exportedAt`.
    public var auditTime: AuditTime
    public var settings: AuditSettings
    /// The account audit configuration: enabled checks, thresholds.
    public var configuration: AuditConfiguration

    /// Workers, memory budget, scratch space and the facts shared by the checks of this run.
    public var resources: AuditRunResources

    public init(
        snapshot: Snapshot, auditTime: AuditTime, settings: AuditSettings = AuditSettings(),
        configuration: AuditConfiguration = .everyCheck, resources: AuditRunResources
    ) {
        self.snapshot = snapshot
        self.auditTime = auditTime
        self.settings = settings
        self.configuration = configuration
        self.resources = resources
    }

    /// Streams the primary array of `file`, counting progress.
    public func stream(_ file: SnapshotFile) throws(SnapshotProblem) -> SnapshotStream {
        SnapshotStream(try snapshot.locate(file).get(), progress: resources.progress)
    }

    public var accountId: String { snapshot.manifest.accountId }
}

/// A Device Defender audit check. Conform through one of the four evaluation
/// shapes below, which provides `shape`; the registry in `FleetAuditChecks`
/// lists every check.
public protocol AuditCheck: Sendable {
    static var description: CheckDescription { get }
    /// How the executor runs the check. Each shape protocol's extension supplies
    /// it, so a type without a shape, or with two, does not compile.
    static var shape: CheckShape { get }
    init()
}

/// The evaluation shape of a check, carrying its metatype typed as that shape:
/// the executor switches on it instead of casting the check at run time.
public enum CheckShape: Sendable {
    case accountSettings(any AccountSettingsCheck.Type)
    case resource(any ResourceCheck.Type)
    case reducing(any ReducingCheck.Type)
    case aggregating(any AggregatingCheck.Type)
}

/// A check whose one resource is the account (e.g. LOGGING_DISABLED_CHECK):
/// it reads small settings files whole.
public protocol AccountSettingsCheck: AuditCheck {
    /// Throws when an input cannot be read, which makes the check FAILED.
    func evaluate(_ context: AuditContext) throws(SnapshotProblem) -> ResourceVerdict
}

extension AccountSettingsCheck {
    public static var shape: CheckShape { .accountSettings(Self.self) }
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

    /// The top-level members of a resource that `evaluate` reads; when every
    /// check of a file declares them, the other members are validated but not
    /// built (nil: the whole element).
    static var resourceMembers: [String]? { get }

    /// Throws when a file the facts come from cannot be read (the check FAILS).
    func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> Facts

    func evaluate(_ resource: JSONValue, facts: Facts, context: AuditContext) -> ResourceVerdict

    /// What the check could not use or test, said once in its `message`: inputs
    /// that are not resources and were skipped (a CRL whose signature fails), and
    /// notes (a test that could not run).
    func remarks(_ facts: Facts) -> CheckRemarks
}

extension ResourceCheck {
    public static var shape: CheckShape { .resource(Self.self) }

    public static var resourceMembers: [String]? { nil }
}

extension ResourceCheck where Facts == Void {
    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) {}
}

extension ResourceCheck {
    public func remarks(_ facts: Facts) -> CheckRemarks { CheckRemarks() }
}

/// A check that folds the elements of one streamed file into its own state
/// and reports when the file has been read (the device certificates chaining
/// to a revoked intermediate CA; the certificates named in connection logs).
/// It shares the file's single pass with the resource checks of that file:
/// `contribution` runs on the workers, `fold` on the coordinating thread in
/// element order, and `finish` on a worker after every file has been read.
public protocol ReducingCheck: AuditCheck {
    associatedtype Facts: Sendable
    associatedtype Contribution: Sendable
    associatedtype Accumulator

    /// The file whose primary array is folded.
    static var resourceFile: SnapshotFile { get }

    /// The top-level members `contribution` reads (nil: the whole element); see `ResourceCheck`.
    static var resourceMembers: [String]? { get }

    /// Throws when a file the facts come from cannot be read (the check FAILS).
    func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> Facts

    /// Whether the file needs to be read at all (nothing to fold into: skip the contribution work).
    func needsElements(_ facts: Facts) -> Bool

    /// What one element contributes; a pure function, run on the workers.
    func contribution(of element: StreamedElement, facts: Facts, context: AuditContext) -> Contribution

    func makeAccumulator(_ facts: Facts, context: AuditContext) -> Accumulator

    /// Folds one contribution, in element order.
    func fold(_ contribution: Contribution, into accumulator: inout Accumulator, reporter: CheckReporter)

    /// Reports every resource's verdict. Throws when the check cannot complete (it FAILS).
    func finish(_ accumulator: Accumulator, facts: Facts, context: AuditContext, reporter: CheckReporter)
        throws(SnapshotProblem)
}

extension ReducingCheck {
    public static var shape: CheckShape { .reducing(Self.self) }

    public static var resourceMembers: [String]? { nil }

    public func needsElements(_ facts: Facts) -> Bool { true }
}

/// Inputs a check skipped and notes on what it could not test.
public struct CheckRemarks: Sendable, Hashable {
    /// Located problems with inputs that are not resources of the check (also written to stderr).
    public var skippedInputs: [SnapshotProblem]
    /// Inputs skipped beyond those listed (a shared pass keeps only the first few).
    public var unlistedSkippedCount: Int
    public var notes: [String]

    public init(skippedInputs: [SnapshotProblem] = [], unlistedSkippedCount: Int = 0, notes: [String] = []) {
        self.skippedInputs = skippedInputs
        self.unlistedSkippedCount = unlistedSkippedCount
        self.notes = notes
    }
}

/// A check whose resources come from aggregating many input records (the
/// sessions of a certificate in the connection logs, the device certificates
/// that chain to one CA): it streams its own inputs into compact state, then
/// reports one verdict per resource, in an order that depends only on the input.
///
/// It runs on the coordinating thread with the same bookkeeping as the other
/// shapes (counts, not-evaluable resources, spooled findings).
public protocol AggregatingCheck: AuditCheck {
    /// Streams the inputs and reports every resource's verdict to `reporter`.
    /// Throws when an input cannot be read as a whole (the check FAILS).
    func run(_ context: AuditContext, reporter: CheckReporter) throws(SnapshotProblem)
}

extension AggregatingCheck {
    public static var shape: CheckShape { .aggregating(Self.self) }
}

/// Where an aggregating check reports, in order: resources, skipped inputs, notes.
/// Safe to call from any thread; resources are recorded in call order.
public struct CheckReporter: Sendable {
    let recordResource: @Sendable (ResourceVerdict, SnapshotProblem?) -> Void
    let recordRemarks: @Sendable (CheckRemarks) -> Void
    let recordListedRelatedResources: @Sendable (FindingDraft, AnySequence<AuditResource>) -> Void

    public init(
        resource: @escaping @Sendable (ResourceVerdict, SnapshotProblem?) -> Void,
        remarks: @escaping @Sendable (CheckRemarks) -> Void,
        listedRelatedResources: @escaping @Sendable (FindingDraft, AnySequence<AuditResource>) -> Void = { _, _ in }
    ) {
        recordResource = resource
        recordRemarks = remarks
        recordListedRelatedResources = listedRelatedResources
    }

    /// One resource's verdict; `location` names the input of a not-evaluable one.
    public func resource(_ verdict: ResourceVerdict, at location: SnapshotProblem? = nil) {
        recordResource(verdict, location)
    }

    /// An input record that is not a resource and could not be used (a log line that is not JSON).
    public func skipped(_ problem: SnapshotProblem) {
        recordRemarks(CheckRemarks(skippedInputs: [problem]))
    }

    public func note(_ text: String) {
        recordRemarks(CheckRemarks(notes: [text]))
    }

    /// Remarks gathered elsewhere (a pass shared with other checks).
    public func remarks(_ remarks: CheckRemarks) {
        recordRemarks(remarks)
    }

    /// Related resources of `draft`'s finding that are listed only through
    /// `fleet-audit related-resources` (ListRelatedResourcesForAuditFinding), not
    /// inline: written to `related-resources.jsonl` one at a time as `resources`
    /// yields them, so a lazy sequence over compact state is never materialised.
    /// Call it after reporting the verdict that holds `draft`.
    public func listRelatedResources(of draft: FindingDraft, _ resources: some Sequence<AuditResource>) {
        recordListedRelatedResources(draft, AnySequence(resources))
    }
}
