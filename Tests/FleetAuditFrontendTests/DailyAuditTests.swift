import FleetAuditBase
import FleetAuditChecks
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditReports
import FleetAuditTestSupport
import Foundation
import Testing

@testable import FleetAuditCore

/// A hand-made finding for an audit directory written by `AuditDirectoryFixture`.
struct FixtureFinding {
    var check: String
    var severity: Severity
    var identifier: ResourceIdentifier
    var code: String
    var suppressed = false
    var resourceType: ResourceType = .deviceCertificate
}

/// Writes an audit output directory as `fleet-audit audit` does (audit-task.json,
/// audit-source.json, findings.json), with findings and check statuses chosen by the test.
enum AuditDirectoryFixture {
    static func write(
        _ directory: TemporaryDirectory, taskId: String, account: String? = "123456789012",
        region: String = "us-east-1", time: String = "2026-11-26T08:00:00Z",
        statuses: [String: CheckRunStatus] = [:], findings: [FixtureFinding]
    ) throws {
        let auditTime = try #require(AuditTime(iso8601: time))
        var checks: [String] = []
        for name in findings.map(\.check) + statuses.keys.sorted() where !checks.contains(name) { checks.append(name) }
        let details = checks.map { name -> (String, AuditCheckDetails) in
            let status =
                statuses[name]
                ?? (findings.contains { $0.check == name } ? .completedNonCompliant : .completedCompliant)
            let count = Int64(findings.filter { $0.check == name }.count)
            return (
                name,
                AuditCheckDetails(
                    checkRunStatus: status, checkCompliant: count == 0, totalResourcesCount: count + 1,
                    nonCompliantResourcesCount: count,
                    suppressedNonCompliantResourcesCount: Int64(
                        findings.filter { $0.check == name && $0.suppressed }.count))
            )
        }
        let task = AuditTaskDescription(taskId: taskId, taskStartTime: auditTime, auditDetails: details)
        directory.write("audit-task.json", JSONWriter.pretty(task.json) + "\n")
        if let account {
            let source = AuditSource(
                taskId: taskId, accountId: account, region: region, snapshotExportedAt: auditTime, auditTime: auditTime)
            directory.write("audit-source.json", JSONWriter.pretty(source.json) + "\n")
        }
        let rendered = findings.map { fixture in
            AuditFinding(
                findingId: FindingIdentity.findingId(
                    taskId: taskId, checkName: fixture.check, resource: fixture.identifier, reasonCode: fixture.code),
                taskId: taskId, checkName: fixture.check, taskStartTime: auditTime, findingTime: auditTime,
                severity: fixture.severity,
                nonCompliantResource: AuditResource(fixture.resourceType, fixture.identifier),
                relatedResources: [], reasonForNonCompliance: "why", reasonForNonComplianceCode: fixture.code,
                isSuppressed: fixture.suppressed
            ).json
        }
        directory.write("findings.json", JSONWriter.pretty(["findings": .array(rendered)]) + "\n")
        directory.write("related-resources.jsonl", "")
    }

    static func id(_ taskId: String, _ fixture: FixtureFinding) -> String {
        FindingIdentity.findingId(
            taskId: taskId, checkName: fixture.check, resource: fixture.identifier, reasonCode: fixture.code)
    }
}

let expiring = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
let keyQuality = "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK"
let revoked = "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"

func certificate(_ check: String, _ severity: Severity, _ id: String, _ code: String, suppressed: Bool = false)
    -> FixtureFinding
{
    FixtureFinding(
        check: check, severity: severity, identifier: .deviceCertificateId(id), code: code, suppressed: suppressed)
}

@Suite struct DiffTests {
    let stays = certificate(expiring, .medium, "aaaa", "CERTIFICATE_APPROACHING_EXPIRATION")
    let fixed = certificate(expiring, .medium, "bbbb", "CERTIFICATE_PAST_EXPIRATION")
    let appears = certificate(keyQuality, .critical, "cccc", "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361")

