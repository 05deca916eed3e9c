import FleetAuditCore
import FleetAuditJSON

/// The account's AWS IoT logging settings as the snapshot records them: v1
/// (`logging-options.json`), v2 (`v2-logging-options.json`) and the v2
/// resource-specific levels. Shared by LOGGING_DISABLED_CHECK, `fleet-audit
/// logging` and the ENABLE_IOT_LOGGING mitigation, so all three agree on what
/// "enabled" means (docs/checks.md).
public struct LoggingSettings: Sendable {
    public static let logLevels: Set<String> = ["DEBUG", "INFO", "ERROR", "WARN", "DISABLED"]

    /// Whether one logging generation logs, does not, or cannot be known.
    public enum State: Sendable, Hashable {
        case enabled
        /// Why it does not log.
        case disabled(String)
        /// The input that would tell cannot be read.
        case unknown(SnapshotProblem)
    }

    public struct Generation: Sendable, Hashable {
        public var state: State
        public var roleArn: String?
        /// v1 `logLevel` or v2 `defaultLogLevel`.
        public var level: String?
        /// v2 only.
        public var disableAllLogs: Bool?
        /// False when the file is absent (v2: never configured).
        public var configured: Bool
    }

    /// A v2 resource-specific log level (`list-v2-logging-levels`).
    public struct TargetLevel: Sendable, Hashable {
        public var targetType: String
        public var targetName: String?
        public var logLevel: String
    }

    public var v1: Generation
    public var v2: Generation
    /// Levels other than DEFAULT; empty when the file is absent or unreadable.
    public var resourceLevels: [TargetLevel]

    public static func read(_ snapshot: Snapshot) -> LoggingSettings {
        LoggingSettings(v1: readV1(snapshot), v2: readV2(snapshot), resourceLevels: readLevels(snapshot))
    }

    /// The settings that apply: v2 when it logs, else v1 when it logs.
    public var effective: Generation? {
        if v2.state == .enabled { return v2 }
        if v1.state == .enabled { return v1 }
        return nil
    }

    static func notALogLevel(file: String, member: String, value: JSONValue) -> SnapshotProblem {
        SnapshotProblem(
            file: file, reason: "'\(member)' is \(JSONWriter.compact(value)); expected one of \(logLevels.sorted())")
    }

    static func readV1(_ snapshot: Snapshot) -> Generation {
        let name = SnapshotFile.loggingOptions.jsonName
        let options: JSONObject
        do {
            options = try snapshot.readObject(.loggingOptions)
        } catch {
            return Generation(state: .unknown(error), configured: false)
        }
        let role = options["roleArn"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        var generation = Generation(state: .enabled, roleArn: role, configured: true)
        switch options["logLevel"] {
        case nil:
            generation.state = .disabled("v1 has no logLevel")
        case .string(let text)? where logLevels.contains(text):
            generation.level = text
            if text == "DISABLED" { generation.state = .disabled("v1 logLevel is DISABLED") }
        case let other?:
            generation.state = .unknown(notALogLevel(file: name, member: "logLevel", value: other))
            return generation
        }
        if role == nil { generation.state = .disabled("v1 has no roleArn") }
        return generation
    }

    static func readV2(_ snapshot: Snapshot) -> Generation {
        let name = SnapshotFile.v2LoggingOptions.jsonName
        if case .failure = snapshot.locate(.v2LoggingOptions), !snapshot.isListedUnavailable(.v2LoggingOptions) {
            // Absent and not declared unavailable: v2 was never configured.
            return Generation(state: .disabled("v2 logging is not configured"), configured: false)
        }
        let options: JSONObject
        do {
            options = try snapshot.readObject(.v2LoggingOptions)
        } catch {
            return Generation(state: .unknown(error), configured: false)
        }
        var generation = Generation(
            state: .enabled, roleArn: options["roleArn"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            configured: true)
        var reasons: [String] = []
        switch options["disableAllLogs"] {
        case nil: break
        case .bool(let flag)?:
            generation.disableAllLogs = flag
            if flag { reasons.append("v2 disableAllLogs is true") }
        case let other?:
            generation.state = .unknown(
                SnapshotProblem(
                    file: name, reason: "'disableAllLogs' is \(JSONWriter.compact(other)); expected a boolean"))
            return generation
        }
        switch options["defaultLogLevel"] {
        case nil: reasons.append("v2 has no defaultLogLevel")
        case .string(let text)? where logLevels.contains(text):
            generation.level = text
            if text == "DISABLED" { reasons.append("v2 defaultLogLevel is DISABLED") }
        case let other?:
            generation.state = .unknown(notALogLevel(file: name, member: "defaultLogLevel", value: other))
            return generation
        }
        if generation.roleArn == nil { reasons.append("v2 has no roleArn") }
        if !reasons.isEmpty { generation.state = .disabled(reasons.joined(separator: ", ")) }
        return generation
    }

    static func readLevels(_ snapshot: Snapshot) -> [TargetLevel] {
        guard let levels = try? snapshot.readObject(.v2LoggingLevels),
            let targets = levels["logTargetConfigurations"]?.arrayValue
        else { return [] }
        return targets.compactMap { target in
            guard let type = target["logTarget"]?["targetType"]?.stringValue, type != "DEFAULT",
                let level = target["logLevel"]?.stringValue
            else { return nil }
            return TargetLevel(
                targetType: type, targetName: target["logTarget"]?["targetName"]?.stringValue, logLevel: level)
        }
    }
}
