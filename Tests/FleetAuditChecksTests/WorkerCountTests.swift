import FleetAuditChecks
import FleetAuditCore
import FleetAuditGenerator
import FleetAuditTestSupport
import Testing

/// Every registered check writes the same findings.json and audit-task.json with 1, 2 and 4
/// workers (docs/architecture.md: workers only compute verdicts, the coordinating thread records
/// them in element order). Each check runs alone on the workshop (with its weak-key blacklist),
/// where every check has findings, so the comparison covers each check's reporting path and not
/// only an empty result; then all checks together on a generated fleet, where the work is split
/// into many waves.
@Suite struct WorkerCountTests {
    static let workerCounts = [1, 2, 4]

    /// The two output files of `checks` on `snapshot` with `workers` workers, and the outcome.
    static func audit(
        _ checks: [any AuditCheck.Type], on snapshot: Snapshot, workers: Int, settings: AuditSettings = AuditSettings()
    ) throws -> (bytes: [String: [UInt8]], outcome: AuditOutcome) {
        let output = TemporaryDirectory(prefix: "fleet-audit-workers")
        let plan = AuditPlan(
            checks: checks, taskId: "workers", auditTime: snapshot.manifest.exportedAt, workers: workers,
            settings: settings)
        let outcome = try AuditExecutor.run(snapshot: snapshot, plan: plan, outputDirectory: output.path)
        let bytes = ["findings.json": output.read("findings.json"), "audit-task.json": output.read("audit-task.json")]
        return (bytes, outcome)
    }

    /// Expects the same bytes from `checks` for every worker count.
    static func expectSameBytes(
        _ checks: [any AuditCheck.Type], on snapshot: Snapshot, settings: AuditSettings = AuditSettings(),
        _ label: String
    ) throws -> AuditOutcome {
        let one = try audit(checks, on: snapshot, workers: 1, settings: settings)
        for workers in workerCounts.dropFirst() {
            let other = try audit(checks, on: snapshot, workers: workers, settings: settings)
            for (file, bytes) in one.bytes {
                #expect(!bytes.isEmpty, "\(label): \(file)")
                #expect(other.bytes[file] == bytes, "\(label): \(file) differs between 1 and \(workers) workers")
            }
        }
        return one.outcome
    }

    @Test func eachCheckOnTheWorkshopGivesTheSameBytesForOneTwoAndFourWorkers() throws {
        let workshop = try Snapshot.open(workshopSnapshot)
        let settings = AuditSettings(weakKeyBlacklistDirectory: workshopWeakKeys)
        for check in CheckRegistry.all {
            let name = check.description.name
            let outcome = try Self.expectSameBytes([check], on: workshop, settings: settings, name)
            #expect(outcome.checks.map(\.details.checkRunStatus) == [.completedNonCompliant], "\(name)")
            #expect(outcome.findingsCount > 0, "\(name)")
        }
    }

    @Test func aGeneratedFleetGivesTheSameBytesForOneTwoAndFourWorkers() throws {
        let directory = TemporaryDirectory(prefix: "fleet-audit-generated")
        // At this size and seed every check has planted violations (FleetGeneratorTests).
        let fleet = try FleetGenerator(devices: 2000, seed: 7, workers: 2).generate(into: directory.path)
        #expect(fleet.checks.allSatisfy { $0.nonCompliantResourcesCount > 0 })
        let outcome = try Self.expectSameBytes(CheckRegistry.all, on: try Snapshot.open(directory.path), "all checks")
        #expect(outcome.checks.allSatisfy { $0.details.checkRunStatus == .completedNonCompliant })
    }
}
