import FleetAuditCore
import FleetAuditJSON

extension MitigationExecutor {
    /// The executions of one task as they run: each action on each targeted finding,
    /// what completed ones changed, and the counts by check.
    struct TaskRun {
        let plan: Plan
        private(set) var executions: [ActionExecution] = []
        private(set) var scriptEntries: [RemediationScript.Entry] = []
        private var statistics: [String: MitigationCheckStatistics] = [:]

        init(plan: Plan) { self.plan = plan }

        var failed: Bool { executions.contains { $0.status == .failed } }

        /// Runs the actions mapped to the finding's check, in order. Suppressed findings
        /// get none (Defender never mitigates them); after a failure, the finding's
        /// remaining actions are skipped.
        mutating func mitigate(_ finding: AuditedFinding, in session: MitigationSession) {
            guard let actions = plan.actionsForCheck[finding.checkName] else { return }
            statistics[finding.checkName, default: MitigationCheckStatistics()].total += 1
            if finding.isSuppressed {
                for (definition, _) in actions {
                    record(finding, definition, .skipped, message: "the finding is suppressed")
                }
                statistics[finding.checkName]?.skipped += 1
                return
            }
            var failedAction: String? = nil
            for (definition, action) in actions {
                if let failedAction {
                    record(finding, definition, .skipped, message: "skipped: \(failedAction) failed for this finding")
                    continue
                }
                switch Self.apply(action, definition, to: finding, in: session) {
                case .completed(let edits):
                    record(finding, definition, .completed, changes: edits.changes)
                    scriptEntries.append(
                        RemediationScript.Entry(
                            finding: finding, actionName: definition.name, actionType: definition.type,
                            changes: edits.changes))
                case .failed(let code, let message):
                    record(finding, definition, .failed, errorCode: code, message: message)
                    failedAction = definition.name
                }
            }
            if failedAction == nil {
                statistics[finding.checkName]?.succeeded += 1
            } else {
                statistics[finding.checkName]?.failed += 1
            }
        }

        /// Runs one action and applies the edits it returns to the new snapshot; an
        /// edit that cannot be written fails the execution.
        static func apply(
            _ action: any MitigationActionType, _ definition: MitigationActionDefinition, to finding: AuditedFinding,
            in session: MitigationSession
        ) -> ExecutionResult {
            let result = action.execute(finding, action: definition, in: session)
            guard case .completed(let edits) = result else { return result }
            do {
                try session.apply(edits)
            } catch {
                return .failed(
                    errorCode: "InternalFailureException", message: "cannot write the new snapshot: \(error)")
            }
            return result
        }

        private mutating func record(
            _ finding: AuditedFinding, _ definition: MitigationActionDefinition, _ status: ActionExecution.Status,
            errorCode: String? = nil, message: String? = nil, changes: [ResourceChange] = []
        ) {
            executions.append(
                ActionExecution(
                    taskId: plan.taskId, findingId: finding.findingId, actionName: definition.name,
                    actionId: definition.id, status: status, startTime: plan.now, endTime: plan.now,
                    errorCode: errorCode, message: message, changes: changes))
        }

        /// The counts of each mapped check, in the mapping's order, by canonical name.
        func orderedStatistics() -> [(check: String, statistics: MitigationCheckStatistics)] {
            plan.mapping.map { entry in
                let canonical = CheckName(named: entry.check)?.rawValue ?? entry.check
                return (check: canonical, statistics: statistics[canonical] ?? MitigationCheckStatistics())
            }
        }
    }

    /// The records a task leaves in its report directory.
    struct TaskRecords {
        /// `mitigation-task.json`.
        var task: JSONValue
        /// `executions.json`.
        var executions: [ActionExecution]
        /// `remediation.sh`.
        var script: String
        /// `sns-outbox.jsonl`, one record a line.
        var outbox: [String]

        /// Writes each record under a temporary name, then moves the new snapshot to
        /// its place and the records to theirs: an error before the moves leaves nothing.
        func write(into directory: String, committing workspace: SnapshotWorkspace) throws(MitigationRequestError) {
            do {
                try OutputDirectory.createDirectories(directory)
                let outboxFile = try OutputFile(path: directory + "/sns-outbox.jsonl")
                for line in outbox { try outboxFile.write(line + "\n") }
                let executionsFile = try OutputFile(path: directory + "/executions.json")
                try executionsFile.write(
                    JSONWriter.pretty(["actionsExecutions": .array(executions.map(\.json))]) + "\n")
                let scriptFile = try OutputFile(path: directory + "/" + RemediationScript.fileName)
                try scriptFile.write(script)
                try scriptFile.makeExecutable()
                let taskFile = try OutputFile(path: directory + "/mitigation-task.json")
                try taskFile.write(JSONWriter.pretty(task) + "\n")
                try workspace.commit()
                try outboxFile.commit()
                try executionsFile.commit()
                try scriptFile.commit()
                try taskFile.commit()
            } catch {
                throw .input(error.description)
            }
        }
    }
}
