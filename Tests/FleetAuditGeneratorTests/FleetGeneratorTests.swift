import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditGenerator
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

@Suite struct FleetGeneratorTests {
    /// Every file of a snapshot directory (relative path → bytes), folders included.
    static func tree(_ root: String, _ relative: String = "") -> [String: [UInt8]] {
        let path = relative.isEmpty ? root : root + "/" + relative
        guard let names = FileSystem.entries(of: path) else { return [relative: TemporaryDirectory.readFile(path)] }
        var files: [String: [UInt8]] = [:]
        for name in names {
            files.merge(tree(root, relative.isEmpty ? name : relative + "/" + name)) { first, _ in first }
        }
        return files
    }

    /// The audit of a generated fleet reports exactly the planted violations,
    /// every check completes and every resource is evaluated.
    @Test func auditFindsExactlyThePlantedViolations() throws {
        let snapshot = TemporaryDirectory(prefix: "fleet-generate")
        let fleet = try FleetGenerator(devices: 2000, seed: 7, workers: 2).generate(into: snapshot.path)
        #expect(fleet.checks.map(\.name) == CheckRegistry.all.map { $0.description.name })
        #expect(fleet.certificates == 1942)
        #expect(fleet.policies == 200)

        // expected-counts.json says the same as the returned value.
        let file = try JSONParser.parse(snapshot.read("expected-counts.json")).get()
        let recorded = try #require(file["checks"]?.arrayValue).map { check in
            [
                check["checkName"]?.stringValue ?? "", JSONWriter.compact(check["totalResourcesCount"] ?? .null),
                JSONWriter.compact(check["nonCompliantResourcesCount"] ?? .null),
            ]
        }
        let returned = fleet.checks.map {
            [$0.name, String($0.totalResourcesCount), String($0.nonCompliantResourcesCount)]
        }
        #expect(recorded == returned)

        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: out.path, now: FleetGenerator.exportedAt,
                taskId: "generated", workers: 2))
        #expect(report.exitStatus == 0)
        #expect(report.errorLines.isEmpty)
        let outcome = try #require(report.outcome)
        #expect(outcome.checks.map(\.name) == fleet.checks.map(\.name))
        for (check, expected) in zip(outcome.checks, fleet.checks) {
            #expect(check.details.checkRunStatus != .failed, "\(check.name)")
            #expect(check.problems.isEmpty, "\(check.name): \(check.problems)")
            #expect(check.details.totalResourcesCount == Int64(expected.totalResourcesCount), "\(check.name)")
            #expect(
                check.details.nonCompliantResourcesCount == Int64(expected.nonCompliantResourcesCount),
                "\(check.name)")
            // Every check has at least one planted violation at this size.
            #expect(expected.nonCompliantResourcesCount > 0, "\(check.name)")
        }
    }

    /// The same seed gives the same bytes whatever the worker count; another seed gives other bytes.
    @Test func sameSeedSameBytes() throws {
        var trees: [[String: [UInt8]]] = []
        for (seed, workers) in [(3, 1), (3, 2), (4, 2)] as [(UInt64, Int)] {
            let directory = TemporaryDirectory(prefix: "fleet-generate")
            _ = try FleetGenerator(devices: 2500, seed: seed, workers: workers).generate(into: directory.path)
            trees.append(Self.tree(directory.path))
        }
        #expect(trees[0].keys.sorted() == trees[1].keys.sorted())
        for (name, bytes) in trees[0] { #expect(trees[1][name] == bytes, "\(name)") }
        #expect(trees[0]["certificates.json"] != trees[2]["certificates.json"])
        #expect(trees[0]["policies.json"] != trees[2]["policies.json"])
        #expect(trees[0]["iot-logs/2026-11-25-00.jsonl"] != trees[2]["iot-logs/2026-11-25-00.jsonl"])
    }

    @Test func refusesANonEmptyDirectory() throws {
        let directory = TemporaryDirectory(prefix: "fleet-generate")
        _ = directory.write("keep.txt", "x")
        #expect(throws: GeneratorError.self) {
            try FleetGenerator(devices: 10, seed: 1, workers: 1).generate(into: directory.path)
        }
        #expect(Self.tree(directory.path).keys.sorted() == ["keep.txt"])
    }
}
