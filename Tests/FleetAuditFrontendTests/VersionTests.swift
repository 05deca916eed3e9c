import FleetAuditTestSupport
import Foundation
import Testing

/// `fleet-audit --version`: the release number and the commit the binary was built from. A build
/// without FLEET_AUDIT_COMMIT in its environment (`swift build`, `make test`) says "unknown"; the
/// commit `make install` embeds is checked by `make check-install` (scripts/check-install.sh).
@Suite struct VersionTests {
    /// What Package.swift embeds when the build ran in the tests' environment, as it does under `make test`.
    static var expectedCommit: String { ProcessInfo.processInfo.environment["FLEET_AUDIT_COMMIT"] ?? "unknown" }

    @Test func printsTheVersionAndTheCommit() throws {
        let result = try runProgram(fleetAuditExecutable, ["--version"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == "fleet-audit 0.1.0 (commit \(Self.expectedCommit))\n")
    }

    @Test func theVersionIsInTheHelp() throws {
        let result = try runProgram(fleetAuditExecutable, ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--version"))
    }
}