    @Test func classifiesNewResolvedAndPersistingInAStableOrder() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [fixed, stays])
        try AuditDirectoryFixture.write(
            new, taskId: "day2", time: "2026-11-27T08:00:00Z", statuses: [keyQuality: .completedNonCompliant],
            findings: [appears, stays])
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.exitStatus == 0)
        #expect(
            report.output == """
                Diff of audit day1 (2026-11-26T08:00:00.000000+00:00) and audit day2 \
                (2026-11-27T08:00:00.000000+00:00), account 123456789012 us-east-1

                NEW (1)
                    CRITICAL DEVICE_CERTIFICATE_KEY_QUALITY_CHECK DEVICE_CERTIFICATE certificate cccc: \
                CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361

                RESOLVED (1)
                    MEDIUM DEVICE_CERTIFICATE_EXPIRING_CHECK DEVICE_CERTIFICATE certificate bbbb: \
                CERTIFICATE_PAST_EXPIRATION

                PERSISTING (1)
                    MEDIUM DEVICE_CERTIFICATE_EXPIRING_CHECK DEVICE_CERTIFICATE certificate aaaa: \
                CERTIFICATE_APPROACHING_EXPIRATION

                1 new, 1 resolved, 1 persisting; 0 suppressed, 0 not re-assessed.

                """)
    }

    /// `--output asff`: the resolved finding, ARCHIVED, with the Id the OLD audit's ASFF gave it.
    @Test func resolvedFindingsAreArchivedForSecurityHub() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [fixed, stays])
        try AuditDirectoryFixture.write(new, taskId: "day2", time: "2026-11-27T08:00:00Z", findings: [stays])
        let report = try DiffCommandRunner.run(
            DiffOptions(oldDirectory: old.path, newDirectory: new.path, output: "asff"))
        #expect(report.exitStatus == 0)
        let findings = try #require(try JSONParser.parse(report.output).get().arrayValue)
        #expect(findings.count == 1)
        let archived = try #require(findings.first)
        #expect(archived["RecordState"]?.stringValue == "ARCHIVED")
        #expect(archived["Workflow"]?["Status"]?.stringValue == "RESOLVED")
        #expect(archived["Compliance"]?["Status"]?.stringValue == "PASSED")
        #expect(archived["UpdatedAt"]?.stringValue?.hasPrefix("2026-11-27T08:00:00") == true)
        // The same Id as the finding had when OLD's findings.asff.json imported it.
        let oldContext = try ReportContext.load(auditDirectory: old.path)
        var oldIds: [String: String] = [:]
        try AuditDirectory.open(old.path).forEachFinding { value, _ throws(SnapshotProblem) in
            guard let finding = try? ReportFinding(json: value) else { return }
            oldIds[finding.resource.identifier.members.first?.value.stringValue ?? ""] =
                SecurityHubFinding.id(of: finding, context: oldContext)
        }
        #expect(archived["Id"]?.stringValue == oldIds["bbbb"])
        #expect(oldIds["bbbb"] != nil && oldIds["bbbb"] != oldIds["aaaa"])
    }

    @Test func theJSONNamesBothFindingIdsOfAPersistingFinding() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [fixed, stays])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [appears, stays])
        let report = try DiffCommandRunner.run(
            DiffOptions(oldDirectory: old.path, newDirectory: new.path, output: "json"))
        let json = try JSONParser.parse(report.output).get()
        #expect(
            json["summary"]
                == ["new": 1, "resolved": 1, "persisting": 1, "suppressed": 0, "notReassessed": 0])
        #expect(json["old"]?["accountId"] == "123456789012")
        #expect(json["new"]?["taskId"] == "day2")
        let persisting = try #require(json["persistingFindings"]?.arrayValue?.first)
        #expect(
            persisting
                == .object(
                    JSONObject([
                        ("checkName", .string(expiring)), ("severity", "MEDIUM"),
                        ("resourceType", "DEVICE_CERTIFICATE"),
                        ("resourceIdentifier", ["deviceCertificateId": "aaaa"]),
                        ("reasonForNonComplianceCode", "CERTIFICATE_APPROACHING_EXPIRATION"),
                        ("oldFindingId", .string(AuditDirectoryFixture.id("day1", stays))),
                        ("newFindingId", .string(AuditDirectoryFixture.id("day2", stays))),
                    ])))
        #expect(
            json["resolvedFindings"]?.arrayValue?.first?["oldFindingId"]
                == .string(AuditDirectoryFixture.id("day1", fixed)))
        #expect(json["resolvedFindings"]?.arrayValue?.first?["newFindingId"] == nil)
        #expect(
            json["newFindings"]?.arrayValue?.first?["newFindingId"]
                == .string(AuditDirectoryFixture.id("day2", appears)))
    }

    @Test func suppressedFindingsAreListedApartAndNeverTripTheGate() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        var suppressedNew = appears
        suppressedNew.suppressed = true
        var suppressedStays = stays
        suppressedStays.suppressed = true
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [stays])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [suppressedNew, suppressedStays])
        let report = try DiffCommandRunner.run(
            DiffOptions(oldDirectory: old.path, newDirectory: new.path, failOn: "LOW"))
        #expect(report.exitStatus == 0)
        #expect(
            report.output.hasSuffix(
                """
                SUPPRESSED (2)
                    MEDIUM DEVICE_CERTIFICATE_EXPIRING_CHECK DEVICE_CERTIFICATE certificate aaaa: \
                CERTIFICATE_APPROACHING_EXPIRATION (persisting)
                    CRITICAL DEVICE_CERTIFICATE_KEY_QUALITY_CHECK DEVICE_CERTIFICATE certificate cccc: \
                CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361 (new)

                0 new, 0 resolved, 0 persisting; 2 suppressed, 0 not re-assessed.
                --fail-on LOW: no new unsuppressed finding at or above LOW.

                """))
    }

    @Test func aFindingWhoseCheckFailedInNewIsNotReassessedAndTheDiffIsIncomplete() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [stays, appears])
        try AuditDirectoryFixture.write(new, taskId: "day2", statuses: [expiring: .failed], findings: [])
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.exitStatus == 1)
        #expect(report.output.contains("note: 1 check(s) FAILED in NEW (\(new.path)): \(expiring)\n"))
        #expect(
            report.output.hasSuffix(
                """
                NOT RE-ASSESSED (2)
                    MEDIUM DEVICE_CERTIFICATE_EXPIRING_CHECK DEVICE_CERTIFICATE certificate aaaa: \
                CERTIFICATE_APPROACHING_EXPIRATION (check FAILED in NEW)
                    CRITICAL DEVICE_CERTIFICATE_KEY_QUALITY_CHECK DEVICE_CERTIFICATE certificate cccc: \
                CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361 (check not run in NEW)

                0 new, 0 resolved, 0 persisting; 0 suppressed, 2 not re-assessed.

                """))
    }

    @Test func failOnCountsOnlyNewFindingsAtOrAboveTheSeverity() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        let newMedium = certificate(expiring, .medium, "dddd", "CERTIFICATE_PAST_EXPIRATION")
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [appears])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [appears, newMedium])
        // The persisting CRITICAL finding is not new: HIGH does not trip.
        let high = try DiffCommandRunner.run(
            DiffOptions(oldDirectory: old.path, newDirectory: new.path, failOn: "HIGH"))
        #expect(high.exitStatus == 0)
        #expect(high.output.hasSuffix("--fail-on HIGH: no new unsuppressed finding at or above HIGH.\n"))
        let medium = try DiffCommandRunner.run(
            DiffOptions(oldDirectory: old.path, newDirectory: new.path, failOn: "medium"))
        #expect(medium.exitStatus == 3)
        #expect(
            medium.output.hasSuffix(
                "--fail-on MEDIUM: 1 new unsuppressed finding(s) at or above MEDIUM (exit status 3).\n"))
    }

    @Test func theGateTakesPrecedenceOverAnIncompleteDiff() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [])
        try AuditDirectoryFixture.write(new, taskId: "day2", statuses: [revoked: .failed], findings: [appears])
        let report = try DiffCommandRunner.run(
            DiffOptions(oldDirectory: old.path, newDirectory: new.path, failOn: "CRITICAL"))
        #expect(report.exitStatus == 3)
    }

    @Test func identifiersMatchWhateverTheirMemberOrder() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        let policy = FixtureFinding(
            check: "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", severity: .critical,
            identifier: .policyVersion(policyName: "P", policyVersionId: "1"),
            code: "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", resourceType: .iotPolicy)
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [policy])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [policy])
        // The same identifier with its members the other way round, as another tool may print it.
        let text = String(decoding: old.read("findings.json"), as: UTF8.self)
            .replacingOccurrences(
                of: "\"policyName\": \"P\",\n                        \"policyVersionId\": \"1\"",
                with: "\"policyVersionId\": \"1\",\n                        \"policyName\": \"P\"")
        #expect(text.contains("\"policyVersionId\": \"1\",\n"))
        old.write("findings.json", text)
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.output.hasSuffix("0 new, 0 resolved, 1 persisting; 0 suppressed, 0 not re-assessed.\n"))
    }

    @Test func twoAccountsCannotBeCompared() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [stays])
        try AuditDirectoryFixture.write(new, taskId: "day2", account: "210987654321", findings: [stays])
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.exitStatus == 2)
        #expect(report.output.isEmpty)
        #expect(
            report.errorLines == [
                "fleet-audit: \(new.path): not an audit of the same account and region as \(old.path): "
                    + "\(old.path) is account 123456789012 us-east-1 (audit-source.json), "
                    + "\(new.path) is account 210987654321 us-east-1 (audit-source.json); "
                    + "diff compares two audits of one account and region"
            ])
    }

    @Test func twoRegionsCannotBeCompared() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [])
        try AuditDirectoryFixture.write(new, taskId: "day2", region: "eu-west-1", findings: [])
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.exitStatus == 2)
        #expect(report.errorLines.first?.contains("is account 123456789012 eu-west-1 (audit-source.json)") == true)
    }

    @Test func withoutAuditSourceTheAccountComesFromTheFindings() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        let logging = FixtureFinding(
            check: "LOGGING_DISABLED_CHECK", severity: .low, identifier: .account("111111111111"),
            code: "LOGGING_DISABLED", resourceType: .accountSettings)
        let role = FixtureFinding(
            check: "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK", severity: .critical,
            identifier: .roleAliasArn("arn:aws:iot:us-east-1:222222222222:rolealias/R"),
            code: "ALLOWS_BROAD_ACCESS_TO_USED_SERVICES", resourceType: .roleAlias)
        try AuditDirectoryFixture.write(old, taskId: "day1", account: nil, findings: [logging])
        try AuditDirectoryFixture.write(new, taskId: "day2", account: nil, findings: [role])
        try expectDiffRefused(
            old, new,
            with:
                "fleet-audit: \(new.path): not an audit of the same account and region as \(old.path): "
                + "\(old.path) is account 111111111111 (finding \(AuditDirectoryFixture.id("day1", logging))), "
                + "\(new.path) is account 222222222222 (finding \(AuditDirectoryFixture.id("day2", role))); "
                + "diff compares two audits of one account and region")
    }

    @Test func aMissingFindingsFileIsNamed() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [])
        TemporaryDirectory.remove(new.file("findings.json"))
        try expectDiffRefused(
            old, new,
            with:
                "fleet-audit: \(new.path)/findings.json: byte 0: cannot open: No such file or directory")
    }

    @Test func aMissingAuditTaskIsNamed() throws {
        let old = TemporaryDirectory()
        try expectDiffRefused(
            old, old,
            with:
                "fleet-audit: \(old.path)/audit-task.json: byte 0: cannot open: No such file or directory")
    }

    @Test func aFindingWithoutACheckNameIsNamedWithItsElement() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [stays])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [stays])
        let broken = String(decoding: new.read("findings.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"checkName\"", with: "\"check\"")
        new.write("findings.json", broken)
        try expectDiffRefused(
            old, new,
            with:
                "fleet-audit: \(new.path)/findings.json: element 0 (byte 28): finding "
                + "\(AuditDirectoryFixture.id("day2", stays)) has no checkName string")
    }

    @Test func aBrokenAuditSourceIsNamed() throws {
        let old = TemporaryDirectory()
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [])
        old.write("audit-source.json", #"{"taskId": "day1"}"#)
        try expectDiffRefused(
            old, old,
            with:
                "fleet-audit: \(old.path)/audit-source.json: missing or malformed taskId, accountId, region or times")
    }

    @Test func anUnknownOutputFormatIsAUsageError() {
        #expect(throws: UsageError("--output 'yaml' must be one of text, json, asff")) {
            try DiffCommandRunner.run(DiffOptions(oldDirectory: "/a", newDirectory: "/b", output: "yaml"))
        }
    }

    @Test func anUnknownFailOnSeverityIsAUsageError() {
        #expect(throws: UsageError("--fail-on 'SEVERE' must be one of CRITICAL, HIGH, MEDIUM, LOW")) {
            try DiffCommandRunner.run(DiffOptions(oldDirectory: "/a", newDirectory: "/b", failOn: "SEVERE"))
        }
    }

    @Test func snapshotTextIsEscapedInTheTextOutput() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        let hostile = FixtureFinding(
            check: "CONFLICTING_CLIENT_IDS_CHECK", severity: .high, identifier: .clientId("evil\u{1B}[2J\r"),
            code: "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS", resourceType: .clientId)
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [hostile])
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.output.contains("HIGH CONFLICTING_CLIENT_IDS_CHECK CLIENT_ID client evil\\x1B[2J\\x0D: "))
        #expect(!report.output.contains("\u{1B}"))
    }

    /// Diffs `old` against `new` and expects exit status 2 with exactly `line` on stderr.
    func expectDiffRefused(
        _ old: TemporaryDirectory, _ new: TemporaryDirectory, with line: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let report = try DiffCommandRunner.run(DiffOptions(oldDirectory: old.path, newDirectory: new.path))
        #expect(report.exitStatus == 2, sourceLocation: sourceLocation)
        #expect(report.errorLines == [line], sourceLocation: sourceLocation)
    }
}

