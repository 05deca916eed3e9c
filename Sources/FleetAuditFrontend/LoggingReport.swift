import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON

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

extension LoggingReport {
    /// `logging --output json` (docs/output.md): the same
    /// facts as the text, values exact.
    ///
    ///     {"accountId", "region",
    ///      "v1": {"state": "ENABLED"|"DISABLED"|"UNKNOWN", "configured", "logLevel", "roleArn", "reason"},
    ///      "v2": {... the same, and "disableAllLogs"},
    ///      "resourceLevels": [{"targetType", "targetName", "logLevel"}],
    ///      "effective": {"state", "source": "v1"|"v2"|null, "logLevel", "roleArn"}}
    ///
    /// Absent values are null.
    public static func json(_ snapshot: Snapshot) -> JSONValue {
        let settings = LoggingSettings.read(snapshot)
        let optional = { (text: String?) in text.map(JSONValue.string) ?? .null }
        func generation(_ generation: LoggingSettings.Generation, v2: Bool) -> JSONValue {
            let (state, reason): (String, String?)
            switch generation.state {
            case .enabled: (state, reason) = ("ENABLED", nil)
            case .disabled(let why): (state, reason) = ("DISABLED", why)
            case .unknown(let problem): (state, reason) = ("UNKNOWN", problem.description)
            }
            var object = JSONObject([
                ("state", .string(state)), ("configured", .bool(generation.configured)),
                ("logLevel", optional(generation.level)), ("roleArn", optional(generation.roleArn)),
                ("reason", optional(reason)),
            ])
            if v2 { object["disableAllLogs"] = generation.disableAllLogs.map(JSONValue.bool) ?? .null }
            return .object(object)
        }
        let effective: JSONValue
        if let enabled = settings.effective {
            effective = .object(
                JSONObject([
                    ("state", "ENABLED"), ("source", .string(enabled == settings.v2 ? "v2" : "v1")),
                    ("logLevel", optional(enabled.level)), ("roleArn", optional(enabled.roleArn)),
                ]))
        } else {
            let unknown = [settings.v1, settings.v2].contains { if case .unknown = $0.state { true } else { false } }
            effective = .object(
                JSONObject([
                    ("state", .string(unknown ? "UNKNOWN" : "DISABLED")), ("source", .null), ("logLevel", .null),
                    ("roleArn", .null),
                ]))
        }
        return .object(
            JSONObject([
                ("accountId", .string(snapshot.manifest.accountId)), ("region", .string(snapshot.manifest.region)),
                ("v1", generation(settings.v1, v2: false)), ("v2", generation(settings.v2, v2: true)),
                (
                    "resourceLevels",
                    .array(
                        settings.resourceLevels.map { level in
                            .object(
                                JSONObject([
                                    ("targetType", .string(level.targetType)),
                                    ("targetName", optional(level.targetName)),
                                    ("logLevel", .string(level.logLevel)),
                                ]))
                        })
                ),
                ("effective", effective),
            ]))
    }
}

/// `fleet-audit logging` end to end: open the snapshot, render, or one error line.
public enum LoggingCommand {
    public static func run(_ path: String, output: OutputFormat = .text) -> Result<String, LoggingCommandError> {
        do {
            let snapshot = try Snapshot.open(path)
            switch output {
            case .text: return .success(LoggingReport.render(snapshot))
            case .json:
                return .success(TerminalText.jsonForTerminal(JSONWriter.pretty(LoggingReport.json(snapshot))) + "\n")
            }
        } catch {
            return .failure(LoggingCommandError(line: error.terminalLine))
        }
    }
}

public struct LoggingCommandError: Error, Sendable {
    public var line: String
}
