import Foundation

/// The root of the repository the tests were built from, found from this file's path
/// (`Tests/FleetAuditTestSupport/Repository.swift`), so it holds wherever the clone is.
public let repositoryRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// The bundled sample account, `snapshots/workshop`.
public let workshopSnapshot = repositoryRoot + "/snapshots/workshop"

/// The demonstration weak-key blacklist that goes with the workshop (`snapshots/workshop-weak-keys`).
public let workshopWeakKeys = repositoryRoot + "/snapshots/workshop-weak-keys"

/// The `fleet-audit` executable that `swift build` / `swift test` built with these tests: it lies
/// beside the test bundle in the same build directory, whatever the configuration or
/// `--scratch-path` (FleetAuditFrontendTests depends on the executable target, so it is built first).
///
/// Most tests run the commands in-process through FleetAuditFrontend. A real process is needed
/// only for what the executable alone does: argument parsing by swift-argument-parser, the exit
/// status `main()` turns each outcome into, and the one error format it writes to stderr
/// (`Sources/fleet-audit/main.swift`); those tests run this binary.
public let fleetAuditExecutable: String = testBundleDirectory + "/fleet-audit"

/// The build directory holding the running test bundle.
let testBundleDirectory: String = {
    #if os(Linux)
        // The tests run inside `<build directory>/<Package>PackageTests.xctest`, an executable.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    #else
        // A loadable `<build directory>/<Package>PackageTests.xctest` bundle.
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") } ?? Bundle.main
        return bundle.bundleURL.deletingLastPathComponent().path
    #endif
}()
