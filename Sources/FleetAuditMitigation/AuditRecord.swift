import FleetAuditCore
import FleetAuditJSON

/// A finding read back from an audit's `findings.json`, with what a
/// mitigation needs to select and act on it.
public struct AuditedFinding: Sendable, Hashable {
    public var findingId: String
    public var checkName: String
    public var reasonCode: String
    public var isSuppressed: Bool
    /// The finding as `findings.json` holds it.
    public var json: JSONValue

    public var nonCompliantResource: JSONValue? { json["nonCompliantResource"] }
}

/// An audit output directory (`fleet-audit audit --out DIR`): the task, its
/// source account and its findings.
public struct AuditRecord: Sendable {
    public var directory: String
    public var taskId: String
    /// Check names the audit ran, in its order.
    public var checkNames: [String]
    public var source: AuditSource
    public var findings: [AuditedFinding]

    public static func load(_ directory: String) throws(MitigationRequestError) -> AuditRecord {
        let task = try readObject(directory, "audit-task.json")
        guard let taskId = task["taskId"]?.stringValue else {
            throw .input("\(directory)/audit-task.json: no taskId (is this a fleet-audit audit directory?)")
        }
        let checkNames = task["auditDetails"]?.objectValue?.keys ?? []
        let sourceObject = try readObject(directory, AuditSource.fileName)
        guard let source = AuditSource(json: .object(sourceObject)) else {
            throw .input("\(directory)/\(AuditSource.fileName): missing taskId, accountId, region or times")
        }
        guard source.taskId == taskId else {
            throw .input("\(directory): audit-task.json and \(AuditSource.fileName) are of different tasks")
        }
        var findings: [AuditedFinding] = []
        let path = directory + "/findings.json"
        do throws(SnapshotProblem) {
            try SnapshotStream(name: path, path: path, form: .object, arrayKey: "findings").forEach {
                element throws(SnapshotProblem) in
                let value = try element.value.get()
                guard let findingId = value["findingId"]?.stringValue, let check = value["checkName"]?.stringValue,
                    let code = value["reasonForNonComplianceCode"]?.stringValue
                else {
                    throw element.problem("finding has no findingId, checkName or reasonForNonComplianceCode")
                }
                findings.append(
                    AuditedFinding(
                        findingId: findingId, checkName: check, reasonCode: code,
                        isSuppressed: value["isSuppressed"]?.boolValue ?? false, json: value))
            }
        } catch {
            throw .input(error.description)
        }
        return AuditRecord(
            directory: directory, taskId: taskId, checkNames: checkNames, source: source, findings: findings)
    }

    private static func readObject(_ directory: String, _ name: String) throws(MitigationRequestError) -> JSONObject {
        do throws(SnapshotProblem) {
            return try Snapshot.readObject(at: directory + "/" + name)
        } catch {
            throw .input(error.description)
        }
    }
}
