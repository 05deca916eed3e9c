// swift-tools-version: 6.1
import PackageDescription

// FleetAudit's benchmarks, kept in a nested package so the main build and CI
// never compile the benchmark tooling. Run from this directory:
//   swift package --allow-writing-to-package-directory benchmark
// See docs/benchmarks.md for what each benchmark measures and the numbers.

let package = Package(
    name: "FleetAuditBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // By name, because CI clones the repository into a folder of another name.
        .package(name: "FleetAudit", path: "../"),
        // Only the MallocInterposer trait: the default set also enables RuntimeInterposer,
        // which on Linux with Swift 6.3 pulls in ordo-one/swift-runtime-interposer (ARC
        // counters only; not needed here, and not available on this machine's mirror).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic policies.json-shaped snapshot files (object form and JSON Lines).
        .target(name: "PolicyFixtures", dependencies: [.product(name: "FleetAuditBase", package: "FleetAudit")]),
        // jansson's own whole-file parse (json_load_file), the baseline the streamer is
        // compared with. The root package's CJansson is a target, not a product, so the
        // benchmarks reach jansson through this two-function C wrapper.
        .target(
            name: "CJanssonWholeFile",
            linkerSettings: [.linkedLibrary("jansson")]
        ),
        // Writes the large files for the resident-memory measurement.
        .executableTarget(
            name: "generate-policies",
            dependencies: ["PolicyFixtures", "ToolOutput"]
        ),
        // Streams (or loads whole) one file and prints what it saw; run under
        // /usr/bin/time -v for the maximum resident set size.
        .executableTarget(
            name: "stream-rss",
            dependencies: [
                "CJanssonWholeFile", "ToolOutput",
                .product(name: "FleetAuditJSON", package: "FleetAudit"),
            ]
        ),
        // Error output shared by the command-line tools.
        .target(name: "ToolOutput"),
        // Full element parse against the projected parse (selected top-level members only),
        // MB/s over certificate- and policy-shaped elements; plain wall clock, no interposer.
        .executableTarget(
            name: "projection-bench",
            dependencies: [
                "PolicyFixtures",
                "CJanssonWholeFile",
                .product(name: "FleetAuditJSON", package: "FleetAudit"),
            ]
        ),
        // The parse-only floor of `make bench`: every element of every snapshot JSON file
        // through jansson on N threads, no checks (docs/benchmarks.md, "Fleet benchmark").
        .executableTarget(
            name: "parse-floor",
            dependencies: [
                "CJanssonWholeFile", "ToolOutput",
                .product(name: "FleetAuditJSON", package: "FleetAudit"),
            ],
            // The allocator fleet-audit links (Package.swift), so the floor and the audit it is
            // compared with allocate alike.
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "ReaderBenchmarks",
            dependencies: [
                "PolicyFixtures",
                "CJanssonWholeFile",
                .product(name: "FleetAuditJSON", package: "FleetAudit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ReaderBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        // Generated device policies shared by the policy benchmarks and the harness.
        .target(name: "PolicyCorpus", dependencies: [.product(name: "FleetAuditBase", package: "FleetAudit")]),
        // Parses and classifies generated policies in a loop, without the malloc
        // interposer: a target for callgrind and for plain wall-clock runs.
        .executableTarget(
            name: "policy-profile",
            dependencies: ["PolicyCorpus", .product(name: "FleetAuditPolicy", package: "FleetAudit")]
        ),
        // Certificate decoding: the full swift-certificates decode against the narrow walk
        // the certificate checks use (issue 9), timed side by side; also a callgrind target.
        .executableTarget(
            name: "cert-decode-profile",
            dependencies: [.product(name: "FleetAuditX509", package: "FleetAudit")]
        ),
        // The policy engine's hot paths: glob matching and policy classification.
        .executableTarget(
            name: "PolicyBenchmarks",
            dependencies: [
                "PolicyCorpus",
                .product(name: "FleetAuditPolicy", package: "FleetAudit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PolicyBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
