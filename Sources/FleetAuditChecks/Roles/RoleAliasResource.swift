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
