import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON

/// What every report needs besides the findings: the account and region the
/// audit ran on (`audit-source.json`), the task and its per-check results
/// (`audit-task.json`). Small: one entry per check.
public struct ReportContext: Sendable {
    public var source: AuditSource
    public var taskStartTime: AuditTime
    /// `auditDetails` in the task's order.
    public var checkRuns: [CheckRunSummary]
    /// Where the report's check links lead: a path to `docs/checks.md` relative to
    /// the report's directory, or nil when no copy of the documentation is known
    /// (the report then carries each rule's summary only).
    public var checksDocument: String?

    public init(
        source: AuditSource, taskStartTime: AuditTime, checkRuns: [CheckRunSummary], checksDocument: String? = nil
    ) {
        self.source = source
        self.taskStartTime = taskStartTime
        self.checkRuns = checkRuns
        self.checksDocument = checksDocument
    }

    /// Reads `audit-source.json` and `audit-task.json` of an audit directory.
    public static func load(auditDirectory directory: String) throws(SnapshotProblem) -> ReportContext {
        let sourcePath = directory + "/" + AuditSource.fileName
        guard let source = AuditSource(json: .object(try Snapshot.readObject(at: sourcePath))) else {
            throw SnapshotProblem(file: sourcePath, reason: "missing taskId, accountId, region or times")
        }
        let taskPath = directory + "/audit-task.json"
        let task = try Snapshot.readObject(at: taskPath)
        guard task["taskId"]?.stringValue == source.taskId else {
            throw SnapshotProblem(file: taskPath, reason: "taskId differs from \(AuditSource.fileName)'s")
        }
        let start = task["taskStartTime"].flatMap(AuditTime.init(json:)) ?? source.auditTime
        let runs = (task["auditDetails"]?.objectValue?.members ?? []).map { member in
            CheckRunSummary(
                checkName: member.key,
                status: member.value["checkRunStatus"]?.stringValue ?? "",
                totalResources: member.value["totalResourcesCount"]?.doubleValue.map { Int64($0) } ?? 0,
                nonCompliantResources: member.value["nonCompliantResourcesCount"]?.doubleValue.map { Int64($0) } ?? 0,
                suppressedResources: member.value["suppressedNonCompliantResourcesCount"]?.doubleValue.map {
                    Int64($0)
                } ?? 0,
                message: member.value["message"]?.stringValue)
        }
        return ReportContext(source: source, taskStartTime: start, checkRuns: runs)
    }

    /// The AWS partition of the audited region (`aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`).
    public var partition: String { Self.partition(ofRegion: source.region) }

    public static func partition(ofRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }
}

/// One check's line of `auditDetails`.
public struct CheckRunSummary: Sendable, Hashable {
    public var checkName: String
    public var status: String
    public var totalResources: Int64
    public var nonCompliantResources: Int64
    public var suppressedResources: Int64
    public var message: String?

    public init(
        checkName: String, status: String, totalResources: Int64, nonCompliantResources: Int64,
        suppressedResources: Int64, message: String? = nil
    ) {
        self.checkName = checkName
        self.status = status
        self.totalResources = totalResources
        self.nonCompliantResources = nonCompliantResources
        self.suppressedResources = suppressedResources
        self.message = message
    }
}

/// What the reports say about a check: its registered description, looked up
/// by name (a finding of a check this build does not know still renders).
enum CheckRule {
    static func description(of checkName: String) -> CheckDescription? {
        CheckRegistry.check(named: checkName)?.description
    }

    /// One sentence a person reads as the finding's title.
    static func summary(of checkName: String) -> String {
        description(of: checkName)?.summary ?? checkName
    }
}
