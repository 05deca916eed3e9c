// The streaming JSON reader (FleetAuditJSON.JSONElementStream) against jansson's
// own whole-file parse, over one generated policies.json of 10k policy versions
// written to /tmp when a benchmark starts and removed when it ends.
//
// Time is reported as measured (docs/benchmarks.md); the only committed
// thresholds are malloc counts (Thresholds/), which do not depend on the machine's speed.
import Benchmark
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

/// Megabytes (10^6 bytes) of input per second of wall-clock time, one sample per iteration.
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

/// One file per benchmark process, so concurrent runs never share it.
let fixturePath = "/tmp/fleetaudit-bench-\(getpid())-policies-10k.json"
let policyVersionCount = 10_000

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}

@Sendable func writeFixture() throws {
    let summary = try PolicyFixtures.write(to: fixturePath, form: .object, count: policyVersionCount)
    guard summary.elements == policyVersionCount else {
        throw BenchmarkFailure(description: "wrote \(summary.elements) policy versions")
    }
}

@Sendable func removeFixture() {
    unlink(fixturePath)
}

func fixtureBytes() -> Int {
    var info = stat()
    return stat(fixturePath, &info) == 0 ? Int(info.st_size) : 0
}

/// Runs `body` once per iteration and records the input rate of each iteration.
func measured(_ benchmark: Benchmark, _ body: () throws -> Void) throws {
    let bytes = Double(fixtureBytes())
    for _ in benchmark.scaledIterations {
        let start = ContinuousClock.now
        try body()
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        benchmark.measurement(megabytesPerSecond, Int((bytes / 1_000_000 / seconds).rounded()))
    }
}

func expectElements(_ count: Int) throws {
    guard count == policyVersionCount else {
        throw BenchmarkFailure(description: "saw \(count) policy versions, expected \(policyVersionCount)")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident, megabytesPerSecond],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 40,
        // Malloc counts are the same on every run of the same code and file; allow 1%
        // for a different libc or jansson build. Time thresholds are left out on purpose.
        thresholds: [.mallocCountTotal: .init(relative: [.p90: 1.0])]
    )

    Benchmark(
        "Reader.boundaries (10k policy versions)",
        closure: { benchmark in
            try measured(benchmark) {
                let stream = try JSONElementStream(path: fixturePath, form: .object)
                var elements = 0
                while let event = try stream.next() {
                    if case .element(let element) = event {
                        blackHole(element.bytes.count)
                        elements += 1
                    }
                }
                try expectElements(elements)
            }
        },
        setup: writeFixture,
        teardown: removeFixture
    )

    Benchmark(
        "Reader.boundaries+parse (10k policy versions)",
        closure: { benchmark in
            try measured(benchmark) {
                let stream = try JSONElementStream(path: fixturePath, form: .object)
                var elements = 0
                while let event = try stream.next() {
                    if case .element(let element) = event {
                        blackHole(try element.parse().get())
                        elements += 1
                    }
                }
                try expectElements(elements)
            }
        },
        setup: writeFixture,
        teardown: removeFixture
    )

    Benchmark(
        "Jansson.json_load_file whole file (10k policy versions)",
        closure: { benchmark in
            try measured(benchmark) {
                var error = [CChar](repeating: 0, count: 256)
                let count = fa_bench_json_load_file(fixturePath, "policyVersions", &error, error.count)
                guard count >= 0 else {
                    let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    throw BenchmarkFailure(description: text)
                }
                try expectElements(Int(count))
            }
        },
        setup: writeFixture,
        teardown: removeFixture
    )

    // jansson's json_loadb of the whole file plus the conversion to JSONValue: the
    // same work as boundaries+parse, done on one buffer and one tree.
    Benchmark(
        "JSONParser.parse whole file (10k policy versions)",
        closure: { benchmark in
            try measured(benchmark) {
                guard let file = fopen(fixturePath, "rb") else { throw BenchmarkFailure(description: "cannot open") }
                defer { fclose(file) }
                let size = fixtureBytes()
                let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                    initialized = fread(buffer.baseAddress, 1, size, file)
                }
                let value = try JSONParser.parse(bytes).get()
                try expectElements(value["policyVersions"]?.arrayValue?.count ?? 0)
                blackHole(value)
            }
        },
        setup: writeFixture,
        teardown: removeFixture
    )
}
