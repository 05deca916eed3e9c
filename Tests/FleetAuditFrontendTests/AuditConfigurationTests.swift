import FleetAuditBase
import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// `audit-configuration.json`: which checks run, AUDIT_CHECK_DISABLED,
/// `--exclude-checks`, bad configurations, scheduled audits and the audit notification.
@Suite struct AuditConfigurationTests {
    static let logging = #"{"roleArn": "r", "logLevel": "DISABLED"}"#

    static func configuration(_ checks: String, notification: String = "") -> String {
        #"{"roleArn": "arn:aws:iam::123456789012:role/AuditRole", "auditCheckConfigurations": {\#(checks)}\#(notification)}"#
    }

    func run(_ files: [String: String], checks: [String]? = nil, excluded: [String]? = nil, scheduled: String? = nil)
        throws -> (report: AuditReport, out: TemporaryDirectory)
    {
        let snapshot = TemporarySnapshot(files)
        let out = TemporaryDirectory()
        var options = AuditOptions(
            snapshotPath: snapshot.path, outputPath: out.path, checkNames: checks, taskId: "config-task", workers: 1)
        options.excludedCheckNames = excluded
        options.scheduledAuditName = scheduled
        return (try AuditCommandRunner.run(options), out)
    }

    func checkNames(_ report: AuditReport) -> [String] { report.outcome?.task.auditDetails.map(\.0) ?? [] }

