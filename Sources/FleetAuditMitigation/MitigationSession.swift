import FleetAuditCore
import FleetAuditJSON

/// What an action may touch while it runs: the new snapshot, the SNS outbox,
/// the task's identity and clock.
public final class MitigationSession {
    public let taskId: String
    public let now: AuditTime
    public let workspace: SnapshotWorkspace
    /// One SNS notification record per line, in execution order.
    public private(set) var outbox: [String] = []

    init(taskId: String, now: AuditTime, workspace: SnapshotWorkspace) {
        self.taskId = taskId
        self.now = now
        self.workspace = workspace
    }

    func publish(_ record: JSONValue) {
        outbox.append(JSONWriter.compact(record))
    }
}