@Suite struct FindingsCommandTests {
    func collect(_ options: FindingsOptions) throws -> (CommandReport, String) {
        var text = ""
        let report = try FindingsCommandRunner.run(options) { text += $0 }
        return (report, text)
    }

    func ids(_ text: String) throws -> [String] {
        let json = try JSONParser.parse(text).get()
        return json["findings"]?.arrayValue?.compactMap { $0["findingId"]?.stringValue } ?? []
    }

    let quiet = certificate(expiring, .medium, "aaaa", "CERTIFICATE_APPROACHING_EXPIRATION", suppressed: true)
    let loud = certificate(keyQuality, .critical, "cccc", "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361")
    let revokedOne = certificate(revoked, .medium, "eeee", "CERTIFICATE_REVOKED_BY_ISSUER")

    func fixture() throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        try AuditDirectoryFixture.write(directory, taskId: "t", findings: [quiet, loud, revokedOne])
        return directory
    }

    @Test func withoutFiltersTheOutputIsTheFindingsFileByteForByte() throws {
        let out = TemporaryDirectory()
        _ = try AuditCommandRunner.run(
            AuditOptions(snapshotPath: workshopSnapshot, outputPath: out.path, taskId: "t1", workers: 2))
        let (report, text) = try collect(FindingsOptions(directory: out.path))
        #expect(report.exitStatus == 0)
        #expect(Array(text.utf8) == out.read("findings.json"))
    }

    @Test func listSuppressedFindingsFollowsTheAPI() throws {
        let directory = try fixture()
        let all = try collect(FindingsOptions(directory: directory.path)).1
        #expect(try ids(all) == [quiet, loud, revokedOne].map { AuditDirectoryFixture.id("t", $0) })
        let onlySuppressed = try collect(FindingsOptions(directory: directory.path, listSuppressedFindings: true)).1
        #expect(try ids(onlySuppressed) == [AuditDirectoryFixture.id("t", quiet)])
        let unsuppressed = try collect(FindingsOptions(directory: directory.path, listSuppressedFindings: false)).1
        #expect(try ids(unsuppressed) == [loud, revokedOne].map { AuditDirectoryFixture.id("t", $0) })
    }

    @Test func checkNameAcceptsLegacyNames() throws {
        let directory = try fixture()
        let (_, text) = try collect(FindingsOptions(directory: directory.path, checkName: "REVOKED_DEVICE_CERT_CHECK"))
        #expect(try ids(text) == [AuditDirectoryFixture.id("t", revokedOne)])
    }

    @Test func severityFiltersExactly() throws {
        let directory = try fixture()
        let (_, text) = try collect(FindingsOptions(directory: directory.path, severity: "medium"))
        #expect(try ids(text) == [quiet, revokedOne].map { AuditDirectoryFixture.id("t", $0) })
    }

    @Test func resourceIdentifierInlineOrFromAFile() throws {
        let directory = try fixture()
        let inline = try collect(
            FindingsOptions(directory: directory.path, resourceIdentifier: #"{"deviceCertificateId": "cccc"}"#)
        ).1
        #expect(try ids(inline) == [AuditDirectoryFixture.id("t", loud)])
        let file = directory.write("identifier.json", #"{"deviceCertificateId": "eeee"}"#)
        let fromFile = try collect(FindingsOptions(directory: directory.path, resourceIdentifier: "file://" + file)).1
        #expect(try ids(fromFile) == [AuditDirectoryFixture.id("t", revokedOne)])
        let combined = try collect(
            FindingsOptions(
                directory: directory.path, checkName: keyQuality,
                resourceIdentifier: #"{"deviceCertificateId": "eeee"}"#)
        ).1
        #expect(combined == "{\n    \"findings\": []\n}\n")
    }

    @Test func badFiltersAreUsageErrors() {
        #expect(
            throws: UsageError(
                "--resource-identifier: unknown member \"certificateId\", must be one of: "
                    + ResourceIdentifier.memberNames.joined(separator: ", "))
        ) {
            try FindingsCommandRunner.filter(
                FindingsOptions(directory: "/d", resourceIdentifier: #"{"certificateId": "x"}"#))
        }
        #expect(throws: UsageError("--resource-identifier: deviceCertificateId must be a string")) {
            try FindingsCommandRunner.filter(
                FindingsOptions(directory: "/d", resourceIdentifier: #"{"deviceCertificateId": 1}"#))
        }
        #expect(throws: UsageError("--severity 'URGENT' must be one of CRITICAL, HIGH, MEDIUM, LOW")) {
            try FindingsCommandRunner.filter(FindingsOptions(directory: "/d", severity: "URGENT"))
        }
        #expect(
            throws: UsageError(
                "--check-name: unknown check name 'LOGGING_CHECK'; did you mean LOGGING_DISABLED_CHECK? "
                    + "('fleet-audit checks' lists the 17 checks)")
        ) { try FindingsCommandRunner.filter(FindingsOptions(directory: "/d", checkName: "LOGGING_CHECK")) }
    }

    @Test func aMissingDirectoryIsNamed() throws {
        let (report, text) = try collect(FindingsOptions(directory: "/nonexistent/audit"))
        #expect(report.exitStatus == 2)
        #expect(text.isEmpty)
        #expect(report.errorLines == ["fleet-audit: /nonexistent/audit: audit directory not found"])
    }
}

@Suite struct RelatedResourcesTests {
    /// The workshop's full audit, pinned, once for the suite.
    static func workshopAudit() throws -> (TemporaryDirectory, AuditOutcome) {
        let out = TemporaryDirectory()
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: workshopSnapshot, outputPath: out.path, taskId: "related", workers: 2,
                weakKeyBlacklist: workshopWeakKeys))
        return (out, try #require(report.outcome))
    }

    func collect(_ directory: String, _ findingId: String) throws -> (CommandReport, String) {
        var text = ""
        let report = try RelatedResourcesCommandRunner.run(directory: directory, findingId: findingId) { text += $0 }
        return (report, text)
    }

    @Test func theRevokedIntermediatesCertificatesAreListedApartNotInline() throws {
        let (out, outcome) = try Self.workshopAudit()
        let intermediate = try #require(
            outcome.checks.first { $0.name == IntermediateCARevokedForActiveDeviceCertificatesCheck.description.name }?
                .preview.first)
        #expect(intermediate.relatedResources.isEmpty)
        let findings = String(decoding: out.read("findings.json"), as: UTF8.self)
        #expect(!findings.contains("deviceCertificateArn"))
        let (report, text) = try collect(out.path, intermediate.findingId)
        #expect(report.exitStatus == 0)
        #expect(
            text == """
                {
                    "relatedResources": [
                        {
                            "resourceType": "DEVICE_CERTIFICATE",
                            "resourceIdentifier": {
                                "deviceCertificateArn": "arn:aws:iot:us-east-1:123456789012:cert/\
                859ba6eeea77217cdd7e1548cf63e0ee08b4dc7f90b3cf65617864cfcdbe1945"
                            }
                        },
                        {
                            "resourceType": "DEVICE_CERTIFICATE",
                            "resourceIdentifier": {
                                "deviceCertificateArn": "arn:aws:iot:us-east-1:123456789012:cert/\
                8ebd2667fe614bc790db526ea35e8ad75d1d46c3ec16a295a90610bc5b4ae7a1"
                            }
                        }
                    ]
                }

                """)
        // The file itself: one line per certificate, with the finding's id.
        let lines = String(decoding: out.read("related-resources.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"findingId\":\"\(intermediate.findingId)\",\"resourceType\"") })
    }

    @Test func theOutputMatchesTheBotocoreModel() throws {
        let (out, outcome) = try Self.workshopAudit()
        let intermediate = try #require(
            outcome.checks.first { $0.name == IntermediateCARevokedForActiveDeviceCertificatesCheck.description.name }?
                .preview.first)
        let shared = try #require(outcome.checks.first { $0.name == "DEVICE_CERTIFICATE_SHARED_CHECK" }?.preview.first)
        for finding in [intermediate, shared] {
            let (_, text) = try collect(out.path, finding.findingId)
            let file = out.write("related-\(finding.checkName).json", text)
            let result = try DefenderSchemaValidator.validate(
                file, shape: "ListRelatedResourcesForAuditFindingResponse")
            #expect(result.status == 0, "\(result.errors)")
        }
    }

    @Test func aFindingsInlineRelatedResourcesAreListed() throws {
        let (out, outcome) = try Self.workshopAudit()
        let shared = try #require(outcome.checks.first { $0.name == "DEVICE_CERTIFICATE_SHARED_CHECK" }?.preview.first)
        let (report, text) = try collect(out.path, shared.findingId)
        #expect(report.exitStatus == 0)
        let listed = try JSONParser.parse(text).get()["relatedResources"]
        #expect(listed == .array(shared.relatedResources.map(\.json)))
        #expect(!shared.relatedResources.isEmpty)
    }

    @Test func aFindingIdThatDoesNotExistExitsTwo() throws {
        let directory = TemporaryDirectory()
        try AuditDirectoryFixture.write(directory, taskId: "t", findings: [])
        let (report, text) = try collect(directory.path, "0d5b7e3c-0000-5000-8000-000000000000")
        #expect(report.exitStatus == 2)
        #expect(text.isEmpty)
        #expect(
            report.errorLines == [
                "fleet-audit: \(directory.path)/findings.json: no finding has findingId '0d5b7e3c-0000-5000-8000-000000000000'"
            ])
    }

    @Test func aMalformedFindingIdIsAUsageError() {
        #expect(
            throws: UsageError(
                "--finding-id 'a/b' must be 1 to 128 characters of [a-zA-Z0-9_-] (the API's findingId)")
        ) { try RelatedResourcesCommandRunner.run(directory: "/d", findingId: "a/b") { _ in } }
    }

    @Test func aMissingListOfAnIntermediateFindingIsNamed() throws {
        let (out, outcome) = try Self.workshopAudit()
        let intermediate = try #require(
            outcome.checks.first { $0.name == IntermediateCARevokedForActiveDeviceCertificatesCheck.description.name }?
                .preview.first)
        TemporaryDirectory.remove(out.file("related-resources.jsonl"))
        let (report, _) = try collect(out.path, intermediate.findingId)
        #expect(report.exitStatus == 2)
        #expect(
            report.errorLines == [
                "fleet-audit: \(out.path)/related-resources.jsonl: not found: it lists the device certificates of this finding"
            ])
    }
}

