import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// Audit finding suppressions: matching, expiry against the audit time, the
/// counts, `--suppressions`, bad suppressions, and worker-count independence.
@Suite struct SuppressionTests {
    typealias Fixtures = CertificateFixtures
    static let check = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
    /// The default manifest's exportedAt: the audit time.
    static let auditTime = "2026-11-26T08:00:00Z"
    static let certificates = CertificateFixture.file([Fixtures.expired.device(), Fixtures.expiring.device()])

    static func suppression(
        _ id: String, check: String = check, expiration: String? = nil, indefinitely: Bool? = nil
    ) -> String {
        var members = [#""checkName": "\#(check)""#, #""resourceIdentifier": {"deviceCertificateId": "\#(id)"}"#]
        if let expiration { members.append(#""expirationDate": \#(expiration)"#) }
        if let indefinitely { members.append(#""suppressIndefinitely": \#(indefinitely)"#) }
        return "{" + members.joined(separator: ", ") + "}"
    }

    static func file(_ elements: String...) -> String { #"{"suppressions": [\#(elements.joined(separator: ", "))]}"# }

    func audit(_ files: [String: String], suppressions: String? = nil, workers: Int = 1, checks: [String]? = [check])
        throws -> (report: AuditReport, out: TemporaryDirectory)
    {
        let snapshot = TemporarySnapshot(files)
        let out = TemporaryDirectory()
        var options = AuditOptions(
            snapshotPath: snapshot.path, outputPath: out.path, checkNames: checks, taskId: "suppressed",
            workers: workers)
        options.suppressionsPath = suppressions
        return (try AuditCommandRunner.run(options), out)
    }

    func details(_ report: AuditReport) throws -> AuditCheckDetails {
        try #require(report.outcome?.task.auditDetails.first?.1)
    }

    /// The expiration date against the audit time: one second before, exactly at, one second after, as
    /// epoch seconds, an ISO 8601 string and a date alone; and indefinitely.
    @Test(arguments: [
        (#""2026-11-26T07:59:59Z""#, false), (#""2026-11-26T08:00:00Z""#, false), (#""2026-11-26T08:00:01Z""#, true),
        ("1795679999", false), ("1795680000", false), ("1795680001", true), ("1795680000.5", true),
        (#""2026-11-26""#, false), (#""2026-11-27""#, true),
    ])
    func expiryAtTheAuditTime(expiration: String, suppressed: Bool) throws {
        let (report, out) = try audit([
            "certificates.json": Self.certificates,
            "audit-suppressions.json": Self.file(Self.suppression(Fixtures.expiring.id, expiration: expiration)),
        ])
        let findings = try #require(report.outcome?.checks.first?.preview)
        #expect(findings.map(\.isSuppressed) == [false, suppressed])
        let details = try details(report)
        #expect(details.nonCompliantResourcesCount == 2)
        #expect(details.suppressedNonCompliantResourcesCount == (suppressed ? 1 : 0))
        #expect(details.checkRunStatus == .completedNonCompliant)
        let written = try JSONParser.parse(out.read("findings.json")).get()
        #expect(written["findings"]?.arrayValue?.map { $0["isSuppressed"] } == [false, .bool(suppressed)])
    }

    @Test func indefinitelyWinsOverAPastExpirationDate() throws {
        let (report, _) = try audit([
            "certificates.json": Self.certificates,
            "audit-suppressions.json": Self.file(
                Self.suppression(Fixtures.expiring.id, expiration: "1000000000", indefinitely: true)),
        ])
        #expect(report.outcome?.checks.first?.preview.map(\.isSuppressed) == [false, true])
    }

    @Test func aCheckWhoseOnlyFindingsAreSuppressedIsCompliantAndCountsThem() throws {
        let (report, out) = try audit([
            "certificates.json": Self.certificates,
            "audit-suppressions.json": Self.file(
                Self.suppression(Fixtures.expiring.id, indefinitely: true),
                Self.suppression(
                    Fixtures.expired.id, check: "DEVICE_CERT_APPROACHING_EXPIRATION_CHECK", indefinitely: true)),
        ])
        let details = try details(report)
        #expect(details.checkRunStatus == .completedCompliant)
        #expect(details.checkCompliant)
        #expect(details.nonCompliantResourcesCount == 2)
        #expect(details.suppressedNonCompliantResourcesCount == 2)
        #expect(report.exitStatus == 0)
        let task = try JSONParser.parse(out.read("audit-task.json")).get()
        #expect(task["auditDetails"]?[Self.check]?["suppressedNonCompliantResourcesCount"] == 2)
        #expect(task["taskStatistics"]?["compliantChecks"] == 1)
        #expect(report.summary.contains("CERTIFICATE_APPROACHING_EXPIRATION (suppressed)"))
        #expect(report.summary.contains("2 non-compliant resource(s) suppressed"))
    }

    @Test func aSuppressionOfAnotherCheckOrResourceDoesNotMatch() throws {
        let (report, _) = try audit([
            "certificates.json": Self.certificates,
            "audit-suppressions.json": Self.file(
                Self.suppression(Fixtures.expiring.id, check: "DEVICE_CERTIFICATE_AGE_CHECK", indefinitely: true),
                Self.suppression(Fixtures.rsa2048.id, indefinitely: true)),
        ])
        #expect(report.outcome?.checks.first?.preview.map(\.isSuppressed) == [false, false])
    }

    @Test func policyVersionsMatchOnBothMembers() throws {
        let policies = #"""
            {"policyVersions": [
              {"policyName": "P", "policyArn": "arn:aws:iot:us-east-1:123456789012:policy/P", "policyVersionId": "1",
               "isDefaultVersion": true,
               "policyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:*\",\"Resource\":\"*\"}]}"}]}
            """#
        func suppressing(_ version: String) -> String {
            Self.file(
                #"{"checkName": "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "resourceIdentifier": {"policyVersionIdentifier": "#
                    + #"{"policyName": "P", "policyVersionId": "\#(version)"}}, "suppressIndefinitely": true}"#)
        }
        for (version, suppressed) in [("1", true), ("2", false)] {
            let (report, _) = try audit(
                ["policies.json": policies, "audit-suppressions.json": suppressing(version)],
                checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
            let preview = try #require(report.outcome?.checks.first?.preview)
            #expect(!preview.isEmpty)
            #expect(preview.allSatisfy { $0.isSuppressed == suppressed })
        }
    }

    @Test func suppressionsOptionAddsToTheSnapshots() throws {
        let extra = TemporaryDirectory()
        let path = extra.write("team.json", Self.file(Self.suppression(Fixtures.expired.id, indefinitely: true)))
        let files = [
            "certificates.json": Self.certificates,
            "audit-suppressions.json": Self.file(Self.suppression(Fixtures.expiring.id, indefinitely: true)),
        ]
        for argument in [path, "file://" + path] {
            let (report, _) = try audit(files, suppressions: argument)
            #expect(report.outcome?.checks.first?.preview.map(\.isSuppressed) == [true, true])
        }
    }

    /// Each bad suppression: exit 2, a line naming the file, the element and the member; nothing written.
    @Test(arguments: [
        (
            #"{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "suppressIndefinitely": true}"#,
            "has no resourceIdentifier"
        ),
        (
            #"{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "resourceIdentifier": {}, "suppressIndefinitely": true}"#,
            "has an empty resourceIdentifier"
        ),
        (
            #"{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "resourceIdentifier": {"deviceCertificateId": "a"}, "expirationDate": "next week"}"#,
            #"expirationDate is "next week"; expected an ISO 8601 date or time (2026-12-31 or 2026-12-31T00:00:00Z) or epoch seconds"#
        ),
        (
            #"{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "resourceIdentifier": {"deviceCertificateId": "a"}, "expirationDate": "2026-13-01"}"#,
            #"expirationDate is "2026-13-01"; expected an ISO 8601 date or time (2026-12-31 or 2026-12-31T00:00:00Z) or epoch seconds"#
        ),
        (
            #"{"checkName": "NO_SUCH_CHECK", "resourceIdentifier": {"deviceCertificateId": "a"}, "suppressIndefinitely": true}"#,
            "checkName NO_SUCH_CHECK: unknown check; valid names: "
                + CheckRegistry.descriptions.map(\.name).joined(separator: ", ")
        ),
        (
            #"{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "resourceIdentifier": {"account": "123456789012"}, "suppressIndefinitely": true}"#,
            "resourceIdentifier has account; DEVICE_CERTIFICATE_EXPIRING_CHECK findings are identified by deviceCertificateId alone"
        ),
        (
            #"{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "resourceIdentifier": {"deviceCertificateId": "a"}}"#,
            "has neither an expirationDate nor suppressIndefinitely: true (it would never apply)"
        ),
    ])
    func aBadSuppressionIsRefusedBeforeAnythingIsWritten(element: String, reason: String) throws {
        let valid = Self.suppression(Fixtures.expiring.id, indefinitely: true)
        let (report, out) = try audit([
            "certificates.json": Self.certificates, "audit-suppressions.json": Self.file(valid, element),
        ])
        #expect(report.exitStatus == 2)
        #expect(report.errorLines == ["fleet-audit: audit-suppressions.json: element 1: \(reason)"])
        #expect(FileSystem.entries(of: out.path) == [])
    }

    @Test func suppressedOutputIsByteIdenticalForOneTwoAndFourWorkers() throws {
        let extra = TemporaryDirectory()
        let path = extra.write(
            "team.json",
            Self.file(
                #"{"checkName": "LOGGING_DISABLED_CHECK", "resourceIdentifier": {"account": "123456789012"}, "suppressIndefinitely": true}"#,
                #"{"checkName": "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "resourceIdentifier": {"policyVersionIdentifier": {"policyName": "WorkshopDevicePolicy", "policyVersionId": "1"}}, "suppressIndefinitely": true}"#
            ))
        var outputs: [[UInt8]] = []
        var suppressedCounts: [Int64] = []
        for workers in [1, 2, 4] {
            let out = TemporaryDirectory()
            var options = AuditOptions(
                snapshotPath: workshopSnapshot, outputPath: out.path, taskId: "same", workers: workers,
                weakKeyBlacklist: workshopWeakKeys)
            options.suppressionsPath = path
            let report = try AuditCommandRunner.run(options)
            suppressedCounts.append(
                report.outcome?.task.auditDetails.reduce(0) { $0 + $1.1.suppressedNonCompliantResourcesCount } ?? 0)
            outputs.append(out.read("findings.json") + out.read("audit-task.json") + out.read("sns-outbox.jsonl"))
        }
        #expect(suppressedCounts[0] >= 1)
        #expect(Set(suppressedCounts).count == 1)
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0] == outputs[2])
    }
}

/// `fleet-audit suppressions add|list|remove --file FILE`.
@Suite struct SuppressionsCommandTests {
    typealias Fixtures = CertificateFixtures

    func add(
        _ file: String, id: String = Fixtures.expiring.id, expiration: String? = "2026-12-31",
        indefinitely: Bool = false
    )
        -> Result<String, SuppressionsCommand.Failure>
    {
        SuppressionsCommand.add(
            file: file,
            SuppressionEdit(
                checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK", resourceIdentifier: "deviceCertificateId=\(id)",
                expirationDate: expiration, suppressIndefinitely: indefinitely, description: "new certificate ordered"))
    }

    @Test func addCreatesTheFileAndTheAuditAppliesIt() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("suppressions.json")
        let added = try add(file).get()
        #expect(
            added
                == "Added: DEVICE_CERTIFICATE_EXPIRING_CHECK findings on certificate \(Fixtures.expiring.id) are "
                + "suppressed until 2026-12-31T00:00:00.000000+00:00. \(file) holds 1 suppression(s).\n")
        let written = String(decoding: directory.read("suppressions.json"), as: UTF8.self)
        #expect(
            written == """
                {
                    "suppressions": [
                        {
                            "checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK",
                            "resourceIdentifier": {
                                "deviceCertificateId": "\(Fixtures.expiring.id)"
                            },
                            "expirationDate": "2026-12-31T00:00:00.000000+00:00",
                            "suppressIndefinitely": false,
                            "description": "new certificate ordered"
                        }
                    ]
                }

                """)
        let parsed = try AuditSuppressions.load(path: file, checks: CheckRegistry.descriptions)
        #expect(
            parsed.entries == [
                AuditSuppression(
                    checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK",
                    resource: .deviceCertificateId(Fixtures.expiring.id),
                    expirationDate: AuditTime(iso8601: "2026-12-31T00:00:00Z"), description: "new certificate ordered")
            ])
    }

    @Test func editsKeepEveryOtherEntryAndUnknownMembers() throws {
        let directory = TemporaryDirectory()
        let original = #"""
            {"suppressions": [
              {"checkName": "LOGGING_DISABLED_CHECK", "resourceIdentifier": {"account": "123456789012"},
               "expirationDate": 1597881600.0, "suppressIndefinitely": false, "futureMember": {"kept": [1, 2]}},
              {"checkName": "DEVICE_CERT_APPROACHING_EXPIRATION_CHECK", "resourceIdentifier": {"deviceCertificateId": "abc"},
               "suppressIndefinitely": true}
            ], "nextToken": null, "exportNote": "kept"}
            """#
        let file = directory.write("s.json", original)
        _ = try add(file).get()
        let afterAdd = try JSONParser.parse(directory.read("s.json")).get()
        let originalJSON = try JSONParser.parse(original).get()
        #expect(afterAdd["nextToken"] == .null)
        #expect(afterAdd["exportNote"] == "kept")
        #expect(
            Array(afterAdd["suppressions"]?.arrayValue?.prefix(2) ?? []) == originalJSON["suppressions"]?.arrayValue)
        #expect(afterAdd["suppressions"]?.arrayValue?.count == 3)
        let removed = try SuppressionsCommand.remove(
            file: file, checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK",
            resourceIdentifier: #"{"deviceCertificateId": "abc"}"#
        ).get()
        #expect(
            removed
                == "Removed: DEVICE_CERTIFICATE_EXPIRING_CHECK findings on certificate abc are no longer suppressed. "
                + "\(file) holds 2 suppression(s).\n")
        let afterRemove = try JSONParser.parse(directory.read("s.json")).get()
        #expect(afterRemove["suppressions"]?.arrayValue?.first == originalJSON["suppressions"]?.arrayValue?.first)
        #expect(afterRemove["suppressions"]?.arrayValue?.first?["expirationDate"] == .real(1597881600.0))
        #expect(afterRemove["exportNote"] == "kept")
        #expect(FileSystem.entries(of: directory.path) == ["s.json"])
    }

    @Test func listSortsByExpirationAndFilters() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("s.json")
        _ = try add(file, id: "late", expiration: "2027-06-01").get()
        _ = try add(file, id: "forever", expiration: nil, indefinitely: true).get()
        _ = try add(file, id: "early", expiration: "2026-12-01").get()
        let listed = try JSONParser.parse(
            SuppressionsCommand.list(file: file, checkName: nil, resourceIdentifier: nil).get()
        ).get()
        #expect(
            listed["suppressions"]?.arrayValue?.map { $0["resourceIdentifier"]?["deviceCertificateId"] } == [
                "early", "late", "forever",
            ])
        let one = try JSONParser.parse(
            SuppressionsCommand.list(
                file: file, checkName: "DEVICE_CERT_APPROACHING_EXPIRATION_CHECK",
                resourceIdentifier: "deviceCertificateId=late"
            ).get()
        ).get()
        #expect(one["suppressions"]?.arrayValue?.count == 1)
        let none = try SuppressionsCommand.list(
            file: file, checkName: "LOGGING_DISABLED_CHECK", resourceIdentifier: nil
        )
        .get()
        #expect(none == "{\n    \"suppressions\": []\n}\n")
    }

    @Test func errorsNameTheProblemAndLeaveTheFileAlone() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("s.json")
        _ = try add(file).get()
        let before = directory.read("s.json")
        let cases: [(Result<String, SuppressionsCommand.Failure>, SuppressionsCommand.Failure)] = [
            (
                add(file),
                .input(
                    "\(file): element 0 already suppresses DEVICE_CERTIFICATE_EXPIRING_CHECK findings on certificate "
                        + "\(Fixtures.expiring.id); remove it first")
            ),
            (
                add(file, id: "x", expiration: "31/12/2026"),
                .usage(
                    "--expiration-date '31/12/2026' is not a date such as 2026-12-31 or an ISO 8601 time such as "
                        + "2026-12-31T12:00:00Z")
            ),
            (add(file, id: "x", expiration: nil), .usage("give either --expiration-date or --suppress-indefinitely")),
            (
                add(file, id: "x", expiration: "2027-01-01", indefinitely: true),
                .usage("give either --expiration-date or --suppress-indefinitely")
            ),
            (
                SuppressionsCommand.add(
                    file: file,
                    SuppressionEdit(
                        checkName: "NOPE", resourceIdentifier: "deviceCertificateId=x", suppressIndefinitely: true)),
                .usage("--check-name: unknown check name 'NOPE' ('fleet-audit checks' lists the 17 checks)")
            ),
            (
                SuppressionsCommand.add(
                    file: file,
                    SuppressionEdit(
                        checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK", resourceIdentifier: "{}",
                        suppressIndefinitely: true)),
                .usage("--resource-identifier is empty: name the resource, such as deviceCertificateId=ID")
            ),
            (
                SuppressionsCommand.add(
                    file: file,
                    SuppressionEdit(
                        checkName: "LOGGING_DISABLED_CHECK", resourceIdentifier: "deviceCertificateId=x",
                        suppressIndefinitely: true)),
                .usage(
                    "--resource-identifier: resourceIdentifier has deviceCertificateId; LOGGING_DISABLED_CHECK findings "
                        + "are identified by account alone")
            ),
            (
                SuppressionsCommand.remove(
                    file: file, checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK",
                    resourceIdentifier: "deviceCertificateId=zzz"),
                .input("\(file) has no suppression of DEVICE_CERTIFICATE_EXPIRING_CHECK findings on certificate zzz")
            ),
        ]
        for (result, expected) in cases {
            guard case .failure(let failure) = result else {
                Issue.record("expected \(expected), got \(result)")
                continue
            }
            #expect(failure == expected)
        }
        #expect(directory.read("s.json") == before)
    }

    @Test func anInvalidFileIsNotEdited() throws {
        let directory = TemporaryDirectory()
        let broken =
            #"{"suppressions": [{"checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK", "suppressIndefinitely": true}]}"#
        let file = directory.write("s.json", broken)
        guard case .failure(let failure) = add(file, id: "x") else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure == .input("\(file): element 0: has no resourceIdentifier"))
        #expect(String(decoding: directory.read("s.json"), as: UTF8.self) == broken)
    }

    @Test func policyShorthandAndJSONGiveTheSameIdentifier() throws {
        let check = try #require(CheckRegistry.check(named: "IOT_POLICY_OVERLY_PERMISSIVE_CHECK")).description
        let shorthand = try SuppressionsCommand.identifierArgument(
            "policyVersionIdentifier={policyName=P,policyVersionId=1}"
        )
        .get()
        let json = try SuppressionsCommand.identifierArgument(
            #"{"policyVersionIdentifier": {"policyName": "P", "policyVersionId": "1"}}"#
        ).get()
        #expect(shorthand == json)
        #expect(
            try ResourceIdentifier.parse(shorthand, for: check).get()
                == .policyVersion(policyName: "P", policyVersionId: "1"))
    }
}
