import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Foundation
import Testing

@Suite struct AuditCommandTests {
    func options(_ snapshot: String, _ out: String, checks: [String]? = nil, now: String? = nil, taskId: String? = "t1")
        -> AuditOptions
    {
        AuditOptions(snapshotPath: snapshot, outputPath: out, checkNames: checks, now: now, taskId: taskId, workers: 2)
    }

    @Test func workshopAuditFindsLoggingDisabled() throws {
        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(
            options(workshopSnapshot, out.path + "/audit", checks: ["LOGGING_DISABLED_CHECK"]))
        #expect(report.exitStatus == 0)
        #expect(report.errorLines.isEmpty)
        let outcome = try #require(report.outcome)
        #expect(outcome.task.nonCompliantChecks == 1)
        let finding = try #require(outcome.checks.first?.preview.first)
        #expect(finding.checkName == "LOGGING_DISABLED_CHECK")
        #expect(finding.severity == .low)
        #expect(finding.nonCompliantResource == AuditResource(.accountSettings, .account("123456789012")))
        #expect(finding.reasonForNonComplianceCode == "LOGGING_DISABLED")
        #expect(finding.taskStartTime.iso8601 == "2026-11-26T08:00:00.000000+00:00")
        #expect(
            report.summary.contains(
                "COMPLETED_NON_COMPLIANT          1              1              0  LOGGING_DISABLED_CHECK\n"))
        #expect(
            report.summary.contains(
                "\nLOW: 1 finding(s)\n  LOGGING_DISABLED_CHECK: 1 finding(s)\n    account 123456789012: LOGGING_DISABLED\n"
            ))
    }

    @Test func pinnedRunsAreByteIdentical() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        _ = try AuditCommandRunner.run(options(workshopSnapshot, first.path, now: "2026-12-01T00:00:00Z"))
        _ = try AuditCommandRunner.run(options(workshopSnapshot, second.path, now: "2026-12-01T00:00:00Z"))
        #expect(!first.read("findings.json").isEmpty)
        #expect(first.read("findings.json") == second.read("findings.json"))
        #expect(first.read("audit-task.json") == second.read("audit-task.json"))
        let task = String(decoding: first.read("audit-task.json"), as: UTF8.self)
        #expect(task.contains(#""taskStartTime": "2026-12-01T00:00:00.000000+00:00""#))
    }

    @Test func unknownCheckNameIsAUsageError() {
        #expect(
            throws: UsageError(
                "unknown check name 'LOGGING_CHECK'; did you mean LOGGING_DISABLED_CHECK? ('fleet-audit checks' lists "
                    + "the 17 checks)")
        ) { try AuditCommandRunner.run(options(workshopSnapshot, "/tmp/unused", checks: ["LOGGING_CHECK"])) }
    }

    @Test func badNowIsAUsageError() {
        #expect(
            throws: UsageError(
                "--now 'tomorrow' is not a date (2026-11-26, midnight UTC) or a time with a zone "
                    + "(2026-11-26T12:00:00Z, 2026-11-26T12:00:00+01:00)")
        ) {
            try AuditCommandRunner.run(options(workshopSnapshot, "/tmp/unused", now: "tomorrow"))
        }
    }

    @Test func badTaskIdIsAUsageError() {
        #expect(throws: UsageError("--task-id 'a b' must be 1 to 40 characters of [a-zA-Z0-9-] (the API's taskId)")) {
            try AuditCommandRunner.run(options(workshopSnapshot, "/tmp/unused", taskId: "a b"))
        }
    }

    @Test func aWeakKeyBlacklistThatIsNotAFolderIsAUsageError() {
        var bad = options(workshopSnapshot, "/tmp/unused")
        bad.weakKeyBlacklist = "/nonexistent/lists"
        #expect(throws: UsageError("--weak-key-blacklist /nonexistent/lists is not a directory")) {
            try AuditCommandRunner.run(bad)
        }
    }

    @Test func anUnknownAgeOriginIsAUsageError() {
        var bad = options(workshopSnapshot, "/tmp/unused")
        bad.certificateAgeFrom = "yesterday"
        #expect(throws: UsageError("--cert-age-from 'yesterday' must be one of creation-date, not-before")) {
            try AuditCommandRunner.run(bad)
        }
    }

    @Test func missingSnapshotDirectoryAuditsNothing() throws {
        let report = try AuditCommandRunner.run(options("/nonexistent/snap", "/tmp/unused"))
        #expect(report.exitStatus == 2)
        #expect(report.errorLines == ["fleet-audit: /nonexistent/snap: snapshot directory not found"])
    }

    @Test func missingManifestAuditsNothing() throws {
        let snapshot = TemporarySnapshot(["logging-options.json": "{}"], manifest: false)
        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(options(snapshot.path, out.path))
        #expect(report.exitStatus == 2)
        #expect(report.errorLines == ["fleet-audit: manifest.json: missing: every snapshot needs a manifest.json"])
        #expect(OutputDirectory.isEmpty(out.path))
    }

    @Test func nonEmptyOutputIsRefusedUnlessForced() throws {
        let out = TemporaryDirectory()
        out.write("keep.txt", "mine")
        // The same refusal as mitigate's: a usage error (exit status 64).
        #expect(throws: UsageError("--out \(out.path) is not empty (--force replaces a previous output there)")) {
            try AuditCommandRunner.run(options(workshopSnapshot, out.path))
        }
        // --force replaces a previous output; it never deletes files fleet-audit did not write.
        var forced = options(workshopSnapshot, out.path)
        forced.force = true
        let kept = try AuditCommandRunner.run(forced)
        #expect(kept.exitStatus == 2)
        #expect(
            kept.errorLines == [
                "fleet-audit: \(out.path): holds keep.txt, which fleet-audit did not write; --force only replaces a "
                    + "previous output (remove it yourself or choose another directory)"
            ])
        #expect(out.read("keep.txt") == Array("mine".utf8))
        #expect(out.read("audit-task.json").isEmpty)
    }

    @Test func forceClearsWhatItReplaces() throws {
        let out = TemporaryDirectory()
        #expect(try AuditCommandRunner.run(options(workshopSnapshot, out.path)).exitStatus <= 1)
        // What an earlier run left: a mitigation task's records and an unfinished output of a killed run.
        out.write("mitigations/old-task/mitigation-task.json", "{}")
        out.write("findings.json.tmp-999999", "half")
        var forced = options(workshopSnapshot, out.path)
        forced.force = true
        #expect(try AuditCommandRunner.run(forced).exitStatus <= 1)
        // The workshop's configuration enables its SNS target: the audit notification is an output too.
        #expect(
            FileSystem.entries(of: out.path)?.sorted() == [
                "audit-source.json", "audit-task.json", "findings.json", "related-resources.jsonl", "sns-outbox.jsonl",
            ])
        // A run that writes no notification leaves none of an earlier run behind.
        let quiet = TemporarySnapshot(["logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#])
        var again = options(quiet.path, out.path, checks: ["LOGGING_DISABLED_CHECK"])
        again.force = true
        _ = try AuditCommandRunner.run(again)
        #expect(
            FileSystem.entries(of: out.path)?.sorted() == [
                "audit-source.json", "audit-task.json", "findings.json", "related-resources.jsonl",
            ])
    }

    @Test func aFailedCheckExitsOneAndStillWritesOutputs() throws {
        let snapshot = TemporarySnapshot([:])
        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(options(snapshot.path, out.path, checks: ["LOGGING_DISABLED_CHECK"]))
        #expect(report.exitStatus == 1)
        #expect(report.errorLines == ["fleet-audit: logging-options.json: file not found in the snapshot"])
        let task = String(decoding: out.read("audit-task.json"), as: UTF8.self)
        #expect(task.contains(#""checkRunStatus": "FAILED""#))
        #expect(task.contains(#""failedChecks": 1"#))
        #expect(task.contains(#""taskStatus": "COMPLETED""#))
    }

    @Test func theInputSnapshotIsNotModified() throws {
        let snapshot = TemporarySnapshot([
            "logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#
        ])
        let before = snapshot.directory.read("logging-options.json")
        let out = TemporaryDirectory()
        _ = try AuditCommandRunner.run(options(snapshot.path, out.path))
        #expect(snapshot.directory.read("logging-options.json") == before)
    }
}

