import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// What an action may consult while it runs: the new snapshot as the earlier
/// executions of the task have left it, the task's identity and clock, and the
/// indexes actions build once per task. Actions only read here; the executor
/// applies the edits they return (`apply`).
public final class MitigationSession {
    public let taskId: String
    public let now: AuditTime
    let workspace: SnapshotWorkspace
    /// One SNS notification record per line, in execution order.
    public private(set) var outbox: [String] = []
    /// Indexes actions build once per task (certificate statuses, thing groups), by name.
    private var indexes: [String: AnyObject] = [:]

    init(taskId: String, now: AuditTime, workspace: SnapshotWorkspace) {
        self.taskId = taskId
        self.now = now
        self.workspace = workspace
    }

    /// The new snapshot, with the settings files earlier executions replaced.
    public func snapshot() throws(SnapshotProblem) -> Snapshot { try workspace.snapshot() }

    /// The index named `key`, built by `make` the first time an action asks.
    /// Actions keep it current with the edits they return, so later executions see them.
    func index<Index: AnyObject>(_ key: String, _ make: () throws(SnapshotProblem) -> Index) throws(SnapshotProblem)
        -> Index
    {
        if let existing = indexes[key] as? Index { return existing }
        let made = try make()
        indexes[key] = made
        return made
    }

    /// Applies what a completed execution returned: its snapshot edits, then its notifications.
    func apply(_ edits: ActionEdits) throws(SnapshotProblem) {
        for edit in edits.snapshotEdits { try workspace.apply(edit) }
        outbox += edits.notifications.map(JSONWriter.compact)
    }
}
