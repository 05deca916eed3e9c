import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK: the IAM role behind a role alias
/// (the credentials provider's role) grants more than a device needs
/// (docs/defender-reference.md §1.4, §2.2).
public struct IoTRoleAliasOverlyPermissiveCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.roleAliases

    public static let description = CheckDescription(
        check: .iotRoleAliasOverlyPermissive,
        severity: .critical,
        resourceType: .roleAlias,
        reasonCodes: [
            "ALLOWS_BROAD_ACCESS_TO_USED_SERVICES", "ALLOWS_ACCESS_TO_SECURITY_AUDITING_SERVICES",
            "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS", "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
            "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
        ],
        inputs: [.roleAliases, .iam, .iamServiceLastAccessed, .things],
        summary: "The IAM role behind a role alias grants broad, administrative or security-auditing access.",
        examples: IoTRoleAliasOverlyPermissiveCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> RoleFacts {
        try RoleFacts.gather(context, roleArns: try RoleAliasResource.roleArns(context), usage: .ifReadable)
    }

    /// Skipped things.json elements, named in the message.
    public func remarks(_ facts: RoleFacts) -> CheckRemarks { facts.things.remarks }

    public func evaluate(_ resource: JSONValue, facts: RoleFacts, context: AuditContext) -> ResourceVerdict {
        RoleAliasResource.evaluate(resource, facts: facts) { alias, policy in
            let analysis = PolicyAnalysis(policy.document, scope: facts.scope)
            var drafts: [FindingDraft] = []
            let used = facts.usedServices?[alias.roleArn]
            let wildcards = analysis.serviceWildcards().filter { entry in
                // Without last-accessed data every service counts as used: the grant stays flagged.
                entry.service == "*" || used.map { $0.contains(entry.service) } ?? true
            }
            if let first = wildcards.first {
                let names = wildcards.map { $0.service == "*" ? "*" : "\($0.service):*" }
                let basis =
                    used == nil ? " (no last-accessed data: every service is taken as used)" : " used in the last year"
                drafts.append(
                    alias.finding(
                        "ALLOWS_BROAD_ACCESS_TO_USED_SERVICES",
                        "Role allows all actions of services\(basis): [\(names.joined(separator: ", "))].",
                        info: [("STATEMENT", policy.describe(first.statementIndex))]))
            }
            let auditing = analysis.grantedServices().filter { entry in
                entry.service == "*" || IoTActions.securityAuditingServices.contains(entry.service)
            }
            if let first = auditing.first {
                let names =
                    first.service == "*"
                    ? IoTActions.securityAuditingServices : auditing.map(\.service)
                drafts.append(
                    alias.finding(
                        "ALLOWS_ACCESS_TO_SECURITY_AUDITING_SERVICES",
                        "Role allows access to security auditing services: [\(names.joined(separator: ", "))].",
                        info: [("STATEMENT", policy.describe(first.statementIndex))]))
            }
            drafts += RoleWording.iotAdminFindings(analysis, policy: policy) {
                alias.finding($0, $1, info: $2)
            }
            return drafts.isEmpty ? .compliant : .nonCompliant(drafts)
        }
    }
}
