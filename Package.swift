// swift-tools-version: 6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// The commit `fleet-audit --version` names: FLEET_AUDIT_COMMIT from the environment of the build
/// (`make install` sets it from git: 12 hex digits, `-dirty` with uncommitted changes). Anything else,
/// including no variable and no git (a plain `swift build`, a source archive), is "unknown".
let buildCommit: String = {
    let value = Context.environment["FLEET_AUDIT_COMMIT"] ?? ""
    let hash = value.hasSuffix("-dirty") ? value.dropLast("-dirty".count) : Substring(value)
    let isCommit = (7...40).contains(hash.count) && hash.allSatisfy { "0123456789abcdef".contains($0) }
    return isCommit ? value : "unknown"
}()

/// jemalloc, fleet-audit's allocator on Linux: the shared library by default. `make install` builds a
/// self-contained binary and links jemalloc in as one object instead (scripts/install.sh), with
/// FLEET_AUDIT_JEMALLOC=object in the environment so that `-ljemalloc` is not linked as well.
let jemallocLinkage: [LinkerSetting] =
    Context.environment["FLEET_AUDIT_JEMALLOC"] == "object"
    ? [] : [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "FleetAudit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fleet-audit", targets: ["fleet-audit"]),
        .library(name: "FleetAuditBase", targets: ["FleetAuditBase"]),
        .library(name: "FleetAuditJSON", targets: ["FleetAuditJSON"]),
        .library(name: "FleetAuditCore", targets: ["FleetAuditCore"]),
        .library(name: "FleetAuditPolicy", targets: ["FleetAuditPolicy"]),
        .library(name: "FleetAuditChecks", targets: ["FleetAuditChecks"]),
        .library(name: "FleetAuditMitigation", targets: ["FleetAuditMitigation"]),
        .library(name: "FleetAuditX509", targets: ["FleetAuditX509"]),
        .library(name: "FleetAuditReports", targets: ["FleetAuditReports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
    ],
    targets: [
        // libjansson, the only JSON parser the engine uses (Debian: libjansson-dev).
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        // jemalloc's options for fleet-audit: one C global that jemalloc reads at start-up.
        .target(name: "CFleetAuditAllocator"),
        // The commit the binary was built from, for `fleet-audit --version` (one C function).
        .target(
            name: "CFleetAuditBuildInfo",
            cSettings: [.define("FLEET_AUDIT_COMMIT", to: "\"\(buildCommit)\"")]
        ),
        // The only module that touches json_t*: streaming element reader, JSON values, writer.
        .target(
            name: "FleetAuditJSON",
            dependencies: ["CJansson"],
            swiftSettings: strictSwift
        ),
        // Values and POSIX file access every layer shares, with no dependency: the audit clock
        // (AuditTime), certificate ids (CertificateKey), FileSystem. Below Core and X509.
        .target(
            name: "FleetAuditBase",
            swiftSettings: strictSwift
        ),
        // Snapshot model, Defender output schema, check framework and executor.
        .target(
            name: "FleetAuditCore",
            dependencies: [
                "FleetAuditBase", "FleetAuditJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // Policy model and the wildcard matching engine (pure; the benchmarks' hot path).
        .target(
            name: "FleetAuditPolicy",
            dependencies: ["FleetAuditJSON"],
            swiftSettings: strictSwift
        ),
        // X.509 certificates and CRLs decoded into compact values (swift-certificates, and
        // swift-asn1 for what it refuses or does not model), key-quality tests, CRL signatures.
        .target(
            name: "FleetAuditX509",
            dependencies: [
                "FleetAuditBase",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
        // One file per Device Defender check, grouped by family, and the registry.
        .target(
            name: "FleetAuditChecks",
            dependencies: [
                "FleetAuditBase", "FleetAuditCore", "FleetAuditJSON", "FleetAuditPolicy", "FleetAuditX509",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
        // Audit mitigation actions: one type per Defender action type, applied to a copy of the snapshot.
        .target(
            name: "FleetAuditMitigation",
            dependencies: ["FleetAuditBase", "FleetAuditCore", "FleetAuditJSON"],
            swiftSettings: strictSwift
        ),
        // Reports rendered from an audit's findings.json after the run: Security Hub (ASFF), OCSF, CSV, HTML.
        .target(
            name: "FleetAuditReports",
            dependencies: [
                "FleetAuditBase", "FleetAuditCore", "FleetAuditChecks", "FleetAuditJSON",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
        // What the commands do: their options (one ParsableArguments type each, validated in one
        // function), running, summaries. The CLI holds the command tree and prints.
        .target(
            name: "FleetAuditFrontend",
            dependencies: [
                "CFleetAuditBuildInfo",
                "FleetAuditBase", "FleetAuditCore", "FleetAuditChecks", "FleetAuditJSON", "FleetAuditMitigation",
                "FleetAuditPolicy", "FleetAuditReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // `fleet-audit generate`: deterministic fleet snapshots with planted violations (benchmarks, tests).
        .target(
            name: "FleetAuditGenerator",
            dependencies: [
                "FleetAuditBase", "FleetAuditCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
        // The command tree (names, help texts) and the terminal output; the options live in the frontend.
        .executableTarget(
            name: "fleet-audit",
            dependencies: [
                "CFleetAuditAllocator", "FleetAuditFrontend", "FleetAuditGenerator", "FleetAuditJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift,
            // jemalloc replaces glibc's malloc for the whole process (Debian: libjemalloc-dev). The
            // workers allocate what the coordinating thread frees (verdicts, log records); glibc
            // takes the owning arena's lock for each such free, and a two-worker audit spent its
            // time in futex waits (65,000 context switches at 200k devices; docs/benchmarks.md,
            // "Fourth round").
            linkerSettings: jemallocLinkage
        ),
        // Temporary snapshots and the example runner, shared by the test targets.
        .target(
            name: "FleetAuditTestSupport",
            dependencies: ["FleetAuditBase", "FleetAuditCore", "FleetAuditChecks", "FleetAuditJSON"],
            path: "Tests/FleetAuditTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditJSONTests",
            dependencies: ["FleetAuditBase", "FleetAuditJSON", "FleetAuditTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditCoreTests",
            dependencies: ["FleetAuditBase", "FleetAuditCore", "FleetAuditJSON", "FleetAuditTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditFrontendTests",
            dependencies: [
                "FleetAuditFrontend", "FleetAuditCore", "FleetAuditChecks", "FleetAuditJSON", "FleetAuditMitigation",
                "FleetAuditReports", "FleetAuditTestSupport",
                // Built before these tests: the exit-status and argument tests run it (fleetAuditExecutable).
                "fleet-audit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditGeneratorTests",
            dependencies: [
                "FleetAuditGenerator", "FleetAuditCore", "FleetAuditChecks", "FleetAuditFrontend",
                "FleetAuditTestSupport",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditReportsTests",
            dependencies: [
                "FleetAuditReports", "FleetAuditCore", "FleetAuditChecks", "FleetAuditJSON", "FleetAuditFrontend",
                "FleetAuditTestSupport",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditPolicyTests",
            dependencies: ["FleetAuditPolicy", "FleetAuditJSON"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditMitigationTests",
            dependencies: [
                "FleetAuditMitigation", "FleetAuditCore", "FleetAuditChecks", "FleetAuditJSON", "FleetAuditFrontend",
                "FleetAuditTestSupport",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditChecksTests",
            dependencies: [
                "FleetAuditBase", "FleetAuditChecks", "FleetAuditCore", "FleetAuditJSON", "FleetAuditTestSupport",
                // A generated fleet gives every check findings (WorkerCountTests).
                "FleetAuditGenerator",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "FleetAuditX509Tests",
            dependencies: [
                // FleetAuditChecks for the generated certificate fixtures (CertificateFixtures).
                "FleetAuditX509", "FleetAuditCore", "FleetAuditChecks", "FleetAuditTestSupport",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
    ],
    swiftLanguageModes: [.v6]
)
