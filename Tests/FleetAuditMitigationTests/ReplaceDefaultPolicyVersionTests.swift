import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditMitigation
import FleetAuditTestSupport
import Foundation
import Testing

@Suite struct ReplaceDefaultPolicyVersionTests {
    static let arn = "arn:aws:iot:us-east-1:123456789012"

    static func version(_ name: String, _ id: Int, isDefault: Bool, document: String) -> String {
        var quoted = ""
        JSONWriter.writeString(document, into: &quoted)
        return #"{"policyArn": "\#(arn):policy/\#(name)", "policyName": "\#(name)", "policyDocument": \#(quoted), "#
            + #""policyVersionId": "\#(id)", "isDefaultVersion": \#(isDefault), "creationDate": 1764145200.123}"#
    }

    static let broad =
        #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}"#
    static let scoped =
        #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "arn:aws:iot:us-east-1:123456789012:client/d1"}]}"#

    /// TECHCON703 (one broad version), Full (five versions, the default broad), Scoped.
    static var policies: String {
        var elements = [version("TECHCON703_amazon_freertos_policy", 1, isDefault: true, document: broad)]
        elements += (1...5).map { version("Full", $0, isDefault: $0 == 5, document: $0 == 5 ? broad : scoped) }
        elements.append(version("Scoped", 1, isDefault: true, document: scoped))
        return "{\n    \"policyVersions\": [\n        " + elements.joined(separator: ",\n        ") + "\n    ]\n}\n"
    }

    func workshop() throws -> (TemporarySnapshot, TemporaryDirectory, TemporaryDirectory) {
        var files = disabledLoggingFiles
        files["policies.json"] = Self.policies
        let snapshot = TemporarySnapshot(files)
        let audit = TemporaryDirectory()
        _ = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: audit.path, checkNames: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"],
                taskId: "audit-p", workers: 1))
        return (snapshot, audit, TemporaryDirectory())
    }

    func mitigate(_ snapshot: TemporarySnapshot, _ audit: TemporaryDirectory, _ scratch: TemporaryDirectory) throws
        -> MitigateReport
    {
        try MitigateCommandRunner.run(
            MitigateOptions(
                snapshotPath: snapshot.path, auditDirectory: audit.path,
                mapping: #"{"IOT_POLICY_OVERLY_PERMISSIVE_CHECK": ["BlankPolicyAction", "PublishFindingToSnsAction"]}"#,
                outputPath: scratch.path + "/new", reportDirectory: scratch.path + "/report", taskId: "m-p",
                now: "2026-11-27T10:00:00Z"))
    }

    @Test func aBlankDefaultVersionReplacesTheBroadOneAndAFullPolicyFails() throws {
        let (snapshot, audit, scratch) = try workshop()
        let report = try mitigate(snapshot, audit, scratch)
        #expect(report.exitStatus == 1)
        let executions = try #require(report.outcome?.executions)
        #expect(
            executions.map { "\($0.actionName) \($0.status.rawValue) \($0.errorCode ?? "-")" } == [
                "BlankPolicyAction COMPLETED -", "PublishFindingToSnsAction COMPLETED -",
                "BlankPolicyAction FAILED VersionsLimitExceededException", "PublishFindingToSnsAction SKIPPED -",
            ])
        #expect(executions[2].message == "policy Full already has 5 versions, the most a policy can hold")
        // After: TECHCON703 v1 kept as non-default, v2 the blank default.
        let stream = try JSONElementStream(path: scratch.path + "/new/policies.json", form: .object)
        var versions: [JSONValue] = []
        while let event = try stream.next() {
            if case .element(let element) = event { versions.append(try element.parse().get()) }
        }
        let techcon = versions.filter { $0["policyName"] == "TECHCON703_amazon_freertos_policy" }
        #expect(techcon.map { $0["policyVersionId"] } == ["1", "2"])
        #expect(techcon.map { $0["isDefaultVersion"] } == [false, true])
        #expect(techcon[1]["policyDocument"] == .string(ReplaceDefaultPolicyVersionAction.blankPolicyDocument))
        #expect(techcon[1]["creationDate"] == "2026-11-27T10:00:00.000000+00:00")
        #expect(versions.filter { $0["policyName"] == "Full" }.count == 5)
        // Unchanged versions are copied byte for byte.
        let before = try rawElements(snapshot.path + "/policies.json")
        let after = try rawElements(scratch.path + "/new/policies.json")
        #expect(after.count == before.count + 1)
        #expect(Array(after[2...]) == Array(before[1...]))
        // Re-audit: the replaced policy is compliant, the full one is not.
        let reaudit = TemporaryDirectory()
        let second = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: scratch.path + "/new", outputPath: reaudit.path,
                checkNames: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"], workers: 1))
        #expect(
            second.outcome?.checks.first?.preview.map(\.nonCompliantResource.resourceIdentifier) == [
                .policyVersion(policyName: "Full", policyVersionId: "5")
            ])
    }

    @Test func aTemplateOtherThanBlankPolicyIsRefused() throws {
        #expect(
            throws: MitigationRequestError.input(
                "replaceDefaultPolicyVersionParams.templateName must be BLANK_POLICY, found 'OPEN'")
        ) {
            try ReplaceDefaultPolicyVersionAction(params: JSONObject([("templateName", "OPEN")]))
        }
    }

    @Test func itCannotMitigateLoggingFindings() throws {
        let (snapshot, audit, scratch) = try workshop()
        _ = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: audit.path, checkNames: ["LOGGING_DISABLED_CHECK"],
                taskId: "audit-p", workers: 1, force: true))
        #expect(
            throws: UsageError(
                "action BlankPolicyAction (REPLACE_DEFAULT_POLICY_VERSION) cannot mitigate LOGGING_DISABLED_CHECK; it applies to IOT_POLICY_OVERLY_PERMISSIVE_CHECK, IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK"
            )
        ) {
            try MitigateCommandRunner.run(
                MitigateOptions(
                    snapshotPath: snapshot.path, auditDirectory: audit.path,
                    mapping: #"{"LOGGING_DISABLED_CHECK": ["BlankPolicyAction"]}"#, outputPath: scratch.path + "/new"))
        }
    }
}

