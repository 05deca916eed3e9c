import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// What the Cognito checks gather: the roles of the checked kind, and which
/// pools were used to connect in the 31 days before the audit.
public struct CognitoPoolFacts: Sendable {
    var roles: RoleFacts
    var usage: CognitoPoolUsage
}

/// Which identity pools were used to connect to AWS IoT in the 31 days before
/// the audit: Defender audits only those. Decided from
/// `iam-service-last-accessed.json`: a pool is used when one of its roles
/// (authenticated, unauthenticated, or named by its role mappings) last
/// accessed the `iot` service in the window, unused when all its roles are in
/// the file and none did, and unknown otherwise. Unknown pools are evaluated.
struct CognitoPoolUsage: Sendable {
    static let windowDays: Int64 = 31

    /// Pool id → whether it was used; pools not here are unknown.
    var used: [String: Bool] = [:]
    var notes: [String] = []

    /// Out of scope: a pool known not to have been used in the window.
    func isUnused(_ poolId: String) -> Bool { used[poolId] == false }

    /// Every role ARN a pool's identities can get: its two default roles and its role mappings' rules.
    static func roleArns(of pool: JSONValue) -> [String] {
        var arns = ["authenticated", "unauthenticated"].compactMap { pool["Roles"]?[$0]?.stringValue }
        for mapping in pool["RoleMappings"]?.objectValue?.members ?? [] {
            for rule in mapping.value["RulesConfiguration"]?["Rules"]?.arrayValue ?? [] {
                if let arn = rule["RoleARN"]?.stringValue { arns.append(arn) }
            }
        }
        return arns
    }

    /// The usage of `pools` (the `identityPoolRoles` elements) that have a role of `kind`.
    static func read(_ context: AuditContext, pools: [JSONValue], kind: String) throws(SnapshotProblem)
        -> CognitoPoolUsage
    {
        var usage = CognitoPoolUsage()
        let checked = pools.filter {
            $0["IdentityPoolId"]?.stringValue != nil && $0["Roles"]?[kind]?.stringValue != nil
        }
        guard !checked.isEmpty else { return usage }
        if case .failure(let problem) = context.snapshot.locate(.iamServiceLastAccessed) {
            usage.notes.append(
                "every identity pool is evaluated: which were used to connect in the \(windowDays) days before the "
                    + "audit is unknown (\(problem.description); it tells when each pool's roles last used AWS IoT)")
            return usage
        }
        let object = try context.snapshot.readObject(.iamServiceLastAccessed)
        let since = context.auditTime.adding(days: -windowDays)
        /// Role ARN → whether it used AWS IoT in the window (a use after the audit time cannot rule one out).
        var iotUse: [String: Bool] = [:]
        for entry in object["roles"]?.arrayValue ?? [] {
            guard let arn = entry["roleArn"]?.stringValue else { continue }
            let iot = entry["ServicesLastAccessed"]?.arrayValue?.first {
                $0["ServiceNamespace"]?.stringValue?.lowercased() == "iot"
            }
            let last = iot?["LastAuthenticated"].flatMap(AuditTime.init(json:))
            iotUse[arn] = (iotUse[arn] ?? false) || last.map { $0 >= since } ?? false
        }
        var unused = 0
        var unknown = 0
        for pool in checked {
            guard let id = pool["IdentityPoolId"]?.stringValue else { continue }
            let roles = roleArns(of: pool)
            if roles.contains(where: { iotUse[$0] == true }) {
                usage.used[id] = true
            } else if roles.allSatisfy({ iotUse[$0] != nil }) {
                usage.used[id] = false
                unused += 1
            } else {
                unknown += 1
            }
        }
        if unused > 0 {
            usage.notes.append(
                "\(unused) identity pool(s) not evaluated: none of their roles used AWS IoT in the \(windowDays) "
                    + "days before the audit (iam-service-last-accessed.json)")
        }
        if unknown > 0 {
            usage.notes.append(
                "\(unknown) identity pool(s) evaluated without usage data: a role of theirs is not in "
                    + "iam-service-last-accessed.json")
        }
        return usage
    }
}

/// One element of `cognito-identity-pools.json` (`aws cognito-identity get-identity-pool-roles`).
enum CognitoPoolResource {
    /// The roles of `kind` ("authenticated"/"unauthenticated") named by the pools, and which pools were used.
    static func facts(_ context: AuditContext, kind: String) throws(SnapshotProblem) -> CognitoPoolFacts {
        let object = try context.snapshot.readObject(.cognitoIdentityPools)
        let pools = object["identityPoolRoles"]?.arrayValue ?? []
        let roleArns = Set(pools.compactMap { $0["Roles"]?[kind]?.stringValue })
        return CognitoPoolFacts(
            roles: try RoleFacts.gather(context, roleArns: roleArns, usage: .ignored),
            usage: try CognitoPoolUsage.read(context, pools: pools, kind: kind))
    }

    /// Skipped things.json elements and the usage notes, for the message.
    static func remarks(_ facts: CognitoPoolFacts) -> CheckRemarks {
        var remarks = facts.roles.things.remarks
        remarks.notes += facts.usage.notes
        return remarks
    }

    /// Judges the pool's role of `kind`; a pool without such a role, or not used
    /// to connect in the 31 days before the audit, is out of scope.
    static func evaluate(
        _ element: JSONValue, kind: String, facts: CognitoPoolFacts,
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
        if facts.usage.isUnused(poolId) { return .outOfScope }
        switch facts.roles.policy(of: roleArn) {
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
