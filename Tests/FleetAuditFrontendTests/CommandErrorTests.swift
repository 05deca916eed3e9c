import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

/// Issue 12, ranked point 4: one error format for every command, through the binary.
@Suite struct CommandErrorTests {
    static let binary = fleetAuditExecutable

    /// An audit of the workshop, pinned, in a fresh directory.
    static func audit(_ out: String) throws {
        let result = try runProgram(
            binary, ["audit", workshopSnapshot, "--out", out, "--task-id", "t1", "--checks", "LOGGING_DISABLED_CHECK"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aUsageErrorIsOneLineAndAHint() throws {
        let missing = try runProgram(Self.binary, ["audit", workshopSnapshot])
        #expect(missing.status == 64)
        #expect(
            missing.stderr
                == "fleet-audit: audit: Missing expected argument '--out <out>'\nsee 'fleet-audit audit --help'\n")
        let unknown = try runProgram(Self.binary, ["checks", "--bogus"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "fleet-audit: checks: Unknown option '--bogus'\nsee 'fleet-audit checks --help'\n")
    }

    /// `audit` and `mitigate` refuse a non-empty `--out` with the same words and exit status.
    @Test func aNonEmptyOutIsRefusedAlikeByAuditAndMitigate() throws {
        let scratch = TemporaryDirectory()
        let taken = scratch.path + "/taken"
        scratch.write("taken/notes.txt", "mine")
        let audit = try runProgram(Self.binary, ["audit", workshopSnapshot, "--out", taken])
        try Self.audit(scratch.path + "/audit")
        let mitigate = try runProgram(
            Self.binary,
            [
                "mitigate", workshopSnapshot, "--audit", scratch.path + "/audit", "--out", taken,
                "--audit-check-to-actions-mapping", #"{"LOGGING_DISABLED_CHECK": ["EnableErrorLoggingAction"]}"#,
            ])
        let problem = "--out \(taken) is not empty (--force replaces a previous output there)"
        #expect(audit.status == 64)
        #expect(mitigate.status == 64)
        #expect(audit.stderr == "fleet-audit: audit: \(problem)\nsee 'fleet-audit audit --help'\n")
        #expect(mitigate.stderr == "fleet-audit: mitigate: \(problem)\nsee 'fleet-audit mitigate --help'\n")
        #expect(scratch.read("taken/notes.txt") == Array("mine".utf8))
    }

    /// Every JSON argument takes file://PATH or inline JSON; a bare path that names a file gets a hint.
    @Test func jsonArgumentsTakeFileURLsOrInlineJSON() throws {
        let scratch = TemporaryDirectory()
        try Self.audit(scratch.path + "/audit")
        let mapping = scratch.write("mapping.json", #"{"LOGGING_DISABLED_CHECK": ["EnableErrorLoggingAction"]}"#)
        let actions = scratch.write(
            "actions.json",
            String(decoding: TemporaryDirectory.readFile(workshopSnapshot + "/mitigation-actions.json"), as: UTF8.self))
        let bare = try runProgram(
            Self.binary,
            [
                "mitigate", workshopSnapshot, "--audit", scratch.path + "/audit", "--out", scratch.path + "/new",
                "--audit-check-to-actions-mapping", mapping,
            ])
        #expect(bare.status == 64)
        #expect(
            bare.stderr
                == "fleet-audit: mitigate: --audit-check-to-actions-mapping is not JSON, but \(mapping) is a file: "
                + "did you mean file://\(mapping)?\nsee 'fleet-audit mitigate --help'\n")
        let withFiles = try runProgram(
            Self.binary,
            [
                "mitigate", workshopSnapshot, "--audit", scratch.path + "/audit", "--out", scratch.path + "/new",
                "--audit-check-to-actions-mapping", "file://" + mapping, "--actions", "file://" + actions,
                "--target", #"{"auditTaskId": "t1"}"#, "--task-id", "m1", "--now", "2026-11-27",
            ])
        #expect(withFiles.status == 0, "\(withFiles.stderr)")
        #expect(withFiles.stdout.hasPrefix("Mitigation task m1 of audit t1: COMPLETED\n"))
    }

    /// An unknown check name is a usage error; a near miss gets a "did you mean".
    @Test(arguments: [
        ("NOPE_CHECK", ""), ("LOGING_DISABLED_CHECK", "; did you mean LOGGING_DISABLED_CHECK?"),
    ])
    func anUnknownCheckName(_ name: String, _ suggestion: String) throws {
        let out = TemporaryDirectory()
        let check = try runProgram(
            Self.binary, ["audit", workshopSnapshot, "--out", out.path + "/x", "--checks", name])
        #expect(check.status == 64)
        #expect(
            check.stderr
                == "fleet-audit: audit: unknown check name '\(name)'\(suggestion) "
                + "('fleet-audit checks' lists the 17 checks)\nsee 'fleet-audit audit --help'\n")
    }

    @Test func aMistypedActionNameGetsADidYouMean() throws {
        let out = TemporaryDirectory()
        try Self.audit(out.path + "/audit")
        let action = try runProgram(
            Self.binary,
            [
                "mitigate", workshopSnapshot, "--audit", out.path + "/audit", "--out", out.path + "/new",
                "--audit-check-to-actions-mapping", #"{"LOGGING_DISABLED_CHECK": ["EnableErorLoggingAction"]}"#,
            ])
        #expect(action.status == 64)
        #expect(
            action.stderr
                == "fleet-audit: mitigate: --audit-check-to-actions-mapping: no mitigation action named "
                + "'EnableErorLoggingAction'; did you mean EnableErrorLoggingAction?\nsee 'fleet-audit mitigate --help'\n"
        )
    }

    @Test func nowTakesADateAndRefusesATimeWithoutAZone() throws {
        #expect(try CommandLineTime.parse("2026-11-26", option: "--now").iso8601 == "2026-11-26T00:00:00.000000+00:00")
        #expect(
            try CommandLineTime.parse("2026-11-26T13:00:00+01:00", option: "--now").iso8601
                == "2026-11-26T12:00:00.000000+00:00")
        #expect(
            throws: UsageError(
                "--now '2026-11-26T12:00:00' has no time zone; add Z for UTC (2026-11-26T12:00:00Z) or an offset "
                    + "such as +01:00")
        ) { try CommandLineTime.parse("2026-11-26T12:00:00", option: "--now") }
        #expect(throws: UsageError("--now '2026-02-30' is not a valid date")) {
            try CommandLineTime.parse("2026-02-30", option: "--now")
        }
        let out = TemporaryDirectory()
        let dated = try runProgram(
            Self.binary,
            ["audit", workshopSnapshot, "--out", out.path, "--checks", "LOGGING_DISABLED_CHECK", "--now", "2026-11-26"])
        #expect(dated.status == 0)
        #expect(dated.stdout.contains("audit time 2026-11-26T00:00:00.000000+00:00\n"))
    }

    /// `--verbose` notes use the format of every other stderr line.
    @Test func verboseNotesUseTheCommonFormat() throws {
        let snapshot = TemporarySnapshot(["logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#])
        snapshot.directory.write("stray.txt", "x")
        let out = TemporaryDirectory()
        let result = try runProgram(
            Self.binary,
            ["audit", snapshot.path, "--out", out.path, "--checks", "LOGGING_DISABLED_CHECK", "--verbose", "--quiet"])
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "fleet-audit: audit: note: ignoring stray.txt: not a snapshot file")
        let digest = try #require(lines.last)
        #expect(digest.hasPrefix("fleet-audit: audit: note: snapshot digest (audit-task.json): SHA-256 of 2 file(s), "))
        #expect(digest.hasSuffix(" s CPU) beside the checks"))
    }

    /// `--workers 1` is one thread: the digest is hashed after the checks, not beside them.
    @Test func oneWorkerHashesTheDigestAfterTheChecks() throws {
        let snapshot = TemporarySnapshot(["logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#])
        let out = TemporaryDirectory()
        let result = try runProgram(
            Self.binary,
            [
                "audit", snapshot.path, "--out", out.path, "--checks", "LOGGING_DISABLED_CHECK", "--verbose", "--quiet",
                "--workers", "1",
            ])
        let digest = try #require(result.stderr.split(separator: "\n").last.map(String.init))
        #expect(digest.hasPrefix("fleet-audit: audit: note: snapshot digest (audit-task.json): SHA-256 of 2 file(s), "))
        #expect(digest.hasSuffix(" s CPU) after the checks (one worker)"))
    }

    @Test func anUnknownPrincipalGetsAWarning() throws {
        let authInfos = #"[{"actionType": "CONNECT", "resources": ["arn:aws:iot:us-east-1:123456789012:client/c"]}]"#
        let unknown = String(repeating: "ab", count: 32)
        let result = try runProgram(
            Self.binary, ["test-authorization", workshopSnapshot, "--auth-infos", authInfos, "--principal", unknown])
        #expect(result.status == 0)
        #expect(
            result.stderr
                == "fleet-audit: test-authorization: warning: principal arn:aws:iot:us-east-1:123456789012:cert/\(unknown) "
                + "is not in the snapshot (no certificate in certificates.json, no thing in thing-principals.json, no "
                + "policy in policy-targets.json names it); only --policy-names-to-add policies apply\n")
        // A registered certificate gets none.
        let known = try #require(
            JSONParser.parse(TemporaryDirectory.readFile(workshopSnapshot + "/certificates.json")).get()[
                "certificateDescriptions"]?.arrayValue?.first?["certificateId"]?.stringValue)
        let quiet = try runProgram(
            Self.binary, ["test-authorization", workshopSnapshot, "--auth-infos", authInfos, "--principal", known])
        #expect(quiet.stderr == "")
    }

    /// `mitigate` refuses an audit made from other data, whatever its account and region.
    @Test func mitigateRefusesAnAuditOfAnotherSnapshot() throws {
        let files = ["logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#]
        let snapshot = TemporarySnapshot(files)
        snapshot.directory.write(
            "mitigation-actions.json",
            String(decoding: TemporaryDirectory.readFile(workshopSnapshot + "/mitigation-actions.json"), as: UTF8.self))
        let scratch = TemporaryDirectory()
        let audit = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: scratch.path + "/audit",
                checkNames: ["LOGGING_DISABLED_CHECK"], taskId: "a1", workers: 1))
        let recorded = try #require(audit.outcome?.snapshotDigest)
        #expect(recorded.fileCount == 2)  // manifest.json and logging-options.json (the v2 files are absent)
        // The same bytes elsewhere are the same snapshot.
        let copy = TemporarySnapshot(files)
        copy.directory.write("mitigation-actions.json", snapshot.directory.read("mitigation-actions.json").string)
        func mitigate(_ path: String, _ out: String) throws -> MitigateReport {
            try MitigateCommandRunner.run(
                MitigateOptions(
                    snapshotPath: path, auditDirectory: scratch.path + "/audit",
                    mapping: #"{"LOGGING_DISABLED_CHECK": ["EnableErrorLoggingAction"]}"#, outputPath: out,
                    taskId: out.hasSuffix("1") ? "m1" : "m2", now: "2026-11-27T00:00:00Z"))
        }
        #expect(try mitigate(copy.path, scratch.path + "/new1").exitStatus == 0)
        // One byte changed in a file the audit read: refused, nothing written.
        snapshot.directory.write("logging-options.json", #"{"roleArn": "r", "logLevel": "DISABLEd"}"#)
        let refused = try mitigate(snapshot.path, scratch.path + "/new2")
        #expect(refused.exitStatus == 2)
        let current = SnapshotDigest.compute(try snapshot.open(), checks: [LoggingDisabledCheck.self])
        #expect(
            refused.errorLines == [
                "fleet-audit: mitigate: audit a1 in \(scratch.path)/audit was not made from \(snapshot.path): the files "
                    + "it read had SHA-256 \(recorded.sha256.prefix(16))… over 2 file(s), \(recorded.byteCount) bytes; "
                    + "here they have SHA-256 \(current.sha256.prefix(16))… over 2 file(s), \(current.byteCount) bytes. "
                    + "Run the audit again on this snapshot"
            ])
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/new2"))
        // A file the audit did not read (the actions) may change.
        snapshot.directory.write("logging-options.json", files["logging-options.json"] ?? "")
        snapshot.directory.write(
            "mitigation-actions.json", copy.directory.read("mitigation-actions.json").string + "\n")
        #expect(try mitigate(snapshot.path, scratch.path + "/new3").exitStatus == 0)
    }
}

