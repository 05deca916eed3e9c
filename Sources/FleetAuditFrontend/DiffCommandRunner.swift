import ArgumentParser
import FleetAuditCore
import FleetAuditJSON
import FleetAuditReports

/// The options of `fleet-audit diff`, as parsed from the command line.
public struct DiffOptions: CommandOptions, Sendable {
    @Argument(help: "The earlier audit's output directory.")
    public var old: String

    @Argument(help: "The later audit's output directory.")
    public var new: String

    /// `--output text|json|asff`.
    @Option(name: .long, help: "text (default), json, or asff (the resolved findings, ARCHIVED).")
    public var output = "text"

    /// `--fail-on SEVERITY`: exit 3 when new findings at or above it exist.
    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit 3 when new findings at or above this severity exist: CRITICAL, HIGH, MEDIUM or LOW.",
            valueName: "SEVERITY"))
    public var failOn: String?

    public init() {}

    public init(oldDirectory: String, newDirectory: String, output: String = "text", failOn: String? = nil) {
        // Every property is set, on a copy (see AuditOptions.init(snapshotPath:outputPath:...)).
        var options = Self()
        options.old = oldDirectory
        options.new = newDirectory
        options.output = output
        options.failOn = failOn
        self = options
    }

    public struct Validated: Sendable {
        public var output: DiffCommandRunner.OutputFormat
        public var failOn: FailOnThreshold?
    }

    public func validated() throws(UsageError) -> Validated {
        try DiffCommandRunner.validate(self)
    }
}

/// What a read-only command (`diff`, `findings`, `related-resources`) reports back.
public struct CommandReport: Sendable {
    /// `ExitStatus`.
    public var exitStatus: Int32
    /// The text for stdout (empty when the command wrote it as it went).
    public var output: String
    /// One line each for stderr.
    public var errorLines: [String]
}

/// One side of a diff: the audit directory and what was read of it.
struct DiffSide {
    var audit: AuditDirectory
    var findings: [DiffFinding] = []
    /// From `audit-source.json`, else from the first finding that names an account.
    var accountId: String?
    var accountEvidence = ""

    var region: String? { audit.source?.region }
    var failedChecks: [String] {
        audit.checkRunStatuses.filter { $0.status == CheckRunStatus.failed.rawValue }.map(\.checkName)
    }

    /// `123456789012 us-east-1` or what is known of it.
    var accountText: String {
        (accountId ?? "unknown account") + (region.map { " " + $0 } ?? "")
    }
}

