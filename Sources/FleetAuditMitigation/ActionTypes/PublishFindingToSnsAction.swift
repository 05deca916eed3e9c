import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// PUBLISH_FINDING_TO_SNS: the finding, as an SNS notification record that an
/// SNS-subscribed Lambda receives (`SNSNotificationRecord`), appended to
/// `sns-outbox.jsonl`. Nothing is sent: there is no network.
public struct PublishFindingToSnsAction: MitigationActionType {
    public static let description = MitigationActionDescription(
        typeName: "PUBLISH_FINDING_TO_SNS",
        paramsMember: "publishFindingToSnsParams",
        applicableChecks: nil,
        summary: "Publishes the finding to an SNS topic; offline, one notification record in sns-outbox.jsonl.",
        examples: PublishFindingToSnsAction.examples)

    public let topicArn: String

    public init(params: JSONObject) throws(MitigationRequestError) {
        try ActionParams.requireOnly(["topicArn"], in: params, of: Self.paramsMember)
        topicArn = try ActionParams.string("topicArn", in: params, of: Self.paramsMember, length: 1...350)
    }

    public func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
    {
        let messageId = FindingIdentity.uuidV5(
            name: ["sns", session.taskId, finding.findingId, action.name].joined(separator: "\n"))
        let message = Self.message(for: finding)
        let record = SNSNotificationRecord.make(
            topicArn: topicArn, messageId: messageId, timestamp: session.now, message: message)
        return .completed(
            ActionEdits(
                notifications: [record],
                changes: [.findingPublished(topicArn: topicArn, message: JSONWriter.compact(message))]))
    }

    /// The finding as the SNS message carries it: the member order of the
    /// workshop's example, times in epoch milliseconds.
    static func message(for finding: AuditedFinding) -> JSONValue {
        let json = finding.json
        func epoch(_ key: String) -> JSONValue {
            guard let value = json[key], let time = AuditTime(json: value) else { return json[key] ?? .null }
            return .integer(time.millisecondsSinceEpoch)
        }
        var message = JSONObject([
            ("findingId", .string(finding.findingId)),
            ("findingTime", epoch("findingTime")),
            ("severity", json["severity"] ?? .null),
            ("taskStartTime", epoch("taskStartTime")),
            ("nonCompliantResource", json["nonCompliantResource"] ?? .null),
        ])
        if let related = json["relatedResources"]?.arrayValue, !related.isEmpty {
            message["relatedResources"] = .array(related)
        }
        message["taskId"] = json["taskId"] ?? .null
        message["checkName"] = .string(finding.checkName)
        message["reasonForNonComplianceCode"] = .string(finding.reasonCode)
        message["reasonForNonCompliance"] = json["reasonForNonCompliance"] ?? .null
        return .object(message)
    }
}
