import FleetAuditCore
import FleetAuditJSON

/// ENABLE_IOT_LOGGING: sets v2 logging (`SetV2LoggingOptions`) with the given
/// role and default level, and `disableAllLogs` false. In the new snapshot:
/// `v2-logging-options.json` and the DEFAULT entry of `v2-logging-levels.json`.
public struct EnableIoTLoggingAction: MitigationActionType {
    public static let description = MitigationActionDescription(
        typeName: "ENABLE_IOT_LOGGING",
        paramsMember: "enableIoTLoggingParams",
        applicableChecks: [.loggingDisabled],
        summary: "Turns v2 logging on with the given role and default log level (SetV2LoggingOptions).",
        examples: EnableIoTLoggingAction.examples)

    public let roleArnForLogging: String
    public let logLevel: String

    public init(params: JSONObject) throws(MitigationRequestError) {
        let member = Self.paramsMember
        try ActionParams.requireOnly(["roleArnForLogging", "logLevel"], in: params, of: member)
        roleArnForLogging = try ActionParams.string("roleArnForLogging", in: params, of: member, length: 20...2048)
        let level = try ActionParams.string("logLevel", in: params, of: member, length: 1...16)
        // The API refuses DISABLED here: a mitigation must not turn logging off.
        guard ["DEBUG", "INFO", "ERROR", "WARN"].contains(level) else {
            throw .input("\(member).logLevel must be DEBUG, INFO, ERROR or WARN, found '\(level)'")
        }
        logLevel = level
    }

    public func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
    {
        let snapshot: Snapshot
        do {
            snapshot = try session.snapshot()
        } catch {
            return .failed(errorCode: "InternalFailureException", message: "cannot set v2 logging options: \(error)")
        }
        var options = (try? snapshot.readObject(.v2LoggingOptions)) ?? JSONObject()
        let previous: String? =
            options.isEmpty
            ? nil
            : options["disableAllLogs"]?.boolValue == true
                ? "DISABLED" : options["defaultLogLevel"]?.stringValue ?? "without a default level"
        options["roleArn"] = .string(roleArnForLogging)
        options["defaultLogLevel"] = .string(logLevel)
        options["disableAllLogs"] = false
        var edits: [SnapshotEdit] = [.replaceObject(.v2LoggingOptions, options)]
        if var levels = try? snapshot.readObject(.v2LoggingLevels),
            var targets = levels["logTargetConfigurations"]?.arrayValue
        {
            for (index, target) in targets.enumerated() where target["logTarget"]?["targetType"] == "DEFAULT" {
                var entry = target.objectValue ?? JSONObject()
                entry["logLevel"] = .string(logLevel)
                targets[index] = .object(entry)
            }
            levels["logTargetConfigurations"] = .array(targets)
            edits.append(.replaceObject(.v2LoggingLevels, levels))
        }
        return .completed(
            ActionEdits(
                snapshotEdits: edits,
                changes: [.v2LoggingEnabled(roleArn: roleArnForLogging, logLevel: logLevel, previous: previous)]))
    }
}
