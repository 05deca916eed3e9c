import FleetAuditJSON

/// `findings.csv`: one row per finding under a header row, RFC 4180.
///
/// - Fields holding a comma, a double quote, CR or LF are quoted, a quote
///   inside doubled; every line ends CRLF.
/// - Spreadsheet formula injection: a cell that would start with `=`, `+`,
///   `-`, `@`, TAB or CR is prefixed with `'`, so Excel, LibreOffice and
///   Google Sheets show it as text instead of evaluating it (OWASP "CSV
///   Injection"). Snapshot strings (policy names, client IDs, reasons) are
///   hostile; no FleetAudit-generated value starts with one of those
///   characters, so only such strings change. Scripts that need the exact
///   values read findings.json (docs/reports.md).
public enum CSVFindings {
    public static let header = [
        "accountId", "region", "taskId", "findingId", "checkName", "severity", "resourceType",
        "resourceIdentifier", "reasonForNonComplianceCode", "reasonForNonCompliance", "isSuppressed", "findingTime",
        "additionalInfo", "relatedResources",
    ]

    public static func row(_ finding: ReportFinding, context: ReportContext) -> [String] {
        var related = finding.relatedResources.map { resource -> String in
            "\(resource.resourceType) \(resource.identifierText)"
        }
        if finding.listedRelatedCount > 0 {
            related.append("\(finding.listedRelatedCount) listed in related-resources.jsonl")
        }
        return [
            context.source.accountId, context.source.region, finding.taskId, finding.findingId, finding.checkName,
            finding.severity.rawValue, finding.resource.resourceType, finding.resource.identifierText,
            finding.reasonCode, finding.reason, finding.isSuppressed ? "true" : "false",
            finding.findingTime.iso8601,
            finding.resource.additionalInfo.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
            related.joined(separator: "; "),
        ]
    }

    /// One record and its CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field: neutralised against formula injection, then quoted when RFC 4180 requires it.
    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\"" { quoted.unicodeScalars.append("\"") }
            quoted.unicodeScalars.append(character)
        }
        quoted.append("\"")
        return quoted
    }
}
