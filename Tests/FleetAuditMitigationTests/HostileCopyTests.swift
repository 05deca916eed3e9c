import FleetAuditBase
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

/// Issue 10, copying: `mitigate` copies regular files of the snapshot only,
/// never from outside it, never without end, and keeps every byte it does not edit.
@Suite struct HostileCopyTests {
    func link(_ target: String, _ path: String) {
        #expect(symlink(target, path) == 0)
    }

    func copy(_ snapshot: TemporarySnapshot, into scratch: TemporaryDirectory) throws(SnapshotProblem) {
        let workspace = try SnapshotWorkspace(copying: try snapshot.open(), to: scratch.path + "/out")
        try workspace.commit()
    }

    /// The copy stopped with `problem` and left nothing in `scratch`.
    func expectRefused(_ snapshot: TemporarySnapshot, _ problem: SnapshotProblem) {
        let scratch = TemporaryDirectory()
        #expect(throws: problem) { try copy(snapshot, into: scratch) }
        #expect(FileSystem.entries(of: scratch.path) == [])
    }

    @Test func aLinkOutsideTheSnapshotStopsTheCopyBeforeAnythingIsWritten() {
        let outside = TemporaryDirectory()
        outside.write("id_rsa", "PRIVATE KEY")
        let snapshot = TemporarySnapshot(["policies.json": #"{"policyVersions": []}"#])
        link(outside.file("id_rsa"), snapshot.directory.file("notes.txt"))
        expectRefused(
            snapshot,
            SnapshotProblem(
                file: "notes.txt",
                reason:
                    "is a symbolic link to a path outside the snapshot; the copy stopped before anything was written"))
        // A folder link leading outside is refused the same way.
        let folder = TemporarySnapshot([:])
        link(outside.path, folder.directory.file("iot-logs"))
        expectRefused(
            folder,
            SnapshotProblem(
                file: "iot-logs",
                reason:
                    "is a symbolic link to a path outside the snapshot; the copy stopped before anything was written"))
    }

    @Test func linkLoopsAreDetected() {
        // Before: two `ln -s . loop/a` links copied without end (11 GB in 4 minutes).
        let snapshot = TemporarySnapshot(["loop/x.txt": "x"])
        link(".", snapshot.directory.file("loop/a"))
        link(".", snapshot.directory.file("loop/b"))
        expectRefused(
            snapshot,
            SnapshotProblem(
                file: "loop/a",
                reason: "leads to a folder already copied (a symbolic link loop); the copy stopped before anything "
                    + "was written"))
        let selfLoop = TemporarySnapshot([:])
        link("me", selfLoop.directory.file("me"))
        expectRefused(
            selfLoop,
            SnapshotProblem(
                file: "me", reason: "is a symbolic link loop; the copy stopped before anything was written"))
    }

    @Test func specialFilesAreNotCopied() {
        let snapshot = TemporarySnapshot([:])
        #expect(mkfifo(snapshot.directory.file("policies.json"), 0o644) == 0)
        expectRefused(
            snapshot,
            SnapshotProblem(
                file: "policies.json",
                reason: "is a FIFO, not a regular file; the copy stopped before anything was written"))
    }

    @Test func aLinkInsideGivesItsTargetsContent() throws {
        let snapshot = TemporarySnapshot(["exports/policies.json": #"{"policyVersions": []}"#])
        link("exports/policies.json", snapshot.directory.file("policies.json"))
        let scratch = TemporaryDirectory()
        try copy(snapshot, into: scratch)
        var status = stat()
        #expect(lstat(scratch.path + "/out/policies.json", &status) == 0)
        #expect((status.st_mode & S_IFMT) == S_IFREG)
        #expect(scratch.read("out/policies.json") == Array(#"{"policyVersions": []}"#.utf8))
        #expect(tree(scratch.path + "/out") == tree(snapshot.path))
    }

    // MARK: - Untouched bytes stay

    /// An untouched element with what a re-serialisation changes: `1.0e+2`, `-0`,
    /// `\/` and a byte that is not UTF-8; the same in a member that is not an array.
    static func hostileBytes(_ id: String) -> [UInt8] {
        Array(#"{"certificateId": "\#(id)", "n": 1.0e+2, "z": -0, "url": "a\/b", "bad": ""#.utf8) + [0xFF]
            + Array(#"", "status": "ACTIVE"}"#.utf8)
    }

    @Test func untouchedElementsKeepTheirBytes() throws {
        let edited = Array(#"{"certificateId": "bbb", "status": "ACTIVE"}"#.utf8)
        let head = Array(
            "{\n  \"note\": {\"n\": 1.0e+2, \"z\": -0, \"url\": \"a\\/b\"},\n  \"certificateDescriptions\": [\n    "
                .utf8)
        let file =
            head + Self.hostileBytes("aaa") + Array(",\n    ".utf8) + edited + Array(",\n    ".utf8)
            + Self.hostileBytes("ccc") + Array("\n  ]\n}\n".utf8)
        let snapshot = TemporarySnapshot([:])
        snapshot.directory.write("certificates.json", bytes: file)
        let scratch = TemporaryDirectory()
        let workspace = try SnapshotWorkspace(copying: try snapshot.open(), to: scratch.path + "/out")
        workspace.queueEdit(ElementEdit(.certificates, key: "bbb", [.set("status", "INACTIVE")]))
        try workspace.commit()
        let replacement = Array(JSONWriter.pretty(["certificateId": "bbb", "status": "INACTIVE"], level: 2).utf8)
        let expected =
            head + Self.hostileBytes("aaa") + Array(",\n    ".utf8) + replacement + Array(",\n    ".utf8)
            + Self.hostileBytes("ccc") + Array("\n  ]\n}\n".utf8)
        #expect(scratch.read("out/certificates.json") == expected)
    }

    @Test func untouchedLinesKeepTheirBytes() throws {
        let lines =
            Self.hostileBytes("aaa") + Array("\r\n".utf8) + Array(#"{"certificateId": "bbb", "status": "ACTIVE"}"#.utf8)
            + Array("\n".utf8) + Self.hostileBytes("ccc") + Array("\n".utf8)
        let snapshot = TemporarySnapshot([:])
        snapshot.directory.write("certificates.jsonl", bytes: lines)
        let scratch = TemporaryDirectory()
        let workspace = try SnapshotWorkspace(copying: try snapshot.open(), to: scratch.path + "/out")
        workspace.queueEdit(ElementEdit(.certificates, key: "bbb", [.remove]))
        workspace.queueAppend(.certificates, ["certificateId": "ddd"])
        try workspace.commit()
        #expect(
            scratch.read("out/certificates.jsonl")
                == Self.hostileBytes("aaa") + Array("\r\n".utf8) + Self.hostileBytes("ccc")
                + Array("\n{\"certificateId\":\"ddd\"}\n".utf8))
        // A last line without its newline still gets one before the appended element.
        let unterminated = TemporarySnapshot(["certificates.jsonl": #"{"certificateId": "aaa"}"#])
        let other = TemporaryDirectory()
        let second = try SnapshotWorkspace(copying: try unterminated.open(), to: other.path + "/out")
        second.queueAppend(.certificates, ["certificateId": "ddd"])
        try second.commit()
        #expect(
            other.read("out/certificates.jsonl")
                == Array("{\"certificateId\": \"aaa\"}\n{\"certificateId\":\"ddd\"}\n".utf8))
    }

    @Test func removingAndAppendingKeepsTheArrayValid() throws {
        let snapshot = TemporarySnapshot([
            "certificates.json":
                #"{"certificateDescriptions": [{"certificateId": "a"}, {"certificateId": "b"}, {"certificateId": "c"}], "x": 1}"#
        ])
        for removed in [["a"], ["b"], ["c"], ["a", "b"], ["b", "c"], ["a", "c"], ["a", "b", "c"]] {
            for append in [false, true] {
                let scratch = TemporaryDirectory()
                let workspace = try SnapshotWorkspace(copying: try snapshot.open(), to: scratch.path + "/out")
                for key in removed { workspace.queueEdit(ElementEdit(.certificates, key: key, [.remove])) }
                if append { workspace.queueAppend(.certificates, ["certificateId": "d"]) }
                try workspace.commit()
                let object = try Snapshot.open(scratch.path + "/out").readObject(.certificates)
                let ids = object["certificateDescriptions"]?.arrayValue?.compactMap { $0["certificateId"]?.stringValue }
                let expected = ["a", "b", "c"].filter { !removed.contains($0) } + (append ? ["d"] : [])
                #expect(ids == expected, "removed \(removed), append \(append)")
                #expect(object["x"] == 1)
            }
        }
    }

    // MARK: - Where outputs go, --force, leftovers

    @Test func mitigateOutputsInsideTheInputAreUsageErrors() throws {
        let workshop = try AuditedWorkshop()
        let input = workshop.snapshot.path
        let before = tree(input)
        for (options, message) in [
            (
                workshop.options(out: input + "/newdir/new"),
                "--out \(input)/newdir/new is inside the input snapshot \(input); outputs are never written into the input"
            ),
            (
                workshop.options(report: input + "/reports"),
                "--report \(input)/reports is inside the input snapshot \(input); outputs are never written into the input"
            ),
        ] {
            #expect(throws: UsageError(message)) { _ = try MitigateCommandRunner.run(options) }
        }
        #expect(tree(input) == before)
        #expect(FileSystem.entries(of: input)?.contains("newdir") == false)
    }

    @Test func forceReplacesAPreviousOutputAndStaleCopiesAreRemoved() throws {
        let workshop = try AuditedWorkshop()
        #expect(try MitigateCommandRunner.run(workshop.options()).exitStatus == 0)
        // A stale file in the previous output, and the copy of a killed run (a PID that does not exist).
        workshop.scratch.write("new-snapshot/stale.json", "{}")
        let killed = workshop.scratch.path + "/.new-snapshot.tmp-2147483646"
        workshop.scratch.write(".new-snapshot.tmp-2147483646/manifest.json", "{}")
        var again = workshop.options(report: workshop.scratch.path + "/report")
        #expect(
            throws: UsageError("--out \(workshop.out) is not empty (--force replaces a previous output there)")
        ) { _ = try MitigateCommandRunner.run(again) }
        again.force = true
        let report = try MitigateCommandRunner.run(again)
        #expect(report.exitStatus == 0)
        #expect(tree(workshop.out)["stale.json"] == nil)
        #expect(tree(workshop.out)["manifest.json"] != nil)
        #expect(!FileManager.default.fileExists(atPath: killed))
        #expect(
            FileSystem.entries(of: workshop.scratch.path + "/report")?.sorted() == [
                "executions.json", "mitigation-task.json", "remediation.sh", "sns-outbox.jsonl",
            ])
    }

    @Test func forceDoesNotDeleteSomethingThatIsNotASnapshot() throws {
        let workshop = try AuditedWorkshop()
        workshop.scratch.write("new-snapshot/thesis.tex", "mine")
        var options = workshop.options()
        options.force = true
        #expect(
            throws: UsageError(
                "--out \(workshop.out) is not empty and holds no snapshot (no manifest.json); --force only replaces a "
                    + "previous output")
        ) { _ = try MitigateCommandRunner.run(options) }
        #expect(workshop.scratch.read("new-snapshot/thesis.tex") == Array("mine".utf8))
    }

    @Test func aFailedCopyLeavesNoTemporaryDirectory() throws {
        let workshop = try AuditedWorkshop()
        let outside = TemporaryDirectory()
        outside.write("secret", "s")
        link(outside.file("secret"), workshop.snapshot.directory.file("secret"))
        let report = try MitigateCommandRunner.run(workshop.options())
        #expect(report.exitStatus == 2)
        #expect(
            report.errorLines == [
                "fleet-audit: mitigate: secret: is a symbolic link to a path outside the snapshot; the copy stopped before "
                    + "anything was written"
            ])
        #expect(FileSystem.entries(of: workshop.scratch.path) == [])
    }

    @Test func hostileActionNamesAreEscapedInTheSummary() throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(workshop.options())
        #expect(report.exitStatus == 0)
        // Our own summary holds no control characters beyond its line breaks.
        #expect(!report.summary.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
}
