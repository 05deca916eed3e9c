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

/// The options of `fleet-audit audit`, as parsed from the command line.
public struct AuditOptions: Sendable {
    public var snapshotPath: String
    public var outputPath: String
    public var checkNames: [String]?
    public var now: String?
    public var taskId: String?
    public var workers: Int
    public var force: Bool
    /// `--weak-key-blacklist DIR`: Debian weak-key lists (openssl-blacklist format).
    public var weakKeyBlacklist: String?
    /// `--cert-age-from creation-date|not-before`.
    public var certificateAgeFrom: String?
    /// `--memory-budget SIZE` (bytes, or with K/M/G).
    public var memoryBudget: String?
    /// `--spill-dir DIR`.
    public var spillDirectory: String?
    /// Whether stderr shows progress: `--progress` forces it, `--quiet` silences it.
    public var progress: ProgressMode = .never
    /// `--follow-links`: read through links that resolve outside the snapshot.
    public var followLinks = false
    /// `--fail-on SEVERITY`: exit 3 when unsuppressed findings at or above it exist.
    public var failOn: String?
    /// `--exclude-checks A,B`: not run, whatever `--checks` or the configuration says.
    public var excludedCheckNames: [String]? = nil
    /// `--suppressions [file://]FILE`: suppressions added to the snapshot's.
    public var suppressionsPath: String? = nil
    /// `--scheduled-audit-name NAME`: record the task as a run of this scheduled audit.
    public var scheduledAuditName: String? = nil
    /// `--format LIST`: comma-separated report formats (`json` is always written).
    public var formats: String?

    public enum ProgressMode: Sendable {
        /// On a terminal only.
        case auto
        case always
        case never
    }

    public init(
        snapshotPath: String, outputPath: String, checkNames: [String]? = nil, now: String? = nil,
        taskId: String? = nil, workers: Int, force: Bool = false, weakKeyBlacklist: String? = nil,
        certificateAgeFrom: String? = nil
    ) {
        self.snapshotPath = snapshotPath
        self.outputPath = outputPath
        self.checkNames = checkNames
        self.now = now
        self.taskId = taskId
        self.workers = workers
        self.force = force
        self.weakKeyBlacklist = weakKeyBlacklist
        self.certificateAgeFrom = certificateAgeFrom
    }
}

/// A usage error: the command line itself is wrong (exit status 64).
public struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What `fleet-audit audit` reports back to the terminal.
public struct AuditReport: Sendable {
    /// `ExitStatus`: 0 every check completed; 1 a check FAILED or a resource was not
    /// evaluable (outputs written); 2 nothing could be audited; 3 `--fail-on` tripped.
    public var exitStatus: Int32
    /// The human summary for stdout, plain (no colour, no width).
    public var summary: String { TerminalStyle.plain.render(lines) }
    /// The human summary, to be rendered for the terminal.
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
    public static func validate(_ options: AuditOptions) throws(UsageError) -> (
        checks: CheckRequest, now: AuditTime?, settings: AuditSettings, memoryBudget: Int,
        failOn: FailOnThreshold?, formats: [ReportFormat]
    ) {
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
        return (checks, now, settings, memoryBudget, failOn, formats)
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
        let (request, now, settings, memoryBudget, failOn, formats) = try validate(options)
        let snapshot: Snapshot
        do {
            snapshot = try Snapshot.open(options.snapshotPath, followLinks: options.followLinks)
        } catch {
            return AuditReport(exitStatus: exitNothingAudited, errorLines: [error.terminalLine], outcome: nil)
        }
        // The configuration and the suppressions are refused whole, before anything is written:
        // a half-applied suppression would let `mitigate` act on a finding the user suppressed.
        let descriptions = CheckRegistry.descriptions
        let configuration: AuditConfiguration
        var suppressions: AuditSuppressions
        do {
            configuration = try AuditConfiguration.load(snapshot, checks: descriptions)
            suppressions = try AuditSuppressions.load(snapshot, checks: descriptions)
            if let path = options.suppressionsPath.map(Self.filePath) {
                suppressions.entries += try AuditSuppressions.load(path: path, checks: descriptions).entries
                // The user gave the suppressions: they are known, whatever the export could list.
                suppressions.unknown = nil
            }
        } catch {
            return AuditReport(
                exitStatus: exitNothingAudited, errorLines: error.problems.map(\.terminalLine),
                outcome: nil)
        }
        let selection: CheckSelection
        switch CheckSelection.select(request, configuration: configuration) {
        case .success(let selected): selection = selected
        case .failure(.usage(let usage)): throw usage
        case .failure(.nothingEnabled(let problem)):
            return AuditReport(
                exitStatus: exitNothingAudited, errorLines: [problem.terminalLine], outcome: nil)
        }
        for name in snapshot.unknownEntries {
            logger.info("ignoring \(TerminalText.escape(name)): not a snapshot file")
        }
        let onTerminal = isatty(STDERR_FILENO) == 1
        let showProgress =
            options.progress == .always || (options.progress == .auto && onTerminal)
        let progressSink: (@Sendable (String) -> Void)? = showProgress ? writeToStandardError : nil
        var plan = AuditPlan(
            checks: selection.checks, taskId: options.taskId ?? FindingIdentity.randomTaskId(),
            auditTime: now ?? snapshot.manifest.exportedAt, workers: options.workers, settings: settings,
            memoryBudget: memoryBudget, progress: progressSink, progressStyle: onTerminal ? .terminal : .lines)
        plan.spillDirectory = options.spillDirectory
        plan.configuration = configuration
        plan.suppressions = suppressions
        plan.scheduledAuditName = options.scheduledAuditName
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
                + "\(seconds(wall)) s (\(seconds(cpu)) s CPU) beside the checks"
            logger.info("\(note)")
        }
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
        if let unknown = suppressions.unknown {
            errorLines.append(unknown.terminalLine)
            incomplete = true
        }
        var lines = AuditSummary.lines(outcome, snapshot: snapshot, selection: selection.note)
        // Reports are rendered from the findings.json just written; one that cannot be
        // written leaves the audit's own outputs in place and the run incomplete.
        switch AuditReportFiles.write(formats, auditDirectory: options.outputPath) {
        case .success(let paths):
            if !paths.isEmpty {
                lines.append(StyledLine("Reports: " + paths.joined(separator: ", ")))
            }
        case .failure(let problem):
            errorLines.append(problem.terminalLine)
            incomplete = true
        }
        var gateTripped = false
        if let failOn {
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
