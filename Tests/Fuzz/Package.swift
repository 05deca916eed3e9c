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
        // libFuzzer's driver, called from each target's entry point.
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "FuzzJSONStream",
            dependencies: [
                "FuzzDriver", .product(name: "FleetAuditJSON", package: "FleetAudit"),
            ]
        ),
        .executableTarget(
            name: "FuzzPolicy",
            dependencies: [
                "FuzzDriver",
                .product(name: "FleetAuditPolicy", package: "FleetAudit"),
                .product(name: "FleetAuditJSON", package: "FleetAudit"),
            ]
        ),
        .executableTarget(
            name: "FuzzX509",
            dependencies: [
                "FuzzDriver", .product(name: "FleetAuditX509", package: "FleetAudit"),
            ]
        ),
        .executableTarget(
            name: "FuzzLogLine",
            dependencies: [
                "FuzzDriver", .product(name: "FleetAuditChecks", package: "FleetAudit"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
