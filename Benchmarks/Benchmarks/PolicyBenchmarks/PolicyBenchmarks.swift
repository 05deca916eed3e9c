// The policy engine's hot paths (FleetAuditPolicy): IAM glob matching, and the
// classification behind IOT_POLICY_OVERLY_PERMISSIVE_CHECK and
// IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK, on generated device policies of
// realistic shapes. Targets (issue 4): classification of a parsed 5-20
// statement policy under 5 µs on one core; parse + classify of 10,000 policies
// under 0.5 s; no allocation per glob match. Times are reported as measured
// (docs/benchmarks.md); only malloc counts are committed as thresholds.
import Benchmark
import FleetAuditPolicy
import PolicyCorpus

let scope = PolicyScope(region: "us-east-1", accountId: "123456789012", thingsKnown: true)
let arn = corpusArn

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

    let typicalText = typicalDevicePolicy()
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

    let corpus = devicePolicyCorpus()
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