/// Runs `fleet-audit diff OLD NEW`: what changed between two audits of one account.
public enum DiffCommandRunner {
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// `asff`: the resolved findings as Security Hub findings to archive (BatchImportFindings input).
        case text, json, asff
    }

    public static func validate(_ options: DiffOptions) throws(UsageError) -> DiffOptions.Validated {
        guard let format = OutputFormat(rawValue: options.output) else {
            throw UsageError(
                "--output '\(options.output)' must be one of "
                    + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let failOn = try options.failOn.map { text throws(UsageError) in try FailOnThreshold(parsing: text) }
        return DiffOptions.Validated(output: format, failOn: failOn)
    }

    public static func run(_ options: DiffOptions) throws(UsageError) -> CommandReport {
        let validated = try options.validated()
        let (format, failOn) = (validated.output, validated.failOn)
        let old: DiffSide
        let new: DiffSide
        do throws(SnapshotProblem) {
            old = try read(options.old)
            new = try read(options.new)
            try requireSameAccount(old, new)
        } catch {
            return CommandReport(exitStatus: ExitStatus.nothingAudited, output: "", errorLines: [error.terminalLine])
        }
        let statuses = Dictionary(
            new.audit.checkRunStatuses.map { ($0.checkName, $0.status) }, uniquingKeysWith: { first, _ in first })
        let diff = FindingsDiff.compare(old: old.findings, new: new.findings, newCheckStatuses: statuses)
        let incomplete = !diff.notReassessed.isEmpty || !old.failedChecks.isEmpty || !new.failedChecks.isEmpty
        let tripping = failOn.map { diff.tripping($0) } ?? []
        var output: String
        switch format {
        case .text:
            output = DiffRendering.text(diff, old: old, new: new)
            if let failOn {
                let level = failOn.severity.rawValue
                output +=
                    tripping.isEmpty
                    ? "--fail-on \(level): no new unsuppressed finding at or above \(level).\n"
                    : "--fail-on \(level): \(tripping.count) new unsuppressed finding(s) at or above \(level) "
                        + "(exit status 3).\n"
            }
        case .json:
            output = JSONWriter.pretty(DiffRendering.json(diff, old: old, new: new)) + "\n"
        case .asff:
            do throws(SnapshotProblem) {
                output = try archivedFindings(
                    diff, oldDirectory: options.old, newDirectory: options.new)
            } catch {
                return CommandReport(
                    exitStatus: ExitStatus.nothingAudited, output: "", errorLines: [error.terminalLine])
            }
        }
        return CommandReport(
            exitStatus: ExitStatus.combining(incomplete: incomplete, gateTripped: !tripping.isEmpty), output: output,
            errorLines: [])
    }

    /// The resolved findings as `ARCHIVED` Security Hub findings (the same `Id` the
    /// OLD audit's `findings.asff.json` gave them), resolved at NEW's audit time: importing
    /// them closes in Security Hub what the later audit no longer reports.
    static func archivedFindings(
        _ diff: FindingsDiff, oldDirectory: String, newDirectory: String
    ) throws(SnapshotProblem) -> String {
        let context = try ReportContext.load(auditDirectory: newDirectory)
        let resolvedIds = Set(diff.resolved.map(\.finding.findingId))
        var archived: [JSONValue] = []
        try AuditDirectory.open(oldDirectory).forEachFinding { value, location throws(SnapshotProblem) in
            guard let id = value["findingId"]?.stringValue, resolvedIds.contains(id) else { return }
            do throws(ReportInputError) {
                let finding = try ReportFinding(json: value)
                archived.append(
                    SecurityHubFinding.archived(finding, context: context, resolvedAt: context.source.auditTime))
            } catch {
                var problem = location
                problem.reason = error.description
                throw problem
            }
        }
        return JSONWriter.pretty(.array(archived)) + "\n"
    }

    static func read(_ path: String) throws(SnapshotProblem) -> DiffSide {
        var side = DiffSide(audit: try AuditDirectory.open(path))
        if let source = side.audit.source {
            side.accountId = source.accountId
            side.accountEvidence = AuditSource.fileName
        }
        var findings: [DiffFinding] = []
        var derivedAccount: (String, String)? = nil
        try side.audit.forEachFinding { value, location throws(SnapshotProblem) in
            let finding = try DiffFinding.read(value, at: location)
            if derivedAccount == nil, let account = accountNamed(by: finding.resourceIdentifier) {
                derivedAccount = (account, "finding \(finding.findingId)")
            }
            findings.append(finding)
        }
        side.findings = findings
        if side.accountId == nil, let (account, evidence) = derivedAccount {
            side.accountId = account
            side.accountEvidence = evidence
        }
        return side
    }

    /// The account a resource identifier names: `account`, or the account field of an ARN.
    static func accountNamed(by identifier: JSONValue) -> String? {
        guard let object = identifier.objectValue else { return nil }
        for member in object.members {
            guard let text = member.value.stringValue else { continue }
            if member.key == "account" { return text }
            let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            if fields.count == 6, fields[0] == "arn", !fields[4].isEmpty { return String(fields[4]) }
        }
        return nil
    }

    /// Two audits of different accounts or regions cannot be compared: every
    /// finding would be new and every one resolved.
    static func requireSameAccount(_ old: DiffSide, _ new: DiffSide) throws(SnapshotProblem) {
        let accountsDiffer = old.accountId != nil && new.accountId != nil && old.accountId != new.accountId
        let regionsDiffer = old.region != nil && new.region != nil && old.region != new.region
        guard accountsDiffer || regionsDiffer else { return }
        func describe(_ side: DiffSide) -> String {
            "\(side.audit.path) is account \(side.accountText) (\(side.accountEvidence))"
        }
        throw SnapshotProblem(
            file: new.audit.path,
            reason: "not an audit of the same account and region as \(old.audit.path): \(describe(old)), "
                + "\(describe(new)); diff compares two audits of one account and region")
    }
}

/// The diff as text for a terminal and as JSON.
enum DiffRendering {
    static func text(_ diff: FindingsDiff, old: DiffSide, new: DiffSide) -> String {
        let escaped = { (text: String) in TerminalText.escape(text) }
        var lines: [String] = []
        lines.append(
            "Diff of audit \(escaped(old.audit.taskId)) (\(time(old))) and audit \(escaped(new.audit.taskId)) "
                + "(\(time(new))), account \(escaped(new.accountText))")
        for (name, side) in [("OLD", old), ("NEW", new)] where !side.failedChecks.isEmpty {
            lines.append(
                "note: \(side.failedChecks.count) check(s) FAILED in \(name) (\(escaped(side.audit.path))): "
                    + side.failedChecks.map(escaped).joined(separator: ", "))
        }
        func section(_ title: String, _ changes: [FindingsDiff.Change], _ detail: (FindingsDiff.Change) -> String) {
            guard !changes.isEmpty else { return }
            lines.append("")
            lines.append("\(title) (\(changes.count))")
            for change in changes {
                let finding = change.finding
                lines.append(
                    "    \(finding.severity.rawValue) \(escaped(finding.key.checkName)) "
                        + "\(escaped(display(finding))): \(escaped(finding.key.reasonCode))" + detail(change))
            }
        }
        section("NEW", diff.new) { _ in "" }
        section("RESOLVED", diff.resolved) { _ in "" }
        section("PERSISTING", diff.persisting) { _ in "" }
        section("SUPPRESSED", diff.suppressed) { $0.old == nil ? " (new)" : " (persisting)" }
        section("NOT RE-ASSESSED", diff.notReassessed) { change in
            let status = change.newCheckRunStatus ?? "NOT_RUN"
            return status == "NOT_RUN" ? " (check not run in NEW)" : " (check \(escaped(status)) in NEW)"
        }
        lines.append("")
        lines.append(
            "\(diff.new.count) new, \(diff.resolved.count) resolved, \(diff.persisting.count) persisting; "
                + "\(diff.suppressed.count) suppressed, \(diff.notReassessed.count) not re-assessed.")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func time(_ side: DiffSide) -> String {
        side.audit.taskStartTime?.iso8601 ?? "no taskStartTime"
    }

    /// `DEVICE_CERTIFICATE certificate 3331...`: the summary's form, or the
    /// identifier's JSON for one the schema does not know.
    private static func display(_ finding: DiffFinding) -> String {
        let identifier =
            ResourceIdentifier(json: finding.resourceIdentifier)?.displayText ?? finding.key.identifierText
        return finding.key.resourceType + " " + identifier
    }

    static func json(_ diff: FindingsDiff, old: DiffSide, new: DiffSide) -> JSONValue {
        func side(_ side: DiffSide) -> JSONValue {
            [
                "directory": .string(side.audit.path), "taskId": .string(side.audit.taskId),
                "taskStartTime": side.audit.taskStartTime.map { .string($0.iso8601) } ?? .null,
                "accountId": side.accountId.map(JSONValue.string) ?? .null,
                "region": side.region.map(JSONValue.string) ?? .null,
                "failedChecks": .array(side.failedChecks.map(JSONValue.string)),
            ]
        }
        func entry(_ change: FindingsDiff.Change, extra: [(String, JSONValue)] = []) -> JSONValue {
            let finding = change.finding
            var object = JSONObject([
                ("checkName", .string(finding.key.checkName)),
                ("severity", .string(finding.severity.rawValue)),
                ("resourceType", .string(finding.key.resourceType)),
                ("resourceIdentifier", finding.resourceIdentifier),
                ("reasonForNonComplianceCode", .string(finding.key.reasonCode)),
            ])
            if let old = change.old { object["oldFindingId"] = .string(old.findingId) }
            if let new = change.new { object["newFindingId"] = .string(new.findingId) }
            for (key, value) in extra { object[key] = value }
            return .object(object)
        }
        return .object(
            JSONObject([
                ("old", side(old)),
                ("new", side(new)),
                (
                    "summary",
                    [
                        "new": .integer(Int64(diff.new.count)), "resolved": .integer(Int64(diff.resolved.count)),
                        "persisting": .integer(Int64(diff.persisting.count)),
                        "suppressed": .integer(Int64(diff.suppressed.count)),
                        "notReassessed": .integer(Int64(diff.notReassessed.count)),
                    ]
                ),
                ("newFindings", .array(diff.new.map { entry($0) })),
                ("resolvedFindings", .array(diff.resolved.map { entry($0) })),
                ("persistingFindings", .array(diff.persisting.map { entry($0) })),
                (
                    "suppressedFindings",
                    .array(
                        diff.suppressed.map {
                            entry($0, extra: [("change", .string($0.old == nil ? "NEW" : "PERSISTING"))])
                        })
                ),
                (
                    "notReassessedFindings",
                    .array(
                        diff.notReassessed.map {
                            entry($0, extra: [("newCheckRunStatus", .string($0.newCheckRunStatus ?? "NOT_RUN"))])
                        })
                ),
            ]))
    }
}
