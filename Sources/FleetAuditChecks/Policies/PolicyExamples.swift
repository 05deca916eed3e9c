import FleetAuditCore
import FleetAuditJSON

/// Builders for the policy checks' examples: small `policies.json` files.
enum PolicyExamples {
    static let arn = "arn:aws:iot:us-east-1:123456789012"

    /// One `get-policy-version` output whose document has `statements` (JSON text of the Statement array).
    static func version(_ name: String, _ version: String = "1", isDefault: Bool = true, statements: String) -> String {
        let document = #"{"Version": "2012-10-17", "Statement": \#(statements)}"#
        var quoted = ""
        JSONWriter.writeString(document, into: &quoted)
        return #"{"policyName": "\#(name)", "policyArn": "\#(arn):policy/\#(name)", "policyVersionId": "\#(version)", "#
            + #""isDefaultVersion": \#(isDefault), "policyDocument": \#(quoted)}"#
    }

    static func file(_ versions: String...) -> [String: String] {
        ["policies.json": #"{"policyVersions": ["# + versions.joined(separator: ", ") + "]}"]
    }

    static func allow(_ action: String, _ resource: String, condition: String? = nil) -> String {
        let conditionText = condition.map { #", "Condition": \#($0)"# } ?? ""
        return #"{"Effect": "Allow", "Action": "\#(action)", "Resource": "\#(resource)"\#(conditionText)}"#
    }

    static func deny(_ action: String, _ resource: String) -> String {
        #"{"Effect": "Deny", "Action": "\#(action)", "Resource": "\#(resource)"}"#
    }

    static let attached = #"{"Bool": {"iot:Connection.Thing.IsAttached": "true"}}"#

    static func identifier(_ name: String, _ version: String = "1") -> ResourceIdentifier {
        .policyVersion(policyName: name, policyVersionId: version)
    }
}

extension IoTPolicyOverlyPermissiveCheck {
    static func broad(_ name: String) -> CheckExample.Expectation {
        .nonCompliant([
            ExpectedFinding("ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", PolicyExamples.identifier(name))
        ])
    }

    /// A policy with one Allow statement.
    static func single(_ action: String, _ resource: String, condition: String? = nil) -> [String: String] {
        PolicyExamples.file(
            PolicyExamples.version(
                "P", statements: "[" + PolicyExamples.allow(action, resource, condition: condition) + "]"))
    }

    static let arn = PolicyExamples.arn

    static let examples: [CheckExample] = [
        CheckExample(
            "the workshop's iot:* on * (TECHCON703_amazon_freertos_policy)",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "TECHCON703_amazon_freertos_policy", statements: "[" + PolicyExamples.allow("iot:*", "*") + "]")),
            expect: broad("TECHCON703_amazon_freertos_policy")),
        CheckExample(
            "Connect on client/* (documented non-compliant)", files: single("iot:Connect", "\(arn):client/*"),
            expect: broad("P")),
        CheckExample(
            "Connect on client/${iot:ClientId} without IsAttached is equivalent to * (documented)",
            files: single("iot:Connect", "\(arn):client/${iot:ClientId}"), expect: broad("P")),
        CheckExample(
            "Connect on client/${iot:ClientId} with IsAttached",
            files: single("iot:Connect", "\(arn):client/${iot:ClientId}", condition: PolicyExamples.attached),
            expect: .compliant),
        CheckExample(
            "Connect on client/${iot:Connection.Thing.ThingName} with IsAttached (documented compliant)",
            files: single(
                "iot:Connect", "\(arn):client/${iot:Connection.Thing.ThingName}", condition: PolicyExamples.attached),
            expect: .compliant),
        CheckExample(
            "Publish on $aws/things/*/shadow/update (documented non-compliant)",
            files: single("iot:Publish", "\(arn):topic/$aws/things/*/shadow/update"), expect: broad("P")),
        CheckExample(
            "Publish on $aws/things/* (documented non-compliant)",
            files: single("iot:Publish", "\(arn):topic/$aws/things/*"), expect: broad("P")),
        CheckExample(
            "Publish on the thing's own shadow topics (documented compliant)",
            files: single("iot:Publish", "\(arn):topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"),
            expect: .compliant),
        CheckExample(
            "Subscribe on topicfilter/$aws/things/* (documented non-compliant)",
            files: single("iot:Subscribe", "\(arn):topicfilter/$aws/things/*"), expect: broad("P")),
        CheckExample(
            "Subscribe on topicfilter/$aws/things/# (documented non-compliant)",
            files: single("iot:Subscribe", "\(arn):topicfilter/$aws/things/#"), expect: broad("P")),
        CheckExample(
            "Subscribe on topicfilter/$aws/things/+/shadow/update (documented non-compliant)",
            files: single("iot:Subscribe", "\(arn):topicfilter/$aws/things/+/shadow/update"), expect: broad("P")),
        CheckExample(
            "Subscribe on the thing's own shadow and jobs filters (documented compliant)",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P",
                    statements: "["
                        + PolicyExamples.allow(
                            "iot:Subscribe", "\(arn):topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"
                        )
                        + ", "
                        + PolicyExamples.allow(
                            "iot:Subscribe", "\(arn):topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*")
                        + "]")),
            expect: .compliant),
        CheckExample(
            "Receive on topic/$aws/things/* (documented compliant: Subscribe limits delivery)",
            files: single("iot:Receive", "\(arn):topic/$aws/things/*"), expect: .compliant),
        CheckExample(
            "GetThingShadow on thing/* (documented non-compliant)",
            files: single("iot:GetThingShadow", "\(arn):thing/*"), expect: broad("P")),
        CheckExample(
            "UpdateThingShadow on one named thing (documented compliant)",
            files: single("iot:UpdateThingShadow", "\(arn):thing/MyThing1"), expect: .compliant),
        CheckExample(
            "an application topic namespace is not another device's",
            files: single("iot:Publish", "\(arn):topic/sensors/*"), expect: .compliant),
        CheckExample(
            "a Deny without conditions takes the broad grant back",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P",
                    statements: "[" + PolicyExamples.allow("iot:Publish", "\(arn):topic/*") + ", "
                        + PolicyExamples.deny("iot:Publish", "\(arn):topic/$aws/*") + "]")),
            expect: .compliant),
        CheckExample(
            "a Deny that misses the reserved topics takes nothing back",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P",
                    statements: "[" + PolicyExamples.allow("iot:Publish", "\(arn):topic/*") + ", "
                        + PolicyExamples.deny("iot:Publish", "\(arn):topic/sensors/*") + "]")),
            expect: broad("P")),
        CheckExample(
            "NotAction allows every data-plane action but the one named",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P", statements: #"[{"Effect": "Allow", "NotAction": "iot:Connect", "Resource": "*"}]"#)),
            expect: broad("P")),
        CheckExample(
            "NotResource allows everything but the thing's own topics",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P",
                    statements:
                        #"[{"Effect": "Allow", "Action": "iot:Publish", "NotResource": "\#(arn):topic/$aws/things/${iot:Connection.Thing.ThingName}/*"}]"#
                )),
            expect: broad("P")),
        CheckExample(
            "a certificate variable is the device's own",
            files: single("iot:Connect", "\(arn):client/${iot:Certificate.Subject.CommonName}"), expect: .compliant),
        CheckExample(
            "a thing attribute shared by two things reaches the other's shadow",
            files: single("iot:GetThingShadow", "\(arn):thing/${iot:Connection.Thing.Attributes[site]}").merging(
                [
                    "things.json":
                        #"{"things": [{"thingName": "a", "attributes": {"site": "berlin"}}, {"thingName": "b", "attributes": {"site": "berlin"}}]}"#
                ], uniquingKeysWith: { first, _ in first }),
            expect: broad("P")),
        CheckExample(
            "a thing attribute unique to each thing is the device's own",
            files: single("iot:GetThingShadow", "\(arn):thing/${iot:Connection.Thing.Attributes[serial]}").merging(
                [
                    "things.json":
                        #"{"things": [{"thingName": "a", "attributes": {"serial": "1"}}, {"thingName": "b", "attributes": {"serial": "2"}}]}"#
                ], uniquingKeysWith: { first, _ in first }),
            expect: .compliant),
        CheckExample(
            "a thing type variable without things.json could be shared",
            files: single("iot:GetThingShadow", "\(arn):thing/${iot:Connection.Thing.ThingTypeName}"),
            expect: broad("P")),
        CheckExample(
            "${iot:ClientId} in topics is broad when Connect lets a device take any client ID",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P",
                    statements: "[" + PolicyExamples.allow("iot:Connect", "\(arn):client/*") + ", "
                        + PolicyExamples.allow("iot:Publish", "\(arn):topic/$aws/things/${iot:ClientId}/*") + "]")),
            expect: broad("P")),
        CheckExample(
            "only the default version is evaluated",
            files: PolicyExamples.file(
                PolicyExamples.version(
                    "P", "1", isDefault: false, statements: "[" + PolicyExamples.allow("iot:*", "*") + "]"),
                PolicyExamples.version(
                    "P", "2", statements: "[" + PolicyExamples.allow("iot:Connect", "\(arn):client/device-1") + "]")),
            expect: .compliant),
        CheckExample(
            "a policy for another account grants nothing here",
            files: single("iot:Connect", "arn:aws:iot:us-east-1:999999999999:client/*"), expect: .compliant),
    ]
}

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
