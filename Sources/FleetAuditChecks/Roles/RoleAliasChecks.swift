import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// One element of `role-aliases.json` (`aws iot describe-role-alias`'s `roleAliasDescription`).
struct RoleAliasResource {
    var alias: String
    var arn: String
    var roleArn: String

    static func decode(_ element: JSONValue) -> Result<RoleAliasResource, ResourceDecodeError> {
        guard let alias = element["roleAlias"]?.stringValue ?? element["roleAliasArn"]?.stringValue else {
            return .failure(ResourceDecodeError("no roleAlias string"))
        }
        guard let arn = element["roleAliasArn"]?.stringValue else {
            return .failure(ResourceDecodeError("role alias \(alias): no roleAliasArn string"))
        }
        guard let role = element["roleArn"]?.stringValue else {
            return .failure(ResourceDecodeError("role alias \(alias): no roleArn string"))
        }
        return .success(RoleAliasResource(alias: alias, arn: arn, roleArn: role))
    }

    /// Role ARNs named by `role-aliases.json`, read whole: the facts need them before streaming.
    static func roleArns(_ context: AuditContext) throws(SnapshotProblem) -> Set<String> {
        let object = try context.snapshot.readObject(.roleAliases)
        return Set((object["roleAliasDescriptions"]?.arrayValue ?? []).compactMap { $0["roleArn"]?.stringValue })
    }

    /// Decodes the alias and its role's policy, then judges them.
    static func evaluate(
        _ element: JSONValue, facts: RoleFacts,
        _ judge: (RoleAliasResource, RolePolicy) -> ResourceVerdict
    ) -> ResourceVerdict {
        switch decode(element) {
        case .failure(let error): return .notEvaluable(error.reason)
        case .success(let alias):
            switch facts.policy(of: alias.roleArn) {
            case .failure(let error): return .notEvaluable("role alias \(alias.alias): \(error.reason)")
            case .success(let policy): return judge(alias, policy)
            }
        }
    }

    func finding(_ code: String, _ reason: String, info: [(String, String)]) -> FindingDraft {
        FindingDraft(
            resource: AuditResource(.roleAlias, .roleAliasArn(arn), additionalInfo: info),
            relatedResources: [AuditResource(.iamRole, .iamRoleArn(roleArn))], reasonCode: code, reason: reason)
    }
}

/// IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK: the IAM role behind a role alias
/// (the credentials provider's role) grants more than a device needs
/// (docs/defender-reference.md §1.4, §2.2).
public struct RoleAliasOverlyPermissiveCheck: ResourceCheck {
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
        examples: RoleAliasOverlyPermissiveCheck.examples)

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

/// IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK: the role grants
/// services it has not used in the year before the audit. Needs
/// `iam-service-last-accessed.json`; without it the check FAILS.
public struct RoleAliasUnusedServicesCheck: ResourceCheck {
    public init() {}

    public static let resourceFile = SnapshotFile.roleAliases

    public static let description = CheckDescription(
        check: .iotRoleAliasAllowsAccessToUnusedServices,
        severity: .medium,
        resourceType: .roleAlias,
        reasonCodes: ["ALLOWS_ACCESS_TO_UNUSED_SERVICES"],
        inputs: [.roleAliases, .iam, .iamServiceLastAccessed],
        summary: "The IAM role behind a role alias grants services it has not used in the last year.",
        examples: RoleAliasUnusedServicesCheck.examples)

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

/// Findings shared by the role alias and Cognito checks.
enum RoleWording {
    /// The IoT admin and data-plane codes, in the order of the table in docs/defender-reference.md §2.2.
    static func iotAdminFindings(
        _ analysis: PolicyAnalysis, policy: RolePolicy,
        make: (String, String, [(String, String)]) -> FindingDraft
    ) -> [FindingDraft] {
        var drafts: [FindingDraft] = []
        func add(_ code: String, _ text: String, _ grants: [PolicyGrant]) {
            guard !grants.isEmpty else { return }
            drafts.append(
                make(
                    code, "\(text): \(PolicyWording.actionList(grants)).",
                    PolicyWording.additionalInfo(grants, describe: policy.describe)))
        }
        add(
            "ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
            "Role allows broad access to IoT thing admin read actions",
            analysis.broadThingReadGrants())
        add(
            "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS", "Role allows access to IoT non-thing admin actions",
            analysis.grants(of: IoTActions.nonThingAdmin))
        add(
            "ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS", "Role allows access to IoT thing admin write actions",
            analysis.grants(of: IoTActions.thingAdminWrite))
        add(
            "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", "Role allows broad access to IoT data plane actions",
            analysis.broadDataPlaneGrants())
        return drafts
    }
}