/// The outputs validated against botocore's IoT model, strictly: unknown
/// members and wrong enum values fail. Fails, not skips, without botocore.
@Suite struct DefenderSchemaTests {
    /// `audit-task.json` and `findings.json` of an audit in `out` validate against the botocore model
    /// (`taskId` and `snapshotDigest` are this tool's additions to the task).
    func expectOutputsMatchTheModel(
        _ out: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let task = try validate(
            out.file("audit-task.json"), shape: "DescribeAuditTaskResponse", extra: ["taskId", "snapshotDigest"])
        #expect(task.0 == 0, "\(task.1)", sourceLocation: sourceLocation)
        let findings = try validate(out.file("findings.json"), shape: "ListAuditFindingsResponse")
        #expect(findings.0 == 0, "\(findings.1)", sourceLocation: sourceLocation)
    }

    func validate(_ file: String, shape: String, extra: [String] = []) throws -> (status: Int32, errors: String) {
        try DefenderSchemaValidator.validate(file, shape: shape, extra: extra)
    }

    @Test func auditOutputsMatchTheBotocoreModel() throws {
        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: workshopSnapshot, outputPath: out.path, workers: 1,
                weakKeyBlacklist: workshopWeakKeys))
        #expect(report.outcome?.findingsCount ?? 0 > 0)
        // A finding of every resource type the workshop's checks report is validated.
        let types = Set(report.outcome?.checks.flatMap { $0.preview.map(\.nonCompliantResource.resourceType) } ?? [])
        #expect(
            types == [
                .accountSettings, .iotPolicy, .roleAlias, .cognitoIdentityPool, .deviceCertificate, .caCertificate,
                .issuerCertificate, .clientId,
            ])
        let related = Set(
            report.outcome?.checks.flatMap { $0.preview.flatMap { $0.relatedResources.map(\.resourceType) } } ?? [])
        // (The intermediate CA's device certificates are not inline: related-resources lists them,
        // and RelatedResourcesTests validates that output against the model.)
        #expect(related == [.iamRole, .deviceCertificate, .clientId])
        try expectOutputsMatchTheModel(out)
    }

    @Test func failedCheckOutputMatchesTheBotocoreModel() throws {
        let snapshot = TemporarySnapshot([:])
        let out = TemporaryDirectory()
        _ = try AuditCommandRunner.run(AuditOptions(snapshotPath: snapshot.path, outputPath: out.path, workers: 1))
        try expectOutputsMatchTheModel(out)
    }

    @Test func theValidatorRejectsAWrongEnumValue() throws {
        let out = TemporaryDirectory()
        out.write("task.json", #"{"taskStatus": "DONE"}"#)
        let result = try validate(out.file("task.json"), shape: "DescribeAuditTaskResponse")
        #expect(result.0 == 1)
    }
}