/// Issue 10, numbers: version ids from the snapshot at 2^63-1, negative or not
/// numeric end the execution FAILED with an API-style error; 2^63-1 used to trap.
@Suite struct PolicyVersionIdNumberTests {
    @Test(arguments: [
        (
            "9223372036854775807",
            "policy Huge has policyVersionId 9223372036854775807; no higher version id can be created"
        ),
        ("-3", #"policy Huge has policyVersionId "-3", not a positive integer"#),
        ("v2", #"policy Huge has policyVersionId "v2", not a positive integer"#),
        ("99999999999999999999", #"policy Huge has policyVersionId "99999999999999999999", not a positive integer"#),
    ])
    func anUnusableVersionIdFailsTheExecution(id: String, message: String) throws {
        var quoted = ""
        JSONWriter.writeString(ReplaceDefaultPolicyVersionTests.broad, into: &quoted)
        var files = disabledLoggingFiles
        files["policies.json"] =
            #"{"policyVersions": [{"policyName": "Huge", "policyDocument": \#(quoted), "policyVersionId": "\#(id)", "#
            + #""isDefaultVersion": true}]}"#
        let snapshot = TemporarySnapshot(files)
        let audit = TemporaryDirectory()
        _ = try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: audit.path, checkNames: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"],
                taskId: "audit-p", workers: 1))
        let scratch = TemporaryDirectory()
        let report = try ReplaceDefaultPolicyVersionTests().mitigate(snapshot, audit, scratch)
        #expect(report.exitStatus == 1)
        let executions = try #require(report.outcome?.executions)
        #expect(
            executions.map { "\($0.actionName) \($0.status.rawValue) \($0.errorCode ?? "-")" } == [
                "BlankPolicyAction FAILED InvalidRequestException", "PublishFindingToSnsAction SKIPPED -",
            ])
        #expect(executions.first?.message == message)
        // No temporary directory is left behind.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
        #expect(left.filter { $0.hasPrefix(".") }.isEmpty)
    }
}
