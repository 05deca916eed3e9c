import FleetAuditCore

extension LoggingDisabledCheck {
    static let role = "arn:aws:iam::123456789012:role/service-role/AWSIoTLogging_Role"
    static let account = ResourceIdentifier.account("123456789012")
    static let disabled: CheckExample.Expectation = .nonCompliant([ExpectedFinding("LOGGING_DISABLED", account)])

    static let v1Disabled = #"{"roleArn": "\#(role)", "logLevel": "DISABLED"}"#
    static let v1Error = #"{"roleArn": "\#(role)", "logLevel": "ERROR"}"#
    static let v2Disabled = #"{"roleArn": "\#(role)", "defaultLogLevel": "DISABLED", "disableAllLogs": true}"#
    static let v2Info = #"{"roleArn": "\#(role)", "defaultLogLevel": "INFO", "disableAllLogs": false}"#

    static let examples: [CheckExample] = [
        CheckExample(
            "v1 and v2 both disabled (the workshop account)",
            files: ["logging-options.json": v1Disabled, "v2-logging-options.json": v2Disabled],
            expect: disabled),
        CheckExample(
            "v1 at ERROR with a role, v2 never configured",
            files: ["logging-options.json": v1Error],
            expect: .compliant),
        CheckExample(
            "v1 disabled, v2 at INFO",
            files: ["logging-options.json": v1Disabled, "v2-logging-options.json": v2Info],
            expect: .compliant),
        CheckExample(
            "v1 disabled, v2 never configured (file absent, not listed unavailable)",
            files: ["logging-options.json": v1Disabled],
            expect: disabled),
        CheckExample(
            "v2 default DISABLED with a DEBUG level on one thing group: still disabled",
            files: [
                "logging-options.json": v1Disabled,
                "v2-logging-options.json":
                    #"{"roleArn": "\#(role)", "defaultLogLevel": "DISABLED", "disableAllLogs": false}"#,
                "v2-logging-levels.json": #"""
                {"logTargetConfigurations": [
                    {"logTarget": {"targetType": "DEFAULT"}, "logLevel": "DISABLED"},
                    {"logTarget": {"targetType": "THING_GROUP", "targetName": "debug-fleet"}, "logLevel": "DEBUG"}]}
                """#,
            ],
            expect: disabled),
        CheckExample(
            "v2 at WARN but disableAllLogs true",
            files: [
                "logging-options.json": v1Disabled,
                "v2-logging-options.json":
                    #"{"roleArn": "\#(role)", "defaultLogLevel": "WARN", "disableAllLogs": true}"#,
            ],
            expect: disabled),
        CheckExample(
            "v2 at INFO without a role cannot write logs",
            files: [
                "logging-options.json": v1Disabled,
                "v2-logging-options.json": #"{"defaultLogLevel": "INFO", "disableAllLogs": false}"#,
            ],
            expect: disabled),
        CheckExample(
            "v1 at INFO without a role",
            files: ["logging-options.json": #"{"logLevel": "INFO"}"#],
            expect: disabled),
        CheckExample(
            "v2 listed unavailable and v1 disabled: the answer is unknown",
            files: [
                "manifest.json": ExampleManifest.text(unavailable: [
                    ("v2-logging-options.json", "AccessDeniedException")
                ]),
                "logging-options.json": v1Disabled,
            ],
            expect: .failed(message: "v2-logging-options.json: not collected by the exporter: AccessDeniedException")),
        CheckExample(
            "v2 listed unavailable but v1 enabled: compliant whatever v2 says",
            files: [
                "manifest.json": ExampleManifest.text(unavailable: [
                    ("v2-logging-options.json", "AccessDeniedException")
                ]),
                "logging-options.json": v1Error,
            ],
            expect: .compliant),
        CheckExample(
            "v1 file missing and v2 disabled",
            files: ["v2-logging-options.json": v2Disabled],
            expect: .failed(message: "logging-options.json: file not found in the snapshot")),
        CheckExample(
            "v1 file missing but v2 enabled",
            files: ["v2-logging-options.json": v2Info],
            expect: .compliant),
        CheckExample(
            "v1 logLevel not a LogLevel value",
            files: ["logging-options.json": #"{"roleArn": "\#(role)", "logLevel": "VERBOSE"}"#],
            expect: .failed(
                message:
                    #"logging-options.json: 'logLevel' is "VERBOSE"; expected one of ["DEBUG", "DISABLED", "ERROR", "INFO", "WARN"]"#
            )),
        CheckExample(
            "v2 file truncated and v1 disabled",
            files: [
                "logging-options.json": v1Disabled, "v2-logging-options.json": #"{"roleArn": "\#(role)", "defaultLo"#,
            ],
            expect: .failed(
                message: "v2-logging-options.json: byte 78: file ends inside a top-level member name (truncated)")),
    ]
}
