import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

@Suite struct SnapshotTests {
    @Test func missingDirectory() {
        #expect(throws: SnapshotProblem(file: "/nonexistent/snapshot", reason: "snapshot directory not found")) {
            try Snapshot.open("/nonexistent/snapshot")
        }
    }

    @Test func notADirectory() {
        let snapshot = TemporarySnapshot([:])
        #expect(throws: SnapshotProblem(file: snapshot.path + "/manifest.json", reason: "not a directory")) {
            try Snapshot.open(snapshot.path + "/manifest.json")
        }
    }

    @Test func missingManifest() {
        let snapshot = TemporarySnapshot(["logging-options.json": "{}"], manifest: false)
        #expect(
            throws: SnapshotProblem(file: "manifest.json", reason: "missing: every snapshot needs a manifest.json")
        ) { try snapshot.open() }
    }

    @Test func manifestWithABadAccountId() {
        let snapshot = TemporarySnapshot([
            "manifest.json": #"{"accountId": "1234", "region": "us-east-1", "exportedAt": "2026-11-26T08:00:00Z"}"#
        ])
        #expect(throws: SnapshotProblem(file: "manifest.json", reason: "'accountId' must be 12 digits, found '1234'")) {
            try snapshot.open()
        }
    }

    @Test func truncatedManifest() {
        let snapshot = TemporarySnapshot(["manifest.json": #"{"accountId": "123456789012", "#])
        #expect(
            throws: SnapshotProblem(
                file: "manifest.json", byteOffset: 30, reason: "file ends inside the top-level object (truncated)")
        ) { try snapshot.open() }
    }

    @Test func manifestIsReadWithUnavailableFiles() throws {
        let snapshot = TemporarySnapshot([
            "manifest.json": #"""
            {"accountId": "123456789012", "region": "eu-west-1", "exportedAt": 1764144000,
             "unavailable": [{"file": "iam.json", "reason": "AccessDenied"}]}
            """#,
            "notes.txt": "hello",
        ])
        let opened = try snapshot.open()
        #expect(
            opened.manifest
                == SnapshotManifest(
                    accountId: "123456789012", region: "eu-west-1",
                    exportedAt: AuditTime(millisecondsSinceEpoch: 1_764_144_000_000),
                    unavailable: ["iam.json": "AccessDenied"]))
        #expect(opened.unknownEntries == ["notes.txt"])
        #expect(
            opened.locate(.iam).failure
                == SnapshotProblem(file: "iam.json", reason: "not collected by the exporter: AccessDenied"))
    }

    @Test func bothFormsOfOneFileAreAnError() throws {
        let snapshot = TemporarySnapshot([
            "policies.json": #"{"policyVersions": []}"#, "policies.jsonl": "",
        ])
        #expect(
            try snapshot.open().locate(.policies).failure
                == SnapshotProblem(
                    file: "policies.json",
                    reason: "both policies.json and policies.jsonl exist; a snapshot must hold only one"))
    }

    @Test func locatesTheJSONLinesForm() throws {
        let snapshot = TemporarySnapshot(["certificates.jsonl": "{}\n"])
        let located = try snapshot.open().locate(.certificates).get()
        #expect(located.name == "certificates.jsonl")
        #expect(located.form == .lines)
    }

    @Test func absentFile() throws {
        let snapshot = TemporarySnapshot([:])
        #expect(
            try snapshot.open().locate(.policies).failure
                == SnapshotProblem(file: "policies.json", reason: "file not found in the snapshot"))
    }

    @Test func problemLinesFollowTheFormatDocument() {
        #expect(
            SnapshotProblem(file: "policies.json", elementIndex: 3, byteOffset: 1042, reason: "bad").description
                == "policies.json: element 3 (byte 1042): bad")
        #expect(SnapshotProblem(file: "iam.json", byteOffset: 7, reason: "bad").description == "iam.json: byte 7: bad")
        #expect(SnapshotProblem(file: "iam.json", reason: "bad").description == "iam.json: bad")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
