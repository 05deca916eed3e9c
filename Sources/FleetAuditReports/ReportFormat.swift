/// An output format of `fleet-audit audit --format LIST`.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// audit-task.json and findings.json, the Device Defender shapes; always written.
    case json
    /// findings.asff.json: AWS Security Finding Format, the BatchImportFindings input.
    case asff
    /// report.html: the page for people.
    case html
    /// findings.csv: one row per finding.
    case csv
    /// findings.ocsf.json: OCSF Compliance Finding events.
    case ocsf

    /// The file the format writes in the audit's output directory.
    public var fileName: String {
        switch self {
        case .json: return "findings.json"
        case .asff: return "findings.asff.json"
        case .html: return "report.html"
        case .csv: return "findings.csv"
        case .ocsf: return "findings.ocsf.json"
        }
    }

    /// Every file a report format may write (so `--force` may replace them).
    public static var reportFileNames: [String] { allCases.filter { $0 != .json }.map(\.fileName) }

    /// `json,asff,html` → the formats in the order given, each once; `json` is
    /// implied. The error names the unknown entries and the valid ones.
    public static func parseList(_ text: String) -> Result<[ReportFormat], ReportFormatError> {
        var formats: [ReportFormat] = [.json]
        var unknown: [String] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = entry.trimmingCharacters(in: " \t").lowercased()
            if name.isEmpty { continue }
            guard let format = ReportFormat(rawValue: name) else {
                unknown.append(String(entry))
                continue
            }
            if !formats.contains(format) { formats.append(format) }
        }
        if !unknown.isEmpty { return .failure(ReportFormatError(unknown: unknown)) }
        return .success(formats)
    }
}

public struct ReportFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public var unknown: [String]

    public init(unknown: [String]) { self.unknown = unknown }

    public var description: String {
        "--format: unknown format(s) \(unknown.map { "'\($0)'" }.joined(separator: ", ")); valid formats: "
            + ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
