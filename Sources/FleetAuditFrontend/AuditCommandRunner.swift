import ArgumentParser
import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditReports
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The options of `fleet-audit audit`: what the command line says, checked by `validated()`.
public struct AuditOptions: CommandOptions, Sendable {
    @Argument(help: ArgumentHelp("The snapshot directory.", valueName: "snapshot"))
    public var snapshotPath: String

    @Option(name: .customLong("out"), help: "Output directory (created; must be empty unless --force).")
    public var outputPath: String

    @Option(
        name: .long,
        help: "Comma-separated check names (default: those audit-configuration.json enables; every check without it).")
    public var checks: String?

    @Option(name: .customLong("exclude-checks"), help: "Comma-separated check names not to run.")
    public var excludeChecks: String?

    @Option(
        name: .customLong("suppressions"),
        help: ArgumentHelp(
            "A suppressions file (list-audit-suppressions format), applied with the snapshot's audit-suppressions.json.",
            valueName: "file://FILE"))
    public var suppressionsPath: String?

    @Option(
        name: .customLong("scheduled-audit-name"),
        help: "Record the task as a run of this scheduled audit (taskType SCHEDULED_AUDIT_TASK).")
    public var scheduledAuditName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Audit time: 2026-11-26 (midnight UTC) or a time with a zone, 2026-11-26T12:00:00Z (default: the "
                + "manifest's exportedAt)."))
    public var now: String?

    @Option(name: .customLong("task-id"), help: "Task ID (default: 32 random hex characters).")
    public var taskId: String?

    @Option(name: .long, help: "Parallel check workers (default: the core count).")
    public var workers: Int = defaultWorkerCount()

    @Flag(name: .long, help: "Write into a non-empty --out directory.")
    public var force = false

    @Option(
        name: .customLong("weak-key-blacklist"),
        help: ArgumentHelp(
            "Folder of Debian weak-key lists (openssl-blacklist format: blacklist.RSA-<bits>) for CVE-2008-0166.",
            valueName: "DIR"))
    public var weakKeyBlacklist: String?

    @Option(
        name: .customLong("cert-age-from"),
        help:
            "What DEVICE_CERTIFICATE_AGE_CHECK measures age from: creation-date (registration, default) or not-before.")
    public var certificateAgeFrom: String?

    @Option(
        name: .customLong("memory-budget"),
        help: ArgumentHelp(
            "Memory the partitioned stages (connection logs) may hold before spilling to disk: bytes, or with "
                + "K, M or G (default 128M, minimum 16M).", valueName: "SIZE"))
    public var memoryBudget: String?

    @Option(
        name: .customLong("spill-dir"),
        help: ArgumentHelp(
            "Where partitions that exceed the memory budget are spilled (default: a hidden folder in --out).",
            valueName: "DIR"))
    public var spillDirectory: String?

    @Flag(name: .long, help: "Show progress on stderr even when it is not a terminal (for logs).")
    public var progress = false

    @Flag(name: [.long, .customShort("q")], help: "No progress line on stderr.")
    public var quiet = false

    @Flag(name: .long, help: "Log notes (unknown snapshot files, ...) to stderr.")
    public var verbose = false

    @OptionGroup public var colorOption: ColorOption

    @Flag(
        name: .customLong("follow-links"),
        help: "Read through symbolic links that lead outside the snapshot (refused by default).")
    public var followLinks = false

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit 3 when unsuppressed findings at or above this severity exist: CRITICAL, HIGH, MEDIUM or LOW.",
            valueName: "SEVERITY"))
    public var failOn: String?

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "Output formats, comma-separated: json (audit-task.json and findings.json, always written), asff "
                + "(findings.asff.json, Security Hub), html (report.html), csv (findings.csv), ocsf (findings.ocsf.json).",
            valueName: "LIST"))
    public var formats: String?

    public init() {}

    /// Whether stderr shows progress: `--progress` forces it, `--quiet` silences it.
    public enum ProgressMode: Sendable {
        /// On a terminal only.
        case auto
        case always
        case never
    }

    public var progressMode: ProgressMode { quiet ? .never : progress ? .always : .auto }

    /// `--checks A,B`.
    public var checkNames: [String]? { checks.map { $0.split(separator: ",").map(String.init) } }

    /// `--exclude-checks A,B`: not run, whatever `--checks` or the configuration says.
    public var excludedCheckNames: [String]? {
        get { excludeChecks.map { $0.split(separator: ",").map(String.init) } }
        set { excludeChecks = newValue?.joined(separator: ",") }
    }

    /// The options of a run without a terminal (no progress line), for callers other than the command line.
    public init(
        snapshotPath: String, outputPath: String, checkNames: [String]? = nil, now: String? = nil,
        taskId: String? = nil, workers: Int, force: Bool = false, weakKeyBlacklist: String? = nil,
        certificateAgeFrom: String? = nil
    ) {
        // Every property is set, on a copy: a parsed property has no value outside the parser until
        // it is set, and in an initializer an assignment would re-create the wrapper instead.
        var options = Self()
        options.snapshotPath = snapshotPath
        options.outputPath = outputPath
        options.checks = checkNames?.joined(separator: ",")
        options.excludeChecks = nil
        options.suppressionsPath = nil
        options.scheduledAuditName = nil
        options.now = now
        options.taskId = taskId
        options.workers = workers
        options.force = force
        options.weakKeyBlacklist = weakKeyBlacklist
        options.certificateAgeFrom = certificateAgeFrom
        options.memoryBudget = nil
        options.spillDirectory = nil
        options.progress = false
        options.quiet = true
        options.verbose = false
        options.colorOption = .never
        options.followLinks = false
        options.failOn = nil
        options.formats = nil
        self = options
    }

    /// What `validated()` makes of the options.
    public struct Validated: Sendable {
        public var checks: CheckRequest
        public var now: AuditTime?
        public var settings: AuditSettings
        public var memoryBudget: Int
        public var failOn: FailOnThreshold?
        public var formats: [ReportFormat]
    }

    /// Checks the options that do not need the snapshot; throws a usage error.
    public func validated() throws(UsageError) -> Validated {
        try AuditCommandRunner.validate(self)
    }
}

