import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

@Suite struct AddThingsToThingGroupTests {
    typealias Fixtures = CertificateFixtures

    static func group(_ name: String, parent: String? = nil, query: String? = nil) -> JSONValue {
        var object = JSONObject([
            ("thingGroupName", .string(name)),
            ("thingGroupArn", .string("arn:aws:iot:us-east-1:123456789012:thinggroup/\(name)")),
        ])
        if let parent {
            object["thingGroupMetadata"] = [
                "parentGroupName": .string(parent),
                "rootToParentThingGroups": [["groupName": .string(parent)]],
            ]
        }
        if let query { object["queryString"] = .string(query) }
        return .object(object)
    }

    /// `expired` is attached to sensor-1 and sensor-2; `rsa2048` to gw. sensor-1 is in Lab1
    /// (a child of Fleet) and `extraGroups`, sensor-2 in the dynamic LowBattery.
    static func files(extraGroups: [String] = [], dynamicForSensor1: Bool = false) -> [String: String] {
        var groups = [
            group("Quarantine"), group("Fleet"), group("Lab1", parent: "Fleet"), group("Lab2", parent: "Fleet"),
            group("LowBattery", query: "attributes.battery < 10"),
        ]
        groups += extraGroups.map { group($0) }
        var members: [JSONValue] = [
            ["thingGroupName": "Lab1", "things": ["sensor-1"]],
            [
                "thingGroupName": "LowBattery",
                "things": .array(dynamicForSensor1 ? ["sensor-2", "sensor-1"] : ["sensor-2"]),
            ],
        ]
        members += extraGroups.map { ["thingGroupName": .string($0), "things": ["sensor-1"]] }
        return [
            "certificates.json": CertificateFixture.file([Fixtures.expired.device(), Fixtures.rsa2048.device()]),
            "thing-principals.json": JSONWriter.pretty([
                "principalThings": [
                    ["principal": .string(Fixtures.expired.arn), "things": ["sensor-1", "sensor-2"]],
                    ["principal": .string(Fixtures.rsa2048.arn), "things": ["gw"]],
                ]
            ]),
            "thing-groups.json": JSONWriter.pretty(["thingGroups": .array(groups)]),
            "thing-group-members.json": JSONWriter.pretty(["thingGroupMembers": .array(members)]),
        ]
    }

    static let checks = ["DEVICE_CERTIFICATE_EXPIRING_CHECK"]

    func members(_ audited: AuditedSnapshot) throws -> [String: [JSONValue]] {
        var result: [String: [JSONValue]] = [:]
        for element in try audited.json(audited.out + "/thing-group-members.json")["thingGroupMembers"]?.arrayValue
            ?? []
        {
            if let name = element["thingGroupName"]?.stringValue { result[name] = element["things"]?.arrayValue }
        }
        return result
    }

