import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

let certificateActions = #"""
    {"mitigationActions": [
      {"actionName": "DeactivateDeviceCertificateAction", "actionType": "UPDATE_DEVICE_CERTIFICATE",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionCert_Role",
       "actionParams": {"updateDeviceCertificateParams": {"action": "DEACTIVATE"}}},
      {"actionName": "DeactivateCACertificateAction", "actionType": "UPDATE_CA_CERTIFICATE",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionCert_Role",
       "actionParams": {"updateCACertificateParams": {"action": "DEACTIVATE"}}},
      {"actionName": "ActivateAction", "actionType": "UPDATE_DEVICE_CERTIFICATE",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionCert_Role",
       "actionParams": {"updateDeviceCertificateParams": {"action": "ACTIVATE"}}},
      {"actionName": "QuarantineAction", "actionType": "ADD_THINGS_TO_THING_GROUP",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionThings_Role",
       "actionParams": {"addThingsToThingGroupParams": {"thingGroupNames": ["Quarantine"], "overrideDynamicGroups": true}}},
      {"actionName": "QuarantineNoOverrideAction", "actionType": "ADD_THINGS_TO_THING_GROUP",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionThings_Role",
       "actionParams": {"addThingsToThingGroupParams": {"thingGroupNames": ["Quarantine"]}}},
      {"actionName": "PublishFindingToSnsAction", "actionType": "PUBLISH_FINDING_TO_SNS",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionPublishToSns_Role",
       "actionParams": {"publishFindingToSnsParams": {"topicArn": "arn:aws:sns:us-east-1:123456789012:DevDefenderAudit"}}}
    ]}
    """#

/// A snapshot, audited once with `checks`, ready to be mitigated and re-audited.
final class AuditedSnapshot: @unchecked Sendable {
    let snapshot: TemporarySnapshot
    let audit = TemporaryDirectory(prefix: "fleet-audit-audit")
    let scratch = TemporaryDirectory(prefix: "fleet-audit-mitigated")
    let checks: [String]
    let findings: [AuditFinding]

    init(_ files: [String: String], checks: [String]) throws {
        var files = files
        if files["mitigation-actions.json"] == nil { files["mitigation-actions.json"] = certificateActions }
        snapshot = TemporarySnapshot(files)
        self.checks = checks
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: audit.path, checkNames: checks, taskId: "audit-1", workers: 1))
        findings = report.outcome?.checks.flatMap(\.preview) ?? []
    }

    var out: String { scratch.path + "/new-snapshot" }
    var report: String { scratch.path + "/report" }

    func mitigate(_ mapping: String, target: String? = nil, snapshotPath: String? = nil) throws -> MitigateReport {
        try MitigateCommandRunner.run(
            MitigateOptions(
                snapshotPath: snapshotPath ?? snapshot.path, auditDirectory: audit.path, target: target,
                mapping: mapping, outputPath: out, reportDirectory: report, taskId: "mitigation-1",
                now: "2026-11-27T09:30:00Z"))
    }

    /// The checks run again on the new snapshot.
    func reaudit() throws -> AuditOutcome {
        let directory = TemporaryDirectory()
        let result = try AuditCommandRunner.run(
            AuditOptions(snapshotPath: out, outputPath: directory.path, checkNames: checks, workers: 1))
        return try #require(result.outcome)
    }

    func json(_ path: String) throws -> JSONValue { try JSONParser.parse(TemporaryDirectory.readFile(path)).get() }

    /// `certificateId` → element of a certificates file.
    func certificates(_ path: String) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for element in try json(path)["certificateDescriptions"]?.arrayValue ?? [] {
            if let id = element["certificateId"]?.stringValue { result[id] = element }
        }
        return result
    }
}

@Suite struct UpdateDeviceCertificateTests {
    typealias Fixtures = CertificateFixtures

    static let files: [String: String] = [
        "certificates.json": CertificateFixture.file([
            Fixtures.expired.device(), Fixtures.expiring.device(), Fixtures.rsa2048.device(),
            Fixtures.ecP256.device(status: "REVOKED"),
        ])
    ]

    @Test func beforeAndAfterAndTheFindingIsGoneOnReaudit() throws {
        let audited = try AuditedSnapshot(Self.files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(
            audited.findings.map(\.nonCompliantResource.resourceIdentifier) == [
                .deviceCertificateId(Fixtures.expired.id), .deviceCertificateId(Fixtures.expiring.id),
            ])
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateDeviceCertificateAction"]}"#)
        #expect(report.exitStatus == 0)
        #expect(report.outcome?.executions.map(\.status) == [.completed, .completed])
        let before = try audited.certificates(audited.snapshot.path + "/certificates.json")
        let after = try audited.certificates(audited.out + "/certificates.json")
        for fixture in [Fixtures.expired, Fixtures.expiring] {
            #expect(before[fixture.id]?["status"] == "ACTIVE")
            #expect(after[fixture.id]?["status"] == "INACTIVE")
            #expect(after[fixture.id]?["lastModifiedDate"] == "2026-11-27T09:30:00.000000+00:00")
            #expect(after[fixture.id]?["certificatePem"] == before[fixture.id]?["certificatePem"])
        }
        #expect(after[Fixtures.rsa2048.id] == before[Fixtures.rsa2048.id])
        #expect(after[Fixtures.ecP256.id]?["status"] == "REVOKED")
        let reaudit = try audited.reaudit()
        #expect(reaudit.checks.first?.details.checkRunStatus == .completedCompliant)
        #expect(reaudit.checks.first?.details.totalResourcesCount == 1)
    }

    @Test func aCertificateNotInTheSnapshotFailsTheExecution() throws {
        let audited = try AuditedSnapshot(Self.files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        // Mitigate a snapshot from which the expired certificate has gone.
        let other = TemporarySnapshot([
            "certificates.json": CertificateFixture.file([Fixtures.expiring.device()]),
            "mitigation-actions.json": certificateActions,
        ])
        try rebind(auditDirectory: audited.audit.path, to: other.path)
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateDeviceCertificateAction", "PublishFindingToSnsAction"]}"#,
            snapshotPath: other.path)
        #expect(report.exitStatus == 1)
        let executions = try #require(report.outcome?.executions)
        #expect(executions.map(\.status) == [.failed, .skipped, .completed, .completed])
        #expect(executions[0].errorCode == "ResourceNotFoundException")
        #expect(executions[0].message == "certificate \(Fixtures.expired.id) is not in certificates.json")
        let after = try audited.certificates(audited.out + "/certificates.json")
        #expect(after[Fixtures.expiring.id]?["status"] == "INACTIVE")
    }

    @Test func aCertificateInTransferCannotBeDeactivated() throws {
        let files = [
            "certificates.json": CertificateFixture.file([Fixtures.expired.device(status: "PENDING_TRANSFER")])
        ]
        let audited = try AuditedSnapshot(files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateDeviceCertificateAction"]}"#)
        #expect(report.exitStatus == 1)
        let execution = try #require(report.outcome?.executions.first)
        #expect(execution.errorCode == "CertificateStateException")
        #expect(
            execution.message
                == "certificate \(Fixtures.expired.id) is PENDING_TRANSFER; its status cannot be changed to INACTIVE")
        #expect(
            try audited.certificates(audited.out + "/certificates.json")[Fixtures.expired.id]?["status"]
                == "PENDING_TRANSFER")
    }

    @Test func onlyDEACTIVATEIsAccepted() throws {
        let audited = try AuditedSnapshot(Self.files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(throws: UsageError("updateDeviceCertificateParams.action must be DEACTIVATE, found 'ACTIVATE'")) {
            try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["ActivateAction"]}"#)
        }
        #expect(!FileManager.default.fileExists(atPath: audited.out))
    }

    @Test func notForTheAgeCheck() throws {
        let files = [
            "certificates.json": CertificateFixture.file([Fixtures.ecP256.device(created: "2024-01-01T00:00:00Z")])
        ]
        let audited = try AuditedSnapshot(files, checks: ["DEVICE_CERTIFICATE_AGE_CHECK"])
        #expect(
            throws: UsageError(
                "action DeactivateDeviceCertificateAction (UPDATE_DEVICE_CERTIFICATE) cannot mitigate DEVICE_CERTIFICATE_AGE_CHECK; it applies to "
                    + "DEVICE_CERTIFICATE_EXPIRING_CHECK, DEVICE_CERTIFICATE_KEY_QUALITY_CHECK, DEVICE_CERTIFICATE_SHARED_CHECK, "
                    + "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK, REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"
            )
        ) {
            try audited.mitigate(#"{"DEVICE_CERTIFICATE_AGE_CHECK": ["DeactivateDeviceCertificateAction"]}"#)
        }
    }

    @Test func aJSONLinesCertificatesFileIsEditedInPlace() throws {
        let lines = [Fixtures.expired.device(), Fixtures.rsa2048.device()].map { JSONWriter.compact($0) }
        let files = ["certificates.jsonl": lines.joined(separator: "\n") + "\n"]
        let audited = try AuditedSnapshot(files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(
            try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateDeviceCertificateAction"]}"#)
                .exitStatus == 0)
        let text = String(decoding: TemporaryDirectory.readFile(audited.out + "/certificates.jsonl"), as: UTF8.self)
        let after = text.split(separator: "\n")
        #expect(after.count == 2)
        #expect(after[0].contains(#""status":"INACTIVE""#))
        #expect(after[1] == lines[1][...])
        #expect(try audited.reaudit().checks.first?.details.checkRunStatus == .completedCompliant)
    }
}

@Suite struct UpdateCACertificateTests {
    typealias Fixtures = CertificateFixtures

    @Test func beforeAndAfterAndTheFindingIsGoneOnReaudit() throws {
        let files = [
            "manifest.json": CertificateFixture.manifest(exportedAt: "2039-12-15T00:00:00Z"),
            "ca-certificates.json": CertificateFixture.file([Fixtures.rootCA.ca(), Fixtures.otherCA.ca()]),
        ]
        let audited = try AuditedSnapshot(files, checks: ["CA_CERTIFICATE_EXPIRING_CHECK"])
        #expect(audited.findings.count == 2)
        let report = try audited.mitigate(
            #"{"CA_CERTIFICATE_EXPIRING_CHECK": ["DeactivateCACertificateAction"]}"#,
            target: #"{"findingIds": ["\#(audited.findings[0].findingId)"]}"#)
        #expect(report.exitStatus == 0)
        let after = try audited.certificates(audited.out + "/ca-certificates.json")
        #expect(after[Fixtures.rootCA.id]?["status"] == "INACTIVE")
        #expect(after[Fixtures.otherCA.id]?["status"] == "ACTIVE")
        let reaudit = try audited.reaudit()
        #expect(
            reaudit.checks.first?.preview.map(\.nonCompliantResource.resourceIdentifier) == [
                .caCertificateId(Fixtures.otherCA.id)
            ])
    }

    @Test func notForADeviceCertificateCheck() throws {
        let audited = try AuditedSnapshot(
            UpdateDeviceCertificateTests.files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(
            throws: UsageError(
                "action DeactivateCACertificateAction (UPDATE_CA_CERTIFICATE) cannot mitigate DEVICE_CERTIFICATE_EXPIRING_CHECK; it applies to "
                    + "CA_CERTIFICATE_EXPIRING_CHECK, CA_CERTIFICATE_KEY_QUALITY_CHECK, REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"
            )
        ) {
            try audited.mitigate(#"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateCACertificateAction"]}"#)
        }
    }
}

/// Issue 10, numbers: a `customerVersion` that cannot be incremented fails the
/// execution with an API-style error (2^63-1 used to trap), and nothing is edited.
@Suite struct CustomerVersionNumberTests {
    typealias Fixtures = CertificateFixtures

    @Test(arguments: [
        (JSONValue.integer(Int64.max), "customerVersion 9223372036854775807 cannot be incremented"),
        (JSONValue.integer(-1), "customerVersion -1 is negative"),
        (JSONValue.string("7"), #"customerVersion is string "7"; expected an integer"#),
        (JSONValue.real(1.5), "customerVersion is number 1.5; expected an integer"),
    ])
    func anUnusableCustomerVersionFailsTheExecution(version: JSONValue, reason: String) throws {
        guard case .object(var device) = Fixtures.expired.device() else { return }
        device["customerVersion"] = version
        let audited = try AuditedSnapshot(
            ["certificates.json": CertificateFixture.file([.object(device)])],
            checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateDeviceCertificateAction"]}"#)
        #expect(report.exitStatus == 1)
        let execution = try #require(report.outcome?.executions.first)
        #expect(execution.status == .failed)
        #expect(execution.errorCode == "InvalidRequestException")
        #expect(execution.message == "certificate \(Fixtures.expired.id): \(reason)")
        let after = try audited.certificates(audited.out + "/certificates.json")
        #expect(after[Fixtures.expired.id]?["status"] == "ACTIVE")
        #expect(after[Fixtures.expired.id]?["customerVersion"] == version)
    }
}
