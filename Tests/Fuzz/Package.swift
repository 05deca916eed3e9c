// swift-tools-version: 6.1
// libFuzzer targets for FleetAudit (docs/security.md, "Fuzzing"). A package of its
// own so that `swift build` of the main package never sees `-sanitize=fuzzer`:
// scripts/fuzz.sh builds it with `-sanitize=fuzzer -parse-as-library`, libFuzzer
// supplies `main`, and each target defines `LLVMFuzzerTestOneInput`.
import PackageDescription

let package = Package(
    name: "FleetAuditFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "FleetAudit", path: "../..")],
    targets: [
        .executableTarget(
            name: "FuzzJSONStream",
            dependencies: [.product(name: "FleetAuditJSON", package: "FleetAudit")]
        ),
        .executableTarget(
            name: "FuzzPolicy",
            dependencies: [
                .product(name: "FleetAuditPolicy", package: "FleetAudit"),
                .product(name: "FleetAuditJSON", package: "FleetAudit"),
            ]
        ),
        .executableTarget(
            name: "FuzzX509",
            dependencies: [.product(name: "FleetAuditX509", package: "FleetAudit")]
        ),
        .executableTarget(
            name: "FuzzLogLine",
            dependencies: [.product(name: "FleetAuditChecks", package: "FleetAudit")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