    @Test func withoutConfigurationEveryCheckRunsAgeIncludedAndTheSummarySaysSo() throws {
        let (report, _) = try run(["logging-options.json": Self.logging])
        #expect(checkNames(report) == CheckRegistry.descriptions.map(\.name))
        #expect(checkNames(report).contains("DEVICE_CERTIFICATE_AGE_CHECK"))
        #expect(
            report.summary.contains(
                "\nChecks: all 17 registered, DEVICE_CERTIFICATE_AGE_CHECK included (no audit-configuration.json in "
                    + "the snapshot)\n"))
    }

    @Test func withConfigurationExactlyTheEnabledChecksRun() throws {
        let configuration = Self.configuration(
            #""LOGGING_DISABLED_CHECK": {"enabled": true}, "IOT_POLICY_OVERLY_PERMISSIVE_CHECK": {"enabled": false}, "#
                + #""DEVICE_CERT_APPROACHING_EXPIRATION_CHECK": {"enabled": true}"#)
        let (report, _) = try run(["logging-options.json": Self.logging, "audit-configuration.json": configuration])
        // A legacy name enables the check; DEVICE_CERTIFICATE_AGE_CHECK, not listed, stays off as AWS keeps it.
        #expect(checkNames(report) == ["LOGGING_DISABLED_CHECK", "DEVICE_CERTIFICATE_EXPIRING_CHECK"])
        #expect(report.summary.contains("\nChecks: the 2 enabled in audit-configuration.json\n"))
    }

    @Test func aNamedCheckThatIsNotEnabledFailsWithAuditCheckDisabled() throws {
        let configuration = Self.configuration(
            #""LOGGING_DISABLED_CHECK": {"enabled": true}, "DEVICE_CERTIFICATE_AGE_CHECK": {"enabled": false}"#)
        let (report, out) = try run(
            ["logging-options.json": Self.logging, "audit-configuration.json": configuration],
            checks: ["LOGGING_DISABLED_CHECK", "DEVICE_CERTIFICATE_AGE_CHECK"])
        #expect(report.exitStatus == 1)
        let details = try #require(report.outcome?.task.auditDetails.last?.1)
        #expect(details.checkRunStatus == .failed)
        #expect(details.errorCode == "AUDIT_CHECK_DISABLED")
        #expect(
            details.message
                == "audit-configuration.json: DEVICE_CERTIFICATE_AGE_CHECK is not enabled "
                + "(auditCheckConfigurations.DEVICE_CERTIFICATE_AGE_CHECK.enabled is not true); it was not run")
        #expect(report.outcome?.task.auditDetails.first?.1.checkRunStatus == .completedNonCompliant)
        let task = try JSONParser.parse(out.read("audit-task.json")).get()
        let age = task["auditDetails"]?["DEVICE_CERTIFICATE_AGE_CHECK"]
        #expect(age?["errorCode"] == "AUDIT_CHECK_DISABLED")
        #expect(age?["checkRunStatus"] == "FAILED")
        #expect(
            report.summary.contains(
                "\nChecks: the 2 named by --checks; 1 of them not enabled in audit-configuration.json "
                    + "(FAILED, AUDIT_CHECK_DISABLED)\n"))
    }

    @Test func excludeChecksRemovesThemFromTheEnabledOnesAndFromNamedOnes() throws {
        let (report, _) = try run(
            ["logging-options.json": Self.logging],
            excluded: ["DEVICE_CERTIFICATE_AGE_CHECK", "CONFLICTING_CLIENT_IDS_CHECK"])
        #expect(checkNames(report).count == 15)
        #expect(!checkNames(report).contains("DEVICE_CERTIFICATE_AGE_CHECK"))
        #expect(!checkNames(report).contains("CONFLICTING_CLIENT_IDS_CHECK"))
        #expect(
            report.summary.contains(
                ", less 2 excluded by --exclude-checks (DEVICE_CERTIFICATE_AGE_CHECK, CONFLICTING_CLIENT_IDS_CHECK)\n"))
        let (named, _) = try run(
            ["logging-options.json": Self.logging], checks: ["LOGGING_DISABLED_CHECK", "DEVICE_CERTIFICATE_AGE_CHECK"],
            excluded: ["DEVICE_CERTIFICATE_AGE_CHECK"])
        #expect(checkNames(named) == ["LOGGING_DISABLED_CHECK"])
    }

    @Test func excludeChecksErrors() throws {
        #expect(
            throws: UsageError("--exclude-checks: unknown check name 'NOPE' ('fleet-audit checks' lists the 17 checks)")
        ) {
            try run(["logging-options.json": Self.logging], excluded: ["NOPE"])
        }
        #expect(throws: UsageError("--exclude-checks leaves no check to run")) {
            try run(
                ["logging-options.json": Self.logging], checks: ["LOGGING_DISABLED_CHECK"],
                excluded: ["LOGGING_DISABLED_CHECK"])
        }
    }

    static let validNames = CheckRegistry.descriptions.map(\.name).joined(separator: ", ")

    /// Each bad configuration: exit 2, every problem on stderr naming file and member, nothing written.
    @Test(arguments: [
        (
            configuration(#""NO_SUCH_CHECK": {"enabled": true}, "LOGGING_DISABLED_CHECK": {"enabled": true}"#),
            [
                "audit-configuration.json: auditCheckConfigurations.NO_SUCH_CHECK: unknown check; valid names: \(validNames)"
            ]
        ),
        (
            configuration(#""LOGGING_DISABLED_CHECK": {"enabled": "yes"}"#),
            [
                #"audit-configuration.json: auditCheckConfigurations.LOGGING_DISABLED_CHECK.enabled is "yes"; expected true or false"#
            ]
        ),
        (
            configuration(
                #""LOGGING_DISABLED_CHECK": {"enabled": true}, "DEVICE_CERT_APPROACHING_EXPIRATION_CHECK": {"enabled": true}, "#
                    + #""DEVICE_CERTIFICATE_EXPIRING_CHECK": {"enabled": true}"#),
            [
                "audit-configuration.json: auditCheckConfigurations.DEVICE_CERTIFICATE_EXPIRING_CHECK: "
                    + "DEVICE_CERTIFICATE_EXPIRING_CHECK is configured twice (as DEVICE_CERT_APPROACHING_EXPIRATION_CHECK "
                    + "and DEVICE_CERTIFICATE_EXPIRING_CHECK)"
            ]
        ),
        (
            configuration(
                #""LOGGING_DISABLED_CHECK": {"enabled": true}"#,
                notification: #", "auditNotificationTargetConfigurations": {"SNS": {"enabled": true}}"#),
            [
                "audit-configuration.json: auditNotificationTargetConfigurations.SNS.targetArn is missing; an SNS "
                    + "target needs the topic's ARN"
            ]
        ),
        (
            configuration(
                #""DEVICE_CERTIFICATE_AGE_CHECK": {"enabled": true, "configuration": {"CERT_AGE_THRESHOLD_IN_DAYS": "0"}}, "#
                    + #""DEVICE_CERTIFICATE_EXPIRING_CHECK": {"enabled": true, "configuration": {"CERT_EXPIRATION_THRESHOLD_IN_DAYS": true}}"#
            ),
            [
                #"audit-configuration.json: auditCheckConfigurations.DEVICE_CERTIFICATE_AGE_CHECK.configuration.CERT_AGE_THRESHOLD_IN_DAYS is "0"; expected a whole number of days from 30 to 3652"#,
                "audit-configuration.json: auditCheckConfigurations.DEVICE_CERTIFICATE_EXPIRING_CHECK.configuration."
                    + "CERT_EXPIRATION_THRESHOLD_IN_DAYS is true; expected a whole number of days from 30 to 3652",
            ]
        ),
        (
            configuration(#""LOGGING_DISABLED_CHECK": {"enabled": false}"#),
            ["audit-configuration.json: no check is enabled; name the checks to run with --checks"]
        ),
    ])
    func aBadConfigurationIsRefusedBeforeAnythingIsWritten(configuration: String, lines: [String]) throws {
        let (report, out) = try run(["logging-options.json": Self.logging, "audit-configuration.json": configuration])
        #expect(report.exitStatus == 2)
        #expect(report.errorLines == lines.map { "fleet-audit: " + $0 })
        #expect(report.outcome == nil)
        #expect(FileSystem.entries(of: out.path) == [])
    }

    @Test func aConfigurationThatWasNotCollectedRunsEveryCheckAndFailsThoseThatNeedAThreshold() throws {
        let manifest = #"""
            {"accountId": "123456789012", "region": "us-east-1", "exportedAt": "2026-11-26T08:00:00Z",
             "unavailable": [{"file": "audit-configuration.json", "reason": "AccessDeniedException"}]}
            """#
        let (report, _) = try run(["manifest.json": manifest, "logging-options.json": Self.logging])
        #expect(checkNames(report).count == 17)
        #expect(
            report.summary.contains(
                "\nChecks: all 17 registered (audit-configuration.json: not collected by the exporter: "
                    + "AccessDeniedException)\n"))
        let age = report.outcome?.task.auditDetails.first { $0.0 == "DEVICE_CERTIFICATE_AGE_CHECK" }?.1
        #expect(age?.message == "audit-configuration.json: not collected by the exporter: AccessDeniedException")
    }

    /// Suppressions the exporter could not list: the audit runs, marks nothing suppressed, says so
    /// on stderr and calls itself incomplete; suppressions given with --suppressions are known.
    @Test func suppressionsThatWereNotCollectedLeaveTheAuditIncomplete() throws {
        let manifest = #"""
            {"accountId": "123456789012", "region": "us-east-1", "exportedAt": "2026-11-26T08:00:00Z",
             "unavailable": [{"file": "audit-suppressions.json", "reason": "AccessDeniedException"}]}
            """#
        let files = ["manifest.json": manifest, "logging-options.json": Self.logging]
        let (report, _) = try run(files, checks: ["LOGGING_DISABLED_CHECK"])
        #expect(report.exitStatus == 1)
        #expect(
            report.errorLines == [
                "fleet-audit: audit-suppressions.json: listed unavailable in manifest.json (AccessDeniedException); "
                    + "no finding is marked suppressed (give the suppressions with --suppressions FILE)"
            ])
        #expect(report.outcome?.task.failedChecks == 0)

        let given = TemporaryDirectory()
        _ = given.write("suppressions.json", #"{"suppressions": []}"#)
        let snapshot = TemporarySnapshot(files)
        let out = TemporaryDirectory()
        var options = AuditOptions(
            snapshotPath: snapshot.path, outputPath: out.path, checkNames: ["LOGGING_DISABLED_CHECK"],
            taskId: "config-task", workers: 1)
        options.suppressionsPath = "file://" + given.path + "/suppressions.json"
        let withFile = try AuditCommandRunner.run(options)
        #expect(withFile.exitStatus == 0)
        #expect(withFile.errorLines == [])
    }

    @Test func scheduledAuditNameRecordsAScheduledTask() throws {
        let (report, out) = try run(
            ["logging-options.json": Self.logging], checks: ["LOGGING_DISABLED_CHECK"],
            scheduled: "AWSIoTDeviceDefenderDailyAudit")
        let task = try JSONParser.parse(out.read("audit-task.json")).get()
        #expect(task["taskType"] == "SCHEDULED_AUDIT_TASK")
        #expect(task["scheduledAuditName"] == "AWSIoTDeviceDefenderDailyAudit")
        #expect(
            task.objectValue?.keys == [
                "taskId", "taskStatus", "taskType", "taskStartTime", "taskStatistics", "scheduledAuditName",
                "auditDetails", "snapshotDigest",
            ])
        #expect(report.summary.hasPrefix("Audit task config-task (SCHEDULED_AUDIT_TASK)"))
        let (onDemand, onDemandOut) = try run(
            ["logging-options.json": Self.logging], checks: ["LOGGING_DISABLED_CHECK"])
        #expect(onDemand.exitStatus == 0)
        let plain = try JSONParser.parse(onDemandOut.read("audit-task.json")).get()
        #expect(plain["taskType"] == "ON_DEMAND_AUDIT_TASK")
        #expect(plain["scheduledAuditName"] == nil)
    }

    @Test(arguments: ["", "daily audit", String(repeating: "a", count: 129), "daily/audit"])
    func aScheduledAuditNameOutsideThePatternIsAUsageError(name: String) throws {
        #expect(
            throws: UsageError(
                "--scheduled-audit-name '\(name)' must be 1 to 128 characters of [a-zA-Z0-9_-] (the API's "
                    + "scheduledAuditName)")
        ) {
            try run(["logging-options.json": Self.logging], scheduled: name)
        }
    }

    @Test func anEnabledSnsTargetGetsTheAuditNotification() throws {
        let configuration = Self.configuration(
            #""LOGGING_DISABLED_CHECK": {"enabled": true}, "DEVICE_CERTIFICATE_AGE_CHECK": {"enabled": false}"#,
            notification: #"""
                , "auditNotificationTargetConfigurations": {"SNS": {"enabled": true,
                  "targetArn": "arn:aws:sns:us-east-1:123456789012:DevDefenderAudit",
                  "roleArn": "arn:aws:iam::123456789012:role/AWSIoTDeviceDefenderNotification_Role"}}
                """#)
        let (report, out) = try run(
            ["logging-options.json": Self.logging, "audit-configuration.json": configuration],
            checks: ["LOGGING_DISABLED_CHECK", "DEVICE_CERTIFICATE_AGE_CHECK"], scheduled: "daily")
        #expect(report.summary.contains("Wrote the audit notification (auditNotificationTargetConfigurations.SNS) to"))
        let lines = String(decoding: out.read("sns-outbox.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1)
        let record = try JSONParser.parse(String(lines[0])).get()
        let sns = try #require(record["Records"]?.arrayValue?.first?["Sns"])
        #expect(sns["Type"] == "Notification")
        #expect(sns["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:DevDefenderAudit")
        #expect(sns["Timestamp"] == "2026-11-26T08:00:00.000Z")
        let message = try JSONParser.parse(try #require(sns["Message"]?.stringValue)).get()
        let expected: JSONValue = [
            "accountId": "123456789012", "taskId": "config-task", "taskStatus": "COMPLETED",
            "taskType": "SCHEDULED_AUDIT_TASK", "scheduledAuditName": "daily", "failedChecksCount": 1,
            "canceledChecksCount": 0, "nonCompliantChecksCount": 1, "compliantChecksCount": 0, "totalChecksCount": 2,
            "taskStartTime": 1_795_680_000_000,
            "auditDetails": [
                [
                    "checkName": "LOGGING_DISABLED_CHECK", "checkRunStatus": "COMPLETED_NON_COMPLIANT",
                    "nonCompliantResourcesCount": 1, "totalResourcesCount": 1,
                    "suppressedNonCompliantResourcesCount": 0,
                ],
                [
                    "checkName": "DEVICE_CERTIFICATE_AGE_CHECK", "checkRunStatus": "FAILED",
                    "nonCompliantResourcesCount": 0, "totalResourcesCount": 0,
                    "suppressedNonCompliantResourcesCount": 0,
                    "message": .string(
                        "audit-configuration.json: DEVICE_CERTIFICATE_AGE_CHECK is not enabled "
                            + "(auditCheckConfigurations.DEVICE_CERTIFICATE_AGE_CHECK.enabled is not true); it was not run"
                    ),
                    "errorCode": "AUDIT_CHECK_DISABLED",
                ],
            ],
        ]
        #expect(message == expected)
    }

    @Test func noNotificationWhenTheTargetIsDisabledOrAbsent() throws {
        let disabled = Self.configuration(
            #""LOGGING_DISABLED_CHECK": {"enabled": true}"#,
            notification: #", "auditNotificationTargetConfigurations": {"SNS": {"enabled": false}}"#)
        for files in [
            ["logging-options.json": Self.logging, "audit-configuration.json": disabled],
            ["logging-options.json": Self.logging],
        ] {
            let (report, out) = try run(files, checks: ["LOGGING_DISABLED_CHECK"])
            #expect(report.outcome?.notificationPath == nil)
            #expect(
                FileSystem.entries(of: out.path)?.sorted() == [
                    "audit-source.json", "audit-task.json", "findings.json", "related-resources.jsonl",
                ])
        }
    }
}

/// The new members (errorCode, scheduledAuditName, isSuppressed, the suppressed
/// count) and the suppressions file against botocore's IoT model, strictly.
@Suite struct ConfigurationSchemaTests {
    func validate(_ file: String, shape: String, extra: [String] = []) throws -> (status: Int32, errors: String) {
        try DefenderSchemaValidator.validate(file, shape: shape, extra: extra)
    }

    @Test func aScheduledAuditWithADisabledCheckAndASuppressedFindingMatchesTheModel() throws {
        typealias Fixtures = CertificateFixtures
        let snapshot = TemporarySnapshot([
            "certificates.json": CertificateFixture.file([Fixtures.expired.device(), Fixtures.expiring.device()]),
            "audit-configuration.json": #"""
            {"auditCheckConfigurations": {"DEVICE_CERTIFICATE_EXPIRING_CHECK": {"enabled": true}}}
            """#,
        ])
        let scratch = TemporaryDirectory()
        let suppressions = scratch.file("suppressions.json")
        _ = try SuppressionsCommand.add(
            file: suppressions,
            SuppressionEdit(
                checkName: "DEVICE_CERTIFICATE_EXPIRING_CHECK",
                resourceIdentifier: "deviceCertificateId=\(Fixtures.expiring.id)", expirationDate: "2027-01-01",
                description: "replacement ordered")
        ).get()
        let out = TemporaryDirectory()
        var options = AuditOptions(
            snapshotPath: snapshot.path, outputPath: out.path,
            checkNames: ["DEVICE_CERTIFICATE_EXPIRING_CHECK", "DEVICE_CERTIFICATE_AGE_CHECK"], workers: 1)
        options.scheduledAuditName = "AWSIoTDeviceDefenderDailyAudit"
        options.suppressionsPath = "file://" + suppressions
        let report = try AuditCommandRunner.run(options)
        let details = report.outcome?.task.auditDetails.map(\.1)
        #expect(details?.map(\.suppressedNonCompliantResourcesCount) == [1, 0])
        #expect(details?.map(\.errorCode) == [nil, "AUDIT_CHECK_DISABLED"])
        let task = try validate(
            out.file("audit-task.json"), shape: "DescribeAuditTaskResponse", extra: ["taskId", "snapshotDigest"])
        #expect(task.0 == 0, "\(task.1)")
        let findings = try validate(out.file("findings.json"), shape: "ListAuditFindingsResponse")
        #expect(findings.0 == 0, "\(findings.1)")
        let listed = scratch.write(
            "listed.json",
            try SuppressionsCommand.list(file: suppressions, checkName: nil, resourceIdentifier: nil).get())
        for file in [suppressions, listed] {
            let result = try validate(file, shape: "ListAuditSuppressionsResponse")
            #expect(result.0 == 0, "\(result.1)")
        }
    }
}
