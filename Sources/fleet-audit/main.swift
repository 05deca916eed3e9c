import ArgumentParser
import FleetAuditFrontend
import FleetAuditGenerator
import FleetAuditJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct FleetAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-audit",
        abstract: "Offline AWS IoT Device Defender audit of exported configuration snapshots.",
        version: FleetAuditVersion.text,
        subcommands: [
            Audit.self, Diff.self, Findings.self, RelatedResources.self, Mitigate.self, Suppressions.self, Logging.self,
            TestAuthorization.self, Checks.self, Export.self, Generate.self,
        ])

    /// Parses and runs, with one format for every usage error, whichever command
    /// and whether the parser or the command found it: `fleet-audit: <command>:
    /// <problem>` and a line naming the command's help, exit status 64.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let command = configuration.subcommands.map { $0._commandName }.first { arguments.contains($0) }
        do {
            var parsed = try parseAsRoot(arguments)
            try parsed.run()
        } catch let usage as UsageError {
            printToStandardError(CommandMessage.usage(command: command, usage.description))
            Self.exit(withError: ExitCode(64))
        } catch {
            guard exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
            printToStandardError(CommandMessage.usage(command: command, message(for: error)))
            Self.exit(withError: ExitCode.validationFailure)
        }
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an on-demand audit (like `aws iot start-on-demand-audit-task`) on a snapshot.",
        discussion: """
            Writes DIR/audit-task.json (describe-audit-task), DIR/findings.json (list-audit-findings) and \
            DIR/related-resources.jsonl (what `fleet-audit related-resources` lists apart from its finding); \
            --format adds reports rendered from them (docs/reports.md). \
            Without --checks it runs the checks audit-configuration.json enables (every check when the snapshot \
            has none); a named check that is not enabled ends FAILED with errorCode AUDIT_CHECK_DISABLED. \
            Findings matched by an active suppression (audit-suppressions.json, --suppressions) have \
            isSuppressed true and do not make their check non-compliant. When the configuration enables its SNS \
            target, the audit notification is written to DIR/sns-outbox.jsonl. \
            --fail-on SEVERITY exits 3 when unsuppressed findings at or above it exist.


            """ + ExitStatus.helpTable)

    @OptionGroup var options: AuditOptions

    func run() throws {
        let logger = CommandLogHandler.logger(command: "audit", verbose: options.verbose)
        AuditCommandRunner.installInterruptCleanup()
        try finish(AuditCommandRunner.run(options, logger: logger), style: options.colorOption.style)
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two audits of one account: new, resolved and persisting non-compliant resources.",
        discussion: """
            OLD and NEW are audit output directories (fleet-audit audit --out). Findings are matched by check, \
            resource identifier and reason code. A finding suppressed in NEW is listed apart (SUPPRESSED) and never \
            counts as new; one of OLD whose check FAILED in NEW, or was not run, is NOT RE-ASSESSED, not resolved. \
            --output json prints the same as a JSON document (docs/daily-audits.md describes it); --output asff \
            prints the resolved findings as ARCHIVED Security Hub findings, for batch-import-findings. \
            --fail-on SEVERITY exits 3 when NEW has new findings at or above it. A check FAILED in either audit, \
            or a finding not re-assessed, makes the diff incomplete (exit 1).


            """ + ExitStatus.helpTable)

    @OptionGroup var options: DiffOptions

    func run() throws {
        let report = try DiffCommandRunner.run(options)
        if options.output == "json" {
            printToStandardError(report.errorLines)
            print(TerminalOutput.jsonForTerminal(report.output), terminator: "")
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        } else {
            try finish(errorLines: report.errorLines, summary: report.output, exitStatus: report.exitStatus)
        }
    }
}

struct Findings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an audit's findings, filtered, as `aws iot list-audit-findings --task-id` does.",
        discussion: """
            Prints {"findings": [...]} in the layout of DIR/findings.json. --check-name, --resource-identifier and \
            --[no-]list-suppressed-findings mean what they mean to the API: without either suppression flag both \
            suppressed and unsuppressed findings are listed. --severity is FleetAudit's own filter.


            """ + ExitStatus.helpTable)

    @OptionGroup var options: FindingsOptions

    func run() throws {
        try finishStreamed(FindingsCommandRunner.run(options, emit: printJSON))
    }
}

