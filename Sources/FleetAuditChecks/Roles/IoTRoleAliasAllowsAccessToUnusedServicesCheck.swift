import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK: the role grants
/// services it has not used in the year before the audit. Needs
/// `iam-service-last-accessed.json`; without it the check FAILS.
public struct IoTRoleAliasAllowsAccessToUnusedServicesCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.roleAliases

    public static let description = CheckDescription(
        check: .iotRoleAliasAllowsAccessToUnusedServices,
        severity: .medium,
        resourceType: .roleAlias,
        reasonCodes: ["ALLOWS_ACCESS_TO_UNUSED_SERVICES"],
        inputs: [.roleAliases, .iam, .iamServiceLastAccessed, .things],
        summary: "The IAM role behind a role alias grants services it has not used in the last year.",
        examples: IoTRoleAliasAllowsAccessToUnusedServicesCheck.examples)

    public func gatherFacts(_ context: AuditContext) throws(SnapshotProblem) -> RoleFacts {
        if case .failure(var problem) = context.snapshot.locate(.iamServiceLastAccessed) {
            problem.reason += " (it tells which services each role used in the last year)"
            throw problem
        }
        return try RoleFacts.gather(context, roleArns: try RoleAliasResource.roleArns(context), usage: .required)
    }

    /// Skipped things.json elements, named in the message.
    public func remarks(_ facts: RoleFacts) -> CheckRemarks { facts.things.remarks }

    public func evaluate(_ resource: JSONValue, facts: RoleFacts, context: AuditContext) -> ResourceVerdict {
        RoleAliasResource.evaluate(resource, facts: facts) { alias, policy in
            guard let used = facts.usedServices?[alias.roleArn] else {
                return .notEvaluable(
                    "role alias \(alias.alias): no last-accessed data for role \(alias.roleArn) in "
                        + "iam-service-last-accessed.json")
            }
            let unused = PolicyAnalysis(policy.document, scope: facts.scope).grantedServices().filter {
                $0.service == "*" || !used.contains($0.service)
            }
            guard let first = unused.first else { return .compliant }
            let names = unused.map { $0.service == "*" ? "* (every service)" : $0.service }
            return .nonCompliant([
                alias.finding(
                    "ALLOWS_ACCESS_TO_UNUSED_SERVICES",
                    "Role allows access to services not used in the last year: [\(names.joined(separator: ", "))].",
                    info: [("STATEMENT", policy.describe(first.statementIndex))])
            ])
        }
    }
}