    @Test func beforeAndAfter() throws {
        let audited = try AuditedSnapshot(Self.files(), checks: Self.checks)
        let report = try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineAction"]}"#)
        #expect(report.exitStatus == 0)
        #expect(report.outcome?.executions.map(\.status) == [.completed])
        #expect(
            try members(audited) == [
                "Lab1": ["sensor-1"], "LowBattery": ["sensor-2"], "Quarantine": ["sensor-1", "sensor-2"],
            ])
        // Quarantine changes no certificate: the finding is still there on a re-audit.
        #expect(try audited.reaudit().checks.first?.details.nonCompliantResourcesCount == 1)
        // Everything but thing-group-members.json is copied byte for byte.
        for name in ["certificates.json", "thing-groups.json", "thing-principals.json"] {
            #expect(
                TemporaryDirectory.readFile(audited.out + "/" + name)
                    == TemporaryDirectory.readFile(audited.snapshot.path + "/" + name))
        }
    }

    @Test func quarantineThenDeactivate() throws {
        let audited = try AuditedSnapshot(Self.files(), checks: Self.checks)
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineAction", "DeactivateDeviceCertificateAction"]}"#)
        #expect(report.outcome?.executions.map(\.status) == [.completed, .completed])
        #expect(try members(audited)["Quarantine"] == ["sensor-1", "sensor-2"])
        #expect(try audited.reaudit().checks.first?.details.checkRunStatus == .completedCompliant)
    }

    @Test func atTheTenGroupLimitTheLastDynamicGroupMakesRoom() throws {
        let extra = (1...8).map { "Team\($0)" }
        let audited = try AuditedSnapshot(Self.files(extraGroups: extra, dynamicForSensor1: true), checks: Self.checks)
        #expect(
            try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineAction"]}"#).exitStatus == 0)
        let after = try members(audited)
        #expect(after["LowBattery"] == ["sensor-2"])
        #expect(after["Quarantine"] == ["sensor-1", "sensor-2"])
    }

    @Test func atTheLimitWithoutOverrideTheExecutionFails() throws {
        let extra = (1...8).map { "Team\($0)" }
        let audited = try AuditedSnapshot(Self.files(extraGroups: extra, dynamicForSensor1: true), checks: Self.checks)
        let report = try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineNoOverrideAction"]}"#)
        #expect(report.exitStatus == 1)
        let execution = try #require(report.outcome?.executions.first)
        #expect(execution.errorCode == "LimitExceededException")
        #expect(execution.message == "thing sensor-1 is already in 10 thing groups (the limit is 10)")
        // All or nothing: sensor-2 was not added either.
        #expect(try members(audited)["Quarantine"] == nil)
    }

    @Test func atTheLimitWithOnlyStaticGroups() throws {
        let extra = (1...9).map { "Team\($0)" }
        let audited = try AuditedSnapshot(Self.files(extraGroups: extra), checks: Self.checks)
        let report = try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["QuarantineAction"]}"#)
        let execution = try #require(report.outcome?.executions.first)
        #expect(execution.errorCode == "LimitExceededException")
        #expect(
            execution.message
                == "thing sensor-1 is already in 10 thing groups (the limit is 10) and none of them is dynamic")
    }

    func run(_ groups: String, _ files: [String: String] = files()) throws -> ActionExecution {
        var files = files
        files["mitigation-actions.json"] = #"""
            {"mitigationActions": [{"actionName": "Move", "actionType": "ADD_THINGS_TO_THING_GROUP",
              "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionThings_Role",
              "actionParams": {"addThingsToThingGroupParams": {"thingGroupNames": \#(groups)}}}]}
            """#
        let audited = try AuditedSnapshot(files, checks: Self.checks)
        let report = try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["Move"]}"#)
        return try #require(report.outcome?.executions.first)
    }

    @Test func aGroupThatDoesNotExist() throws {
        let execution = try run(#"["Quarantine", "Nowhere"]"#)
        #expect(execution.errorCode == "ResourceNotFoundException")
        #expect(execution.message == "thing group Nowhere is not in thing-groups.json")
    }

    @Test func aDynamicGroup() throws {
        let execution = try run(#"["LowBattery"]"#)
        #expect(execution.errorCode == "InvalidRequestException")
        #expect(execution.message == "thing group LowBattery is dynamic; things cannot be added to it")
    }

    @Test func oneGroupPerHierarchy() throws {
        let execution = try run(#"["Lab2"]"#)
        #expect(execution.errorCode == "InvalidRequestException")
        #expect(
            execution.message
                == "thing sensor-1 is in Lab1, of the same hierarchy as Lab2 (root Fleet); a thing can be in one group per hierarchy"
        )
    }

    @Test func aCertificateWithoutThingsCompletesWithNothingToDo() throws {
        var files = Self.files()
        files["thing-principals.json"] = #"{"principalThings": []}"#
        let execution = try run(#"["Quarantine"]"#, files)
        #expect(execution.status == .completed)
    }

    @Test(arguments: [
        (
            #"["A","B","C","D","E","F","G","H","I","J","K"]"#,
            "addThingsToThingGroupParams.thingGroupNames must list 1 to 10 thing group names"
        ),
        (
            #"["Quar antine"]"#,
            #"addThingsToThingGroupParams.thingGroupNames: "Quar antine" is not a thing group name (1 to 128 characters of [a-zA-Z0-9:_-])"#
        ),
        ("[]", "addThingsToThingGroupParams.thingGroupNames must list 1 to 10 thing group names"),
    ])
    func badParameters(groups: String, message: String) throws {
        var files = Self.files()
        files["mitigation-actions.json"] = #"""
            {"mitigationActions": [{"actionName": "Move", "actionType": "ADD_THINGS_TO_THING_GROUP",
              "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionThings_Role",
              "actionParams": {"addThingsToThingGroupParams": {"thingGroupNames": \#(groups)}}}]}
            """#
        let audited = try AuditedSnapshot(files, checks: Self.checks)
        // Invalid action parameters are a usage error (64), refused before anything is written.
        #expect(throws: UsageError(message)) {
            try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["Move"]}"#)
        }
        #expect(!FileManager.default.fileExists(atPath: audited.out))
    }
}
