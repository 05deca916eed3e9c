import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation

/// The options of `fleet-audit mitigate`, as parsed from the command line.
public struct MitigateOptions: Sendable {
    public var snapshotPath: String
    public var auditDirectory: String
    public var actionsPath: String?
    public var target: String?
    public var mapping: String
    public var outputPath: String
    public var reportDirectory: String?
    public var taskId: String?
    public var now: String?

    public init(
        snapshotPath: String, auditDirectory: String, actionsPath: String? = nil, target: String? = nil,
        mapping: String, outputPath: String, reportDirectory: String? = nil, taskId: String? = nil, now: String? = nil
    ) {
        self.snapshotPath = snapshotPath
        self.auditDirectory = auditDirectory
        self.actionsPath = actionsPath
        self.target = target
        self.mapping = mapping
        self.outputPath = outputPath
        self.reportDirectory = reportDirectory
        self.taskId = taskId
        self.now = now
    }
}

public struct MitigateReport: Sendable {
    /// 0: task COMPLETED; 1: task FAILED (records written); 2: nothing could be mitigated.
    public var exitStatus: Int32
    public var summary: String
    public var errorLines: [String]
    public var outcome: MitigationOutcome?
}

/// Runs `fleet-audit mitigate` (`aws iot start-audit-mitigation-actions-task`, offline).
public enum MitigateCommandRunner {
    /// Parses the JSON arguments; throws a usage error for malformed ones.
    public static func request(_ options: MitigateOptions) throws(UsageError) -> MitigationRequest {
        do throws(MitigationRequestError) {
            var now: AuditTime? = nil
            if let text = options.now {
                guard let parsed = AuditTime(iso8601: text) else {
                    throw .usage("--now '\(text)' is not an ISO 8601 time such as 2026-11-26T12:00:00Z")
                }
                now = parsed
            }
            return MitigationRequest(
                snapshotPath: options.snapshotPath, auditDirectory: options.auditDirectory,
                actionsPath: options.actionsPath,
                target: try options.target.map { text throws(MitigationRequestError) in
                    try CLIJSONArgument.parse(text, option: "--target")
                },
                mapping: try CLIJSONArgument.parse(options.mapping, option: "--audit-check-to-actions-mapping"),
                outputPath: options.outputPath, reportDirectory: options.reportDirectory, taskId: options.taskId,
                now: now)
        } catch {
            throw UsageError(error.description)
        }
    }

    public static func run(_ options: MitigateOptions) throws(UsageError) -> MitigateReport {
        let request = try request(options)
        let snapshot: Snapshot
        do {
            snapshot = try Snapshot.open(options.snapshotPath)
        } catch {
            return MitigateReport(exitStatus: 2, summary: "", errorLines: ["fleet-audit: \(error)"], outcome: nil)
        }
        let outcome: MitigationOutcome
        do {
            outcome = try MitigationExecutor.run(request, snapshot: snapshot)
        } catch {
            if error.isUsage { throw UsageError(error.description) }
            return MitigateReport(
                exitStatus: 2, summary: "", errorLines: ["fleet-audit: \(error.description)"], outcome: nil)
        }
        var lines = ["Mitigation task \(outcome.taskId): \(outcome.failed ? "FAILED" : "COMPLETED")"]
        for (check, statistics) in outcome.statistics {
            lines.append(
                "  \(check): \(statistics.total) finding(s): \(statistics.succeeded) succeeded, \(statistics.failed) "
                    + "failed, \(statistics.skipped) skipped")
        }
        for execution in outcome.executions {
            var line = "    \(execution.status.rawValue) \(execution.actionName) on finding \(execution.findingId)"
            if let code = execution.errorCode { line += ": \(code)" }
            if let message = execution.message { line += " (\(message))" }
            lines.append(line)
        }
        lines.append("New snapshot: \(outcome.outputPath) (the input is unchanged)")
        lines.append(
            "Records: \(outcome.reportDirectory)/mitigation-task.json, executions.json, sns-outbox.jsonl "
                + "(\(outcome.publishedCount) notification(s))")
        let failures = outcome.executions.filter { $0.status == .failed }.map {
            "fleet-audit: \($0.actionName) failed on finding \($0.findingId): \($0.errorCode ?? "") \($0.message ?? "")"
        }
        return MitigateReport(
            exitStatus: outcome.failed ? 1 : 0, summary: lines.joined(separator: "\n") + "\n", errorLines: failures,
            outcome: outcome)
    }
}
