import FleetAuditBase
import FleetAuditJSON

/// The SNS notification record an SNS-subscribed Lambda receives
/// (`Records[0].Sns`), the envelope of everything FleetAudit "publishes": the
/// audit's per-task notification and PUBLISH_FINDING_TO_SNS. Nothing is sent:
/// there is no network. `Signature`, `SigningCertUrl` and `UnsubscribeUrl` are
/// left out because no SNS service signed the record.
public enum SNSNotificationRecord {
    public static func make(topicArn: String, messageId: String, timestamp: AuditTime, message: JSONValue)
        -> JSONValue
    {
        let subscription = FindingIdentity.uuidV5(name: "sns-subscription\n" + topicArn)
        return [
            "Records": [
                [
                    "EventVersion": "1.0",
                    "EventSubscriptionArn": .string(topicArn + ":" + subscription),
                    "EventSource": "aws:sns",
                    "Sns": [
                        "SignatureVersion": "1",
                        "Timestamp": .string(timestamp.iso8601Milliseconds),
                        "MessageId": .string(messageId),
                        "Message": .string(JSONWriter.compact(message)),
                        "MessageAttributes": [:],
                        "Type": "Notification",
                        "TopicArn": .string(topicArn),
                        "Subject": nil,
                    ],
                ]
            ]
        ]
    }
}

/// The notification Device Defender sends to the account's SNS target when an
/// audit task ends (the Developer Guide's audit notification payload, schema
/// `arn:aws:iot:::schema:auditnotification/1.0`), written to `sns-outbox.jsonl`
/// in the audit's output directory.
public enum AuditNotification {
    public static let outboxFileName = "sns-outbox.jsonl"

    /// The message: the task's counts and one entry per check. The guide's
    /// schema has no suppressed count, yet says the notification carries one per
    /// check; it is given under describe-audit-task's name,
    /// `suppressedNonCompliantResourcesCount` (docs/audit-configuration.md).
    public static func message(task: AuditTaskDescription, accountId: String) -> JSONValue {
        var object = JSONObject([
            ("accountId", .string(accountId)),
            ("taskId", .string(task.taskId)),
            ("taskStatus", "COMPLETED"),
            ("taskType", .string(task.taskType)),
        ])
        if let name = task.scheduledAuditName { object["scheduledAuditName"] = .string(name) }
        object["failedChecksCount"] = .integer(Int64(task.failedChecks))
        object["canceledChecksCount"] = 0
        object["nonCompliantChecksCount"] = .integer(Int64(task.nonCompliantChecks))
        object["compliantChecksCount"] = .integer(Int64(task.compliantChecks))
        object["totalChecksCount"] = .integer(Int64(task.auditDetails.count))
        object["taskStartTime"] = .integer(task.taskStartTime.millisecondsSinceEpoch)
        object["auditDetails"] = .array(
            task.auditDetails.map { name, details in
                var check = JSONObject([
                    ("checkName", .string(name)),
                    ("checkRunStatus", .string(details.checkRunStatus.rawValue)),
                    ("nonCompliantResourcesCount", .integer(details.nonCompliantResourcesCount)),
                    ("totalResourcesCount", .integer(details.totalResourcesCount)),
                    ("suppressedNonCompliantResourcesCount", .integer(details.suppressedNonCompliantResourcesCount)),
                ])
                if let message = details.message { check["message"] = .string(AuditCheckDetails.apiMessage(message)) }
                if let code = details.errorCode { check["errorCode"] = .string(code) }
                return .object(check)
            })
        return .object(object)
    }

    /// The outbox line: `message` in the SNS envelope, stamped with the audit
    /// time and an id derived from task and topic (the same run, the same bytes).
    public static func record(task: AuditTaskDescription, accountId: String, target: AuditNotificationTarget)
        -> JSONValue
    {
        SNSNotificationRecord.make(
            topicArn: target.targetArn,
            messageId: FindingIdentity.uuidV5(name: "sns-audit-notification\n\(task.taskId)\n\(target.targetArn)"),
            timestamp: task.taskStartTime, message: message(task: task, accountId: accountId))
    }
}
