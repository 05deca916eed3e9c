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
        check: .loggingDisabled,
        severity: .low,
        resourceType: .accountSettings,
        reasonCodes: ["LOGGING_DISABLED"],
        inputs: [.loggingOptions, .v2LoggingOptions, .v2LoggingLevels],
        summary: "AWS IoT logging to CloudWatch is disabled (v1 and v2 logging both off).",
        examples: LoggingDisabledCheck.examples)

    public func evaluate(_ context: AuditContext) throws(SnapshotProblem) -> ResourceVerdict {
        let settings = LoggingSettings.read(context.snapshot)
        var explanations: [String] = []
        for generation in [settings.v1, settings.v2] {
            switch generation.state {
            case .enabled: return .compliant
            case .disabled(let why): explanations.append(why)
            case .unknown: break
            }
        }
        for generation in [settings.v1, settings.v2] {
            if case .unknown(let problem) = generation.state { throw problem }
        }
        var reason = "AWS IoT logging to CloudWatch is disabled: " + explanations.joined(separator: "; ") + "."
        let loggingTargets = settings.resourceLevels.filter { $0.logLevel != "DISABLED" }.count
        if loggingTargets > 0 {
            reason +=
                " \(loggingTargets) resource-specific v2 log level(s) are set, but they log only the targets they name."
        }
        return .nonCompliant([
            FindingDraft(
                resource: AuditResource(.accountSettings, .account(context.accountId)),
                reasonCode: "LOGGING_DISABLED", reason: reason)
        ])
    }
}
