import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON

/// `--output json|text` of `checks`, `logging` and `test-authorization`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case json, text
}

/// `fleet-audit checks`: every registered check with severity, resource type and reason codes.
public enum CheckCatalog {
    public static func render() -> String {
        var lines: [String] = []
        for check in CheckRegistry.all {
            let description = check.description
            lines.append("\(description.name)")
            lines.append("    severity:      \(description.severity.rawValue)")
            lines.append("    resource:      \(description.resourceType.rawValue)")
            lines.append("    reason codes:  \(description.reasonCodes.joined(separator: ", "))")
            let inputs = description.inputs.map(\.jsonName) + description.inputDirectories.map(\.displayName)
            lines.append("    reads:         \(inputs.joined(separator: ", "))")
            if !description.aliases.isEmpty {
                lines.append("    also accepted: \(description.aliases.joined(separator: ", "))")
            }
            lines.append("    \(description.summary)")
        }
        lines.append("")
        lines.append("\(CheckRegistry.all.count) check(s) registered.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `checks --output json`: `{"checks": [{checkName, severity, resourceType,
    /// reasonCodes, reads, aliases, summary}]}` in registry order (docs/output.md).
    public static func json() -> JSONValue {
        let checks = CheckRegistry.all.map { check -> JSONValue in
            let description = check.description
            let reads = description.inputs.map(\.jsonName) + description.inputDirectories.map(\.displayName)
            return .object(
                JSONObject([
                    ("checkName", .string(description.name)),
                    ("severity", .string(description.severity.rawValue)),
                    ("resourceType", .string(description.resourceType.rawValue)),
                    ("reasonCodes", .array(description.reasonCodes.map { .string($0) })),
                    ("reads", .array(reads.map { .string($0) })),
                    ("aliases", .array(description.aliases.map { .string($0) })),
                    ("summary", .string(description.summary)),
                ]))
        }
        return ["checks": .array(checks)]
    }
}
