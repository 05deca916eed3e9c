import FleetAuditChecks
import FleetAuditCore

/// `fleet-audit logging SNAPSHOT`: v1 and v2 logging side by side and the
/// effective state, as the AWS IoT console's Settings page shows it.
public enum LoggingReport {
    public static func render(_ snapshot: Snapshot) -> String {
        let settings = LoggingSettings.read(snapshot)
        let manifest = snapshot.manifest
        // Levels, roles, targets and reasons come from the snapshot: escaped and shortened.
        let shown = { (text: String) in TerminalText.escape(text, limit: 256) }
        func logs(_ generation: LoggingSettings.Generation) -> String {
            switch generation.state {
            case .enabled: return "ENABLED"
            case .disabled: return generation.configured ? "DISABLED" : "DISABLED (not configured)"
            case .unknown: return "UNKNOWN"
            }
        }
        func why(_ generation: LoggingSettings.Generation) -> String {
            switch generation.state {
            case .enabled: return ""
            case .disabled(let reason): return shown(reason)
            case .unknown(let problem):
                var escaped = problem
                escaped.file = shown(problem.file)
                escaped.reason = shown(problem.reason)
                return escaped.description
            }
        }
        let rows: [(String, String, String)] = [
            ("Logs", logs(settings.v1), logs(settings.v2)),
            ("Level of verbosity", shown(settings.v1.level ?? "-"), shown(settings.v2.level ?? "-")),
            ("Role", shown(settings.v1.roleArn ?? "-"), shown(settings.v2.roleArn ?? "-")),
            ("disableAllLogs", "-", settings.v2.disableAllLogs.map { String($0) } ?? "-"),
        ]
        let firstWidth = 20
        let secondWidth = max(28, rows.map(\.1.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + "  " : text + String(repeating: " ", count: width - text.count + 2)
        }
        var lines = ["AWS IoT logging, account \(shown(manifest.accountId)) (\(shown(manifest.region)))", ""]
        lines.append(
            pad("", firstWidth) + pad("v1 (logging-options.json)", secondWidth) + "v2 (v2-logging-options.json)")
        for (label, v1, v2) in rows { lines.append(pad(label, firstWidth) + pad(v1, secondWidth) + v2) }
        for (name, generation) in [("v1", settings.v1), ("v2", settings.v2)] where !why(generation).isEmpty {
            lines.append("\(name): \(why(generation))")
        }
        lines.append("")
        if settings.resourceLevels.isEmpty {
            lines.append("Resource-specific v2 levels: none")
        } else {
            lines.append("Resource-specific v2 levels:")
            for level in settings.resourceLevels {
                lines.append(
                    "  \(shown(level.targetType)) \(shown(level.targetName ?? "-")): \(shown(level.logLevel))")
            }
        }
        lines.append("")
        if let effective = settings.effective {
            let source = effective == settings.v2 ? "v2" : "v1"
            lines.append(
                "Effective: Logs ENABLED, level of verbosity \(shown(effective.level ?? "-")), "
                    + "role \(shown(effective.roleArn ?? "-")) "
                    + "(\(source))")
        } else if [settings.v1, settings.v2].contains(where: { if case .unknown = $0.state { true } else { false } }) {
            lines.append("Effective: UNKNOWN (a logging file cannot be read)")
        } else {
            lines.append("Effective: Logs DISABLED")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `fleet-audit logging` end to end: open the snapshot, render, or one error line.
public enum LoggingCommand {
    public static func run(_ path: String) -> Result<String, LoggingCommandError> {
        do {
            return .success(LoggingReport.render(try Snapshot.open(path)))
        } catch {
            return .failure(LoggingCommandError(line: error.terminalLine))
        }
    }
}

public struct LoggingCommandError: Error, Sendable {
    public var line: String
}