/// Every row of the exit-status table, through the binary, and the table in every command's help.
@Suite struct ExitStatusTableTests {
    static let binary = fleetAuditExecutable
    /// Logging disabled (a LOW finding) and no certificates.json (the expiring check FAILS).
    static let loggingOnly = ["logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#]

    func audit(_ snapshot: String, _ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let out = TemporaryDirectory()
        return try runProgram(
            Self.binary, ["audit", snapshot, "--out", out.path + "/audit", "--task-id", "exit", "-q"] + extra)
    }

    @Test func zeroWhenEveryCheckCompletes() throws {
        let snapshot = TemporarySnapshot(Self.loggingOnly)
        let result = try audit(snapshot.path, ["--checks", "LOGGING_DISABLED_CHECK", "--fail-on", "MEDIUM"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("--fail-on MEDIUM: no unsuppressed finding at or above MEDIUM.\n"))
    }

    @Test func oneWhenACheckFailed() throws {
        let snapshot = TemporarySnapshot(Self.loggingOnly)
        let result = try audit(snapshot.path, ["--checks", "LOGGING_DISABLED_CHECK,DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(result.status == 1)
    }

    @Test func twoWhenNothingCouldBeAudited() throws {
        let result = try audit("/nonexistent/snapshot", ["--fail-on", "LOW"])
        #expect(result.status == 2)
    }

    @Test func threeWhenTheGateTrips() throws {
        let snapshot = TemporarySnapshot(Self.loggingOnly)
        let result = try audit(snapshot.path, ["--checks", "LOGGING_DISABLED_CHECK", "--fail-on", "LOW"])
        #expect(result.status == 3)
        #expect(
            result.stdout.hasSuffix(
                "--fail-on LOW: 1 unsuppressed non-compliant resource(s) at or above LOW (exit status 3):\n"
                    + "    LOW LOGGING_DISABLED_CHECK: 1\n"))
    }

    @Test func threeTakesPrecedenceOverOne() throws {
        let snapshot = TemporarySnapshot(Self.loggingOnly)
        let result = try audit(
            snapshot.path, ["--checks", "LOGGING_DISABLED_CHECK,DEVICE_CERTIFICATE_EXPIRING_CHECK", "--fail-on", "LOW"])
        #expect(result.status == 3)
    }

    @Test func sixtyFourForAnUnknownSeverity() throws {
        let snapshot = TemporarySnapshot(Self.loggingOnly)
        let result = try audit(snapshot.path, ["--fail-on", "SEVERE"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--fail-on 'SEVERE' must be one of CRITICAL, HIGH, MEDIUM, LOW"))
    }

    @Test func suppressedResourcesDoNotTripTheAuditGate() {
        let details = AuditCheckDetails(
            checkRunStatus: .completedNonCompliant, checkCompliant: true, totalResourcesCount: 3,
            nonCompliantResourcesCount: 2, suppressedNonCompliantResourcesCount: 2)
        let check = CheckOutcome(
            name: "LOGGING_DISABLED_CHECK", severity: .critical, details: details, problems: [], preview: [])
        let threshold = FailOnThreshold(severity: .low)
        #expect(threshold.trippingChecks([check]).isEmpty)
        var partly = check
        partly.details.suppressedNonCompliantResourcesCount = 1
        #expect(threshold.trippingChecks([partly]).map(\.resources) == [1])
        #expect(FailOnThreshold(severity: .critical).trips(.high) == false)
        #expect(FailOnThreshold(severity: .high).trips(.critical))
    }

    @Test func diffRowsThroughTheBinary() throws {
        let old = TemporaryDirectory()
        let new = TemporaryDirectory()
        let appears = certificate(keyQuality, .critical, "cccc", "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361")
        try AuditDirectoryFixture.write(old, taskId: "day1", findings: [])
        try AuditDirectoryFixture.write(new, taskId: "day2", findings: [appears])
        #expect(try runProgram(Self.binary, ["diff", old.path, new.path]).status == 0)
        #expect(try runProgram(Self.binary, ["diff", old.path, new.path, "--fail-on", "HIGH"]).status == 3)
        #expect(try runProgram(Self.binary, ["diff", old.path, "/nonexistent/audit"]).status == 2)
        #expect(try runProgram(Self.binary, ["diff", old.path, new.path, "--output", "xml"]).status == 64)
        let json = try runProgram(Self.binary, ["diff", old.path, new.path, "--output", "json"])
        #expect(json.status == 0)
        #expect(try JSONParser.parse(json.stdout).get()["summary"]?["new"] == 1)
        let failed = TemporaryDirectory()
        try AuditDirectoryFixture.write(failed, taskId: "day3", statuses: [revoked: .failed], findings: [appears])
        #expect(try runProgram(Self.binary, ["diff", old.path, failed.path]).status == 1)
        #expect(try runProgram(Self.binary, ["diff", old.path, failed.path, "--fail-on", "LOW"]).status == 3)
    }

    @Test func findingsAndRelatedResourcesThroughTheBinary() throws {
        let directory = TemporaryDirectory()
        let appears = certificate(keyQuality, .critical, "cccc", "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361")
        try AuditDirectoryFixture.write(directory, taskId: "t", findings: [appears])
        let all = try runProgram(Self.binary, ["findings", directory.path, "--no-list-suppressed-findings"])
        #expect(all.status == 0)
        #expect(Array(all.stdout.utf8) == directory.read("findings.json"))
        #expect(try runProgram(Self.binary, ["findings", directory.path, "--severity", "x"]).status == 64)
        let related = try runProgram(
            Self.binary, ["related-resources", directory.path, "--finding-id", AuditDirectoryFixture.id("t", appears)])
        #expect(related.status == 0)
        #expect(related.stdout == "{\n    \"relatedResources\": []\n}\n")
        let unknown = try runProgram(Self.binary, ["related-resources", directory.path, "--finding-id", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "fleet-audit: \(directory.path)/findings.json: no finding has findingId 'nope'\n")
    }

    @Test func everyCommandsHelpShowsTheTable() throws {
        let commands = [
            "audit", "diff", "findings", "related-resources", "mitigate", "logging", "test-authorization", "checks",
            "export", "generate",
        ]
        for command in commands {
            let result = try runProgram(Self.binary, [command, "--help"])
            #expect(result.status == 0)
            for row in [
                "  0   complete", "  1   incomplete", "  2   nothing could be audited", "  3   --fail-on",
                "  64  usage error",
            ] {
                #expect(result.stdout.contains(row), "\(command) --help lacks \(row)")
            }
        }
    }
}