struct RelatedResources: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "related-resources",
        abstract: "Print a finding's related resources (like `aws iot list-related-resources-for-audit-finding`).",
        discussion: """
            Prints {"relatedResources": [...]}. As in AWS, the device certificates of an \
            INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK finding are listed only here \
            (from DIR/related-resources.jsonl), not in the finding. A finding id that is not in \
            DIR/findings.json exits 2.


            """ + ExitStatus.helpTable)

    @OptionGroup var options: RelatedResourcesOptions

    func run() throws {
        try finishStreamed(
            RelatedResourcesCommandRunner.run(
                directory: options.directory, findingId: options.findingId, emit: printJSON))
    }
}

struct Mitigate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply mitigation actions to audit findings (like `aws iot start-audit-mitigation-actions-task`).",
        discussion: """
            Writes a full new snapshot to --out with the actions applied (the input is never changed) and \
            the task's records to --report (default AUDIT_DIR/mitigations/TASK_ID/): mitigation-task.json, \
            executions.json, sns-outbox.jsonl and remediation.sh (the AWS CLI commands that make the same \
            changes in the account; a dry run unless --apply). --target, --audit-check-to-actions-mapping and \
            --actions take the AWS CLI's JSON, inline or file://PATH. The audit must have been made from \
            this snapshot (its snapshotDigest). \
            A task that ends FAILED exits 1 (records written); one that could not start exits 2.


            """ + ExitStatus.helpTable)

    @OptionGroup var options: MitigateOptions

    func run() throws {
        MitigateCommandRunner.installInterruptCleanup()
        try finish(MitigateCommandRunner.run(options), style: options.colorOption.style)
    }
}

