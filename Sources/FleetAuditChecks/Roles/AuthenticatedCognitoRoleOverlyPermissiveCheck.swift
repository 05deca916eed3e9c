import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK: the role of a pool's
/// authenticated identities grants thing admin write or non-thing admin
/// actions, or, on a broad set of devices, thing admin reads or data-plane
/// access (MQTT to reserved topics, the shadow and job-execution APIs), as
/// AWS's page on this check lists them. Pools are scoped as for the
/// unauthenticated check.
public struct AuthenticatedCognitoRoleOverlyPermissiveCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.cognitoIdentityPools

    public static let description = CheckDescription(
        check: .authenticatedCognitoRoleOverlyPermissive,
        severity: .critical,
        resourceType: .cognitoIdentityPool,
        reasonCodes: [
            "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS", "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
            "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
        ],
        inputs: [.cognitoIdentityPools, .iam, .iamServiceLastAccessed, .things],
        summary: "The authenticated role of a Cognito identity pool grants IoT admin access, or thing reads or "
            + "data-plane access on a broad set of devices.",
        examples: AuthenticatedCognitoRoleOverlyPermissiveCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> CognitoPoolFacts {
        try CognitoPoolResource.facts(context, kind: "authenticated")
    }

    /// Skipped things.json elements and which pools were evaluated, in the message.
    public func remarks(_ facts: CognitoPoolFacts) -> CheckRemarks { CognitoPoolResource.remarks(facts) }

    public func evaluate(_ resource: JSONValue, facts: CognitoPoolFacts, context: AuditContext) -> ResourceVerdict {
        CognitoPoolResource.evaluate(resource, kind: "authenticated", facts: facts) { poolId, roleArn, policy in
            // AWS's page calls broad data-plane access too permissive for authenticated
            // identities as well; its code list omits a code for it, so the one the
            // other checks use for the same condition is reported.
            RoleWording.iotAdminFindings(
                PolicyAnalysis(policy.document, scope: facts.roles.scope), policy: policy,
                make: CognitoPoolResource.finding(poolId: poolId, roleArn: roleArn))
        }
    }
}
