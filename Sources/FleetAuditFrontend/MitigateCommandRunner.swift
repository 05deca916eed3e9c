import ArgumentParser
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation

/// The options of `fleet-audit mitigate`: what the command line says; `validated()`
/// makes the `MitigationRequest` the executor runs.
public struct MitigateOptions: CommandOptions, Sendable {
    @Argument(help: "The snapshot directory the audit ran on.")
    public var snapshot: String

    @Option(name: .customLong("audit"), help: "The audit's output directory (fleet-audit audit --out).")
    public var auditDirectory: String

    @Option(
        name: .customLong("actions"),
        help: ArgumentHelp(
            "Mitigation actions (format of mitigation-actions.json): file://PATH, PATH or inline JSON; default: "
                + "the snapshot's."))
    public var actionsPath: String?

    @Option(name: .long, help: "AuditMitigationActionsTaskTarget JSON (default: every finding of the audit).")
    public var target: String?

    @Option(name: .customLong("audit-check-to-actions-mapping"), help: "Check name → action names, JSON.")
    public var mapping: String

    @Option(name: .customLong("out"), help: "The new snapshot directory (must not exist or be empty).")
    public var outputPath: String

    @Option(name: .customLong("report"), help: "Directory for the task's records.")
    public var reportDirectory: String?

    @Option(name: .customLong("task-id"), help: "Task ID (default: 32 random hex characters).")
    public var taskId: String?

    @Option(name: .long, help: "Task time: 2026-11-26 (midnight UTC) or a time with a zone (default: now).")
    public var now: String?

    /// `--force`: replace a previous output at `--out` and previous records at `--report`.
    @Flag(name: .long, help: "Replace a previous new snapshot at --out and previous records at --report.")
    public var force = false

    @OptionGroup public var colorOption: ColorOption

    public init() {}

    public init(
        snapshotPath: String, auditDirectory: String, actionsPath: String? = nil, target: String? = nil,
        mapping: String, outputPath: String, reportDirectory: String? = nil, taskId: String? = nil, now: String? = nil
    ) {
        // Every property is set, on a copy (see AuditOptions.init(snapshotPath:outputPath:...)).
        var options = Self()
        options.snapshot = snapshotPath
        options.auditDirectory = auditDirectory
        options.actionsPath = actionsPath
        options.target = target
        options.mapping = mapping
        options.outputPath = outputPath
        options.reportDirectory = reportDirectory
        options.taskId = taskId
        options.now = now
        options.force = false
        options.colorOption = .never
        self = options
    }

    /// Parses the JSON arguments and checks where outputs go; throws a usage error
    /// for malformed arguments or an output inside the input snapshot.
    public func validated() throws(UsageError) -> MitigationRequest {
        try MitigateCommandRunner.request(self)
    }
}

public struct MitigateReport: SummaryReport {
    /// 0: task COMPLETED; 1: task FAILED (records written); 2: nothing could be mitigated.
    public var exitStatus: Int32
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
            if let refusal = OutputLocation.refusal(path, option: option, snapshot: options.snapshot) {
                throw UsageError(refusal)
            }
        }
        let now = try options.now.map { text throws(UsageError) in try CommandLineTime.parse(text, option: "--now") }
        var request = MitigationRequest(
            snapshotPath: options.snapshot, auditDirectory: options.auditDirectory,
            actions: try actionsSource(options.actionsPath),
            target: try options.target.map { text throws(UsageError) in
                try CLIJSONArgument.parse(text, option: "--target")
            },
            mapping: try CLIJSONArgument.parse(options.mapping, option: "--audit-check-to-actions-mapping"),
            outputPath: options.outputPath, reportDirectory: options.reportDirectory, taskId: options.taskId,
            now: now, checks: CheckRegistry.all)
        request.force = options.force
        return request
    }

    /// `--actions`: inline JSON (parsed here), `file://PATH` or a PATH; without it the snapshot's own file.
    static func actionsSource(_ argument: String?) throws(UsageError) -> MitigationActionsSource {
        guard let argument else { return .snapshot }
        if CLIJSONArgument.isInline(argument) {
            return .inline(try CLIJSONArgument.parse(argument, option: "--actions"))
        }
        return .file(path: CLIJSONArgument.filePath(argument) ?? argument)
    }

    public static func run(_ options: MitigateOptions) throws(UsageError) -> MitigateReport {
        let request = try options.validated()
        let snapshot: Snapshot
        do {
            snapshot = try Snapshot.open(options.snapshot)
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
