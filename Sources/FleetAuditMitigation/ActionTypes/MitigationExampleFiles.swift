import FleetAuditCore
import FleetAuditJSON

/// Snapshot files the action types' examples share: the account's logging turned
/// off, and a device certificate that two client IDs used at once (a
/// DEVICE_CERTIFICATE_SHARED_CHECK finding, which needs no certificate PEM).
enum MitigationExampleFiles {
    static let account = "123456789012"
    static let loggingRole = "arn:aws:iam::123456789012:role/service-role/AWSIoTLogging_Role"
    static let topic = "arn:aws:sns:us-east-1:123456789012:DevDefenderAudit"

    /// v1 and v2 logging both DISABLED; a thing-group log level that logs one group only.
    static let loggingOff: [String: String] = [
        "logging-options.json": #"{"roleArn": "\#(loggingRole)", "logLevel": "DISABLED"}"#,
        "v2-logging-options.json": #"""
        {"roleArn": "\#(loggingRole)", "defaultLogLevel": "DISABLED", "disableAllLogs": true,
         "eventConfigurations": [{"eventType": "Connect", "logLevel": "DEBUG"}]}
        """#,
        "v2-logging-levels.json": #"""
        {"logTargetConfigurations": [
          {"logTarget": {"targetType": "DEFAULT"}, "logLevel": "DISABLED"},
          {"logTarget": {"targetType": "THING_GROUP", "targetName": "debug"}, "logLevel": "DEBUG"}]}
        """#,
    ]

    static let loggingDisabled = ExpectedFinding("LOGGING_DISABLED", .account(account))

    /// The shared certificate (its id: not a real certificate's; the check reads none).
    static let sharedCertificateId = "5a1e" + String(repeating: "0", count: 56) + "0001"
    static let otherCertificateId = "5a1e" + String(repeating: "0", count: 56) + "0002"
    static let sharedCertificateArn = "arn:aws:iot:us-east-1:\(account):cert/\(sharedCertificateId)"

    static let sharedCertificate = ExpectedFinding(
        "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES", .deviceCertificateId(sharedCertificateId))

    /// `certificates.json`: the shared certificate with `sharedStatus`, and another one ACTIVE.
    static func certificates(sharedStatus: String = "ACTIVE") -> String {
        #"""
        {"certificateDescriptions": [
          {"certificateArn": "\#(sharedCertificateArn)", "certificateId": "\#(sharedCertificateId)",
           "status": "\#(sharedStatus)", "ownedBy": "\#(account)", "creationDate": "2026-01-02T00:00:00Z",
           "lastModifiedDate": "2026-01-02T00:00:00Z", "customerVersion": 1},
          {"certificateId": "\#(otherCertificateId)", "status": "ACTIVE", "customerVersion": 1}]}
        """#
    }

    /// The shared certificate as deactivated at the task time: `certificates()` after UPDATE_DEVICE_CERTIFICATE.
    static let certificatesAfterDeactivation = #"""
        {"certificateDescriptions": [
          {"certificateArn": "\#(sharedCertificateArn)", "certificateId": "\#(sharedCertificateId)",
           "status": "INACTIVE", "ownedBy": "\#(account)", "creationDate": "2026-01-02T00:00:00Z",
           "lastModifiedDate": "\#(MitigationExample.taskTime.iso8601)", "customerVersion": 2},
          {"certificateId": "\#(otherCertificateId)", "status": "ACTIVE", "customerVersion": 1}]}
        """#

    /// Client IDs gateway-01 and gateway-01-clone connected with the shared certificate
    /// at the same time on 2026-11-25 (AWS IoT's CloudWatch log entries, JSON Lines).
    static let sharedCertificateLogs: String = {
        func entry(_ event: String, _ time: String, client: String, ip: String) -> String {
            #"{"timestamp": "2026-11-25 \#(time).000", "logLevel": "INFO", "accountId": "\#(account)", "#
                + #""status": "Success", "eventType": "\#(event)", "protocol": "MQTT", "clientId": "\#(client)", "#
                + #""principalId": "\#(sharedCertificateId)", "sourceIp": "\#(ip)", "sourcePort": 50000"#
                + (event == "Disconnect" ? #", "disconnectReason": "CLIENT_INITIATED_DISCONNECT"}"# : "}")
        }
        return [
            entry("Connect", "10:00:00", client: "gateway-01", ip: "203.0.113.10"),
            entry("Connect", "10:30:00", client: "gateway-01-clone", ip: "198.51.100.7"),
            entry("Disconnect", "11:00:00", client: "gateway-01", ip: "203.0.113.10"),
            entry("Disconnect", "12:00:00", client: "gateway-01-clone", ip: "198.51.100.7"),
        ].joined(separator: "\n") + "\n"
    }()

    /// A snapshot with the shared certificate in use, and `extra` files.
    static func sharedCertificateSnapshot(sharedStatus: String = "ACTIVE", _ extra: [String: String] = [:])
        -> [String: String]
    {
        [
            "certificates.json": certificates(sharedStatus: sharedStatus),
            "iot-logs/2026-11-25.jsonl": sharedCertificateLogs,
        ].merging(extra) { _, new in new }
    }
}