/// Issue 12: `--output json` of `checks`, `logging` and `test-authorization`.
@Suite struct JSONOutputTests {
    static let binary = fleetAuditExecutable

    @Test func checksAsJSON() throws {
        let result = try runProgram(Self.binary, ["checks", "--output", "json"])
        #expect(result.status == 0)
        let checks = try #require(JSONParser.parse(result.stdout).get()["checks"]?.arrayValue)
        #expect(checks.count == CheckRegistry.all.count)
        #expect(
            checks.first == [
                "checkName": "LOGGING_DISABLED_CHECK", "severity": "LOW", "resourceType": "ACCOUNT_SETTINGS",
                "reasonCodes": ["LOGGING_DISABLED"],
                "reads": ["logging-options.json", "v2-logging-options.json", "v2-logging-levels.json"], "aliases": [],
                "summary": "AWS IoT logging to CloudWatch is disabled (v1 and v2 logging both off).",
            ])
    }

    @Test func loggingAsJSON() throws {
        let result = try runProgram(Self.binary, ["logging", workshopSnapshot, "--output", "json"])
        #expect(result.status == 0)
        let json = try JSONParser.parse(result.stdout).get()
        #expect(json["accountId"] == "123456789012")
        #expect(json["v1"]?["state"] == "DISABLED")
        #expect(json["v2"]?["state"] == "DISABLED")
        #expect(json["v2"]?["disableAllLogs"] == true)
        #expect(json["effective"] == ["state": "DISABLED", "source": nil, "logLevel": nil, "roleArn": nil])
    }

    @Test func testAuthorizationAsText() throws {
        let authInfos =
            #"[{"actionType": "SUBSCRIBE", "resources": ["arn:aws:iot:us-east-1:123456789012:topicfilter/building/#"]}, "#
            + #"{"actionType": "PUBLISH", "resources": ["arn:aws:iot:us-east-1:123456789012:topic/x"]}]"#
        let text = try runProgram(
            Self.binary,
            [
                "test-authorization", workshopSnapshot, "--auth-infos", authInfos, "--policy-names-to-add",
                "BuildingOperatorPolicy", "--output", "text",
            ])
        #expect(text.status == 0)
        #expect(
            text.stdout == """
                ALLOWED SUBSCRIBE arn:aws:iot:us-east-1:123456789012:topicfilter/building/#: policy BuildingOperatorPolicy version 1 statement 0 (Allow)
                IMPLICIT_DENY PUBLISH arn:aws:iot:us-east-1:123456789012:topic/x: no statement allows it

                """)
    }
}

extension Array where Element == UInt8 {
    var string: String { String(decoding: self, as: UTF8.self) }
}
