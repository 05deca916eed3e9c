import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

/// Raw element bytes of a file's primary array, in order.
func rawElements(_ path: String, form: JSONFileForm = .object) throws -> [String] {
    let stream = try JSONElementStream(path: path, form: form)
    var elements: [String] = []
    while let event = try stream.next() {
        if case .element(let element) = event { elements.append(String(decoding: element.bytes, as: UTF8.self)) }
    }
    return elements
}

@Suite struct SnapshotWorkspaceTests {
    static let certificates = #"""
        {
            "certificateDescriptions": [
                {
                    "certificateId": "aaa",
                    "status": "ACTIVE"
                },
                {
                    "certificateId": "bbb",
                    "status": "ACTIVE"
                },
                {"certificateId": "ccc",   "status": "ACTIVE"}
            ],
            "note": {"kept": true}
        }
        """#

    @Test func queuedEditsChangeOnlyTheirElementsAndCopyTheRestByteForByte() throws {
        let input = TemporarySnapshot(["certificates.json": Self.certificates])
        let scratch = TemporaryDirectory()
        let workspace = try SnapshotWorkspace(copying: try input.open(), to: scratch.path + "/out")
        workspace.queueEdit(ElementEdit(.certificates, key: "bbb", [.set("status", "INACTIVE")]))
        workspace.queueAppend(.certificates, ["certificateId": "ddd", "status": "PENDING_TRANSFER"])
        try workspace.commit()
        let before = try rawElements(input.path + "/certificates.json")
        let after = try rawElements(scratch.path + "/out/certificates.json")
        #expect(after.count == 4)
        #expect(after[0] == before[0])
        #expect(after[2] == before[2])
        #expect(
            try JSONParser.parse(after[1]).get() == ["certificateId": "bbb", "status": "INACTIVE"])
        #expect(try JSONParser.parse(after[3]).get() == ["certificateId": "ddd", "status": "PENDING_TRANSFER"])
        let whole = try Snapshot.open(scratch.path + "/out").readObject(.certificates)
        #expect(whole["note"] == ["kept": true])
        // The input is untouched.
        #expect(TemporaryDirectory.readFile(input.path + "/certificates.json") == Array(Self.certificates.utf8))
    }

    @Test func editsOfAJSONLinesFile() throws {
        let input = TemporarySnapshot([
            "certificates.jsonl": "{\"certificateId\": \"aaa\", \"status\": \"ACTIVE\"}\n{\"certificateId\":\"bbb\"}\n"
        ])
        let scratch = TemporaryDirectory()
        let workspace = try SnapshotWorkspace(copying: try input.open(), to: scratch.path + "/out")
        workspace.queueEdit(ElementEdit(.certificates, key: "aaa", [.remove]))
        try workspace.commit()
        #expect(
            String(decoding: TemporaryDirectory.readFile(scratch.path + "/out/certificates.jsonl"), as: UTF8.self)
                == "{\"certificateId\":\"bbb\"}\n")
    }

    @Test func appendingCreatesAnAbsentFile() throws {
        let input = TemporarySnapshot([:])
        let scratch = TemporaryDirectory()
        let workspace = try SnapshotWorkspace(copying: try input.open(), to: scratch.path + "/out")
        workspace.queueAppend(.thingGroupMembers, ["thingGroupName": "quarantine", "things": ["t1"]])
        try workspace.commit()
        #expect(
            try Snapshot.open(scratch.path + "/out").readObject(.thingGroupMembers)
                == JSONObject([("thingGroupMembers", [["thingGroupName": "quarantine", "things": ["t1"]]])]))
    }

    @Test func anUnfinishedWorkspaceLeavesNothingBehind() throws {
        let input = TemporarySnapshot([:])
        let scratch = TemporaryDirectory()
        do {
            _ = try SnapshotWorkspace(copying: try input.open(), to: scratch.path + "/out")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }
}