/// What a command that ends with a summary reports back to the terminal: error lines for
/// stderr, the summary for stdout, the exit status.
public protocol SummaryReport: Sendable {
    var exitStatus: Int32 { get }
    /// The human summary, to be rendered for the terminal.
    var lines: [StyledLine] { get }
    /// One line each, for stderr.
    var errorLines: [String] { get }
}

extension SummaryReport {
    /// The human summary for stdout, plain (no colour, no width).
    public var summary: String { TerminalStyle.plain.render(lines) }
}

/// What `fleet-audit audit` reports back to the terminal.
public struct AuditReport: SummaryReport {
    /// `ExitStatus`: 0 every check completed; 1 a check FAILED or a resource was not
    /// evaluable (outputs written); 2 nothing could be audited; 3 `--fail-on` tripped.
    public var exitStatus: Int32
    public var lines: [StyledLine] = []
    /// One line each, `fleet-audit: <file>: element <i> (byte <offset>): <reason>`, for stderr.
    public var errorLines: [String]
    public var outcome: AuditOutcome?
}

/// Runs `fleet-audit audit`: validates options, opens the snapshot, runs the
/// executor and renders the summary.
public enum AuditCommandRunner {
    public static let exitCompleted = ExitStatus.complete
    public static let exitCheckFailed = ExitStatus.incomplete
    public static let exitNothingAudited = ExitStatus.nothingAudited

    /// Makes SIGINT and SIGTERM remove the run's spill files and unfinished outputs before exiting.
    public static func installInterruptCleanup() {
        InterruptCleanup.shared.installSignalHandlers()
    }

