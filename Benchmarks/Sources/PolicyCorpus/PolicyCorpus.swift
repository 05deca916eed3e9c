// Generated IoT device policies of realistic shapes, shared by the policy
// benchmarks and the profiling harness so both measure the same inputs.
// Deterministic (the root's SplitMix64): every run measures the same corpus.

import FleetAuditBase

public let corpusArn = "arn:aws:iot:us-east-1:123456789012"

/// A device policy of `statements` statements in the shapes real fleets use:
/// thing-scoped connect, shadow and job topics, telemetry topics, the odd
/// wildcard, Deny statements with MQTT wildcards, and conditions.
public func devicePolicy(statements: Int, random: inout SplitMix64) -> String {
    let arn = corpusArn
    let thing = "${iot:Connection.Thing.ThingName}"
    var list: [String] = [
        #"{"Effect": "Allow", "Action": "iot:Connect", "Resource": "\#(arn):client/\#(thing)", "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}}"#
    ]
    let shapes: [String] = [
        #"{"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"], "Resource": "\#(arn):topic/$aws/things/\#(thing)/shadow/*"}"#,
        #"{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/$aws/things/\#(thing)/shadow/*"}"#,
        #"{"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"], "Resource": "\#(arn):topic/$aws/things/\#(thing)/jobs/*"}"#,
        #"{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/$aws/things/\#(thing)/jobs/*"}"#,
        #"{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(arn):topic/telemetry/\#(thing)/#"}"#,
        #"{"Effect": "Allow", "Action": ["iot:GetThingShadow", "iot:UpdateThingShadow"], "Resource": "\#(arn):thing/\#(thing)"}"#,
        #"{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/fleet/*"}"#,
        #"{"Effect": "Deny", "Action": "iot:Subscribe", "Resource": "\#(arn):topicfilter/fleet/admin/#"}"#,
        #"{"Effect": "Allow", "Action": "iot:Receive", "Resource": "\#(arn):topic/fleet/*"}"#,
        #"{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(arn):topic/$aws/things/*/shadow/update"}"#,
        #"{"Effect": "Allow", "Action": "iot:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#,
        #"{"Effect": "Deny", "Action": "iot:Publish", "Resource": "\#(arn):topic/$aws/things/\#(thing)/shadow/delete"}"#,
    ]
    while list.count < statements {
        list.append(shapes[random.below(shapes.count)])
    }
    return #"{"Version": "2012-10-17", "Statement": ["# + list.joined(separator: ", ") + "]}"
}

/// The benchmarks' typical policy: 12 statements, seed 42.
public func typicalDevicePolicy() -> String {
    var random = SplitMix64(state: 42)
    return devicePolicy(statements: 12, random: &random)
}

/// The benchmarks' corpus: 10,000 policies of 5 to 20 statements, seed 7.
public func devicePolicyCorpus(count: Int = 10_000) -> [String] {
    var random = SplitMix64(state: 7)
    return (0..<count).map { _ in devicePolicy(statements: 5 + random.below(16), random: &random) }
}
