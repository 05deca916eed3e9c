import FleetAuditBase
import FleetAuditJSON

/// `audit-source.json`, written beside the Defender-shaped outputs: which
/// account and snapshot an audit ran on. `describe-audit-task` has no account,
/// and a mitigation must refuse an audit of another account.
public struct AuditSource: Sendable, Hashable {
    public static let fileName = "audit-source.json"

    public var taskId: String
    public var accountId: String
    public var region: String
    public var snapshotExportedAt: AuditTime
    public var auditTime: AuditTime

    public init(taskId: String, accountId: String, region: String, snapshotExportedAt: AuditTime, auditTime: AuditTime)
    {
        self.taskId = taskId
        self.accountId = accountId
        self.region = region
        self.snapshotExportedAt = snapshotExportedAt
        self.auditTime = auditTime
    }

    public var json: JSONValue {
        [
            "taskId": .string(taskId), "accountId": .string(accountId), "region": .string(region),
            "snapshotExportedAt": .string(snapshotExportedAt.iso8601), "auditTime": .string(auditTime.iso8601),
        ]
    }

    public init?(json: JSONValue) {
        guard let taskId = json["taskId"]?.stringValue, let accountId = json["accountId"]?.stringValue,
            let region = json["region"]?.stringValue,
            let exported = json["snapshotExportedAt"].flatMap(AuditTime.init(json:)),
            let auditTime = json["auditTime"].flatMap(AuditTime.init(json:))
        else { return nil }
        self.init(
            taskId: taskId, accountId: accountId, region: region, snapshotExportedAt: exported, auditTime: auditTime)
    }
}
