import FleetAuditCore

extension IoTPolicyPotentialMisconfigurationCheck {
    static let arn = PolicyExamples.arn

    static func policy(_ statements: String...) -> [String: String] {
        PolicyExamples.file(PolicyExamples.version("P", statements: "[" + statements.joined(separator: ", ") + "]"))
    }

    static let examples: [CheckExample] = [
        CheckExample(
            "Deny with # in a topic filter (documented example)",
            files: policy(
                PolicyExamples.allow("iot:Subscribe", "\(arn):topicfilter/building/*"),
                PolicyExamples.deny("iot:Subscribe", "\(arn):topicfilter/building/control_room/#"),
                PolicyExamples.allow("iot:Receive", "\(arn):topic/building/*")),
            expect: .nonCompliant([
                ExpectedFinding("POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT", PolicyExamples.identifier("P"))
            ])),
        CheckExample(
            "Deny of Subscribe with * while Receive of the subtree stays allowed (documented example)",
            files: policy(
                PolicyExamples.allow("iot:Subscribe", "\(arn):topicfilter/building/*"),
                PolicyExamples.deny("iot:Subscribe", "\(arn):topicfilter/building/control_room/*"),
                PolicyExamples.allow("iot:Receive", "\(arn):topic/building/*")),
            expect: .nonCompliant([
                ExpectedFinding(
                    "TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS", PolicyExamples.identifier("P"))
            ])),
        CheckExample(
            "the documented fix: Receive of the subtree denied too",
            files: policy(
                PolicyExamples.allow("iot:Subscribe", "\(arn):topicfilter/building/*"),
                PolicyExamples.deny("iot:Subscribe", "\(arn):topicfilter/building/control_room/*"),
                PolicyExamples.allow("iot:Receive", "\(arn):topic/building/*"),
                PolicyExamples.deny("iot:Receive", "\(arn):topic/building/control_room/*")),
            expect: .compliant),
        CheckExample(
            "a Deny of Subscribe whose parent filters are not allowed",
            files: policy(
                PolicyExamples.allow("iot:Subscribe", "\(arn):topicfilter/building/lobby/*"),
                PolicyExamples.deny("iot:Subscribe", "\(arn):topicfilter/building/control_room/*"),
                PolicyExamples.allow("iot:Receive", "\(arn):topic/building/*")),
            expect: .compliant),
        CheckExample(
            "both misconfigurations in one policy",
            files: policy(
                PolicyExamples.allow("iot:*", "*"),
                PolicyExamples.deny("iot:Publish", "\(arn):topic/alarms/+"),
                PolicyExamples.deny("iot:Subscribe", "\(arn):topicfilter/secrets/*")),
            expect: .nonCompliant([
                ExpectedFinding("POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT", PolicyExamples.identifier("P")),
                ExpectedFinding(
                    "TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS", PolicyExamples.identifier("P")),
            ])),
        CheckExample(
            "Allow statements with MQTT wildcards are not this check's concern",
            files: policy(PolicyExamples.allow("iot:Subscribe", "\(arn):topicfilter/building/#")),
            expect: .compliant),
    ]
}
