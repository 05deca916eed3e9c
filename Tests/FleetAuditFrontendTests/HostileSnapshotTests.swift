import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Foundation
import Testing

/// Issue 10, reading and outputs: a snapshot from someone else may hold links,
/// FIFOs and hostile names; the tool reads only the snapshot, never writes into
/// it, and never hands its bytes to the terminal raw.
@Suite struct HostileSnapshotTests {
    /// How a snapshot file or folder that links out of the snapshot is refused.
    static func linkedOutside(_ file: String) -> SnapshotProblem {
        SnapshotProblem(
            file: file, reason: "symbolic link to a path outside the snapshot; refused (--follow-links allows it)")
    }

    static let emptyPolicies = #"{"policyVersions": []}"#

    func audit(_ snapshot: String, checks: [String], followLinks: Bool = false) throws -> (
        AuditReport, TemporaryDirectory
    ) {
        let out = TemporaryDirectory()
        var options = AuditOptions(
            snapshotPath: snapshot, outputPath: out.path, checkNames: checks, taskId: "t", workers: 1)
        options.followLinks = followLinks
        return (try AuditCommandRunner.run(options), out)
    }

    func link(_ target: String, _ path: String) {
        #expect(symlink(target, path) == 0)
    }

    // MARK: - Reading

    @Test func aLinkOutsideTheSnapshotIsRefusedUnlessFollowLinks() throws {
        let outside = TemporaryDirectory()
        outside.write("policies.json", Self.emptyPolicies)
        let snapshot = TemporarySnapshot([:])
        link(outside.file("policies.json"), snapshot.directory.file("policies.json"))
        let (refused, _) = try audit(snapshot.path, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(refused.exitStatus == 1)
        #expect(
            refused.errorLines == [
                "fleet-audit: policies.json: symbolic link to a path outside the snapshot; refused (--follow-links allows it)"
            ])
        #expect(refused.outcome?.checks.first?.details.checkRunStatus == .failed)
        let (followed, _) = try audit(snapshot.path, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"], followLinks: true)
        #expect(followed.exitStatus == 0)
        #expect(followed.errorLines == [])
    }

    @Test func aLinkInsideTheSnapshotIsFollowed() throws {
        let snapshot = TemporarySnapshot(["exports/policies-v1.json": Self.emptyPolicies])
        link("exports/policies-v1.json", snapshot.directory.file("policies.json"))
        let (report, _) = try audit(snapshot.path, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(report.exitStatus == 0)
        #expect(report.errorLines == [])
    }

    @Test func aFIFOIsRefusedWithoutBeingOpened() throws {
        let snapshot = TemporarySnapshot([:])
        #expect(mkfifo(snapshot.directory.file("policies.json"), 0o644) == 0)
        // Before: the open waited for a writer forever.
        let (report, _) = try audit(snapshot.path, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(report.exitStatus == 1)
        #expect(report.errorLines == ["fleet-audit: policies.json: is a FIFO, not a regular file; refused"])
        // The stream refuses it too (the race between the check and the open).
        #expect(
            throws: JSONStreamError(reason: "not a regular file (a FIFO); refused", byteOffset: 0)
        ) { _ = try JSONElementStream(path: snapshot.directory.file("policies.json"), form: .object) }
    }

    @Test func aManifestLinkedOutsideIsRefused() throws {
        let outside = TemporaryDirectory()
        outside.write("manifest.json", TemporarySnapshot.defaultManifest)
        let snapshot = TemporarySnapshot([:], manifest: false)
        link(outside.file("manifest.json"), snapshot.directory.file("manifest.json"))
        #expect(
            throws: Self.linkedOutside("manifest.json")
        ) { _ = try Snapshot.open(snapshot.path) }
        #expect(try Snapshot.open(snapshot.path, followLinks: true).manifest.accountId == "123456789012")
    }

    @Test func aSymlinkLoopInIotLogsFailsTheLogChecks() throws {
        let snapshot = TemporarySnapshot(["iot-logs/day.jsonl": ""])
        link("loop.jsonl", snapshot.directory.file("iot-logs/loop.jsonl"))
        // Before: the loop was skipped and the checks completed as if it were not there.
        let (report, _) = try audit(snapshot.path, checks: ["CONFLICTING_CLIENT_IDS_CHECK"])
        #expect(report.exitStatus == 1)
        #expect(report.errorLines == ["fleet-audit: iot-logs/loop.jsonl: symbolic link loop; refused"])
        #expect(report.outcome?.checks.first?.details.checkRunStatus == .failed)
    }

    @Test func aFolderLinkBackToItsFolderIsALoop() throws {
        let snapshot = TemporarySnapshot(["iot-logs/day.jsonl": ""])
        link(".", snapshot.directory.file("iot-logs/again"))
        let opened = try snapshot.open()
        #expect(
            opened.files(in: .iotLogs)
                == .failure(SnapshotProblem(file: "iot-logs/again", reason: "symbolic link loop; refused")))
    }

