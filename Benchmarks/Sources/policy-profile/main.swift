// Parses and classifies the benchmarks' generated policies in a loop, without
// package-benchmark's malloc interposer, so profilers and plain timing see the
// engine alone:
//   valgrind --tool=callgrind .build/release/policy-profile parse 2000
//   .build/release/policy-profile classify 200000
//   .build/release/policy-profile corpus 5
// Modes: parse (parse + classify the 12-statement policy N times), classify
// (classify it parsed once, N times), corpus (parse + classify the 10,000-policy
// corpus N times, printing the time of each round).
import FleetAuditPolicy
import PolicyCorpus

#if canImport(Glibc)
    import Glibc
#endif

let scope = PolicyScope(region: "us-east-1", accountId: "123456789012", thingsKnown: true)
let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "parse"
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000

func classify(_ document: PolicyDocument) -> Int {
    let analysis = PolicyAnalysis(document, scope: scope)
    return analysis.broadDataPlaneGrants().count + analysis.misconfigurations().count
}

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let elapsed = (ContinuousClock.now - start).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
}

var findings = 0
switch mode {
case "corpus":
    let corpus = devicePolicyCorpus()
    for round in 0..<iterations {
        let time = seconds {
            for text in corpus {
                if let document = try? PolicyDocument(text: text) { findings += classify(document) }
            }
        }
        print("round \(round): \(corpus.count) policies in \(Int((time * 1000).rounded())) ms")
    }
case "classify":
    let text = typicalDevicePolicy()
    guard let parsed = try? PolicyDocument(text: text) else { fatalError("does not parse") }
    let time = seconds { for _ in 0..<iterations { findings += classify(parsed) } }
    print("\(iterations) classifications, \(Int((time / Double(iterations) * 1e9).rounded())) ns each")
default:
    let text = typicalDevicePolicy()
    let time = seconds {
        for _ in 0..<iterations {
            if let document = try? PolicyDocument(text: text) { findings += classify(document) }
        }
    }
    print("\(iterations) parse + classify, \(Int((time / Double(iterations) * 1e9).rounded())) ns each")
}
print("\(findings) findings")
