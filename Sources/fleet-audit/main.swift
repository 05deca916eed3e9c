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

/// `--color`, shared by the commands whose output is for people.
struct ColorOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Colour: auto (on a terminal, unless NO_COLOR is set), always or never.", valueName: "auto|always|never"))
    var color: ColorChoice = .auto

    var style: TerminalStyle { TerminalStyle.current(color) }
}

extension ColorChoice: ExpressibleByArgument {}

extension OutputFormat: ExpressibleByArgument {}

/// `--output json|text`, with the command's default.
struct OutputOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format: json or text.", valueName: "json|text"))
    var output: OutputFormat?
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

    @Argument(help: "The snapshot directory.")
    var snapshot: String

    @Option(name: .long, help: "Output directory (created; must be empty unless --force).")
    var out: String

    @Option(
        name: .long,
        help: "Comma-separated check names (default: those audit-configuration.json enables; every check without it).")
    var checks: String?

    @Option(name: .customLong("exclude-checks"), help: "Comma-separated check names not to run.")
    var excludeChecks: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A suppressions file (list-audit-suppressions format), applied with the snapshot's audit-suppressions.json.",
            valueName: "file://FILE"))
    var suppressions: String?

    @Option(
        name: .customLong("scheduled-audit-name"),
        help: "Record the task as a run of this scheduled audit (taskType SCHEDULED_AUDIT_TASK).")
    var scheduledAuditName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Audit time: 2026-11-26 (midnight UTC) or a time with a zone, 2026-11-26T12:00:00Z (default: the "
                + "manifest's exportedAt)."))
    var now: String?

    @Option(name: .customLong("task-id"), help: "Task ID (default: 32 random hex characters).")
    var taskId: String?

    @Option(name: .long, help: "Parallel check workers (default: the core count).")
    var workers: Int = defaultWorkerCount()

    @Flag(name: .long, help: "Write into a non-empty --out directory.")
    var force = false

    @Option(
        name: .customLong("weak-key-blacklist"),
        help: ArgumentHelp(
            "Folder of Debian weak-key lists (openssl-blacklist format: blacklist.RSA-<bits>) for CVE-2008-0166.",
            valueName: "DIR"))
    var weakKeyBlacklist: String?

    @Option(
        name: .customLong("cert-age-from"),
        help:
            "What DEVICE_CERTIFICATE_AGE_CHECK measures age from: creation-date (registration, default) or not-before.")
    var certificateAgeFrom: String?

    @Option(
        name: .customLong("memory-budget"),
        help: ArgumentHelp(
            "Memory the partitioned stages (connection logs) may hold before spilling to disk: bytes, or with "
                + "K, M or G (default 128M, minimum 16M).", valueName: "SIZE"))
    var memoryBudget: String?

    @Option(
        name: .customLong("spill-dir"),
        help: ArgumentHelp(
            "Where partitions that exceed the memory budget are spilled (default: a hidden folder in --out).",
            valueName: "DIR"))
    var spillDirectory: String?

    @Flag(name: .long, help: "Show progress on stderr even when it is not a terminal (for logs).")
    var progress = false

    @Flag(name: [.long, .customShort("q")], help: "No progress line on stderr.")
    var quiet = false

    @Flag(name: .long, help: "Log notes (unknown snapshot files, ...) to stderr.")
    var verbose = false

    @OptionGroup var colorOption: ColorOption

    @Flag(
        name: .customLong("follow-links"),
        help: "Read through symbolic links that lead outside the snapshot (refused by default).")
    var followLinks = false

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit 3 when unsuppressed findings at or above this severity exist: CRITICAL, HIGH, MEDIUM or LOW.",
            valueName: "SEVERITY"))
    var failOn: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Output formats, comma-separated: json (audit-task.json and findings.json, always written), asff "
                + "(findings.asff.json, Security Hub), html (report.html), csv (findings.csv), ocsf (findings.ocsf.json).",
            valueName: "LIST"))
    var format: String?

    var options: AuditOptions {
        var options = AuditOptions(
            snapshotPath: snapshot, outputPath: out,
            checkNames: checks.map { $0.split(separator: ",").map(String.init) }, now: now, taskId: taskId,
            workers: workers, force: force, weakKeyBlacklist: weakKeyBlacklist, certificateAgeFrom: certificateAgeFrom)
        options.memoryBudget = memoryBudget
        options.spillDirectory = spillDirectory
        options.progress = quiet ? .never : progress ? .always : .auto
        options.followLinks = followLinks
        options.failOn = failOn
        options.excludedCheckNames = excludeChecks.map { $0.split(separator: ",").map(String.init) }
        options.suppressionsPath = suppressions
        options.scheduledAuditName = scheduledAuditName
        options.formats = format
        return options
    }

    func validate() throws {
        _ = try usageErrorExits { () throws(UsageError) in try AuditCommandRunner.validate(options) }
    }

    func run() throws {
        let logger = CommandLogHandler.logger(command: "audit", verbose: verbose)
        AuditCommandRunner.installInterruptCleanup()
        let report = try AuditCommandRunner.run(options, logger: logger)
        try finish(
            errorLines: report.errorLines, lines: report.lines, style: colorOption.style, exitStatus: report.exitStatus)
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

    @Argument(help: "The earlier audit's output directory.")
    var old: String

    @Argument(help: "The later audit's output directory.")
    var new: String

    @Option(name: .long, help: "text (default), json, or asff (the resolved findings, ARCHIVED).")
    var output = "text"

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit 3 when new findings at or above this severity exist: CRITICAL, HIGH, MEDIUM or LOW.",
            valueName: "SEVERITY"))
    var failOn: String?

    var options: DiffOptions { DiffOptions(oldDirectory: old, newDirectory: new, output: output, failOn: failOn) }

    func validate() throws {
        _ = try usageErrorExits { () throws(UsageError) in try DiffCommandRunner.validate(options) }
    }

    func run() throws {
        let report = try usageErrorExits { () throws(UsageError) in try DiffCommandRunner.run(options) }
        if output == "json" {
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

    @Argument(help: "The audit's output directory (fleet-audit audit --out).")
    var directory: String

    @Option(name: .customLong("check-name"), help: "Only the findings of this check.")
    var checkName: String?

    @Option(
        name: .customLong("resource-identifier"),
        help: "Only the findings of this ResourceIdentifier: JSON, inline or file://path.")
    var resourceIdentifier: String?

    @Flag(
        name: .customLong("list-suppressed-findings"), inversion: .prefixedNo,
        help: "Only suppressed findings (--no-…: only unsuppressed ones; neither: both).")
    var listSuppressedFindings: Bool?

    @Option(name: .long, help: "Only the findings of this severity: CRITICAL, HIGH, MEDIUM or LOW.")
    var severity: String?

    var options: FindingsOptions {
        FindingsOptions(
            directory: directory, checkName: checkName, resourceIdentifier: resourceIdentifier,
            listSuppressedFindings: listSuppressedFindings, severity: severity)
    }

    func validate() throws {
        _ = try usageErrorExits { () throws(UsageError) in try FindingsCommandRunner.filter(options) }
    }

    func run() throws {
        try finishStreamed(
            usageErrorExits { () throws(UsageError) in try FindingsCommandRunner.run(options, emit: printJSON) })
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

    @Argument(help: "The audit's output directory (fleet-audit audit --out).")
    var directory: String

    @Option(name: .customLong("finding-id"), help: "The finding's findingId.")
    var findingId: String

    func validate() throws {
        try usageErrorExits { () throws(UsageError) in try RelatedResourcesCommandRunner.validate(findingId: findingId)
        }
    }

    func run() throws {
        try finishStreamed(
            usageErrorExits { () throws(UsageError) in
                try RelatedResourcesCommandRunner.run(directory: directory, findingId: findingId, emit: printJSON)
            })
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

    @Argument(help: "The snapshot directory the audit ran on.")
    var snapshot: String

    @Option(name: .long, help: "The audit's output directory (fleet-audit audit --out).")
    var audit: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Mitigation actions (format of mitigation-actions.json): file://PATH, PATH or inline JSON; default: "
                + "the snapshot's."))
    var actions: String?

    @Option(name: .long, help: "AuditMitigationActionsTaskTarget JSON (default: every finding of the audit).")
    var target: String?

    @Option(name: .customLong("audit-check-to-actions-mapping"), help: "Check name → action names, JSON.")
    var mapping: String

    @Option(name: .long, help: "The new snapshot directory (must not exist or be empty).")
    var out: String

    @Option(name: .long, help: "Directory for the task's records.")
    var report: String?

    @Option(name: .customLong("task-id"), help: "Task ID (default: 32 random hex characters).")
    var taskId: String?

    @Option(name: .long, help: "Task time: 2026-11-26 (midnight UTC) or a time with a zone (default: now).")
    var now: String?

    @Flag(name: .long, help: "Replace a previous new snapshot at --out and previous records at --report.")
    var force = false

    @OptionGroup var colorOption: ColorOption

    var options: MitigateOptions {
        var options = MitigateOptions(
            snapshotPath: snapshot, auditDirectory: audit, actionsPath: actions, target: target, mapping: mapping,
            outputPath: out, reportDirectory: report, taskId: taskId, now: now)
        options.force = force
        return options
    }

    func validate() throws {
        _ = try usageErrorExits { () throws(UsageError) in try MitigateCommandRunner.request(options) }
    }

    func run() throws {
        MitigateCommandRunner.installInterruptCleanup()
        let report = try MitigateCommandRunner.run(options)
        try finish(
            errorLines: report.errorLines, lines: report.lines, style: colorOption.style, exitStatus: report.exitStatus)
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

    /// What a suppression is about: the check and the resource.
    struct SuppressionKey: ParsableArguments {
        @Option(name: .customLong("check-name"), help: "The check whose findings are suppressed.")
        var checkName: String

        @Option(
            name: .customLong("resource-identifier"),
            help: "The resource: JSON (inline or file://path) or shorthand such as deviceCertificateId=ID.")
        var resourceIdentifier: String
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a suppression (like `aws iot create-audit-suppression`); the file is created if needed.")

        @OptionGroup var file: FileOption
        @OptionGroup var key: SuppressionKey

        @Option(
            name: .customLong("expiration-date"),
            help: "When the suppression ends: a date (midnight UTC) or an ISO 8601 time.")
        var expirationDate: String?

        @Flag(name: .customLong("suppress-indefinitely"), help: "The suppression never ends.")
        var suppressIndefinitely = false

        @Option(name: .long, help: "Why the findings are suppressed.")
        var description: String?

        func run() throws {
            let request = SuppressionEdit(
                checkName: key.checkName, resourceIdentifier: key.resourceIdentifier, expirationDate: expirationDate,
                suppressIndefinitely: suppressIndefinitely, description: description)
            try finishSuppressions(SuppressionsCommand.add(file: file.file, request))
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
    case .failure(.usage(let message)): throw ValidationError(TerminalOutput.escape(message))
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

    @Argument(help: "The snapshot directory.")
    var snapshot: String

    @Option(name: .customLong("auth-infos"), help: "AuthInfo list JSON, inline or file://path.")
    var authInfos: String

    @Option(name: .long, help: "Certificate ARN or ID, or Cognito identity ID.")
    var principal: String?

    @Option(name: .customLong("cognito-identity-pool-id"), help: "The Cognito identity pool ID.")
    var cognitoIdentityPoolId: String?

    @Option(name: .customLong("client-id"), help: "The MQTT client ID.")
    var clientId: String?

    @Option(name: .customLong("policy-names-to-add"), parsing: .upToNextOption, help: "Policies treated as attached.")
    var policyNamesToAdd: [String] = []

    @Option(
        name: .customLong("policy-names-to-skip"), parsing: .upToNextOption, help: "Policies treated as not attached.")
    var policyNamesToSkip: [String] = []

    @OptionGroup var outputOption: OutputOption

    func validate() throws {
        _ = try usageErrorExits { () throws(UsageError) in try TestAuthorizationRunner.parseAuthInfos(authInfos) }
    }

    func run() throws {
        let options = TestAuthorizationOptions(
            snapshotPath: snapshot, authInfos: authInfos, principal: principal,
            cognitoIdentityPoolId: cognitoIdentityPoolId, clientId: clientId, policyNamesToAdd: policyNamesToAdd,
            policyNamesToSkip: policyNamesToSkip)
        switch try TestAuthorizationRunner.evaluate(options) {
        case .success(let evaluation):
            printToStandardError(evaluation.warnings)
            switch outputOption.output ?? .json {
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

func defaultWorkerCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

/// The output contract of every command: error lines on stderr, the summary
/// on stdout (rendered for the terminal: escaped, cut to its width, coloured
/// when asked), then the exit status.
func finish(errorLines: [String], lines: [StyledLine], style: TerminalStyle, exitStatus: Int32) throws {
    printToStandardError(errorLines)
    print(style.render(lines), terminator: "")
    if exitStatus != 0 { throw ExitCode(exitStatus) }
}

/// `finish` for a summary that is plain text (values escaped where they were
/// inserted; the pass here, idempotent, keeps any that was missed from the terminal).
func finish(errorLines: [String], summary: String, exitStatus: Int32) throws {
    printToStandardError(errorLines)
    print(TerminalOutput.escapeLines(summary), terminator: "")
    if exitStatus != 0 { throw ExitCode(exitStatus) }
}

/// A library call whose `UsageError` means the command line is wrong. From `validate`
/// the parser wraps it, from `run` it arrives as it is; `FleetAudit.main` prints either
/// in the one usage-error format (exit status 64).
func usageErrorExits<Value>(_ body: () throws(UsageError) -> Value) throws -> Value {
    do {
        return try body()
    } catch {
        throw ValidationError(TerminalOutput.escape(error.description))
    }
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
