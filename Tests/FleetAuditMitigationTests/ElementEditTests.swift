import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditMitigation
import Testing

/// What each `ElementChange` does to one element (the values actions return; the workspace
/// applies them in its streamed rewrite).
@Suite struct ElementEditTests {
    static let now = AuditTime(millisecondsSinceEpoch: 1_795_771_800_000)

    func apply(_ changes: [ElementChange], where condition: ElementCondition? = nil, to element: JSONValue)
        -> [JSONValue]
    {
        ElementEdit(.certificates, key: "a", where: condition, changes).apply(to: element)
    }

    @Test func setTimeKeepsTheFormTheMemberHas() {
        #expect(
            apply([.setTime("lastModifiedDate", Self.now)], to: ["lastModifiedDate": .real(1_767_312_000.5)])
                == [["lastModifiedDate": .real(1_795_771_800)]])
        #expect(
            apply([.setTime("lastModifiedDate", Self.now)], to: ["lastModifiedDate": "2026-01-02T00:00:00Z"])
                == [["lastModifiedDate": "2026-11-27T09:30:00.000000+00:00"]])
        #expect(
            apply([.setTime("lastModifiedDate", Self.now)], to: ["status": "ACTIVE"])
                == [["status": "ACTIVE", "lastModifiedDate": "2026-11-27T09:30:00.000000+00:00"]])
    }

    @Test func incrementAddsOneToAnIntegerOnly() {
        #expect(apply([.increment("customerVersion")], to: ["customerVersion": 1]) == [["customerVersion": 2]])
        #expect(
            apply([.increment("customerVersion")], to: ["customerVersion": .integer(Int64.max)])
                == [["customerVersion": .integer(Int64.max)]])
        #expect(apply([.increment("customerVersion")], to: ["customerVersion": "1"]) == [["customerVersion": "1"]])
        #expect(apply([.increment("customerVersion")], to: ["status": "ACTIVE"]) == [["status": "ACTIVE"]])
    }

    @Test func arrayMembers() {
        #expect(apply([.addToArray("things", "t2")], to: ["things": ["t1"]]) == [["things": ["t1", "t2"]]])
        #expect(apply([.addToArray("things", "t1")], to: ["things": ["t1"]]) == [["things": ["t1"]]])
        #expect(apply([.addToArray("things", "t1")], to: ["things": "t0"]) == [["things": ["t1"]]])
        #expect(apply([.removeFromArray("things", "t1")], to: ["things": ["t1", "t2", "t1"]]) == [["things": ["t2"]]])
        #expect(apply([.removeFromArray("things", "t1")], to: ["name": "g"]) == [["name": "g", "things": []]])
    }

    @Test func insertAfterCopiesTheMembersTheElementHas() {
        #expect(
            apply(
                [.set("isDefaultVersion", false), .insertAfter(copying: ["policyArn"], JSONObject([("v", "2")]))],
                to: ["policyArn": "arn", "v": "1", "isDefaultVersion": true])
                == [["policyArn": "arn", "v": "1", "isDefaultVersion": false], ["policyArn": "arn", "v": "2"]])
        #expect(
            apply([.insertAfter(copying: ["policyArn"], JSONObject([("v", "2")]))], to: ["v": "1"])
                == [["v": "1"], ["v": "2"]])
    }

    @Test func conditionRemovalAndNonObjects() {
        let isDefault = ElementCondition(member: "isDefaultVersion", equals: true)
        #expect(
            apply([.set("x", 1)], where: isDefault, to: ["isDefaultVersion": false]) == [["isDefaultVersion": false]])
        #expect(
            apply([.set("x", 1)], where: isDefault, to: ["isDefaultVersion": true])
                == [["isDefaultVersion": true, "x": 1]])
        #expect(apply([.remove], to: ["a": 1]) == [])
        #expect(apply([.set("status", "INACTIVE"), .remove], to: "not an object") == ["not an object"])
    }
}
