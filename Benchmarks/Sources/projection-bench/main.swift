// Full element parse (jansson, then the copy into JSONValue) against the
// projected parse (FleetAuditJSON's validating scanner; only the selected
// top-level members are built), over certificate- and policy-shaped elements.
//
//   cd Benchmarks && swift build -c release --product projection-bench
//   .build/release/projection-bench [rounds]
//
// The methods run interleaved, round after round, so that the machine's noise
// falls on all of them alike; the table gives the median and best round.
import CJanssonWholeFile
import FleetAuditJSON
import PolicyFixtures

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}

let rounds = CommandLine.arguments.count > 1 ? max(1, Int(CommandLine.arguments[1]) ?? 7) : 7

/// The repository's root, from this file's path (Benchmarks/Sources/projection-bench/main.swift).
let repositoryRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}()

func elements(of path: String) throws -> [RawElement] {
    let stream = try JSONElementStream(path: path, form: .object)
    var result: [RawElement] = []
    while let event = try stream.next() {
        if case .element(let element) = event { result.append(element) }
    }
    return result
}

/// The workshop's real certificates (PEM strings are most of each element), repeated.
func certificateCorpus(count: Int) throws -> [RawElement] {
    let originals = try elements(of: repositoryRoot + "/snapshots/workshop/certificates.json")
    guard !originals.isEmpty else { throw BenchFailure(description: "no certificates") }
    return (0..<count).map { originals[$0 % originals.count] }
}

/// Generated policy versions (the reader benchmarks' fixture).
func policyCorpus(count: Int) throws -> [RawElement] {
    let path = "/tmp/fleetaudit-projection-bench-\(getpid())-policies.json"
    defer { unlink(path) }
    _ = try PolicyFixtures.write(to: path, form: .object, count: count)
    return try elements(of: path)
}

/// Connection-log lines as `iot-logs/*.jsonl` holds them (the generator's shape:
/// Connect and Disconnect entries with a trace id, a certificate id and an address).
func logLineCorpus(count: Int) -> [RawElement] {
    (0..<count).map { index in
        let hex = String(repeating: String(index % 65_536, radix: 16), count: 16).prefix(64)
        let connect = index % 2 == 0
        let text =
            #"{"timestamp":"2026-11-25 00:28:00.913","logLevel":"INFO","traceId":"a8af4a00-5d94-41d1-a21e-"#
            + String(100_000_000_000 + index) + #"","accountId":"123456789012","status":"Success","eventType":""#
            + (connect ? "Connect" : "Disconnect") + #"","protocol":"MQTT","clientId":"device-"# + String(index)
            + #"","principalId":""# + hex + #"","sourceIp":"10.0."# + String(index % 256) + "." + String(index % 250)
            + #"","sourcePort":"# + String(40_000 + index % 20_000)
            + (connect ? "" : #","disconnectReason":"CLIENT_INITIATED_DISCONNECT""#) + "}"
        return RawElement(key: nil, index: index, byteOffset: 0, bytes: Array(text.utf8))
    }
}

struct Method {
    var name: String
    var run: ([RawElement]) -> Int
}

func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
}

func measure(corpus name: String, _ elements: [RawElement], selection: JSONMemberSelection) throws {
    let bytes = elements.reduce(0) { $0 + $1.bytes.count }
    // The projected results are the full results restricted to the selection.
    for element in elements {
        guard case .success(.object(let whole)) = element.parse(),
            case .success(.object(let part)) = element.parse(members: selection)
        else { throw BenchFailure(description: "element \(element.index) does not parse") }
        let expected = whole.members.filter { selection.names.contains($0.key) }
        guard expected.count == part.members.count,
            zip(expected, part.members).allSatisfy({ $0.key == $1.key && $0.value == $1.value })
        else { throw BenchFailure(description: "element \(element.index): projected value differs") }
    }
    let empty = JSONMemberSelection([])
    let methods = [
        Method(name: "jansson json_loadb only (no Swift values)") { elements in
            var parsed = 0
            for element in elements {
                parsed += element.bytes.withUnsafeBytes { raw in
                    Int(fa_bench_json_loadb(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count))
                }
            }
            return parsed
        },
        Method(name: "full parse `parse()` (jansson + JSONValue)") { elements in
            elements.reduce(0) { count, element in
                if case .success = element.parse() { return count + 1 }
                return count
            }
        },
        Method(name: "projected `parse(members:)`, \(selection.names.count) members") { elements in
            elements.reduce(0) { count, element in
                if case .success = element.parse(members: selection) { return count + 1 }
                return count
            }
        },
        Method(name: "projected, no member selected (validation only)") { elements in
            elements.reduce(0) { count, element in
                if case .success = element.parse(members: empty) { return count + 1 }
                return count
            }
        },
        Method(name: "in place `withSelectedScalars`, \(selection.names.count) members") { elements in
            var read = 0
            for element in elements {
                let inPlace = element.bytes.withUnsafeBytes { bytes in
                    JSONParser.withSelectedScalars(bytes, members: selection) { _ in }
                }
                if inPlace {
                    read += 1
                } else if case .success = element.parse(members: selection) {
                    // Declined (escaped strings, reals): read as the parse reads it.
                    read += 1
                }
            }
            return read
        },
    ]
    var rates: [[Double]] = Array(repeating: [], count: methods.count)
    for _ in 0..<rounds {
        for (index, method) in methods.enumerated() {
            let start = ContinuousClock.now
            let parsed = method.run(elements)
            let elapsed = seconds(ContinuousClock.now - start)
            guard parsed == elements.count else {
                throw BenchFailure(description: "\(method.name): \(parsed) of \(elements.count) parsed")
            }
            rates[index].append(Double(bytes) / 1e6 / elapsed)
        }
    }
    let medians = rates.map { $0.sorted()[$0.count / 2] }
    print("\n\(name): \(elements.count) elements, \(bytes / 1000) kB, \(rounds) rounds")
    print("selection: \(selection.names.joined(separator: ", "))\n")
    print("| method | MB/s median | MB/s best | median vs jansson only | median vs full parse |")
    print("|---|---:|---:|---:|---:|")
    for (index, method) in methods.enumerated() {
        let best = rates[index].max() ?? 0
        print(
            "| \(method.name) | \(Int(medians[index].rounded())) | \(Int(best.rounded())) | "
                + "\(ratio(medians[index] / medians[0])) | \(ratio(medians[index] / medians[1])) |")
    }
}

func ratio(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)×"
}

do {
    try measure(
        corpus: "certificates.json elements (workshop certificates, repeated)", certificateCorpus(count: 20_000),
        selection: JSONMemberSelection([
            "certificateId", "status", "certificatePem", "validity", "caCertificateId", "creationDate",
            "certificateArn",
        ]))
    try measure(
        corpus: "certificates.json elements, without the PEM", certificateCorpus(count: 20_000),
        selection: JSONMemberSelection(["certificateId", "status", "validity", "caCertificateId", "creationDate"]))
    try measure(
        corpus: "iot-logs lines (Connect and Disconnect entries)", logLineCorpus(count: 200_000),
        selection: JSONMemberSelection([
            "eventType", "status", "timestamp", "clientId", "principalId", "sourceIp", "sourcePort", "disconnectReason",
        ]))
    try measure(
        corpus: "policies.json elements (PolicyFixtures, 10k policy versions)", policyCorpus(count: 10_000),
        selection: JSONMemberSelection(["policyName", "policyVersionId", "isDefaultVersion", "policyDocument"]))
} catch {
    print("projection-bench: \(error)")
    exit(1)
}
