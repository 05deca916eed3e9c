import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

let loggingRole = "arn:aws:iam::123456789012:role/service-role/AWSIoTLogging_Role"
let topic = "arn:aws:sns:us-east-1:123456789012:DevDefenderAudit"

let actionsFile = #"""
    {"mitigationActions": [
      {"actionName": "EnableErrorLoggingAction", "actionType": "ENABLE_IOT_LOGGING",
       "actionArn": "arn:aws:iot:us-east-1:123456789012:mitigationaction/EnableErrorLoggingAction",
       "actionId": "11111111-2222-3333-4444-555555555555",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionErrorLogging_Role",
       "actionParams": {"enableIoTLoggingParams": {"roleArnForLogging": "\#(loggingRole)", "logLevel": "ERROR"}}},
      {"actionName": "PublishFindingToSnsAction", "actionType": "PUBLISH_FINDING_TO_SNS",
       "actionId": "66666666-7777-8888-9999-000000000000",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionPublishToSns_Role",
       "actionParams": {"publishFindingToSnsParams": {"topicArn": "\#(topic)"}}},
      {"actionName": "DisableLoggingAction", "actionType": "ENABLE_IOT_LOGGING",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionErrorLogging_Role",
       "actionParams": {"enableIoTLoggingParams": {"roleArnForLogging": "\#(loggingRole)", "logLevel": "DISABLED"}}},
      {"actionName": "BlankPolicyAction", "actionType": "REPLACE_DEFAULT_POLICY_VERSION",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionPolicy_Role",
       "actionParams": {"replaceDefaultPolicyVersionParams": {"templateName": "BLANK_POLICY"}}},
      {"actionName": "DeactivateCertificateAction", "actionType": "UPDATE_DEVICE_CERTIFICATE",
       "roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionCert_Role",
       "actionParams": {"updateDeviceCertificateParams": {"action": "DEACTIVATE"}}}
    ]}
    """#

let disabledLoggingFiles: [String: String] = [
    "logging-options.json": #"{"roleArn": "\#(loggingRole)", "logLevel": "DISABLED"}"#,
    "v2-logging-options.json":
        #"{"roleArn": "\#(loggingRole)", "defaultLogLevel": "DISABLED", "disableAllLogs": true, "eventConfigurations": [{"eventType": "Connect", "logLevel": "DEBUG"}]}"#,
    "v2-logging-levels.json":
        #"{"logTargetConfigurations": [{"logTarget": {"targetType": "DEFAULT"}, "logLevel": "DISABLED"}, {"logTarget": {"targetType": "THING_GROUP", "targetName": "debug"}, "logLevel": "DEBUG"}]}"#,
    "mitigation-actions.json": actionsFile,
]

/// Every file under `path`, relative name → bytes.
func tree(_ path: String) -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    let manager = FileManager.default
    guard let enumerator = manager.enumerator(atPath: path) else { return result }
    while let name = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[name] = TemporaryDirectory.readFile(path + "/" + name)
        }
    }
    return result
}

/// Records in `auditDirectory` that its audit was made from `snapshotPath`: its
/// `snapshotDigest` recomputed there. For tests of what an action does when the
/// snapshot does not hold what a finding names, which `mitigate` otherwise
/// refuses before any action runs.
func rebind(auditDirectory: String, to snapshotPath: String) throws {
    let path = auditDirectory + "/audit-task.json"
    guard case .object(var task) = try JSONParser.parse(TemporaryDirectory.readFile(path)).get() else { return }
    let checks = (task["auditDetails"]?.objectValue?.keys ?? []).compactMap { CheckRegistry.check(named: $0) }
    task["snapshotDigest"] = SnapshotDigest.compute(try Snapshot.open(snapshotPath), checks: checks).json
    try JSONWriter.pretty(.object(task)).write(toFile: path, atomically: true, encoding: .utf8)
}

/// A snapshot with logging disabled, audited once with a pinned task id.
final class AuditedWorkshop: @unchecked Sendable {
    let snapshot: TemporarySnapshot
    let audit = TemporaryDirectory(prefix: "fleet-audit-audit")
    let scratch = TemporaryDirectory(prefix: "fleet-audit-mitigated")
    let findingId: String

    init(files: [String: String] = disabledLoggingFiles) throws {
        snapshot = TemporarySnapshot(files)
        let report = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: audit.path, checkNames: ["LOGGING_DISABLED_CHECK"],
                taskId: "audit-1", workers: 1))
        findingId = try #require(report.outcome?.checks.first?.preview.first?.findingId)
    }

    var out: String { scratch.path + "/new-snapshot" }

    func options(
        target: String? = nil, mapping: String = #"{"LOGGING_DISABLED_CHECK": ["EnableErrorLoggingAction"]}"#,
        actions: String? = nil, out: String? = nil, snapshotPath: String? = nil, report: String? = nil
    ) -> MitigateOptions {
        MitigateOptions(
            snapshotPath: snapshotPath ?? snapshot.path, auditDirectory: audit.path, actionsPath: actions,
            target: target, mapping: mapping, outputPath: out ?? self.out,
            reportDirectory: report ?? scratch.path + "/report", taskId: "mitigation-1", now: "2026-11-27T09:30:00Z")
    }

    func read(_ path: String) -> String { String(decoding: TemporaryDirectory.readFile(path), as: UTF8.self) }
    func json(_ path: String) throws -> JSONValue { try JSONParser.parse(TemporaryDirectory.readFile(path)).get() }
}

@Suite struct EnableIoTLoggingTests {
    @Test func beforeAndAfter() throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(workshop.options())
        #expect(report.exitStatus == 0)
        // After: v2 on at ERROR with the role; event configurations kept; the DEFAULT level follows.
        #expect(
            try workshop.json(workshop.out + "/v2-logging-options.json")
                == [
                    "roleArn": .string(loggingRole), "defaultLogLevel": "ERROR", "disableAllLogs": false,
                    "eventConfigurations": [["eventType": "Connect", "logLevel": "DEBUG"]],
                ])
        #expect(
            try workshop.json(workshop.out + "/v2-logging-levels.json")
                == [
                    "logTargetConfigurations": [
                        ["logTarget": ["targetType": "DEFAULT"], "logLevel": "ERROR"],
                        ["logTarget": ["targetType": "THING_GROUP", "targetName": "debug"], "logLevel": "DEBUG"],
                    ]
                ])
        // Everything else is copied byte for byte.
        let before = tree(workshop.snapshot.path)
        let after = tree(workshop.out)
        #expect(Set(before.keys) == Set(after.keys))
        for name in before.keys where !name.hasPrefix("v2-logging") {
            #expect(before[name] == after[name], "\(name) changed")
        }
    }

    @Test func createsV2OptionsWhenV2WasNeverConfigured() throws {
        var files = disabledLoggingFiles
        files["v2-logging-options.json"] = nil
        files["v2-logging-levels.json"] = nil
        let workshop = try AuditedWorkshop(files: files)
        #expect(try MitigateCommandRunner.run(workshop.options()).exitStatus == 0)
        #expect(
            try workshop.json(workshop.out + "/v2-logging-options.json")
                == ["roleArn": .string(loggingRole), "defaultLogLevel": "ERROR", "disableAllLogs": false])
        #expect(!FileManager.default.fileExists(atPath: workshop.out + "/v2-logging-levels.json"))
    }

    @Test func disabledLogLevelIsRefusedBeforeAnythingRuns() throws {
        let workshop = try AuditedWorkshop()
        #expect(
            throws: UsageError("enableIoTLoggingParams.logLevel must be DEBUG, INFO, ERROR or WARN, found 'DISABLED'")
        ) {
            try MitigateCommandRunner.run(
                workshop.options(mapping: #"{"LOGGING_DISABLED_CHECK": ["DisableLoggingAction"]}"#))
        }
        #expect(!FileManager.default.fileExists(atPath: workshop.out))
        #expect(!FileManager.default.fileExists(atPath: workshop.scratch.path + "/report"))
    }

    @Test func aWriteFailureIsAFailedExecutionAndLaterActionsAreSkipped() throws {
        let workshop = try AuditedWorkshop()
        // Mitigate a copy of the snapshot in which v2-logging-options.json is a directory:
        // the action cannot write it.
        var broken = disabledLoggingFiles
        broken["v2-logging-options.json"] = nil
        let brokenSnapshot = TemporarySnapshot(broken)
        try FileManager.default.createDirectory(
            atPath: brokenSnapshot.path + "/v2-logging-options.json", withIntermediateDirectories: false)
        try rebind(auditDirectory: workshop.audit.path, to: brokenSnapshot.path)
        let report = try MitigateCommandRunner.run(
            workshop.options(
                mapping: #"{"LOGGING_DISABLED_CHECK": ["EnableErrorLoggingAction", "PublishFindingToSnsAction"]}"#,
                snapshotPath: brokenSnapshot.path))
        #expect(report.exitStatus == 1)
        let executions = try #require(report.outcome?.executions)
        #expect(executions.map(\.status) == [.failed, .skipped])
        #expect(executions[0].errorCode == "InternalFailureException")
        // The executor applies the action's edits to the hidden copy beside --out, where the directory stands.
        #expect(
            executions[0].message
                == "cannot write the new snapshot: \(workshop.scratch.path)/.new-snapshot.tmp-\(getpid())/"
                + "v2-logging-options.json: cannot write: Is a directory")
        #expect(executions[1].message == "skipped: EnableErrorLoggingAction failed for this finding")
        let task = try workshop.json(workshop.scratch.path + "/report/mitigation-task.json")
        #expect(task["taskStatus"] == "FAILED")
        #expect(
            task["taskStatistics"]?["LOGGING_DISABLED_CHECK"]
                == [
                    "totalFindingsCount": 1, "failedFindingsCount": 1, "succeededFindingsCount": 0,
                    "skippedFindingsCount": 0, "canceledFindingsCount": 0,
                ])
        #expect(workshop.read(workshop.scratch.path + "/report/sns-outbox.jsonl") == "")
    }
}

@Suite struct PublishFindingToSnsTests {
    @Test func theOutboxHoldsTheSNSRecordAndTheSnapshotIsUnchanged() throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(
            workshop.options(mapping: #"{"LOGGING_DISABLED_CHECK": ["PublishFindingToSnsAction"]}"#))
        #expect(report.exitStatus == 0)
        let lines = workshop.read(workshop.scratch.path + "/report/sns-outbox.jsonl").split(separator: "\n")
        #expect(lines.count == 1)
        let record = try JSONParser.parse(String(lines[0])).get()
        let sns = try #require(record["Records"]?.arrayValue?.first?["Sns"])
        #expect(sns["Type"] == "Notification")
        #expect(sns["TopicArn"] == .string(topic))
        #expect(sns["Subject"] == .null)
        #expect(sns["Timestamp"] == "2026-11-27T09:30:00.000Z")
        #expect(
            sns["MessageId"]
                == .string(
                    FindingIdentity.uuidV5(name: "sns\nmitigation-1\n\(workshop.findingId)\nPublishFindingToSnsAction"))
        )
        let message = try JSONParser.parse(try #require(sns["Message"]?.stringValue)).get()
        #expect(
            message.objectValue?.keys
                == [
                    "findingId", "findingTime", "severity", "taskStartTime", "nonCompliantResource", "taskId",
                    "checkName", "reasonForNonComplianceCode", "reasonForNonCompliance",
                ])
        #expect(message["findingId"] == .string(workshop.findingId))
        #expect(message["taskStartTime"] == .integer(1_795_680_000_000))
        #expect(message["checkName"] == "LOGGING_DISABLED_CHECK")
        #expect(
            message["nonCompliantResource"]
                == ["resourceType": "ACCOUNT_SETTINGS", "resourceIdentifier": ["account": "123456789012"]])
        #expect(tree(workshop.snapshot.path) == tree(workshop.out))
    }
}

@Suite struct MitigationTaskTests {
    @Test func theWorkshopLoop() throws {
        let workshop = try AuditedWorkshop()
        let before = tree(workshop.snapshot.path)
        let report = try MitigateCommandRunner.run(
            workshop.options(
                target:
                    #"{"auditTaskId": "audit-1", "auditCheckToReasonCodeFilter": {"LOGGING_DISABLED_CHECK": ["LOGGING_DISABLED"]}}"#
            ))
        #expect(report.exitStatus == 0)
        #expect(report.outcome?.executions.map(\.status) == [.completed])
        let logging = LoggingReport.render(try Snapshot.open(workshop.out))
        #expect(logging.contains("Effective: Logs ENABLED, level of verbosity ERROR, role \(loggingRole) (v2)"))
        let reaudit = TemporaryDirectory()
        let second = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: workshop.out, outputPath: reaudit.path, checkNames: ["LOGGING_DISABLED_CHECK"],
                workers: 1))
        #expect(second.outcome?.checks.first?.details.checkRunStatus == .completedCompliant)
        // The input snapshot is byte for byte what it was.
        #expect(tree(workshop.snapshot.path) == before)
    }

    @Test func pinnedRunsAreByteIdentical() throws {
        let workshop = try AuditedWorkshop()
        let mapping = #"{"LOGGING_DISABLED_CHECK": ["PublishFindingToSnsAction", "EnableErrorLoggingAction"]}"#
        let first = try MitigateCommandRunner.run(
            workshop.options(mapping: mapping, out: workshop.scratch.path + "/a", report: workshop.scratch.path + "/ra")
        )
        let second = try MitigateCommandRunner.run(
            workshop.options(mapping: mapping, out: workshop.scratch.path + "/b", report: workshop.scratch.path + "/rb")
        )
        #expect(first.exitStatus == 0 && second.exitStatus == 0)
        #expect(tree(workshop.scratch.path + "/a") == tree(workshop.scratch.path + "/b"))
        #expect(tree(workshop.scratch.path + "/ra") == tree(workshop.scratch.path + "/rb"))
        #expect(tree(workshop.scratch.path + "/ra").count == 4)
    }

    @Test func actionsRunInTheListedOrder() throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(
            workshop.options(
                mapping: #"{"LOGGING_DISABLED_CHECK": ["PublishFindingToSnsAction", "EnableErrorLoggingAction"]}"#))
        let executions = try #require(report.outcome?.executions)
        #expect(executions.map(\.actionName) == ["PublishFindingToSnsAction", "EnableErrorLoggingAction"])
        #expect(
            executions.map(\.actionId) == [
                "66666666-7777-8888-9999-000000000000", "11111111-2222-3333-4444-555555555555",
            ])
    }

    @Test(arguments: [
        nil, #"{"auditTaskId": "audit-1"}"#,
        #"{"auditTaskId": "audit-1", "auditCheckToReasonCodeFilter": {"LOGGING_DISABLED_CHECK": ["LOGGING_DISABLED"]}}"#,
    ])
    func targetsThatSelectTheFinding(target: String?) throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(workshop.options(target: target))
        #expect(report.outcome?.executions.map(\.findingId) == [workshop.findingId])
    }

    @Test func targetByFindingIds() throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(
            workshop.options(target: #"{"findingIds": ["\#(workshop.findingId)"]}"#))
        #expect(report.outcome?.executions.map(\.findingId) == [workshop.findingId])
        let task = try workshop.json(workshop.scratch.path + "/report/mitigation-task.json")
        #expect(task["target"] == ["findingIds": .array([.string(workshop.findingId)])])
    }

    @Test func aReasonCodeFilterThatSelectsNothing() throws {
        let workshop = try AuditedWorkshop()
        let report = try MitigateCommandRunner.run(
            workshop.options(
                target:
                    #"{"auditTaskId": "audit-1", "auditCheckToReasonCodeFilter": {"LOGGING_DISABLED_CHECK": ["OTHER"]}}"#
            ))
        #expect(report.exitStatus == 0)
        #expect(report.outcome?.executions.isEmpty == true)
        #expect(tree(workshop.snapshot.path) == tree(workshop.out))
    }

    @Test func theDefaultReportDirectoryIsInsideTheAudit() throws {
        let workshop = try AuditedWorkshop()
        var options = workshop.options()
        options.reportDirectory = nil
        #expect(try MitigateCommandRunner.run(options).exitStatus == 0)
        #expect(
            FileManager.default.fileExists(atPath: workshop.audit.path + "/mitigations/mitigation-1/executions.json"))
    }
}

/// Requests that are wrong: a usage error (64) or an error line (exit 2), and nothing written.
@Suite struct BadMitigationRequestTests {
    let workshop: AuditedWorkshop

    init() throws { workshop = try AuditedWorkshop() }

    func expectNothingWritten() {
        #expect(!FileManager.default.fileExists(atPath: workshop.out))
        #expect(!FileManager.default.fileExists(atPath: workshop.scratch.path + "/report"))
        #expect(!FileManager.default.fileExists(atPath: workshop.audit.path + "/mitigations"))
    }

    func usage(_ options: MitigateOptions) -> String? {
        thrownDescription { () throws(UsageError) in _ = try MitigateCommandRunner.run(options) }
    }

    func errorLines(_ options: MitigateOptions) throws -> [String] {
        let report = try MitigateCommandRunner.run(options)
        #expect(report.exitStatus == 2)
        return report.errorLines
    }

    @Test func unknownActionName() {
        #expect(
            usage(workshop.options(mapping: #"{"LOGGING_DISABLED_CHECK": ["NoSuchAction"]}"#))
                == "--audit-check-to-actions-mapping: no mitigation action named 'NoSuchAction' (defined: "
                + "BlankPolicyAction, DeactivateCertificateAction, DisableLoggingAction, EnableErrorLoggingAction, "
                + "PublishFindingToSnsAction)"
        )
        expectNothingWritten()
    }

    @Test func actionTypeNotAllowedForTheCheck() throws {
        // An audit that ran the policy check (written by hand: only its records matter here).
        let audit = TemporaryDirectory()
        audit.write(
            "audit-task.json",
            #"{"taskId": "audit-2", "auditDetails": {"IOT_POLICY_OVERLY_PERMISSIVE_CHECK": {"checkRunStatus": "COMPLETED_COMPLIANT"}}}"#
        )
        audit.write(
            "audit-source.json",
            #"{"taskId": "audit-2", "accountId": "123456789012", "region": "us-east-1", "snapshotExportedAt": "2026-11-26T08:00:00Z", "auditTime": "2026-11-26T08:00:00Z"}"#
        )
        audit.write("findings.json", #"{"findings": []}"#)
        var options = workshop.options(
            mapping: #"{"IOT_POLICY_OVERLY_PERMISSIVE_CHECK": ["EnableErrorLoggingAction"]}"#)
        options.auditDirectory = audit.path
        #expect(
            usage(options)
                == "action EnableErrorLoggingAction (ENABLE_IOT_LOGGING) cannot mitigate IOT_POLICY_OVERLY_PERMISSIVE_CHECK; it applies to LOGGING_DISABLED_CHECK"
        )
        expectNothingWritten()
    }

    @Test func aCertificateActionCannotMitigateLogging() {
        #expect(
            usage(workshop.options(mapping: #"{"LOGGING_DISABLED_CHECK": ["DeactivateCertificateAction"]}"#))
                == "action DeactivateCertificateAction (UPDATE_DEVICE_CERTIFICATE) cannot mitigate LOGGING_DISABLED_CHECK; "
                + "it applies to DEVICE_CERTIFICATE_EXPIRING_CHECK, DEVICE_CERTIFICATE_KEY_QUALITY_CHECK, "
                + "DEVICE_CERTIFICATE_SHARED_CHECK, INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK, "
                + "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"
        )
    }

    @Test func mappingForACheckTheAuditDidNotRun() throws {
        #expect(
            try errorLines(
                workshop.options(mapping: #"{"DEVICE_CERTIFICATE_EXPIRING_CHECK": ["PublishFindingToSnsAction"]}"#))
                == [
                    "fleet-audit: mitigate: --audit-check-to-actions-mapping names DEVICE_CERTIFICATE_EXPIRING_CHECK, which audit audit-1 did not run (it ran LOGGING_DISABLED_CHECK)"
                ])
        expectNothingWritten()
    }

    @Test func findingIdsThatDoNotExist() throws {
        #expect(
            try errorLines(workshop.options(target: #"{"findingIds": ["no-such-finding"]}"#))
                == [
                    "fleet-audit: mitigate: --target: finding no-such-finding is not in \(workshop.audit.path)/findings.json"
                ])
        expectNothingWritten()
    }

    @Test func anAuditTaskIdOfAnotherAudit() throws {
        #expect(
            try errorLines(workshop.options(target: #"{"auditTaskId": "other"}"#))
                == [
                    "fleet-audit: mitigate: --target: auditTaskId other is not the audit in \(workshop.audit.path) (audit-1)"
                ])
        expectNothingWritten()
    }

    @Test(arguments: [
        (#"{"auditTaskId": "#, "--target is not valid JSON: unexpected token near end of file (at byte 16)"),
        (
            #"{"taskId": "audit-1"}"#,
            "--target: unknown member 'taskId' (valid: auditTaskId, findingIds, auditCheckToReasonCodeFilter)"
        ),
        (
            #"{"auditTaskId": "audit-1", "findingIds": ["x"]}"#,
            "--target: findingIds cannot be combined with auditTaskId or auditCheckToReasonCodeFilter"
        ),
        (
            #"{"auditCheckToReasonCodeFilter": {"LOGGING_DISABLED_CHECK": ["LOGGING_DISABLED"]}}"#,
            "--target: auditCheckToReasonCodeFilter selects findings of an audit; give auditTaskId too"
        ),
        (#"["audit-1"]"#, "--target must be a JSON object"),
        (
            "file:///nonexistent/target.json",
            "--target: /nonexistent/target.json: cannot read: No such file or directory"
        ),
    ])
    func malformedTarget(target: String, message: String) {
        #expect(usage(workshop.options(target: target)) == message)
        expectNothingWritten()
    }

    @Test func outEqualToTheInput() {
        let input = workshop.snapshot.path
        #expect(
            usage(workshop.options(out: input))
                == "--out \(input) is inside the input snapshot \(input); outputs are never written into the input")
    }

    @Test func outInsideTheInput() {
        let input = workshop.snapshot.path
        #expect(
            usage(workshop.options(out: input + "/mitigated"))
                == "--out \(input)/mitigated is inside the input snapshot \(input); outputs are never written into the input"
        )
        #expect(!FileManager.default.fileExists(atPath: workshop.snapshot.path + "/mitigated"))
    }

    @Test func outNotEmpty() {
        workshop.scratch.write("new-snapshot/keep.txt", "x")
        #expect(
            usage(workshop.options()) == "--out \(workshop.out) is not empty (--force replaces a previous output there)"
        )
        #expect(tree(workshop.out).keys.sorted() == ["keep.txt"])
    }

    @Test func anAuditOfAnotherAccount() throws {
        let other = TemporarySnapshot([
            "manifest.json":
                #"{"accountId": "999999999999", "region": "us-east-1", "exportedAt": "2026-11-26T08:00:00Z"}"#,
            "mitigation-actions.json": actionsFile,
        ])
        #expect(
            try errorLines(workshop.options(snapshotPath: other.path))
                == [
                    "fleet-audit: mitigate: audit audit-1 in \(workshop.audit.path) is of account 123456789012 us-east-1, the snapshot of 999999999999 us-east-1"
                ])
        expectNothingWritten()
    }

    @Test func anUnreadableActionsFile() throws {
        #expect(
            try errorLines(workshop.options(actions: "/nonexistent/actions.json"))
                == [
                    "fleet-audit: mitigate: mitigation actions: /nonexistent/actions.json: byte 0: cannot open: No such file or directory"
                ])
        expectNothingWritten()
    }

    @Test func aMalformedActionTheMappingDoesNotUseIsIgnored() throws {
        let actions = workshop.scratch.write(
            "actions.json",
            #"{"mitigationActions": [{"actionName": "Broken", "actionType": "ENABLE_IOT_LOGGING"}, "#
                + #"{"actionName": "EnableErrorLoggingAction", "actionType": "ENABLE_IOT_LOGGING", "#
                + #""roleArn": "arn:aws:iam::123456789012:role/IoTMitigationActionErrorLogging_Role", "#
                + #""actionParams": {"enableIoTLoggingParams": {"roleArnForLogging": "\#(loggingRole)", "logLevel": "WARN"}}}]}"#
        )
        #expect(try MitigateCommandRunner.run(workshop.options(actions: actions)).exitStatus == 0)
        #expect(
            usage(
                workshop.options(
                    mapping: #"{"LOGGING_DISABLED_CHECK": ["Broken"]}"#, actions: actions,
                    out: workshop.scratch.path + "/second", report: workshop.scratch.path + "/second-report"))
                == "action Broken: roleArn must be a string of 20 to 2048 characters")
    }

    @Test func aMappingThatIsNotAnObject() {
        #expect(
            usage(workshop.options(mapping: #"["EnableErrorLoggingAction"]"#))
                == "--audit-check-to-actions-mapping must be an object of check name → action names")
    }
}

/// The mitigation records validated against botocore's IoT model, strictly.
@Suite struct MitigationSchemaTests {
    func validate(_ file: String, shape: String, extra: [String] = []) throws -> (status: Int32, errors: String) {
        try DefenderSchemaValidator.validate(file, shape: shape, extra: extra)
    }

    @Test(arguments: [false, true])
    func recordsMatchTheBotocoreModel(failing: Bool) throws {
        let workshop = try AuditedWorkshop()
        var snapshotPath = workshop.snapshot.path
        let broken = TemporarySnapshot(disabledLoggingFiles.filter { $0.key != "v2-logging-options.json" })
        if failing {
            try FileManager.default.createDirectory(
                atPath: broken.path + "/v2-logging-options.json", withIntermediateDirectories: false)
            snapshotPath = broken.path
            try rebind(auditDirectory: workshop.audit.path, to: snapshotPath)
        }
        _ = try MitigateCommandRunner.run(
            workshop.options(
                target:
                    #"{"auditTaskId": "audit-1", "auditCheckToReasonCodeFilter": {"LOGGING_DISABLED_CHECK": ["LOGGING_DISABLED"]}}"#,
                mapping: #"{"LOGGING_DISABLED_CHECK": ["EnableErrorLoggingAction", "PublishFindingToSnsAction"]}"#,
                snapshotPath: snapshotPath))
        let report = workshop.scratch.path + "/report"
        let task = try validate(
            report + "/mitigation-task.json", shape: "DescribeAuditMitigationActionsTaskResponse", extra: ["taskId"])
        #expect(task.0 == 0, "\(task.1)")
        let executions = try validate(
            report + "/executions.json", shape: "ListAuditMitigationActionsExecutionsResponse")
        #expect(executions.0 == 0, "\(executions.1)")
    }
}
