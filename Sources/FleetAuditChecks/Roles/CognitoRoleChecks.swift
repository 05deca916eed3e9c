import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// One element of `cognito-identity-pools.json` (`aws cognito-identity get-identity-pool-roles`).
enum CognitoPoolResource {
    /// Role ARNs of the given kind ("authenticated"/"unauthenticated") named by the pools, read whole.
    static func roleArns(_ context: AuditContext, kind: String) throws(SnapshotProblem) -> Set<String> {
        let object = try context.snapshot.readObject(.cognitoIdentityPools)
        return Set((object["identityPoolRoles"]?.arrayValue ?? []).compactMap { $0["Roles"]?[kind]?.stringValue })
    }

    /// Judges the pool's role of `kind`; a pool without such a role is out of scope.
    static func evaluate(
        _ element: JSONValue, kind: String, facts: RoleFacts,
        _ judge: (_ poolId: String, _ roleArn: String, RolePolicy) -> [FindingDraft]
    ) -> ResourceVerdict {
        guard let poolId = element["IdentityPoolId"]?.stringValue else {
            return .notEvaluable("no IdentityPoolId string")
        }
        // A pool without roles, or without a role of this kind, has nothing to judge; a
        // member of the wrong type is named, never taken for an absent role.
        let roleArn: String
        switch element["Roles"] {
        case nil, .null?: return .outOfScope
        case .object?:
            switch element["Roles"]?[kind] {
            case nil, .null?: return .outOfScope
            case .string(let arn)?: roleArn = arn
            case let other?:
                return .notEvaluable("identity pool \(poolId): Roles.\(kind) is \(other.typeName); expected a string")
            }
        case let other?:
            return .notEvaluable("identity pool \(poolId): Roles is \(other.typeName); expected an object")
        }
        switch facts.policy(of: roleArn) {
        case .failure(let error): return .notEvaluable("identity pool \(poolId): \(error.reason)")
        case .success(let policy):
            let drafts = judge(poolId, roleArn, policy)
            return drafts.isEmpty ? .compliant : .nonCompliant(drafts)
        }
    }

    static func finding(poolId: String, roleArn: String) -> (String, String, [(String, String)]) -> FindingDraft {
        { code, reason, info in
            FindingDraft(
                resource: AuditResource(.cognitoIdentityPool, .cognitoIdentityPoolId(poolId), additionalInfo: info),
                relatedResources: [AuditResource(.iamRole, .iamRoleArn(roleArn))], reasonCode: code, reason: reason)
        }
    }
}

/// UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK: the role of a pool's
/// unauthenticated identities grants any IoT admin action (even on one
/// thing) or broad data-plane access (reference §2.2). Every exported pool is
/// evaluated (docs/checks.md: the 31-day usage filter needs connection logs).
public struct UnauthenticatedCognitoRoleCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.cognitoIdentityPools

    public static let description = CheckDescription(
        name: "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
        aliases: ["UNAUTHENTICATED_COGNITO_IDENTITY_UNRESTRICTED_ACCESS_CHECK"],
        severity: .critical,
        resourceType: .cognitoIdentityPool,
        reasonCodes: ["ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"],
        inputs: [.cognitoIdentityPools, .iam, .things],
        summary: "The unauthenticated role of a Cognito identity pool grants IoT admin or broad data-plane access.",
        examples: UnauthenticatedCognitoRoleCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> RoleFacts {
        try RoleFacts.gather(
            context, roleArns: try CognitoPoolResource.roleArns(context, kind: "unauthenticated"), usage: .ignored)
    }

    /// Skipped things.json elements, named in the message.
    public func remarks(_ facts: RoleFacts) -> CheckRemarks { facts.things.remarks }

    public func evaluate(_ resource: JSONValue, facts: RoleFacts, context: AuditContext) -> ResourceVerdict {
        CognitoPoolResource.evaluate(resource, kind: "unauthenticated", facts: facts) { poolId, roleArn, policy in
            let analysis = PolicyAnalysis(policy.document, scope: facts.scope)
            let make = CognitoPoolResource.finding(poolId: poolId, roleArn: roleArn)
            var drafts: [FindingDraft] = []
            let admin = analysis.grants(
                of: IoTActions.thingAdminWrite + IoTActions.thingAdminRead + IoTActions.nonThingAdmin)
            if !admin.isEmpty {
                drafts.append(
                    make(
                        "ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS",
                        "Role allows access to IoT admin actions: \(PolicyWording.actionList(admin)).",
                        PolicyWording.additionalInfo(admin, describe: policy.describe)))
            }
            let dataPlane = analysis.broadDataPlaneGrants()
            if !dataPlane.isEmpty {
                drafts.append(
                    make(
                        "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                        "Role allows broad access to IoT data plane actions: \(PolicyWording.actionList(dataPlane)).",
                        PolicyWording.additionalInfo(dataPlane, describe: policy.describe)))
            }
            return drafts
        }
    }
}

/// AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK: the role of a pool's
/// authenticated identities grants thing admin write or non-thing admin
/// actions, or thing admin reads on every thing (reference §2.2).
public struct AuthenticatedCognitoRoleCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.cognitoIdentityPools

    public static let description = CheckDescription(
        name: "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
        aliases: [
            "AUTHENTICATED_COGNITO_IDENTITY_UNRESTRICTED_ACCESS_CHECK",
            "AUTHENTICATE_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
        ],
        severity: .critical,
        resourceType: .cognitoIdentityPool,
        reasonCodes: [
            "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS", "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
            "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS",
        ],
        inputs: [.cognitoIdentityPools, .iam, .things],
        summary: "The authenticated role of a Cognito identity pool grants IoT admin access.",
        examples: AuthenticatedCognitoRoleCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> RoleFacts {
        try RoleFacts.gather(
            context, roleArns: try CognitoPoolResource.roleArns(context, kind: "authenticated"), usage: .ignored)
    }

    /// Skipped things.json elements, named in the message.
    public func remarks(_ facts: RoleFacts) -> CheckRemarks { facts.things.remarks }

    public func evaluate(_ resource: JSONValue, facts: RoleFacts, context: AuditContext) -> ResourceVerdict {
        CognitoPoolResource.evaluate(resource, kind: "authenticated", facts: facts) { poolId, roleArn, policy in
            // Data-plane access is what authenticated users are for; the documented codes leave it out.
            RoleWording.iotAdminFindings(
                PolicyAnalysis(policy.document, scope: facts.scope), policy: policy, includeDataPlane: false,
                make: CognitoPoolResource.finding(poolId: poolId, roleArn: roleArn))
        }
    }
}