/// The `fleet-audit` binary itself: exit statuses of docs/snapshot-format.md (a real process:
/// see `fleetAuditExecutable`).
@Suite struct CommandLineTests {
    static let binary = fleetAuditExecutable

    @Test func aMissingWeakKeyBlacklistExitsSixtyFour() throws {
        let out = TemporaryDirectory()
        let result = try runProgram(
            Self.binary, ["audit", workshopSnapshot, "--out", out.path + "/x", "--weak-key-blacklist", "/nonexistent"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--weak-key-blacklist /nonexistent is not a directory"))
    }

    @Test func missingSnapshotExitsTwoWithOneErrorLine() throws {
        let result = try runProgram(Self.binary, ["audit", "/nonexistent/snap", "--out", "/tmp/unused-out"])
        #expect(result.status == 2)
        #expect(result.stderr == "fleet-audit: /nonexistent/snap: snapshot directory not found\n")
    }

    @Test func checksListsEveryRegisteredCheck() throws {
        let result = try runProgram(Self.binary, ["checks"])
        #expect(result.status == 0)
        for check in CheckRegistry.all {
            #expect(result.stdout.contains(check.description.name))
        }
        #expect(result.stdout.contains("severity:      LOW"))
        #expect(result.stdout.contains("reason codes:  LOGGING_DISABLED"))
    }
}
