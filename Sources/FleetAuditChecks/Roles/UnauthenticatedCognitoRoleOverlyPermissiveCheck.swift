import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK: the role of a pool's
/// unauthenticated identities grants any IoT admin action (even on one
/// thing) or broad data-plane access (docs/defender-reference.md §2.2). Only pools used to
/// connect in the 31 days before the audit are evaluated, when the snapshot
/// tells (`CognitoPoolUsage`); otherwise every pool, and the message says so.
public struct UnauthenticatedCognitoRoleOverlyPermissiveCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.cognitoIdentityPools

    public static let description = CheckDescription(
        check: .unauthenticatedCognitoRoleOverlyPermissive,
        severity: .critical,
        resourceType: .cognitoIdentityPool,
        reasonCodes: ["ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"],
        inputs: [.cognitoIdentityPools, .iam, .iamServiceLastAccessed, .things],
        summary: "The unauthenticated role of a Cognito identity pool grants IoT admin or broad data-plane access.",
        examples: UnauthenticatedCognitoRoleOverlyPermissiveCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> CognitoPoolFacts {
        try CognitoPoolResource.facts(context, kind: "unauthenticated")
    }

    /// Skipped things.json elements and which pools were evaluated, in the message.
    public func remarks(_ facts: CognitoPoolFacts) -> CheckRemarks { CognitoPoolResource.remarks(facts) }

    public func evaluate(_ resource: JSONValue, facts: CognitoPoolFacts, context: AuditContext) -> ResourceVerdict {
        CognitoPoolResource.evaluate(resource, kind: "unauthenticated", facts: facts) { poolId, roleArn, policy in
            let analysis = PolicyAnalysis(policy.document, scope: facts.roles.scope)
            let admin = IoTActions.thingAdminWrite + IoTActions.thingAdminRead + IoTActions.nonThingAdmin
            return RoleWording.grantFindings(
                [
                    (
                        "ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", "Role allows access to IoT admin actions",
                        analysis.grants(of: admin)
                    ),
                    (
                        "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                        "Role allows broad access to IoT data plane actions", analysis.broadDataPlaneGrants()
                    ),
                ], policy: policy, make: CognitoPoolResource.finding(poolId: poolId, roleArn: roleArn))
        }
    }
}