    /// Checks the options that do not need the snapshot; throws a usage error.
    public static func validate(_ options: AuditOptions) throws(UsageError) -> AuditOptions.Validated {
        func resolve(_ names: [String], option: String) throws(UsageError) -> [any AuditCheck.Type] {
            let cleaned = names.map { $0.trimmingCharactersInSet() }.filter { !$0.isEmpty }
            guard !cleaned.isEmpty else { throw UsageError("\(option) needs at least one check name") }
            switch CheckRegistry.resolve(cleaned) {
            case .success(let resolved): return resolved
            // `--checks` keeps its established message; the other option says its name.
            case .failure(let unknown):
                throw UsageError(option == "--checks" ? unknown.description : "\(option): " + unknown.description)
            }
        }
        var checks = CheckRequest()
        if let names = options.checkNames { checks.named = try resolve(names, option: "--checks") }
        if let names = options.excludedCheckNames { checks.excluded = try resolve(names, option: "--exclude-checks") }
        if let name = options.scheduledAuditName {
            let allowed = name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
            guard allowed, (1...128).contains(name.utf8.count) else {
                throw UsageError(
                    "--scheduled-audit-name '\(name)' must be 1 to 128 characters of [a-zA-Z0-9_-] "
                        + "(the API's scheduledAuditName)")
            }
        }
        let now = try options.now.map { text throws(UsageError) in try CommandLineTime.parse(text, option: "--now") }
        if let taskId = options.taskId {
            guard APIIdentifier.isValid(taskId, maximumLength: 40, extra: [UInt8(ascii: "-")]) else {
                throw UsageError("--task-id '\(taskId)' must be 1 to 40 characters of [a-zA-Z0-9-] (the API's taskId)")
            }
        }
        guard options.workers >= 1 else { throw UsageError("--workers must be at least 1") }
        // Outputs never go into the input, checked before anything is written.
        for (option, path) in [("--out", options.outputPath), ("--spill-dir", options.spillDirectory)] {
            if let path, let refusal = OutputLocation.refusal(path, option: option, snapshot: options.snapshotPath) {
                throw UsageError(refusal)
            }
        }
        if let refusal = OutputLocation.nonEmptyRefusal(options.outputPath, option: "--out", force: options.force) {
            throw UsageError(refusal)
        }
        var settings = AuditSettings()
        if let directory = options.weakKeyBlacklist {
            var status = stat()
            guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                throw UsageError("--weak-key-blacklist \(directory) is not a directory")
            }
            settings.weakKeyBlacklistDirectory = directory
        }
        if let origin = options.certificateAgeFrom {
            guard let parsed = AuditSettings.CertificateAgeOrigin(rawValue: origin) else {
                throw UsageError(
                    "--cert-age-from '\(origin)' must be one of "
                        + AuditSettings.CertificateAgeOrigin.allCases.map(\.rawValue).joined(separator: ", "))
            }
            settings.certificateAgeOrigin = parsed
        }
        var memoryBudget = AuditRunResources.defaultMemoryBudget
        if let text = options.memoryBudget {
            guard let bytes = parseSize(text) else {
                throw UsageError("--memory-budget '\(text)' is not a size such as 256M, 1G or 134217728")
            }
            guard bytes >= AuditRunResources.minimumMemoryBudget else {
                throw UsageError(
                    "--memory-budget \(text) is too small to work: the minimum is "
                        + "\(AuditRunResources.minimumMemoryBudget >> 20)M")
            }
            memoryBudget = bytes
        }
        let failOn = try options.failOn.map { text throws(UsageError) in try FailOnThreshold(parsing: text) }
        var formats: [ReportFormat] = [.json]
        if let list = options.formats {
            switch ReportFormat.parseList(list) {
            case .success(let parsed): formats = parsed
            case .failure(let error): throw UsageError(error.description)
            }
        }
        return AuditOptions.Validated(
            checks: checks, now: now, settings: settings, memoryBudget: memoryBudget, failOn: failOn, formats: formats)
    }

    /// The summary's last line under `--fail-on`: what tripped it, or that nothing did.
    static func gateLine(
        _ threshold: FailOnThreshold, _ tripping: [(name: String, severity: Severity, resources: Int64)]
    ) -> String {
        let level = threshold.severity.rawValue
        guard !tripping.isEmpty else {
            return "--fail-on \(level): no unsuppressed finding at or above \(level).\n"
        }
        let total = tripping.reduce(Int64(0)) { $0 + $1.resources }
        let checks = tripping.map { "    \($0.severity.rawValue) \($0.name): \($0.resources)\n" }
        return "--fail-on \(level): \(total) unsuppressed non-compliant resource(s) at or above \(level) "
            + "(exit status 3):\n" + checks.joined()
    }

    /// `file://PATH` or `PATH`, as the AWS CLI takes file arguments.
    static func filePath(_ argument: String) -> String {
        argument.hasPrefix("file://") ? String(argument.dropFirst("file://".count)) : argument
    }

    /// `134217728`, `128M`, `1G`, `512K` (powers of 1024); nil for anything else.
    static func parseSize(_ text: String) -> Int? {
        var digits = Substring(text.trimmingCharactersInSet())
        var multiplier = 1
        switch digits.last.map({ Character($0.uppercased()) }) {
        case "K": multiplier = 1 << 10
        case "M": multiplier = 1 << 20
        case "G": multiplier = 1 << 30
        default: break
        }
        if multiplier > 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(digits) else {
            return nil
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    public static func run(
        _ options: AuditOptions, logger: Logger = CommandLogHandler.logger(command: "audit", verbose: false)
    ) throws(UsageError)
        -> AuditReport
    {
        let validated = try options.validated()
        let snapshot: Snapshot
        do {
            snapshot = try Snapshot.open(options.snapshotPath, followLinks: options.followLinks)
        } catch {
            return AuditReport(exitStatus: exitNothingAudited, errorLines: [error.terminalLine], outcome: nil)
        }
        let configuration: AuditConfiguration
        let suppressions: AuditSuppressions
        do {
            (configuration, suppressions) = try loadConfigurationAndSuppressions(
                snapshot, suppressionsPath: options.suppressionsPath)
        } catch {
            return AuditReport(
                exitStatus: exitNothingAudited, errorLines: error.problems.map(\.terminalLine), outcome: nil)
        }
        let selection: CheckSelection
        switch CheckSelection.select(validated.checks, configuration: configuration) {
        case .success(let selected): selection = selected
        case .failure(.usage(let usage)): throw usage
        case .failure(.nothingEnabled(let problem)):
            return AuditReport(
                exitStatus: exitNothingAudited, errorLines: [problem.terminalLine], outcome: nil)
        }
        for name in snapshot.unknownEntries {
            logger.info("ignoring \(TerminalText.escape(name)): not a snapshot file")
        }
        var plan = plan(options, validated, snapshot: snapshot, checks: selection.checks)
        plan.configuration = configuration
        plan.suppressions = suppressions
        let outcome: AuditOutcome
        do {
            try OutputDirectory.prepare(options.outputPath, force: options.force)
            outcome = try AuditExecutor.run(snapshot: snapshot, plan: plan, outputDirectory: options.outputPath)
        } catch {
            return AuditReport(exitStatus: exitNothingAudited, errorLines: [error.terminalLine], outcome: nil)
        }
        if let digest = outcome.snapshotDigest, let (wall, cpu) = outcome.digestSeconds {
            let note =
                "snapshot digest (audit-task.json): SHA-256 of \(digest.fileCount) file(s), \(digest.byteCount) bytes, in "
                + "\(seconds(wall)) s (\(seconds(cpu)) s CPU) "
                + (outcome.digestBesideStages ? "beside the checks" : "after the checks (one worker)")
            logger.info("\(note)")
        }
        return report(
            outcome, validated, snapshot: snapshot, selection: selection, unknownSuppressions: suppressions.unknown,
            outputPath: options.outputPath)
    }

    /// The snapshot's audit configuration and suppressions, with those of `--suppressions` added.
    /// Both are refused whole, before anything is written: a half-applied suppression would let
    /// `mitigate` act on a finding the user suppressed.
    static func loadConfigurationAndSuppressions(
        _ snapshot: Snapshot, suppressionsPath: String?
    ) throws(InputRejected) -> (AuditConfiguration, AuditSuppressions) {
        let descriptions = CheckRegistry.descriptions
        let configuration = try AuditConfiguration.load(snapshot, checks: descriptions)
        var suppressions = try AuditSuppressions.load(snapshot, checks: descriptions)
        if let path = suppressionsPath.map(Self.filePath) {
            suppressions.entries += try AuditSuppressions.load(path: path, checks: descriptions).entries
            // The user gave the suppressions: they are known, whatever the export could list.
            suppressions.unknown = nil
        }
        return (configuration, suppressions)
    }

    /// What the executor runs: the selected checks with the command's task id, time, workers,
    /// settings, memory and where progress goes (stderr, when `--progress` or a terminal asks for it).
    static func plan(
        _ options: AuditOptions, _ validated: AuditOptions.Validated, snapshot: Snapshot,
        checks: [any AuditCheck.Type]
    ) -> AuditPlan {
        let onTerminal = isatty(STDERR_FILENO) == 1
        let showProgress =
            options.progressMode == .always || (options.progressMode == .auto && onTerminal)
        let progressSink: (@Sendable (String) -> Void)? = showProgress ? writeToStandardError : nil
        var plan = AuditPlan(
            checks: checks, taskId: options.taskId ?? FindingIdentity.randomTaskId(),
            auditTime: validated.now ?? snapshot.manifest.exportedAt, workers: options.workers,
            settings: validated.settings, memoryBudget: validated.memoryBudget, progress: progressSink,
            progressStyle: onTerminal ? .terminal : .lines)
        plan.spillDirectory = options.spillDirectory
        plan.scheduledAuditName = options.scheduledAuditName
        return plan
    }

    /// The summary, the report files of `--format`, the `--fail-on` gate and the exit status of a
    /// finished audit.
    static func report(
        _ outcome: AuditOutcome, _ validated: AuditOptions.Validated, snapshot: Snapshot, selection: CheckSelection,
        unknownSuppressions: SnapshotProblem?, outputPath: String
    ) -> AuditReport {
        // Checks that read the same input report the same problem; say it once.
        var errorLines: [String] = []
        var seen: Set<String> = []
        for line in outcome.checks.flatMap({ check in check.problems.map(\.terminalLine) })
        where seen.insert(line).inserted {
            errorLines.append(line)
        }
        // A resource that could not be evaluated leaves the audit incomplete, as a FAILED check does.
        var incomplete = outcome.task.failedChecks > 0 || outcome.checks.contains { $0.notEvaluableCount > 0 }
        // Findings the owner may have suppressed are reported unsuppressed: say so, and do not call it complete.
        if let unknown = unknownSuppressions {
            errorLines.append(unknown.terminalLine)
            incomplete = true
        }
        var lines = AuditSummary.lines(outcome, snapshot: snapshot, selection: selection.note)
        // Reports are rendered from the findings.json just written; one that cannot be
        // written leaves the audit's own outputs in place and the run incomplete.
        switch AuditReportFiles.write(validated.formats, auditDirectory: outputPath) {
        case .success(let paths):
            if !paths.isEmpty {
                lines.append(StyledLine("Reports: " + paths.joined(separator: ", ")))
            }
        case .failure(let problem):
            errorLines.append(problem.terminalLine)
            incomplete = true
        }
        var gateTripped = false
        if let failOn = validated.failOn {
            let tripping = failOn.trippingChecks(outcome.checks)
            gateTripped = !tripping.isEmpty
            let gate = gateLine(failOn, tripping).split(separator: "\n").map(String.init)
            lines += gate.enumerated().map { StyledLine($1, style: $0 == 0 && gateTripped ? .bad : nil) }
        }
        return AuditReport(
            exitStatus: ExitStatus.combining(incomplete: incomplete, gateTripped: gateTripped), lines: lines,
            errorLines: errorLines, outcome: outcome)
    }
}

/// The API's identifier patterns (`[a-zA-Z0-9-]+` for a task id, `[a-zA-Z0-9_-]+` for a finding id).
enum APIIdentifier {
    static func isValid(_ text: String, maximumLength: Int, extra: Set<UInt8>) -> Bool {
        (1...maximumLength).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || extra.contains(byte)
            }
    }
}

/// `1.23`: two decimals, for notes.
func seconds(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

/// Progress text to stderr, unbuffered.
@Sendable func writeToStandardError(_ text: String) {
    var text = text
    _ = text.withUTF8 { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

extension String {
    func trimmingCharactersInSet() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
