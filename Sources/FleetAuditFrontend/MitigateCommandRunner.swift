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
    /// `--force`: replace a previous output at `--out` and previous records at `--report`.
    public var force = false

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
    /// Makes SIGINT and SIGTERM remove the unfinished new snapshot and records before exiting.
    public static func installInterruptCleanup() {
        InterruptCleanup.shared.installSignalHandlers()
    }

    /// Parses the JSON arguments and checks where outputs go; throws a usage error
    /// for malformed arguments or an output inside the input snapshot.
    public static func request(_ options: MitigateOptions) throws(UsageError) -> MitigationRequest {
        let records = options.reportDirectory ?? options.auditDirectory + "/mitigations"
        for (option, path) in [("--out", options.outputPath), ("--report", records)] {
            if let refusal = OutputLocation.refusal(path, option: option, snapshot: options.snapshotPath) {
                throw UsageError(refusal)
            }
        }
        do throws(MitigationRequestError) {
            var now: AuditTime? = nil
            if let text = options.now {
                guard let parsed = AuditTime(iso8601: text) else {
                    throw .usage("--now '\(text)' is not an ISO 8601 time such as 2026-11-26T12:00:00Z")
                }
                now = parsed
            }
            var request = MitigationRequest(
                snapshotPath: options.snapshotPath, auditDirectory: options.auditDirectory,
                actionsPath: options.actionsPath,
                target: try options.target.map { text throws(MitigationRequestError) in
                    try CLIJSONArgument.parse(text, option: "--target")
                },
                mapping: try CLIJSONArgument.parse(options.mapping, option: "--audit-check-to-actions-mapping"),
                outputPath: options.outputPath, reportDirectory: options.reportDirectory, taskId: options.taskId,
                now: now)
            request.force = options.force
            return request
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
            return MitigateReport(exitStatus: 2, summary: "", errorLines: [error.terminalLine], outcome: nil)
        }
        let outcome: MitigationOutcome
        do {
            outcome = try MitigationExecutor.run(request, snapshot: snapshot)
        } catch {
            if error.isUsage { throw UsageError(error.description) }
            return MitigateReport(
                exitStatus: 2, summary: "", errorLines: ["fleet-audit: " + TerminalText.escape(error.description)],
                outcome: nil)
        }
        // Action names, finding ids, error codes and messages come from the inputs
        // (the actions file, the audit records, the snapshot): escaped and shortened.
        let shown = { (text: String) in TerminalText.escape(text) }
        var lines = ["Mitigation task \(outcome.taskId): \(outcome.failed ? "FAILED" : "COMPLETED")"]
        for (check, statistics) in outcome.statistics {
            lines.append(
                "  \(shown(check)): \(statistics.total) finding(s): \(statistics.succeeded) succeeded, "
                    + "\(statistics.failed) failed, \(statistics.skipped) skipped")
        }
        for execution in outcome.executions {
            var line =
                "    \(execution.status.rawValue) \(shown(execution.actionName)) on finding \(shown(execution.findingId))"
            if let code = execution.errorCode { line += ": \(shown(code))" }
            if let message = execution.message { line += " (\(shown(message)))" }
            lines.append(line)
        }
        lines.append("New snapshot: \(outcome.outputPath) (the input is unchanged)")
        lines.append(
            "Records: \(outcome.reportDirectory)/mitigation-task.json, executions.json, sns-outbox.jsonl "
                + "(\(outcome.publishedCount) notification(s))")
        let failures = outcome.executions.filter { $0.status == .failed }.map {
            "fleet-audit: \(shown($0.actionName)) failed on finding \(shown($0.findingId)): "
                + "\(shown($0.errorCode ?? "")) \(shown($0.message ?? ""))"
        }
        return MitigateReport(
            exitStatus: outcome.failed ? 1 : 0, summary: lines.joined(separator: "\n") + "\n", errorLines: failures,
            outcome: outcome)
    }
}
