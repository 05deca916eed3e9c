import FleetAuditBase
import FleetAuditJSON

/// An audit's output directory (`fleet-audit audit --out DIR`), read back:
/// `audit-task.json` whole (it is small), `findings.json` and
/// `related-resources.jsonl` streamed, one element at a time.
///
/// `audit-source.json` (account and region) is optional here, so a directory
/// holding only what `aws iot describe-audit-task` (plus `taskId`) and
/// `aws iot list-audit-findings` printed can be read as well.
public struct AuditDirectory: Sendable {
    public var path: String
    public var taskId: String
    public var taskStartTime: AuditTime?
    /// `auditDetails` of `audit-task.json`: check name → `checkRunStatus`, in the file's order.
    public var checkRunStatuses: [(checkName: String, status: String)]
    /// `audit-source.json`, when the directory has one.
    public var source: AuditSource?
    /// `snapshotDigest` of `audit-task.json`: what the audit read (nil from an older fleet-audit).
    public var snapshotDigest: SnapshotDigest?

    public static let taskFileName = "audit-task.json"
    public static let findingsFileName = "findings.json"

    public var findingsPath: String { path + "/" + Self.findingsFileName }
    public var relatedResourcesPath: String { path + "/" + RelatedResourceList.fileName }

    /// Reads `audit-task.json` and, when present, `audit-source.json`. Errors name the file.
    public static func open(_ path: String) throws(SnapshotProblem) -> AuditDirectory {
        guard FileSystem.isDirectory(path) else {
            throw SnapshotProblem(file: path, reason: "audit directory not found")
        }
        let taskPath = path + "/" + taskFileName
        let task = try Snapshot.readObject(at: taskPath)
        guard let taskId = task["taskId"]?.stringValue else {
            throw SnapshotProblem(
                file: taskPath, reason: "no taskId (is this the output directory of fleet-audit audit?)")
        }
        guard let details = task["auditDetails"]?.objectValue else {
            throw SnapshotProblem(file: taskPath, reason: "no auditDetails object")
        }
        var statuses: [(String, String)] = []
        for member in details.members {
            guard let status = member.value["checkRunStatus"]?.stringValue else {
                throw SnapshotProblem(
                    file: taskPath, reason: "auditDetails.\(member.key) has no checkRunStatus string")
            }
            statuses.append((member.key, status))
        }
        var directory = AuditDirectory(
            path: path, taskId: taskId, taskStartTime: task["taskStartTime"].flatMap(AuditTime.init(json:)),
            checkRunStatuses: statuses, source: nil,
            snapshotDigest: task["snapshotDigest"].flatMap(SnapshotDigest.init(json:)))
        let sourcePath = path + "/" + AuditSource.fileName
        if FileSystem.exists(sourcePath) {
            let object = try Snapshot.readObject(at: sourcePath)
            guard let source = AuditSource(json: .object(object)) else {
                throw SnapshotProblem(
                    file: sourcePath, reason: "missing or malformed taskId, accountId, region or times")
            }
            guard source.taskId == taskId else {
                throw SnapshotProblem(
                    file: sourcePath,
                    reason: "is of task \(source.taskId), but \(taskFileName) is of task \(taskId)")
            }
            directory.source = source
        }
        return directory
    }

    /// Every finding of `findings.json` in file order, with its location for
    /// messages (`location.reason` is empty). A finding that is not valid JSON,
    /// or not an object, stops the read with its location.
    public func forEachFinding(
        _ body: (_ finding: JSONValue, _ location: SnapshotProblem) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        let stream = SnapshotStream(name: findingsPath, path: findingsPath, form: .object, arrayKey: "findings")
        try stream.forEach { element throws(SnapshotProblem) in
            let value = try element.value.get()
            guard value.objectValue != nil else { throw element.problem("finding is not an object") }
            try body(value, element.location)
        }
    }

    /// Every line of `related-resources.jsonl` in file order, each `(findingId, RelatedResource)`.
    /// Throws when the file is missing: every audit since it exists writes it.
    public func forEachListedRelatedResource(
        _ body: (String, JSONValue) throws(SnapshotProblem) -> Void
    ) throws(SnapshotProblem) {
        let path = relatedResourcesPath
        // An empty file is the usual case (no finding lists its related resources apart);
        // JSON Lines streams refuse empty files, so it is handled here.
        if FileSystem.size(path) == 0 { return }
        let stream = SnapshotStream(name: path, path: path, form: .lines, arrayKey: "")
        try stream.forEach { element throws(SnapshotProblem) in
            let value = try element.value.get()
            guard let findingId = value["findingId"]?.stringValue else {
                throw element.problem("line has no findingId string")
            }
            try body(findingId, RelatedResourceList.resource(ofLine: value))
        }
    }
}
