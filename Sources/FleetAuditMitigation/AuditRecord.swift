import FleetAuditBase
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
    /// Its related resources: those inline, then those listed apart in
    /// `related-resources.jsonl` (the device certificates of a revoked intermediate CA).
    public var relatedResources: [JSONValue] = []

    public var nonCompliantResource: JSONValue? { json["nonCompliantResource"] }

    /// The non-compliant resource as people name it (`certificate ID`, `policy P version 3`),
    /// unescaped; the compact JSON when it is of no known form.
    public var resourceText: String {
        guard let identifier = nonCompliantResource?["resourceIdentifier"] else { return "no resource" }
        return ResourceIdentifier(json: identifier)?.displayText ?? JSONWriter.compact(identifier)
    }
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
    /// `snapshotDigest` of audit-task.json: what the audit read (nil from an older fleet-audit).
    public var snapshotDigest: SnapshotDigest?

    public static func load(_ directory: String) throws(MitigationRequestError) -> AuditRecord {
        do throws(SnapshotProblem) {
            let audit = try AuditDirectory.open(directory)
            guard let source = audit.source else {
                throw SnapshotProblem(
                    file: directory + "/" + AuditSource.fileName,
                    reason: "not found: a mitigation needs the account the audit ran on")
            }
            var findings: [AuditedFinding] = []
            var positions: [String: Int] = [:]
            try audit.forEachFinding { value, location throws(SnapshotProblem) in
                guard let findingId = value["findingId"]?.stringValue, let check = value["checkName"]?.stringValue,
                    let code = value["reasonForNonComplianceCode"]?.stringValue
                else {
                    var problem = location
                    problem.reason = "finding has no findingId, checkName or reasonForNonComplianceCode"
                    throw problem
                }
                positions[findingId] = findings.count
                findings.append(
                    AuditedFinding(
                        findingId: findingId, checkName: check, reasonCode: code,
                        isSuppressed: value["isSuppressed"]?.boolValue ?? false, json: value,
                        relatedResources: value["relatedResources"]?.arrayValue ?? []))
            }
            // Audits written before related-resources.jsonl existed carry everything inline.
            if FileSystem.exists(audit.relatedResourcesPath) {
                try audit.forEachListedRelatedResource { findingId, resource throws(SnapshotProblem) in
                    if let position = positions[findingId] { findings[position].relatedResources.append(resource) }
                }
            }
            return AuditRecord(
                directory: directory, taskId: audit.taskId, checkNames: audit.checkRunStatuses.map(\.checkName),
                source: source, findings: findings, snapshotDigest: audit.snapshotDigest)
        } catch {
            throw .input(error.description)
        }
    }
}
