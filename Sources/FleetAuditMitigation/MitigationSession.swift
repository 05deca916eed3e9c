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
    /// What the running execution changed, by resource (taken by the executor after each).
    private var changes: [ResourceChange] = []
    /// Indexes actions build once per task (certificate statuses, thing groups), by name.
    private var indexes: [String: AnyObject] = [:]

    init(taskId: String, now: AuditTime, workspace: SnapshotWorkspace) {
        self.taskId = taskId
        self.now = now
        self.workspace = workspace
    }

    /// The index named `key`, built by `make` the first time an action asks.
    /// Actions keep it current as they queue edits, so later executions see them.
    func index<Index: AnyObject>(_ key: String, _ make: () throws(SnapshotProblem) -> Index) throws(SnapshotProblem)
        -> Index
    {
        if let existing = indexes[key] as? Index { return existing }
        let made = try make()
        indexes[key] = made
        return made
    }

    /// Records a change the running execution made (after its edits are queued).
    func record(_ change: ResourceChange) {
        changes.append(change)
    }

    /// The changes recorded since the last call.
    func takeChanges() -> [ResourceChange] {
        defer { changes = [] }
        return changes
    }

    func publish(_ record: JSONValue) {
        outbox.append(JSONWriter.compact(record))
    }
}
