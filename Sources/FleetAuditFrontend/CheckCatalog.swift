import FleetAuditChecks
import FleetAuditCore

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
}