struct Suppressions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list or remove audit finding suppressions in a suppressions file.",
        discussion: """
            The file has the list-audit-suppressions format (a snapshot's audit-suppressions.json, or a file for
            `audit --suppressions`). Edits are written atomically and keep every other entry and member as it was.
            Exit status: 0 done, 2 the file could not be read or written, or has no such suppression, 64 usage error.
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct FileOption: ParsableArguments {
        @Option(name: .long, help: "The suppressions file.")
        var file: String
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a suppression (like `aws iot create-audit-suppression`); the file is created if needed.")

        @OptionGroup var file: FileOption
        @OptionGroup var edit: SuppressionEdit

        func run() throws {
            try finishSuppressions(SuppressionsCommand.add(file: file.file, edit))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the suppressions (like `aws iot list-audit-suppressions`), earliest expiration first.")

        @OptionGroup var file: FileOption

        @Option(name: .customLong("check-name"), help: "Only this check's suppressions.")
        var checkName: String?

        @Option(name: .customLong("resource-identifier"), help: "Only this resource's suppressions.")
        var resourceIdentifier: String?

        func run() throws {
            try finishSuppressions(
                SuppressionsCommand.list(file: file.file, checkName: checkName, resourceIdentifier: resourceIdentifier))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a suppression (like `aws iot delete-audit-suppression`).")

        @OptionGroup var file: FileOption
        @OptionGroup var key: SuppressionKey

        func run() throws {
            try finishSuppressions(
                SuppressionsCommand.remove(
                    file: file.file, checkName: key.checkName, resourceIdentifier: key.resourceIdentifier))
        }
    }
}

/// A suppressions command's result on the terminal: a usage error exits 64 through the parser.
func finishSuppressions(_ result: Result<String, SuppressionsCommand.Failure>) throws {
    switch result {
    case .success(let output): print(TerminalOutput.escapeLines(output), terminator: "")
    case .failure(.usage(let message)): throw UsageError(message)
    case .failure(.input(let message)): try finish(errorLines: ["fleet-audit: " + message], summary: "", exitStatus: 2)
    }
}

struct Logging: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show v1 and v2 AWS IoT logging side by side and the effective state (the console's Settings page).",
        discussion: ExitStatus.helpTable)

    @Argument(help: "The snapshot directory.")
    var snapshot: String

    @OptionGroup var outputOption: OutputOption

    func run() throws {
        let output = outputOption.output ?? .text
        switch LoggingCommand.run(snapshot, output: output) {
        case .success(let text): print(output == .json ? text : TerminalOutput.escapeLines(text), terminator: "")
        case .failure(let line):
            printToStandardError([line.line])
            throw ExitCode(2)
        }
    }
}

struct TestAuthorization: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-authorization",
        abstract: "Evaluate IoT policies for actions on resources (like `aws iot test-authorization`), offline.",
        discussion: """
            Prints the TestAuthorizationResponse JSON (--output json, the default); each result also names its \
            decidingStatement. --output text prints one line per result. A principal the snapshot does not \
            know gets a warning on stderr. \
            Attached policies come from policy-targets.json (the principal's, and its things' thing groups'), \
            the thing context from thing-principals.json and things.json.


            """ + ExitStatus.helpTable)

    @OptionGroup var options: TestAuthorizationOptions

    func run() throws {
        switch try TestAuthorizationRunner.evaluate(options) {
        case .success(let evaluation):
            printToStandardError(evaluation.warnings)
            switch options.outputOption.output ?? .json {
            case .json: print(TerminalOutput.jsonForTerminal(JSONWriter.pretty(evaluation.json)))
            case .text: print(evaluation.text, terminator: "")
            }
        case .failure(let failure):
            printToStandardError([failure.description])
            throw ExitCode(2)
        }
    }
}

struct Checks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every registered check with its severity, resource type and reason codes.",
        discussion: ExitStatus.helpTable)

    @OptionGroup var outputOption: OutputOption

    func run() {
        switch outputOption.output ?? .text {
        case .text: print(CheckCatalog.render(), terminator: "")
        case .json: print(JSONWriter.pretty(CheckCatalog.json()))
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how to export a snapshot from an AWS account (scripts/export-snapshot.sh).",
        discussion: ExitStatus.helpTable)

    func run() {
        print(ExportInstructions.render(), terminator: "")
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic fleet snapshot with planted violations (for benchmarks and tests).",
        discussion: """
            Writes DIR as an exported snapshot of N devices (certificates with real PEMs, policies, things, \
            principals, groups, a day of connection logs) and DIR/expected-counts.json: what an audit of it \
            must report for every check. The same --seed gives the same bytes.


            """ + ExitStatus.helpTable)

    @Option(name: .long, help: "Number of devices.")
    var devices: Int

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output directory (created; must be empty).")
    var out: String

    @Option(name: .long, help: "Parallel workers (default: the core count).")
    var workers: Int = defaultWorkerCount()

    func validate() throws {
        guard devices >= 1 else { throw ValidationError("--devices must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        do {
            let fleet = try FleetGenerator(devices: devices, seed: seed, workers: workers).generate(into: out)
            print(
                "\(out): \(fleet.devices) devices, \(fleet.certificates) certificates, \(fleet.policies) policies "
                    + "(\(fleet.policyVersions) versions), \(fleet.logLines) log lines; expected counts in "
                    + "\(out)/expected-counts.json")
        } catch {
            printToStandardError([CommandMessage.line(command: "generate", error.description)])
            throw ExitCode(2)
        }
    }
}

/// The output contract of every command: error lines on stderr, the summary
/// on stdout (rendered for the terminal: escaped, cut to its width, coloured
/// when asked), then the exit status.
func finish(_ report: some SummaryReport, style: TerminalStyle) throws {
    printToStandardError(report.errorLines)
    print(style.render(report.lines), terminator: "")
    if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
}

/// `finish` for a summary that is plain text (values escaped where they were
/// inserted; the pass here, idempotent, keeps any that was missed from the terminal).
func finish(errorLines: [String], summary: String, exitStatus: Int32) throws {
    printToStandardError(errorLines)
    print(TerminalOutput.escapeLines(summary), terminator: "")
    if exitStatus != 0 { throw ExitCode(exitStatus) }
}

/// The end of a command that wrote its stdout as it went: error lines, then the exit status.
func finishStreamed(_ report: CommandReport) throws {
    printToStandardError(report.errorLines)
    if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
}

/// JSON text to stdout as it is produced; characters a terminal would act on are
/// written as `\uNNNN` escapes (the decoded strings are unchanged).
func printJSON(_ text: String) {
    print(TerminalOutput.jsonForTerminal(text), terminator: "")
}

func printToStandardError(_ lines: [String]) {
    for line in lines {
        var text = TerminalOutput.escape(line) + "\n"
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
