import FleetAuditChecks
import FleetAuditCore
import FleetAuditTestSupport
import Testing

/// Every case on AWS's Device Defender pages for the two Cognito role checks
/// (docs/checks.md): each documented compliant and non-compliant resource,
/// judged through the real executor for the authenticated and the
/// unauthenticated role. The pages write ARNs as `arn:aws:iot:region:account-id:`;
/// here they are in the test account. Their compliant thing examples read
/// `...:account-id:/thing/MyThing` (a stray `/`); the cases use the ARN meant.
struct CognitoDocumentedCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The role's Statement array (JSON).
    var statements: String
    /// The reason codes the authenticated check reports, in its order.
    var authenticated: [String]
    /// The reason codes the unauthenticated check reports.
    var unauthenticated: [String]

    var testDescription: String { name }
}

enum CognitoDocumentedCases {
    static let arn = "arn:aws:iot:us-east-1:123456789012"
    static let poolId = "us-east-1:11111111-2222-3333-4444-555555555555"
    static let thing = "${iot:Connection.Thing.ThingName}"

    static let read = "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS"
    static let nonThing = "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS"
    static let write = "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS"
    static let dataPlane = "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"
    static let admin = "ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS"

    static func allow(_ actions: [String], _ resources: [String], condition: String? = nil) -> String {
        let list = { (items: [String]) in "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let conditionMember = condition.map { #", "Condition": \#($0)"# } ?? ""
        return
            #"[{"Effect": "Allow", "Action": \#(list(actions)), "Resource": \#(list(resources))\#(conditionMember)}]"#
    }

    static let isAttached = #"{"Bool": {"iot:Connection.Thing.IsAttached": "true"}}"#

    static let manageThings = [
        "iot:AddThingToThingGroup", "iot:AttachThingPrincipal", "iot:CreateThing", "iot:DeleteThing",
        "iot:DetachThingPrincipal", "iot:ListThings", "iot:ListThingsInThingGroup", "iot:RegisterThing",
        "iot:RemoveThingFromThingGroup", "iot:UpdateThing", "iot:UpdateThingGroupsForThing",
    ]
    static let thingReads = [
        "iot:DescribeThing", "iot:ListJobExecutionsForThing", "iot:ListThingGroupsForThing", "iot:ListThingPrincipals",
    ]
    static let shadowAndJobs = [
        "iot:DeleteThingShadow", "iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DescribeJobExecution",
        "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution", "iot:UpdateJobExecution",
    ]

    static let all: [CognitoDocumentedCase] =
        // "Manage or modify things": non-compliant on even a single resource.
        manageThings.map {
            CognitoDocumentedCase(
                name: "\($0) on one thing", statements: allow([$0], ["\(arn):thing/MyThing"]), authenticated: [write],
                unauthenticated: [admin])
        }
        + [
            // "Manage non-things": any other AWS IoT API action.
            CognitoDocumentedCase(
                name: "iot:AttachPolicy", statements: allow(["iot:AttachPolicy"], ["*"]), authenticated: [nonThing],
                unauthenticated: [admin]),
            CognitoDocumentedCase(
                name: "iot:UpdateCertificate on one certificate",
                statements: allow(["iot:UpdateCertificate"], ["\(arn):cert/abc"]), authenticated: [nonThing],
                unauthenticated: [admin]),
            // "Read thing administrative data": broad only for authenticated identities, any for guests.
            CognitoDocumentedCase(
                name: "thing reads on thing/*", statements: allow(thingReads, ["\(arn):thing/*"]),
                authenticated: [read],
                unauthenticated: [admin]),
            CognitoDocumentedCase(
                name: "thing reads on one thing", statements: allow(thingReads, ["\(arn):thing/MyThing"]),
                authenticated: [], unauthenticated: [admin]),
            CognitoDocumentedCase(
                name: "thing reads on a name prefix", statements: allow(thingReads, ["\(arn):thing/MyThing*"]),
                authenticated: [], unauthenticated: [admin]),
            // Connect.
            CognitoDocumentedCase(
                name: "Connect on client/*", statements: allow(["iot:Connect"], ["\(arn):client/*"]),
                authenticated: [dataPlane], unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Connect on client/${iot:ClientId} without IsAttached",
                statements: allow(["iot:Connect"], ["\(arn):client/${iot:ClientId}"]), authenticated: [dataPlane],
                unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Connect on the thing name with IsAttached",
                statements: allow(["iot:Connect"], ["\(arn):client/\(thing)"], condition: isAttached),
                authenticated: [], unauthenticated: []),
            // Publish.
            CognitoDocumentedCase(
                name: "Publish on every shadow update topic",
                statements: allow(["iot:Publish"], ["\(arn):topic/$aws/things/*/shadow/update"]),
                authenticated: [dataPlane], unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Publish on $aws/things/*", statements: allow(["iot:Publish"], ["\(arn):topic/$aws/things/*"]),
                authenticated: [dataPlane], unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Publish on the device's own shadow topics",
                statements: allow(["iot:Publish"], ["\(arn):topic/$aws/things/\(thing)/shadow/*"]), authenticated: [],
                unauthenticated: []),
            // Subscribe.
            CognitoDocumentedCase(
                name: "Subscribe on $aws/things/*",
                statements: allow(["iot:Subscribe"], ["\(arn):topicfilter/$aws/things/*"]), authenticated: [dataPlane],
                unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Subscribe on $aws/things/#",
                statements: allow(["iot:Subscribe"], ["\(arn):topicfilter/$aws/things/#"]), authenticated: [dataPlane],
                unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Subscribe on $aws/things/+/shadow/update",
                statements: allow(["iot:Subscribe"], ["\(arn):topicfilter/$aws/things/+/shadow/update"]),
                authenticated: [dataPlane], unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "Subscribe on the device's own shadow and job topics",
                statements: allow(
                    ["iot:Subscribe"],
                    [
                        "\(arn):topicfilter/$aws/things/\(thing)/shadow/*",
                        "\(arn):topicfilter/$aws/things/\(thing)/jobs/*",
                    ]
                ), authenticated: [], unauthenticated: []),
            // Receive: limited by what the device may subscribe to.
            CognitoDocumentedCase(
                name: "Receive on topicfilter/$aws/things/* (as the pages write it)",
                statements: allow(["iot:Receive"], ["\(arn):topicfilter/$aws/things/*"]), authenticated: [],
                unauthenticated: []),
            CognitoDocumentedCase(
                name: "Receive on topic/$aws/things/*",
                statements: allow(["iot:Receive"], ["\(arn):topic/$aws/things/*"]),
                authenticated: [], unauthenticated: []),
            // Read or modify shadow or job execution data.
            CognitoDocumentedCase(
                name: "shadow and job APIs on thing/*", statements: allow(shadowAndJobs, ["\(arn):thing/*"]),
                authenticated: [dataPlane], unauthenticated: [dataPlane]),
            CognitoDocumentedCase(
                name: "shadow and job APIs on two named things",
                statements: allow(shadowAndJobs, ["\(arn):thing/MyThing1", "\(arn):thing/MyThing2"]), authenticated: [],
                unauthenticated: []),
        ]
        + shadowAndJobs.map {
            CognitoDocumentedCase(
                name: "\($0) on thing/*", statements: allow([$0], ["\(arn):thing/*"]), authenticated: [dataPlane],
                unauthenticated: [dataPlane])
        }

    /// One pool whose `kind` role has `statements`; the role used AWS IoT the day before the audit.
    static func files(kind: String, statements: String) -> [String: String] {
        let role = "arn:aws:iam::123456789012:role/PoolRole"
        return [
            "cognito-identity-pools.json":
                #"{"identityPoolRoles": [{"IdentityPoolId": "\#(poolId)", "Roles": {"\#(kind)": "\#(role)"}}]}"#,
            "iam.json":
                #"{"RoleDetailList": [{"RoleName": "PoolRole", "Arn": "\#(role)", "RolePolicyList": [{"PolicyName": "p", "#
                + #""PolicyDocument": {"Version": "2012-10-17", "Statement": \#(statements)}}]}], "Policies": []}"#,
            "iam-service-last-accessed.json":
                #"{"roles": [{"roleArn": "\#(role)", "ServicesLastAccessed": [{"ServiceNamespace": "iot", "#
                + #""LastAuthenticated": "2026-11-25T08:00:00Z"}]}]}"#,
        ]
    }

    static func codes(_ check: any AuditCheck.Type, kind: String, _ statements: String) throws -> [String] {
        let (outcome, _) = try runAudit(TemporarySnapshot(files(kind: kind, statements: statements)), checks: [check])
        let result = try #require(outcome.checks.first)
        #expect(result.details.totalResourcesCount == 1)
        #expect(result.details.message == nil)
        #expect(
            result.preview.allSatisfy { $0.nonCompliantResource.resourceIdentifier == .cognitoIdentityPoolId(poolId) })
        return result.preview.map(\.reasonForNonComplianceCode)
    }
}

@Test("Authenticated Cognito role: AWS's documented cases", arguments: CognitoDocumentedCases.all)
func authenticatedCognitoDocumentedCase(_ testCase: CognitoDocumentedCase) throws {
    let codes = try CognitoDocumentedCases.codes(
        AuthenticatedCognitoRoleOverlyPermissiveCheck.self, kind: "authenticated", testCase.statements)
    #expect(codes == testCase.authenticated)
}

@Test("Unauthenticated Cognito role: AWS's documented cases", arguments: CognitoDocumentedCases.all)
func unauthenticatedCognitoDocumentedCase(_ testCase: CognitoDocumentedCase) throws {
    let codes = try CognitoDocumentedCases.codes(
        UnauthenticatedCognitoRoleOverlyPermissiveCheck.self, kind: "unauthenticated", testCase.statements)
    #expect(codes == testCase.unauthenticated)
}

/// The pools Defender audits: those used to connect in the 31 days before the audit.
@Suite struct CognitoPoolUsageTests {
    static let role = "arn:aws:iam::123456789012:role/AppRole"
    static let mappedRole = "arn:aws:iam::123456789012:role/MappedRole"

    static func files(iot: String?, mappedIot: String?) -> [String: String] {
        func entry(_ arn: String, _ when: String?) -> String {
            let service = when.map { #"{"ServiceNamespace": "iot", "LastAuthenticated": "\#($0)"}"# } ?? ""
            return #"{"roleArn": "\#(arn)", "ServicesLastAccessed": [\#(service)]}"#
        }
        return [
            "cognito-identity-pools.json": #"""
            {"identityPoolRoles": [{"IdentityPoolId": "\#(CognitoDocumentedCases.poolId)",
              "Roles": {"authenticated": "\#(role)"},
              "RoleMappings": {"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client": {"Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": [{"Claim": "custom:fleet", "MatchType": "Equals",
                  "Value": "installers", "RoleARN": "\#(mappedRole)"}]}}}}]}
            """#,
            "iam.json":
                #"{"RoleDetailList": [{"RoleName": "AppRole", "Arn": "\#(role)", "RolePolicyList": [{"PolicyName": "p", "#
                + #""PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "iot:UpdateThing", "Resource": "*"}]}}]}]}"#,
            "iam-service-last-accessed.json":
                #"{"roles": [\#(entry(role, iot)), \#(entry(mappedRole, mappedIot))]}"#,
        ]
    }

    static func outcome(_ files: [String: String]) throws -> CheckOutcome {
        let (outcome, _) = try runAudit(
            TemporarySnapshot(files), checks: [AuthenticatedCognitoRoleOverlyPermissiveCheck.self])
        return try #require(outcome.checks.first)
    }

    static let unusedNote =
        "1 identity pool(s) not evaluated: none of their roles used AWS IoT in the 31 days before the audit "
        + "(iam-service-last-accessed.json)"

    @Test func aPoolIsUsedWhenOnlyARoleOfItsRoleMappingsUsedAWSIoT() throws {
        let check = try Self.outcome(Self.files(iot: nil, mappedIot: "2026-11-01T00:00:00Z"))
        #expect(check.details.totalResourcesCount == 1)
        #expect(check.details.nonCompliantResourcesCount == 1)
        #expect(check.details.message == nil)
    }

    @Test func theWindowIsTheThirtyOneDaysBeforeTheAuditInclusive() throws {
        // The audit is at 2026-11-26T08:00:00Z: 31 days before is 2026-10-26T08:00:00Z.
        let edge = try Self.outcome(Self.files(iot: "2026-10-26T08:00:00Z", mappedIot: nil))
        #expect(edge.details.totalResourcesCount == 1)
        let before = try Self.outcome(Self.files(iot: "2026-10-26T07:59:59Z", mappedIot: nil))
        #expect(before.details.totalResourcesCount == 0)
        #expect(before.details.checkRunStatus == .completedCompliant)
        #expect(before.details.message == Self.unusedNote)
    }

    @Test func aUseAfterTheAuditTimeCannotRuleOutOneInTheWindow() throws {
        let check = try Self.outcome(Self.files(iot: "2026-12-01T00:00:00Z", mappedIot: nil))
        #expect(check.details.totalResourcesCount == 1)
    }

    @Test func lastAccessedDataListedUnavailableMeansEveryPoolIsEvaluated() throws {
        var files = Self.files(iot: nil, mappedIot: nil)
        files["manifest.json"] =
            #"{"accountId": "123456789012", "region": "us-east-1", "exportedAt": "2026-11-26T08:00:00Z", "#
            + #""unavailable": [{"file": "iam-service-last-accessed.json", "reason": "AccessDenied"}]}"#
        let check = try Self.outcome(files)
        #expect(check.details.totalResourcesCount == 1)
        #expect(
            check.details.message
                == "every identity pool is evaluated: which were used to connect in the 31 days before the audit is "
                + "unknown (iam-service-last-accessed.json: not collected by the exporter: AccessDenied; it tells when "
                + "each pool's roles last used AWS IoT)")
    }

    @Test func unreadableLastAccessedDataFailsTheCheck() throws {
        var files = Self.files(iot: nil, mappedIot: nil)
        files["iam-service-last-accessed.json"] = #"{"roles": [{"roleArn": "#
        let check = try Self.outcome(files)
        #expect(check.details.checkRunStatus == .failed)
        #expect(check.details.message?.hasPrefix("iam-service-last-accessed.json: ") == true)
    }
}
