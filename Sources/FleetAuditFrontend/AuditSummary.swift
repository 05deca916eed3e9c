import FleetAuditCore
import FleetAuditJSON

/// The short, human summary of an audit printed on stdout: the checks' status
/// table, then the findings grouped by severity (CRITICAL first) and check, with
/// totals per severity. Every value that comes from the snapshot (region,
/// resource ids, reasons, messages) is escaped and shortened by `TerminalText`;
/// findings.json keeps them exact.
///
/// A check shows at most the audit's preview (`AuditPlan.previewLimit`, 20)
/// findings; the rest are counted (`… and N more (see findings.json)`), so a
/// million findings print a few hundred lines.
public enum AuditSummary {
    /// The summary without colour or width limit (tests, logs).
    public static func render(_ outcome: AuditOutcome, snapshot: Snapshot, selection: String? = nil) -> String {
        TerminalStyle.plain.render(lines(outcome, snapshot: snapshot, selection: selection))
    }

    /// `selection`: the line that says which checks ran and why (`CheckSelection.note`).
    public static func lines(_ outcome: AuditOutcome, snapshot: Snapshot, selection: String? = nil) -> [StyledLine] {
        var totals: [Severity: Int] = [:]
        for check in outcome.checks { totals[check.severity, default: 0] += check.findingsCount }
        return header(outcome, manifest: snapshot.manifest, selection: selection) + statusTable(outcome)
            + findingsBySeverity(outcome, totals: totals) + footer(outcome, totals: totals)
    }

    /// The task, the account and region, the audit time, and which checks ran.
    static func header(_ outcome: AuditOutcome, manifest: SnapshotManifest, selection: String?) -> [StyledLine] {
        let escaped = TerminalText.escape
        var lines: [StyledLine] = []
        lines.append(
            StyledLine(
                "Audit task \(outcome.task.taskId) (\(outcome.task.taskType)), account \(escaped(manifest.accountId, 64)) "
                    + "\(escaped(manifest.region, 64)), audit time \(outcome.task.taskStartTime.iso8601)"))
        if let name = outcome.task.scheduledAuditName { lines.append(StyledLine("Scheduled audit \(name)")) }
        if let selection { lines.append(StyledLine(escaped(selection, 2 * TerminalText.defaultLimit))) }
        return lines
    }

    /// A blank line, then one row per check: status, counts, name, and its message under it.
    static func statusTable(_ outcome: AuditOutcome) -> [StyledLine] {
        // The check's name comes last: names reach 60 characters, and a line cut to
        // the terminal's width should lose the end of a name, not the counts.
        var lines: [StyledLine] = [
            StyledLine(),
            StyledLine(
                pad("STATUS", 23) + "  " + leftPad("RESOURCES", 9) + "  " + leftPad("NON-COMPLIANT", 13) + "  "
                    + leftPad("NOT EVALUABLE", 13) + "  CHECK", style: .bold),
        ]
        for check in outcome.checks {
            let details = check.details
            lines.append(
                StyledLine(pad(details.checkRunStatus.rawValue, 23), style: style(of: details.checkRunStatus))
                    + ("  " + leftPad(String(details.totalResourcesCount), 9) + "  "
                        + leftPad(String(details.nonCompliantResourcesCount), 13) + "  "
                        + leftPad(String(check.notEvaluableCount), 13) + "  " + check.name))
            if let message = details.message {
                let failed = details.checkRunStatus == .failed
                lines.append(
                    StyledLine("    ") + (failed ? "failed" : "note", failed ? .bad : nil)
                        + (": " + TerminalText.escape(message, limit: TerminalText.defaultLimit)))
            }
        }
        return lines
    }

    /// Per severity with findings (CRITICAL first): its total, then each check's preview of findings.
    static func findingsBySeverity(_ outcome: AuditOutcome, totals: [Severity: Int]) -> [StyledLine] {
        let escaped = TerminalText.escape
        var lines: [StyledLine] = []
        for severity in Severity.allCases {
            let withFindings = outcome.checks.filter { $0.severity == severity && $0.findingsCount > 0 }
            guard !withFindings.isEmpty else { continue }
            lines.append(StyledLine())
            lines.append(
                StyledLine(severity.rawValue, style: TextStyle(severity)) + ": \(totals[severity] ?? 0) finding(s)")
            for check in withFindings {
                lines.append(StyledLine("  \(check.name): \(check.findingsCount) finding(s)", style: .bold))
                for finding in check.preview {
                    lines.append(
                        StyledLine(
                            "    \(escaped(finding.nonCompliantResource.resourceIdentifier.displayText, TerminalText.defaultLimit)): "
                                + finding.reasonForNonComplianceCode + (finding.isSuppressed ? " (suppressed)" : "")))
                    lines.append(
                        StyledLine("        \(escaped(finding.reasonForNonCompliance, TerminalText.defaultLimit))"))
                }
                if check.findingsCount > check.preview.count {
                    lines.append(
                        StyledLine("    … and \(check.findingsCount - check.preview.count) more (see findings.json)"))
                }
            }
        }
        return lines
    }

    /// A blank line, the totals per severity and per check status, what was suppressed or not
    /// evaluable, and the files written.
    static func footer(_ outcome: AuditOutcome, totals: [Severity: Int]) -> [StyledLine] {
        let task = outcome.task
        var lines: [StyledLine] = [StyledLine()]
        var totalLine = StyledLine("Totals: ")
        for (position, severity) in Severity.allCases.enumerated() {
            let count = totals[severity] ?? 0
            totalLine =
                totalLine + (position > 0 ? ", " : "") + (
                    "\(count) \(severity.rawValue)", count > 0 ? TextStyle(severity) : nil
                )
        }
        lines.append(totalLine + "; \(outcome.findingsCount) finding(s).")
        lines.append(
            StyledLine(
                "\(task.auditDetails.count) check(s): \(task.compliantChecks) compliant, \(task.nonCompliantChecks) "
                    + "non-compliant, ") + ("\(task.failedChecks) failed", task.failedChecks > 0 ? .bad : nil) + ".")
        let suppressed = task.auditDetails.reduce(Int64(0)) { $0 + $1.1.suppressedNonCompliantResourcesCount }
        if suppressed > 0 {
            lines.append(
                StyledLine(
                    "\(suppressed) non-compliant resource(s) suppressed: their findings have isSuppressed true and "
                        + "do not make a check non-compliant."))
        }
        let notEvaluable = outcome.checks.reduce(Int64(0)) { $0 + $1.notEvaluableCount }
        if notEvaluable > 0 {
            let checks = outcome.checks.filter { $0.notEvaluableCount > 0 }.count
            lines.append(
                StyledLine(
                    "Incomplete: \(notEvaluable) resource(s) of \(checks) check(s) could not be evaluated (exit status 1).",
                    style: .bad))
        }
        lines.append(StyledLine("Wrote \(outcome.auditTaskPath) and \(outcome.findingsPath)"))
        if let path = outcome.notificationPath {
            lines.append(
                StyledLine("Wrote the audit notification (auditNotificationTargetConfigurations.SNS) to \(path)"))
        }
        return lines
    }

    static func style(of status: CheckRunStatus) -> TextStyle? {
        switch status {
        case .completedCompliant: return .good
        case .completedNonCompliant: return .warning
        case .failed: return .bad
        default: return nil
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
