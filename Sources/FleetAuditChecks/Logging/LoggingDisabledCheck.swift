import FleetAuditCore
import FleetAuditJSON

/// LOGGING_DISABLED_CHECK: AWS IoT logs to CloudWatch neither through v1 nor v2 logging.
///
/// Rule (docs/checks.md): the account is compliant when either
/// - v2 is enabled: `v2-logging-options.json` has a `roleArn`, `disableAllLogs`
///   is not true and `defaultLogLevel` is not DISABLED; or
/// - v1 is enabled: `logging-options.json` has a `roleArn` and a `logLevel`
///   other than DISABLED.
/// A v2 file that is absent and not listed unavailable means v2 was never
/// configured (the API's NotConfiguredException). Resource-specific v2 levels
/// do not make the account compliant: they log only the groups, clients,
/// sources or principals they name. An input that cannot be read fails the
/// check only when the answer depends on it.
public struct LoggingDisabledCheck: AccountSettingsCheck {
    public init() {}

    public static let description = CheckDescription(
        name: "LOGGING_DISABLED_CHECK",
        severity: .low,
        resourceType: .accountSettings,
        reasonCodes: ["LOGGING_DISABLED"],
        inputs: [.loggingOptions, .v2LoggingOptions, .v2LoggingLevels],
        summary: "AWS IoT logging to CloudWatch is disabled (v1 and v2 logging both off).",
        examples: LoggingDisabledCheck.examples)

    static let logLevels: Set<String> = ["DEBUG", "INFO", "ERROR", "WARN", "DISABLED"]

    /// Whether one logging generation is on, off, or cannot be known.
    enum Switch {
        case enabled
        case disabled(String)
        case unknown(SnapshotProblem)
    }

    public func evaluate(_ context: AuditContext) throws(SnapshotProblem) -> ResourceVerdict {
        let v1 = Self.v1State(context.snapshot)
        let v2 = Self.v2State(context.snapshot)
        var explanations: [String] = []
        for state in [v1, v2] {
            switch state {
            case .enabled: return .compliant
            case .disabled(let why): explanations.append(why)
            case .unknown: break
            }
        }
        for state in [v1, v2] {
            if case .unknown(let problem) = state { throw problem }
        }
        var reason = "AWS IoT logging to CloudWatch is disabled: " + explanations.joined(separator: "; ") + "."
        if let levels = Self.resourceLevelCount(context.snapshot), levels > 0 {
            reason +=
                " \(levels) resource-specific v2 log level(s) are set, but they log only the targets they name."
        }
        return .nonCompliant([
            FindingDraft(
                resource: AuditResource(.accountSettings, .account(context.accountId)),
                reasonCode: "LOGGING_DISABLED", reason: reason)
        ])
    }

    static func v1State(_ snapshot: Snapshot) -> Switch {
        let name = SnapshotFile.loggingOptions.jsonName
        let options: JSONObject
        do {
            options = try snapshot.readObject(.loggingOptions)
        } catch {
            return .unknown(error)
        }
        let level: String?
        switch options["logLevel"] {
        case nil: level = nil
        case .string(let text) where logLevels.contains(text): level = text
        case let other?:
            return .unknown(
                SnapshotProblem(
                    file: name, reason: "'logLevel' is \(JSONWriter.compact(other)); expected one of \(logLevels.sorted())"))
        }
        guard let role = options["roleArn"]?.stringValue, !role.isEmpty else {
            return .disabled("v1 has no roleArn")
        }
        _ = role
        guard let level else { return .disabled("v1 has no logLevel") }
        return level == "DISABLED" ? .disabled("v1 logLevel is DISABLED") : .enabled
    }

    static func v2State(_ snapshot: Snapshot) -> Switch {
        let name = SnapshotFile.v2LoggingOptions.jsonName
        if case .failure = snapshot.locate(.v2LoggingOptions), !snapshot.isListedUnavailable(.v2LoggingOptions) {
            // Absent and not declared unavailable: v2 was never configured.
            return .disabled("v2 logging is not configured")
        }
        let options: JSONObject
        do {
            options = try snapshot.readObject(.v2LoggingOptions)
        } catch {
            return .unknown(error)
        }
        var reasons: [String] = []
        switch options["disableAllLogs"] {
        case nil, .bool(false)?: break
        case .bool(true)?: reasons.append("v2 disableAllLogs is true")
        case let other?:
            return .unknown(
                SnapshotProblem(file: name, reason: "'disableAllLogs' is \(JSONWriter.compact(other)); expected a boolean"))
        }
        switch options["defaultLogLevel"] {
        case nil: reasons.append("v2 has no defaultLogLevel")
        case .string("DISABLED")?: reasons.append("v2 defaultLogLevel is DISABLED")
        case .string(let text)? where logLevels.contains(text): break
        case let other?:
            return .unknown(
                SnapshotProblem(
                    file: name,
                    reason: "'defaultLogLevel' is \(JSONWriter.compact(other)); expected one of \(logLevels.sorted())"))
        }
        if options["roleArn"]?.stringValue?.isEmpty ?? true { reasons.append("v2 has no roleArn") }
        return reasons.isEmpty ? .enabled : .disabled(reasons.joined(separator: ", "))
    }

    /// Resource-specific (non-DEFAULT) v2 levels other than DISABLED, when the file is readable.
    static func resourceLevelCount(_ snapshot: Snapshot) -> Int? {
        guard let levels = try? snapshot.readObject(.v2LoggingLevels),
            let targets = levels["logTargetConfigurations"]?.arrayValue
        else { return nil }
        return targets.filter { target in
            target["logTarget"]?["targetType"]?.stringValue != "DEFAULT"
                && (target["logLevel"]?.stringValue ?? "DISABLED") != "DISABLED"
        }.count
    }
}
