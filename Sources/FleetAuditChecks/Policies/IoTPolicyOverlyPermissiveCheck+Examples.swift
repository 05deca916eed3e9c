import FleetAuditCore

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
