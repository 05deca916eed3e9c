import FleetAuditCore
import FleetAuditJSON

extension EnableIoTLoggingAction {
    typealias Files = MitigationExampleFiles

    static let examples: [MitigationExample] = [
        MitigationExample(
            "v2 logging DISABLED: on at ERROR with the role; the DEFAULT level follows, other settings stay",
            before: Files.loggingOff,
            params: #"{"roleArnForLogging": "\#(Files.loggingRole)", "logLevel": "ERROR"}"#,
            check: .loggingDisabled, finding: Files.loggingDisabled,
            outcome: .completed(
                after: [
                    "v2-logging-options.json": #"""
                    {"roleArn": "\#(Files.loggingRole)", "defaultLogLevel": "ERROR", "disableAllLogs": false,
                     "eventConfigurations": [{"eventType": "Connect", "logLevel": "DEBUG"}]}
                    """#,
                    "v2-logging-levels.json": #"""
                    {"logTargetConfigurations": [
                      {"logTarget": {"targetType": "DEFAULT"}, "logLevel": "ERROR"},
                      {"logTarget": {"targetType": "THING_GROUP", "targetName": "debug"}, "logLevel": "DEBUG"}]}
                    """#,
                ],
                reaudit: .findingGone)),
        MitigationExample(
            "v2 logging never configured: v2-logging-options.json is created",
            before: ["logging-options.json": Files.loggingOff["logging-options.json"] ?? ""],
            params: #"{"roleArnForLogging": "\#(Files.loggingRole)", "logLevel": "INFO"}"#,
            check: .loggingDisabled, finding: Files.loggingDisabled,
            outcome: .completed(
                after: [
                    "v2-logging-options.json":
                        #"{"roleArn": "\#(Files.loggingRole)", "defaultLogLevel": "INFO", "disableAllLogs": false}"#
                ],
                reaudit: .findingGone)),
    ]
}
