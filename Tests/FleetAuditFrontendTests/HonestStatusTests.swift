import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Testing

/// Issue 10, "honest status": a resource that could not be evaluated makes the
/// audit incomplete, is counted per check, fails a check that judged nothing,
/// and one bad element fails no check other than through its own resource.
@Suite struct HonestStatusTests {
    static let arn = "arn:aws:iot:us-east-1:123456789012"
    static let broad =
        #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}"#

    static func policy(_ name: [UInt8], document: String = broad) -> [UInt8] {
        var quoted = ""
        JSONWriter.writeString(document, into: &quoted)
        return Array(#"{"policyName": ""#.utf8) + name
            + Array(#"", "policyVersionId": "1", "isDefaultVersion": true, "policyDocument": \#(quoted)}"#.utf8)
    }

    static func policies(_ elements: [[UInt8]]) -> [UInt8] {
        Array(#"{"policyVersions": ["#.utf8) + Array(elements.joined(separator: Array(", ".utf8))) + Array("]}".utf8)
    }

    func audit(_ snapshot: TemporarySnapshot, checks: [String]) throws -> AuditReport {
        let out = TemporaryDirectory()
        return try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: snapshot.path, outputPath: out.path + "/audit", checkNames: checks, taskId: "t1",
                workers: 1))
    }

    /// One invalid byte in a policy name: that policy is not evaluable, the
    /// audit exits 1 and the summary counts it; before, exit 0 and COMPLIANT.
    @Test func anInvalidByteInAPolicyNameMakesTheAuditIncomplete() throws {
        let snapshot = TemporarySnapshot([:])
        let safe = #"{"Statement": [{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(Self.arn):topic/x"}]}"#
        snapshot.directory.write(
            "policies.json",
            bytes: Self.policies([
                Self.policy(Array("Bad".utf8) + [0xFF]), Self.policy(Array("Good".utf8), document: safe),
            ]))
        let report = try audit(snapshot, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(report.exitStatus == 1)
        let check = try #require(report.outcome?.checks.first)
        #expect(check.details.checkRunStatus == .completedCompliant)
        #expect(check.details.totalResourcesCount == 2)
        #expect(check.notEvaluableCount == 1)
        #expect(
            check.details.message
                == "1 of 2 resources not evaluable: policies.json: element 0 (byte 20): not valid JSON at byte 39: "
                + "unable to decode byte 0xff")
        #expect(
            report.summary.contains(
                "COMPLETED_COMPLIANT              2              0              1  IOT_POLICY_OVERLY_PERMISSIVE_CHECK\n"
            )
        )
        #expect(
            report.summary.contains("Incomplete: 1 resource(s) of 1 check(s) could not be evaluated (exit status 1)."))
    }

    /// A check none of whose resources could be evaluated ends FAILED.
    @Test func aCheckThatEvaluatedNothingFails() throws {
        let snapshot = TemporarySnapshot([:])
        snapshot.directory.write("policies.json", bytes: Self.policies([Self.policy(Array("Bad".utf8) + [0xFF])]))
        let report = try audit(snapshot, checks: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(report.exitStatus == 1)
        let check = try #require(report.outcome?.checks.first)
        #expect(check.details.checkRunStatus == .failed)
        #expect(check.details.checkCompliant == false)
        #expect(check.details.totalResourcesCount == 1)
        #expect(
            check.details.message
                == "none of the resources could be evaluated: 1 of 1 resources not evaluable: policies.json: element 0 "
                + "(byte 20): not valid JSON at byte 39: unable to decode byte 0xff")
        #expect(report.outcome?.task.failedChecks == 1)
    }

    /// A policy whose thing-type variable is the device's own only when no two things share a type.
    static let typeScoped =
        #"{"Statement": [{"Effect": "Allow", "Action": "iot:Publish", "Resource": "\#(arn):topic/$aws/things/${iot:Connection.Thing.ThingTypeName}/*"}]}"#

    /// An over-deep `things.json` element used to fail all six policy and role
    /// checks. Now it is a skipped input named in their messages, and the thing
    /// variables count as shared (its type is unknown).
    @Test func anOverDeepThingIsASkippedInput() throws {
        let deep = String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000)
        let things =
            #"{"things": [{"thingName": "a", "thingTypeName": "T"}, {"thingName": "b", "attributes": \#(deep)}]}"#
        var policy = ""
        JSONWriter.writeString(Self.typeScoped, into: &policy)
        let snapshot = TemporarySnapshot([
            "policies.json":
                #"{"policyVersions": [{"policyName": "P", "policyVersionId": "1", "isDefaultVersion": true, "policyDocument": \#(policy)}]}"#,
            "things.json": things,
        ])
        let (outcome, _) = try runAudit(
            snapshot, checks: [IoTPolicyOverlyPermissiveCheck.self, IoTPolicyPotentialMisconfigurationCheck.self])
        let skipped =
            "1 input(s) skipped: things.json: element 1 (byte 54): not valid JSON at byte 2135: maximum parsing depth "
            + "reached"
        let permissive = try #require(outcome.checks.first)
        #expect(permissive.details.checkRunStatus == .completedNonCompliant)
        #expect(
            permissive.preview.map(\.reasonForNonCompliance) == [
                "Policy allows broad access to IoT data plane actions: [iot:Publish]."
            ])
        #expect(permissive.details.message == skipped)
        let misconfiguration = try #require(outcome.checks.last)
        #expect(misconfiguration.details.checkRunStatus == .completedCompliant)
        #expect(misconfiguration.details.message == skipped)

        // The same snapshot without the bad thing: one thing of type T, the variable is the device's own.
        let clean = TemporarySnapshot([
            "policies.json":
                #"{"policyVersions": [{"policyName": "P", "policyVersionId": "1", "isDefaultVersion": true, "policyDocument": \#(policy)}]}"#,
            "things.json": #"{"things": [{"thingName": "a", "thingTypeName": "T"}]}"#,
        ])
        let (cleanOutcome, _) = try runAudit(clean, checks: [IoTPolicyOverlyPermissiveCheck.self])
        #expect(cleanOutcome.checks.first?.details.checkRunStatus == .completedCompliant)
        #expect(cleanOutcome.checks.first?.details.message == nil)
    }

    @Test func aThingWhoseTypeIsNotAStringIsNamed() throws {
        let snapshot = TemporarySnapshot([
            "role-aliases.json": #"{"roleAliasDescriptions": []}"#,
            "iam.json": #"{"RoleDetailList": [], "Policies": []}"#,
            "things.json":
                #"{"things": [{"thingName": "a", "thingTypeName": 7}, {"thingName": "b", "attributes": []}]}"#,
        ])
        let check = try runCheck(snapshot, IoTRoleAliasOverlyPermissiveCheck.self)
        #expect(check.details.checkRunStatus == .completedCompliant)
        #expect(
            check.details.message
                == "2 input(s) skipped: things.json: element 0 (byte 12): thingTypeName is number; expected a string; "
                + "things.json: element 1 (byte 52): attributes is array; expected an object")
    }

    static let poolId = "us-east-1:11111111-2222-3333-4444-555555555555"
    static let roleArn = "arn:aws:iam::123456789012:role/AuthRole"

    func poolVerdict(iam: String, pool: String? = nil) throws -> CheckOutcome {
        let snapshot = TemporarySnapshot([
            "cognito-identity-pools.json":
                #"{"identityPoolRoles": ["#
                + (pool ?? #"{"IdentityPoolId": "\#(Self.poolId)", "Roles": {"authenticated": "\#(Self.roleArn)"}}"#)
                + "]}",
            "iam.json": iam,
        ])
        let (outcome, _) = try runAudit(snapshot, checks: [AuthenticatedCognitoRoleOverlyPermissiveCheck.self])
        return try #require(outcome.checks.first)
    }

    /// A role element that cannot be parsed is reported with its parse error,
    /// not as "not in RoleDetailList".
    @Test func aMalformedRoleIsReportedWithItsParseError() throws {
        let deep = String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000)
        let check = try poolVerdict(
            iam: #"{"RoleDetailList": [{"Arn": "\#(Self.roleArn)", "RolePolicyList": \#(deep)}], "Policies": []}"#)
        #expect(check.notEvaluableCount == 1)
        #expect(
            check.problems.map(\.reason) == [
                "identity pool \(Self.poolId): role \(Self.roleArn) is not among the readable roles of iam.json's "
                    + "RoleDetailList; unreadable: iam.json: element 0 (byte 2137): maximum parsing depth reached"
            ])
    }

    @Test func aRoleWithAWrongTypedPolicyListIsNamed() throws {
        let check = try poolVerdict(
            iam: #"{"RoleDetailList": [{"Arn": "\#(Self.roleArn)", "RolePolicyList": "inline"}], "Policies": []}"#)
        #expect(
            check.problems.map(\.reason) == [
                "identity pool \(Self.poolId): role \(Self.roleArn) (iam.json: element 0 (byte 20)): RolePolicyList is "
                    + "string; expected an array"
            ])
    }

    /// A pool whose `Roles` has the wrong type used to pass silently (out of scope).
    @Test(arguments: [
        (#"["x"]"#, "Roles is array; expected an object"),
        (#"{"authenticated": 3}"#, "Roles.authenticated is number; expected a string"),
    ])
    func aPoolWithWrongTypedRolesIsNamed(roles: String, reason: String) throws {
        let check = try poolVerdict(
            iam: #"{"RoleDetailList": [], "Policies": []}"#,
            pool: #"{"IdentityPoolId": "\#(Self.poolId)", "Roles": \#(roles)}"#)
        #expect(check.details.checkRunStatus == .failed)
        #expect(check.problems.map(\.reason) == ["identity pool \(Self.poolId): \(reason)"])
    }
}

/// Issue 10, bounded work: an element over the size limit is not evaluable,
/// named with the limit, and never parsed (its text reaches no message).
@Suite struct ElementSizeLimitTests {
    @Test func anOversizedPolicyIsNotEvaluableAndNamesTheLimit() throws {
        let name = String(repeating: "N", count: SnapshotStream.elementSizeLimit)
        let snapshot = TemporarySnapshot([:])
        let small = #"{"Statement": [{"Effect": "Allow", "Action": "iot:Publish", "Resource": "*"}]}"#
        snapshot.directory.write(
            "policies.json",
            bytes: HonestStatusTests.policies([
                HonestStatusTests.policy(Array(name.utf8)),
                HonestStatusTests.policy(Array("Small".utf8), document: small),
            ]))
        let check = try runCheck(snapshot, IoTPolicyOverlyPermissiveCheck.self)
        #expect(check.notEvaluableCount == 1)
        #expect(
            check.problems.map(\.description) == [
                "policies.json: element 0 (byte 20): element is \(SnapshotStream.elementSizeLimit + 205) bytes, over "
                    + "the 16 MiB element size limit; not evaluated"
            ])
        #expect(check.details.totalResourcesCount == 2)
    }
}
