import FleetAuditCore
import FleetAuditJSON

/// The short, human summary of an audit printed on stdout. Every value that
/// comes from the snapshot (region, resource ids, reasons, messages) is
/// escaped and shortened by `TerminalText`; findings.json keeps them exact.
public enum AuditSummary {
    /// `selection`: the line that says which checks ran and why (`CheckSelection.note`).
    public static func render(_ outcome: AuditOutcome, snapshot: Snapshot, selection: String? = nil) -> String {
        let manifest = snapshot.manifest
        let escaped = TerminalText.escape
        var lines: [String] = []
        lines.append(
            "Audit task \(outcome.task.taskId) (\(outcome.task.taskType)), account \(escaped(manifest.accountId, 64)) "
                + "\(escaped(manifest.region, 64)), audit time \(outcome.task.taskStartTime.iso8601)")
        if let name = outcome.task.scheduledAuditName { lines.append("Scheduled audit \(name)") }
        if let selection { lines.append(escaped(selection, 2 * TerminalText.defaultLimit)) }
        lines.append("")
        let nameWidth = max(28, outcome.checks.map(\.name.count).max() ?? 0)
        lines.append(
            pad("CHECK", nameWidth) + "  " + pad("STATUS", 24) + "  " + leftPad("RESOURCES", 9) + "  "
                + leftPad("NON-COMPLIANT", 13) + "  " + leftPad("NOT EVALUABLE", 13))
        for check in outcome.checks {
            let details = check.details
            lines.append(
                pad(check.name, nameWidth) + "  " + pad(details.checkRunStatus.rawValue, 24) + "  "
                    + leftPad(String(details.totalResourcesCount), 9) + "  "
                    + leftPad(String(details.nonCompliantResourcesCount), 13) + "  "
                    + leftPad(String(check.notEvaluableCount), 13))
            for finding in check.preview {
                lines.append(
                    "    \(finding.severity.rawValue) \(finding.nonCompliantResource.resourceType.rawValue) "
                        + "\(escaped(finding.nonCompliantResource.resourceIdentifier.displayText, TerminalText.defaultLimit)): "
                        + finding.reasonForNonComplianceCode + (finding.isSuppressed ? " (suppressed)" : ""))
                lines.append("        \(escaped(finding.reasonForNonCompliance, TerminalText.defaultLimit))")
            }
            let shown = check.preview.count
            let total = Int(details.nonCompliantResourcesCount)
            if total > shown && shown > 0 {
                lines.append("    ... \(total - shown) more in findings.json")
            }
            if let message = details.message {
                lines.append(
                    "    \(details.checkRunStatus == .failed ? "failed" : "note"): "
                        + escaped(message, TerminalText.defaultLimit))
            }
        }
        let task = outcome.task
        lines.append("")
        lines.append(
            "\(task.auditDetails.count) check(s): \(task.compliantChecks) compliant, \(task.nonCompliantChecks) "
                + "non-compliant, \(task.failedChecks) failed; \(outcome.findingsCount) finding(s).")
        let suppressed = task.auditDetails.reduce(Int64(0)) { $0 + $1.1.suppressedNonCompliantResourcesCount }
        if suppressed > 0 {
            lines.append(
                "\(suppressed) non-compliant resource(s) suppressed: their findings have isSuppressed true and "
                    + "do not make a check non-compliant.")
        }
        let notEvaluable = outcome.checks.reduce(Int64(0)) { $0 + $1.notEvaluableCount }
        if notEvaluable > 0 {
            let checks = outcome.checks.filter { $0.notEvaluableCount > 0 }.count
            lines.append(
                "Incomplete: \(notEvaluable) resource(s) of \(checks) check(s) could not be evaluated (exit status 1).")
        }
        lines.append("Wrote \(outcome.auditTaskPath) and \(outcome.findingsPath)")
        if let path = outcome.notificationPath {
            lines.append("Wrote the audit notification (auditNotificationTargetConfigurations.SNS) to \(path)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

extension ResourceIdentifier {
    /// A short human form: `account 123456789012`, `policy P version 1`, ...
    public var displayText: String {
        switch self {
        case .deviceCertificateId(let id): return "certificate \(id)"
        case .caCertificateId(let id): return "CA certificate \(id)"
        case .cognitoIdentityPoolId(let id): return "identity pool \(id)"
        case .clientId(let id): return "client \(id)"
        case .policyVersion(let name, let version): return "policy \(name) version \(version)"
        case .account(let account): return "account \(account)"
        case .iamRoleArn(let arn): return "role \(arn)"
        case .roleAliasArn(let arn): return "role alias \(arn)"
        case .issuerCertificate(let subject, _, let serial): return "issuer \(subject) serial \(serial)"
        case .deviceCertificateArn(let arn): return "certificate \(arn)"
        }
    }
}
