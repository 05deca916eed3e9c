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
    /// Compact indexes action types build once per task (policy versions by name, ...).
    private var memos: [String: Any] = [:]

    init(taskId: String, now: AuditTime, workspace: SnapshotWorkspace) {
        self.taskId = taskId
        self.now = now
        self.workspace = workspace
    }

    func publish(_ record: JSONValue) {
        outbox.append(JSONWriter.compact(record))
    }

    /// The value stored under `key`, built by `build` the first time.
    public func memo<Value>(_ key: String, _ build: () throws(SnapshotProblem) -> Value) throws(SnapshotProblem)
        -> Value
    {
        if let stored = memos[key] as? Value { return stored }
        let value = try build()
        memos[key] = value
        return value
    }

    /// Replaces the value stored under `key` (after an action changed what it indexes).
    public func storeMemo<Value>(_ key: String, _ value: Value) {
        memos[key] = value
    }
}
