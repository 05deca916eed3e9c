import FleetAuditChecks
import FleetAuditCore
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// Malformed policies: the resource is not evaluable with a precise reason,
/// never a crash, and every other policy is still evaluated.
@Suite struct PolicyBadInputTests {
    static let arn = "arn:aws:iot:us-east-1:123456789012"

    func element(_ name: String, document: String, isDefault: Bool = true) -> String {
        var quoted = ""
        JSONWriter.writeString(document, into: &quoted)
        return
            #"{"policyName": "\#(name)", "policyVersionId": "1", "isDefaultVersion": \#(isDefault), "policyDocument": \#(quoted)}"#
    }

    let broad = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}"#

    /// Audits `policies.json` = [bad, broad] and returns the check's outcome.
    func audit(bad: String, workers: Int = 1) throws -> CheckOutcome {
        let snapshot = TemporarySnapshot([
            "policies.json": #"{"policyVersions": ["# + bad + ", " + element("Broad", document: broad) + "]}"
        ])
        let (outcome, _) = try runAudit(snapshot, checks: [IoTPolicyOverlyPermissiveCheck.self], workers: workers)
        let result = try #require(outcome.checks.first)
        // The broken policy never stops the others.
        #expect(
            result.preview.map(\.nonCompliantResource.resourceIdentifier) == [
                .policyVersion(policyName: "Broad", policyVersionId: "1")
            ])
        return result
    }

    func expectNotEvaluable(_ result: CheckOutcome, _ reason: String) {
        #expect(result.details.checkRunStatus == .completedNonCompliant)
        #expect(result.details.totalResourcesCount == 2)
        #expect(result.problems.map(\.reason) == [reason])
        #expect(result.problems.map(\.elementIndex) == [0])
        #expect(
            result.details.message?.hasPrefix("1 of 2 resources not evaluable: policies.json: element 0 (byte 20): ")
                == true)
    }

    @Test func aDocumentThatIsNotJSON() throws {
        expectNotEvaluable(
            try audit(bad: element("Bad", document: "{\"Statement\": [")),
            "policy Bad version 1: policy document is not valid JSON: ']' expected near end of file (at byte 15)")
    }

    @Test func aStatementWithNeitherActionNorNotAction() throws {
        expectNotEvaluable(
            try audit(bad: element("Bad", document: #"{"Statement": [{"Effect": "Allow", "Resource": "*"}]}"#)),
            "policy Bad version 1: Statement[0] has neither Action nor NotAction")
    }

    @Test func anUnknownEffect() throws {
        expectNotEvaluable(
            try audit(
                bad: element(
                    "Bad", document: #"{"Statement": [{"Effect": "Permit", "Action": "iot:*", "Resource": "*"}]}"#)),
            #"policy Bad version 1: Statement[0] has Effect "Permit"; expected "Allow" or "Deny""#)
    }

    @Test func anElementFromListPolicyVersions() throws {
        expectNotEvaluable(
            try audit(bad: #"{"policyName": "Bad", "policyVersionId": "1", "isDefaultVersion": true}"#),
            "policy Bad version 1: no policyDocument (policies.json needs get-policy-version outputs, not list-policy-versions)"
        )
    }

    @Test func aPolicyOverTheSizeLimitIsEvaluatedWithANote() throws {
        let statements = (0..<60).map {
            #"{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(Self.arn):topic/app/\#($0)"}"#
        }
        let document = #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ", ") + "]}"
        let result = try audit(bad: element("Large", document: document))
        #expect(result.details.checkRunStatus == .completedNonCompliant)
        let note = try #require(result.problems.first)
        #expect(note.reason.hasPrefix("policy Large version 1 is "))
        #expect(
            note.reason.hasSuffix(" characters without whitespace, over AWS IoT's 2048 limit; evaluated as written"))
        #expect(
            result.details.message?.hasPrefix("notes: policies.json: element 0 (byte 20): policy Large version 1 is ")
                == true)
    }

    @Test func tenThousandStatements() throws {
        let statements = (0..<10_000).map {
            #"{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(Self.arn):topic/app/\#($0)"}"#
        }
        let document = #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ", ") + "]}"
        let result = try audit(bad: element("Huge", document: document), workers: 2)
        // Evaluated (compliant: application topics), with the size note.
        #expect(result.details.totalResourcesCount == 2)
        #expect(result.details.nonCompliantResourcesCount == 1)
        #expect(result.problems.count == 1)
    }

    @Test func deeplyNestedConditionsWithinJanssonsLimit() throws {
        let nested = String(repeating: #"{"a": "#, count: 1000) + "1" + String(repeating: "}", count: 1000)
        let document =
            #"{"Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "\#(Self.arn):client/d1", "Condition": {"StringEquals": {"k": \#(nested)}}}]}"#
        let result = try audit(bad: element("Deep", document: document), workers: 2)
        // Evaluated (compliant: one named client); only the size note is reported.
        #expect(result.details.nonCompliantResourcesCount == 1)
        #expect(result.problems.map(\.reason).allSatisfy { $0.hasSuffix("limit; evaluated as written") })
    }

    @Test func conditionsNestedPastJanssonsLimit() throws {
        let nested = String(repeating: "[", count: 2100) + String(repeating: "]", count: 2100)
        let document =
            #"{"Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*", "Condition": {"StringEquals": {"k": \#(nested)}}}]}"#
        let result = try audit(bad: element("Deep", document: document), workers: 2)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.reason.contains("maximum parsing depth reached") == true)
    }

    @Test func aRoleAliasWhoseRoleIsMissingFromIAM() throws {
        let snapshot = TemporarySnapshot([
            "role-aliases.json":
                #"{"roleAliasDescriptions": [{"roleAlias": "Ghost", "roleAliasArn": "\#(Self.arn):rolealias/Ghost", "roleArn": "arn:aws:iam::123456789012:role/Missing"}]}"#,
            "iam.json": #"{"RoleDetailList": [], "Policies": []}"#,
        ])
        let (outcome, _) = try runAudit(snapshot, checks: [IoTRoleAliasOverlyPermissiveCheck.self])
        let result = try #require(outcome.checks.first)
        // Its only resource could not be evaluated: the check judged nothing.
        #expect(result.details.checkRunStatus == .failed)
        #expect(
            result.problems.map(\.description) == [
                "role-aliases.json: element 0 (byte 27): role alias Ghost: role arn:aws:iam::123456789012:role/Missing is not in iam.json's RoleDetailList"
            ])
    }

    @Test func aRoleWithAManagedPolicyNotInIAM() throws {
        let snapshot = TemporarySnapshot([
            "role-aliases.json":
                #"{"roleAliasDescriptions": [{"roleAlias": "A", "roleAliasArn": "\#(Self.arn):rolealias/A", "roleArn": "arn:aws:iam::123456789012:role/R"}]}"#,
            "iam.json":
                #"{"RoleDetailList": [{"Arn": "arn:aws:iam::123456789012:role/R", "RolePolicyList": [], "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AWSIoTFullAccess"}]}], "Policies": []}"#,
        ])
        let (outcome, _) = try runAudit(snapshot, checks: [IoTRoleAliasOverlyPermissiveCheck.self])
        #expect(
            outcome.checks.first?.problems.map(\.reason) == [
                "role alias A: role arn:aws:iam::123456789012:role/R attaches arn:aws:iam::aws:policy/AWSIoTFullAccess, whose default version is not in iam.json's Policies"
            ])
    }
}
