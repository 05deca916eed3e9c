import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// Defender never applies mitigation actions to suppressed findings: the
/// harm of the trial run in issue 11 (a suppressed expiring certificate set
/// INACTIVE) must not happen.
@Suite struct SuppressedFindingMitigationTests {
    typealias Fixtures = CertificateFixtures

    @Test func aSuppressedExpiringCertificateStaysActive() throws {
        let suppressions = #"""
            {"suppressions": [{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK",
              "resourceIdentifier": {"deviceCertificateId": "\#(Fixtures.expiring.id)"},
              "expirationDate": "2027-01-01T00:00:00Z", "suppressIndefinitely": false,
              "description": "replacement scheduled"}]}
            """#
        let files = [
            "certificates.json": CertificateFixture.file([Fixtures.expired.device(), Fixtures.expiring.device()]),
            "audit-suppressions.json": suppressions,
        ]
        let audited = try AuditedSnapshot(files, checks: ["DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(audited.findings.map(\.isSuppressed) == [false, true])
        let report = try audited.mitigate(
            #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["DeactivateDeviceCertificateAction"]}"#)
        #expect(report.exitStatus == 0)
        let executions = try #require(report.outcome?.executions)
        #expect(executions.map(\.status) == [.completed, .skipped])
        #expect(executions[1].findingId == audited.findings[1].findingId)
        #expect(executions[1].message == "the finding is suppressed")
        let after = try audited.certificates(audited.out + "/certificates.json")
        #expect(after[Fixtures.expiring.id]?["status"] == "ACTIVE")
        #expect(after[Fixtures.expired.id]?["status"] == "INACTIVE")
        let task = try audited.json(audited.report + "/mitigation-task.json")
        let statistics = task["taskStatistics"]?["DEVICE_CERTIFICATE_EXPIRING_CHECK"]
        #expect(statistics?["skippedFindingsCount"] == 1)
        #expect(statistics?["succeededFindingsCount"] == 1)
    }
}
