import FleetAuditChecks
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
    /// The human summary, plain (no colour, no width).
    public var summary: String { TerminalStyle.plain.render(lines) }
    public var lines: [StyledLine] = []
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
        let now = try options.now.map { text throws(UsageError) in try CommandLineTime.parse(text, option: "--now") }
        do throws(MitigationRequestError) {
            var request = MitigationRequest(
                snapshotPath: options.snapshotPath, auditDirectory: options.auditDirectory,
                actionsPath: options.actionsPath,
                target: try options.target.map { text throws(MitigationRequestError) in
                    try CLIJSONArgument.parse(text, option: "--target")
                },
                mapping: try CLIJSONArgument.parse(options.mapping, option: "--audit-check-to-actions-mapping"),
                outputPath: options.outputPath, reportDirectory: options.reportDirectory, taskId: options.taskId,
                now: now, checks: CheckRegistry.all)
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
            return MitigateReport(exitStatus: 2, errorLines: [error.terminalLine], outcome: nil)
        }
        let outcome: MitigationOutcome
        do {
            outcome = try MitigationExecutor.run(request, snapshot: snapshot)
        } catch {
            if error.isUsage { throw UsageError(error.description) }
            return MitigateReport(
                exitStatus: 2, errorLines: [CommandMessage.line(command: "mitigate", error.description)], outcome: nil)
        }
        let lines = summary(outcome)
        let findings = Dictionary(outcome.findings.map { ($0.findingId, $0) }, uniquingKeysWith: { first, _ in first })
        let failures = outcome.executions.filter { $0.status == .failed }.map { execution in
            let finding = findings[execution.findingId]
            return CommandMessage.line(
                command: "mitigate",
                "\(execution.actionName) failed on \(finding?.resourceText ?? "finding " + execution.findingId): "
                    + "\(execution.errorCode ?? "") \(execution.message ?? "")")
        }
        return MitigateReport(
            exitStatus: outcome.failed ? 1 : 0, lines: lines, errorLines: failures, outcome: outcome)
    }

    /// The task, then per mapped check its counts and what changed, by
    /// resource (at most `linesPerCheck` lines, the rest counted); executions
    /// that failed or were skipped name their resource and why. Names, ids, codes and messages come from the inputs (the
    /// actions file, the audit, the snapshot): `StyledLine` escapes them.
    static func summary(_ outcome: MitigationOutcome, linesPerCheck: Int = 20) -> [StyledLine] {
        let shown = { (text: String) in TerminalText.escape(text) }
        var lines: [StyledLine] = [
            StyledLine("Mitigation task \(shown(outcome.taskId)) of audit \(shown(outcome.auditTaskId)): ")
                + (outcome.failed ? "FAILED" : "COMPLETED", outcome.failed ? .bad : .good)
        ]
        let findings = Dictionary(outcome.findings.map { ($0.findingId, $0) }, uniquingKeysWith: { first, _ in first })
        for (check, statistics) in outcome.statistics {
            lines.append(StyledLine())
            lines.append(
                StyledLine(check, style: .bold)
                    + ": \(statistics.total) finding(s): \(statistics.succeeded) succeeded, \(statistics.failed) failed, "
                    + "\(statistics.skipped) skipped")
            var checkLines: [StyledLine] = []
            for execution in outcome.executions where findings[execution.findingId]?.checkName == check {
                let resource = findings[execution.findingId]?.resourceText ?? "finding \(execution.findingId)"
                switch execution.status {
                case .completed:
                    for change in execution.changes {
                        checkLines.append(StyledLine("  \(change.summary)  [\(shown(execution.actionName))]"))
                    }
                case .failed:
                    checkLines.append(
                        StyledLine("  ") + ("FAILED", .bad)
                            + " \(shown(execution.actionName)) on \(shown(resource)): \(shown(execution.errorCode ?? "")) "
                            + shown(execution.message ?? ""))
                case .skipped:
                    checkLines.append(
                        StyledLine("  ") + ("SKIPPED", .warning)
                            + " \(shown(execution.actionName)) on \(shown(resource)): \(shown(execution.message ?? ""))"
                    )
                }
            }
            if checkLines.isEmpty { checkLines.append(StyledLine("  nothing changed")) }
            lines += checkLines.prefix(linesPerCheck)
            if checkLines.count > linesPerCheck {
                lines.append(
                    StyledLine(
                        "  … and \(checkLines.count - linesPerCheck) more (see executions.json and remediation.sh)"))
            }
        }
        lines.append(StyledLine())
        lines.append(StyledLine("New snapshot: \(outcome.outputPath) (the input is unchanged)"))
        lines.append(
            StyledLine(
                "Records: \(outcome.reportDirectory)/mitigation-task.json, executions.json, sns-outbox.jsonl "
                    + "(\(outcome.publishedCount) notification(s))"))
        lines.append(
            StyledLine(
                "AWS CLI commands for the account: \(outcome.remediationScriptPath) (prints them; --apply runs them)"))
        return lines
    }
}
