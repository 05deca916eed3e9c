// The policy engine's hot paths (FleetAuditPolicy): IAM glob matching, and the
// classification behind IOT_POLICY_OVERLY_PERMISSIVE_CHECK and
// IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK, on generated device policies of
// realistic shapes. Targets (issue 4): classification of a parsed 5-20
// statement policy under 5 µs on one core; parse + classify of 10,000 policies
// under 0.5 s; no allocation per glob match. Times are reported as measured
// (docs/benchmarks.md); only malloc counts are committed as thresholds.
import Benchmark
import FleetAuditPolicy

let scope = PolicyScope(region: "us-east-1", accountId: "123456789012", thingsKnown: true)
let arn = "arn:aws:iot:us-east-1:123456789012"

/// A deterministic generator (SplitMix64), so every run measures the same corpus.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476C_E5B9_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// A device policy of `statements` statements in the shapes real fleets use:
/// thing-scoped connect, shadow and job topics, telemetry topics, the odd
/// wildcard, Deny statements with MQTT wildcards, and conditions.
func devicePolicy(statements: Int, random: inout SplitMix64) -> String {
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

/// Parses one policy and answers both policy checks' questions.
@inline(__always) func classify(_ document: PolicyDocument) -> Int {
    let analysis = PolicyAnalysis(document, scope: scope)
    return analysis.broadDataPlaneGrants().count + analysis.misconfigurations().count
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .instructions],
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 1_000_000,
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])]
    )

    let action = GlobPattern("iot:*Shadow", caseInsensitive: true)
    Benchmark(
        "Glob.action match (iot:*Shadow vs iot:UpdateThingShadow)",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        let candidate = "iot:UpdateThingShadow"
        for _ in benchmark.scaledIterations {
            blackHole(action.matches(candidate))
        }
    }

    let topic = GlobPattern("\(arn):topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*") { _ in
        .literal("sensor-0042")
    }
    Benchmark(
        "Glob.resource match (topic ARN, thing-name variable)",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        let candidate = "\(arn):topic/$aws/things/sensor-0042/shadow/update/accepted"
        for _ in benchmark.scaledIterations {
            blackHole(topic.matches(candidate))
        }
    }

    var random = SplitMix64(state: 42)
    let typicalText = devicePolicy(statements: 12, random: &random)
    let typical = try? PolicyDocument(text: typicalText)

    Benchmark(
        "Policy.classify parsed device policy (12 statements)",
        configuration: .init(thresholds: [:])
    ) { benchmark in
        guard let typical else { return }
        for _ in benchmark.scaledIterations {
            blackHole(classify(typical))
        }
    }

    Benchmark(
        "Policy.parse+classify device policy (12 statements)",
        configuration: .init(thresholds: [:])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            if let document = try? PolicyDocument(text: typicalText) { blackHole(classify(document)) }
        }
    }

    var corpusRandom = SplitMix64(state: 7)
    let corpus = (0..<10_000).map { _ in devicePolicy(statements: 5 + corpusRandom.below(16), random: &corpusRandom) }
    Benchmark(
        "Policy.parse+classify corpus (10,000 policies of 5-20 statements)",
        configuration: .init(maxDuration: .seconds(20), maxIterations: 20, thresholds: [:])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            var findings = 0
            for text in corpus {
                if let document = try? PolicyDocument(text: text) { findings += classify(document) }
            }
            blackHole(findings)
        }
    }
}