    @Test func aSecondNameForOneLogIsNotReadTwice() throws {
        let snapshot = TemporarySnapshot(["iot-logs/a.jsonl": ""])
        link("a.jsonl", snapshot.directory.file("iot-logs/b.jsonl"))
        #expect(
            try snapshot.open().files(in: .iotLogs)
                == .failure(
                    SnapshotProblem(
                        file: "iot-logs/b.jsonl",
                        reason: "is the same file as iot-logs/a.jsonl (a link); refused so it is not read twice")))
    }

    @Test func aLogLinkedToATextFileOutsideIsRefusedAndNotQuoted() throws {
        let outside = TemporaryDirectory()
        outside.write("secret.txt", "TOP SECRET password=hunter2\n")
        let snapshot = TemporarySnapshot([:])
        snapshot.directory.write("iot-logs/.keep", "")
        link(outside.file("secret.txt"), snapshot.directory.file("iot-logs/a.jsonl"))
        let (report, out) = try audit(snapshot.path, checks: ["CONFLICTING_CLIENT_IDS_CHECK"])
        #expect(report.exitStatus == 1)
        #expect(
            report.errorLines == [
                "fleet-audit: iot-logs/a.jsonl: symbolic link to a path outside the snapshot; refused "
                    + "(--follow-links allows it)"
            ])
        let everything =
            report.summary + report.errorLines.joined() + String(decoding: out.read("audit-task.json"), as: UTF8.self)
        #expect(!everything.contains("SECRET") && !everything.contains("hunter2"))
    }

    @Test func aTextFileInsideIsNotQuotedInMessages() throws {
        // Before: "not valid JSON at byte 3: invalid token near 'TOP'" echoed the file.
        let snapshot = TemporarySnapshot(["iot-logs/a.jsonl": "TOP SECRET password=hunter2\n"])
        let (report, out) = try audit(snapshot.path, checks: ["CONFLICTING_CLIENT_IDS_CHECK"])
        let everything =
            report.summary + report.errorLines.joined() + String(decoding: out.read("audit-task.json"), as: UTF8.self)
        #expect(everything.contains("iot-logs/a.jsonl: element 0 (byte 0): not valid JSON at byte 3: invalid token"))
        #expect(!everything.contains("TOP") && !everything.contains("hunter2"))
    }

    @Test func aCAChainLinkedOutsideFailsRatherThanCountingAsAbsent() throws {
        let outside = TemporaryDirectory()
        outside.write("chain/intermediate.pem", "")
        let snapshot = TemporarySnapshot([:])
        link(outside.file("chain"), snapshot.directory.file("ca-chain"))
        let opened = try snapshot.open()
        #expect(!opened.isAbsent(.caChain))
        #expect(
            opened.files(in: .caChain)
                == .failure(Self.linkedOutside("ca-chain/")))
    }

    @Test func aRefusedOptionalFileIsNotTakenForAbsent() throws {
        let outside = TemporaryDirectory()
        outside.write("things.json", #"{"things": []}"#)
        let snapshot = TemporarySnapshot([:])
        link(outside.file("things.json"), snapshot.directory.file("things.json"))
        let opened = try snapshot.open()
        #expect(!opened.isAbsent(.things))
        #expect(
            throws: Self.linkedOutside("things.json")
        ) { _ = try opened.locateIfPresent(.things) }
        #expect(try TemporarySnapshot([:]).open().locateIfPresent(.things) == nil)
    }

    // MARK: - Where outputs go

    func usage(_ options: AuditOptions) -> String? {
        thrownDescription { () throws(UsageError) in _ = try AuditCommandRunner.validate(options) }
    }

    @Test func anOutputInsideTheInputIsAUsageError() throws {
        let snapshot = TemporarySnapshot(["policies.json": Self.emptyPolicies])
        let input = snapshot.path
        let before = FileSystem.entries(of: input)?.sorted()
        var same = AuditOptions(snapshotPath: input, outputPath: input, workers: 1, force: true)
        #expect(
            usage(same)
                == "--out \(input) is inside the input snapshot \(input); outputs are never written into the input")
        same.outputPath = input + "/sub/out"
        #expect(
            usage(same)
                == "--out \(input)/sub/out is inside the input snapshot \(input); outputs are never written into the input"
        )
        // Through a link that leads into the snapshot.
        let elsewhere = TemporaryDirectory()
        link(input, elsewhere.file("alias"))
        same.outputPath = elsewhere.file("alias/out")
        #expect(usage(same)?.hasPrefix("--out \(elsewhere.file("alias/out")) is inside the input snapshot") == true)
        // A directory that holds the snapshot is refused too (--force would clear it).
        same.outputPath = (input as NSString).deletingLastPathComponent
        #expect(usage(same)?.contains("contains the input snapshot") == true)
        same.outputPath = elsewhere.file("out")
        same.spillDirectory = input + "/spill"
        #expect(
            usage(same)
                == "--spill-dir \(input)/spill is inside the input snapshot \(input); outputs are never written into the input"
        )
        // run() refuses the same way, before anything is written.
        #expect(
            throws: UsageError(
                "--out \(input)/sub/out is inside the input snapshot \(input); outputs are never written into the input"
            )
        ) {
            _ = try AuditCommandRunner.run(
                AuditOptions(snapshotPath: input, outputPath: input + "/sub/out", workers: 1))
        }
        #expect(FileSystem.entries(of: input)?.sorted() == before)
    }

    @Test func resolvingThroughTheNearestAncestor() {
        let directory = TemporaryDirectory()
        let real = FileSystem.realPath(directory.path) ?? ""
        #expect(FileSystem.resolvedThroughNearestAncestor(directory.path + "/a/b/") == real + "/a/b")
        #expect(FileSystem.resolvedThroughNearestAncestor(directory.path + "/a/./b") == real + "/a/b")
        #expect(FileSystem.resolvedThroughNearestAncestor(directory.path + "/a/../b") == nil)
        #expect(FileSystem.resolvedThroughNearestAncestor(directory.path) == real)
    }

    // MARK: - Terminal

    @Test func terminalEscaping() {
        #expect(TerminalText.escape("policy\u{1B}[2Jname") == "policy\\x1B[2Jname")
        #expect(TerminalText.escape("ok\rCRITICAL hidden") == "ok\\x0DCRITICAL hidden")
        #expect(TerminalText.escape("a\nb\tc") == "a\\x0Ab\\x09c")
        #expect(TerminalText.escape("\u{1B}]52;c;SGVsbG8=\u{07}") == "\\x1B]52;c;SGVsbG8=\\x07")
        #expect(TerminalText.escape("csi\u{9B}31m") == "csi\\x9B31m")
        #expect(TerminalText.escape("del\u{7F}") == "del\\x7F")
        #expect(TerminalText.escape("rtl\u{202E}fdp.exe\u{2028}") == "rtl\\u{202E}fdp.exe\\u{2028}")
        #expect(TerminalText.escape("café ✓ \\x1B") == "café ✓ \\x1B")
        #expect(
            TerminalText.escape(bytes: [0x61, 0xFF, 0xC3, 0xA9, 0xC3, 0x1B, 0xED, 0xA0, 0x80])
                == "a\\xFFé\\xC3\\x1B\\xED\\xA0\\x80")
        // Escaping twice changes nothing: a value escaped where it was inserted survives the final pass.
        let hostile = "x\u{1B}]0;title\u{07}\r\u{9B}\u{7F}"
        #expect(TerminalText.escape(TerminalText.escape(hostile)) == TerminalText.escape(hostile))
        #expect(TerminalText.escapeLines("one \u{1B}\ntwo\r") == "one \\x1B\ntwo\\x0D")
    }

    @Test func longValuesAreShortenedWithTheRestStated() {
        let name = String(repeating: "A", count: 150 << 20)
        let shown = TerminalText.escape(name)
        #expect(shown == String(repeating: "A", count: 1024) + "…(+149 MiB)")
        #expect(TerminalText.escape("abcdef", limit: 4) == "abcd…(+2 bytes)")
        #expect(TerminalText.escape("ééé", limit: 3) == "é…(+4 bytes)")
        #expect(
            TerminalText.escape(bytes: Array(repeating: UInt8(0x41), count: 3000), limit: 1000) == String(
                repeating: "A", count: 1000) + "…(+1 KiB)")
    }

    @Test func jsonForTheTerminalKeepsTheExactStrings() throws {
        let value: JSONValue = ["policyName": .string("p\u{1B}[2J\u{9B}\u{7F}\u{202E}\r")]
        let text = JSONWriter.pretty(value)
        let safe = TerminalText.jsonForTerminal(text)
        #expect(
            !safe.unicodeScalars.contains {
                $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x7F || $0.value == 0x202E || $0.value == 0x0D
            })
        #expect(try JSONParser.parse(safe).get() == value)
    }

    @Test func hostileNamesAreEscapedInTheSummaryAndExactInFindings() throws {
        let name = "evil\u{1B}[2J\u{1B}]52;c;cm0gLXJmIH4=\u{07}\rall good\u{9B}"
        let document =
            #"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iot:*\", \"Resource\": \"*\"}]}"#
        var nameJSON = ""
        JSONWriter.writeString(name, into: &nameJSON)
        let snapshot = TemporarySnapshot([
            "policies.json":
                #"{"policyVersions": [{"policyName": \#(nameJSON), "policyArn": "arn:aws:iot:us-east-1:123456789012:policy/x", "#
                + #""policyVersionId": "1", "isDefaultVersion": true, "policyDocument": "\#(document)"}]}"#
        ])
        let (report, out) = try audit(snapshot.path, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(report.exitStatus == 0)
        let summary = report.summary
        #expect(
            !summary.unicodeScalars.contains {
                $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x9B || $0.value == 0x07
            })
        #expect(summary.contains("policy evil\\x1B[2J\\x1B]52;c;cm0gLXJmIH4=\\x07\\x0Dall good\\x9B version 1"))
        let findings = try JSONParser.parse(out.read("findings.json")).get()
        #expect(
            findings["findings"]?.arrayValue?.first?["nonCompliantResource"]?["resourceIdentifier"]?[
                "policyVersionIdentifier"]?[
                    "policyName"] == .string(name))
    }

    @Test func problemLinesAreEscaped() {
        let problem = SnapshotProblem(file: "iot-logs/\u{1B}[31mx.jsonl", elementIndex: 2, reason: "bad\r\u{9B}")
        #expect(problem.terminalLine == "fleet-audit: iot-logs/\\x1B[31mx.jsonl: element 2: bad\\x0D\\x9B")
    }
}
