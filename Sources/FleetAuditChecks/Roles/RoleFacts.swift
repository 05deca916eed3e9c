import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// The effective identity policy of one IAM role: its inline policies plus the
/// default version of each attached managed policy, as one document (a Deny
/// in any of them applies to all), remembering where each statement came from.
struct RolePolicy: Sendable {
    var document: PolicyDocument
    /// Per statement of `document`: the policy it came from and its index there.
    var origins: [(policy: String, statement: Int)]

    func describe(_ statementIndex: Int) -> String {
        guard origins.indices.contains(statementIndex) else { return "statement \(statementIndex)" }
        let origin = origins[statementIndex]
        return "policy \(origin.policy) statement \(origin.statement)"
    }
}

/// What the role checks gather before streaming their resources: the
/// effective policies of only the roles they name, and which services each
/// role used in the year before the audit.
public struct RoleFacts: Sendable {
    var things: ThingVariableScope
    var scope: PolicyScope { things.scope }
    /// Role ARN → its effective policy, or why it cannot be evaluated.
    var roles: [String: Result<RolePolicy, ResourceDecodeError>]
    /// Role ARN → service namespaces used within 365 days; nil when the file is absent.
    var usedServices: [String: Set<String>]?

    static let usageWindowDays: Int64 = 365

    /// How a check uses `iam-service-last-accessed.json`.
    enum UsageData {
        /// Not at all (the Cognito checks).
        case ignored
        /// When it can be read; otherwise every service is taken as used, which
        /// can only add findings (IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK).
        case ifReadable
        /// It must be there (IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK).
        case required
    }

    /// Reads `iam.json` for `roleArns`, and `iam-service-last-accessed.json` as `usage` says.
    static func gather(_ context: AuditContext, roleArns: Set<String>, usage: UsageData) throws(SnapshotProblem)
        -> RoleFacts
    {
        var facts = RoleFacts(things: try ThingVariableFacts.scope(context), roles: [:], usedServices: nil)
        guard !roleArns.isEmpty else { return facts }
        facts.roles = try readRoles(context.snapshot, roleArns: roleArns)
        switch usage {
        case .ignored:
            break
        case .ifReadable:
            if case .success = context.snapshot.locate(.iamServiceLastAccessed) {
                facts.usedServices = try readUsage(context, roleArns: roleArns)
            }
        case .required:
            if try context.snapshot.locateIfPresent(.iamServiceLastAccessed) != nil {
                facts.usedServices = try readUsage(context, roleArns: roleArns)
            }
        }
        return facts
    }

    static func readRoles(_ snapshot: Snapshot, roleArns: Set<String>) throws(SnapshotProblem)
        -> [String: Result<RolePolicy, ResourceDecodeError>]
    {
        let references = try IAMPolicyReferences.read(snapshot, roleArns: roleArns)
        var result: [String: Result<RolePolicy, ResourceDecodeError>] = [:]
        for arn in roleArns {
            result[arn] = references.effectivePolicy(of: arn)
        }
        return result
    }

    /// A role's inline policies and attached policy ARNs, or which member has the wrong type.
    static func policyReferences(_ role: JSONValue) -> Result<
        (inline: [(String, JSONValue)], attached: [String]), ResourceDecodeError
    > {
        var inline: [(String, JSONValue)] = []
        switch role["RolePolicyList"] {
        case nil, .null?: break
        case .array(let list)?:
            // A missing document is reported by the policy parser ("policy document is null").
            inline = list.map { ($0["PolicyName"]?.stringValue ?? "inline", $0["PolicyDocument"] ?? .null) }
        case let other?:
            return .failure(ResourceDecodeError("RolePolicyList is \(other.typeName); expected an array"))
        }
        var attached: [String] = []
        switch role["AttachedManagedPolicies"] {
        case nil, .null?: break
        case .array(let list)?:
            for (position, entry) in list.enumerated() {
                guard let arn = entry["PolicyArn"]?.stringValue else {
                    return .failure(ResourceDecodeError("AttachedManagedPolicies[\(position)] has no PolicyArn string"))
                }
                attached.append(arn)
            }
        case let other?:
            return .failure(ResourceDecodeError("AttachedManagedPolicies is \(other.typeName); expected an array"))
        }
        return .success((inline, attached))
    }

    static func readUsage(_ context: AuditContext, roleArns: Set<String>) throws(SnapshotProblem)
        -> [String: Set<String>]
    {
        let object = try context.snapshot.readObject(.iamServiceLastAccessed)
        let since = context.auditTime.adding(days: -usageWindowDays)
        var used: [String: Set<String>] = [:]
        for entry in object["roles"]?.arrayValue ?? [] {
            guard let arn = entry["roleArn"]?.stringValue, roleArns.contains(arn) else { continue }
            var services: Set<String> = []
            for service in entry["ServicesLastAccessed"]?.arrayValue ?? [] {
                guard let namespace = service["ServiceNamespace"]?.stringValue,
                    let last = service["LastAuthenticated"].flatMap(AuditTime.init(json:)), last >= since
                else { continue }
                services.insert(namespace.lowercased())
            }
            used[arn] = services
        }
        return used
    }

    /// The role's policy, or the not-evaluable verdict saying why there is none.
    func policy(of roleArn: String) -> Result<RolePolicy, ResourceDecodeError> {
        roles[roleArn] ?? .failure(ResourceDecodeError("role \(roleArn) is not in iam.json's RoleDetailList"))
    }
}

/// What `iam.json` says about the roles the checks name: their inline policies and attached
/// policy ARNs, and the default version of every managed policy, before any policy is parsed.
struct IAMPolicyReferences {
    var inline: [String: [(String, JSONValue)]] = [:]
    var attached: [String: [String]] = [:]
    var managed: [String: (name: String, document: JSONValue?)] = [:]
    // Roles named by a resource but malformed, and RoleDetailList elements
    // whose Arn cannot be read: a role missing from the list is then
    // reported with the real parse error, not as absent.
    var malformed: [String: String] = [:]
    var unreadable: [SnapshotProblem] = []
    var unreadableCount = 0

    /// Streams `iam.json` once, keeping the roles in `roleArns` and every managed policy.
    static func read(_ snapshot: Snapshot, roleArns: Set<String>) throws(SnapshotProblem) -> IAMPolicyReferences {
        let located = try snapshot.locate(.iam).get()
        var references = IAMPolicyReferences()
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            while let event = try stream.next() {
                guard case .element(let raw) = event else { continue }
                switch raw.key {
                case "RoleDetailList", nil: references.addRole(raw, file: located.name, roleArns: roleArns)
                case "Policies": references.addManagedPolicy(raw)
                default: continue
                }
            }
        } catch {
            throw SnapshotProblem(file: located.name, error)
        }
        return references
    }

    /// A `RoleDetailList` element: its policy references when `roleArns` names it.
    mutating func addRole(_ raw: RawElement, file: String, roleArns: Set<String>) {
        let location = SnapshotProblem(file: file, elementIndex: raw.index, byteOffset: raw.byteOffset, reason: "")
        let role: JSONValue
        switch raw.parse() {
        case .success(let parsed): role = parsed
        case .failure(let error):
            unreadableCount += 1
            if unreadable.isEmpty { unreadable.append(SnapshotProblem(file: file, error)) }
            return
        }
        guard let arn = role["Arn"]?.stringValue else {
            unreadableCount += 1
            var problem = location
            problem.reason =
                role.objectValue == nil
                ? "RoleDetailList element is \(role.typeName); expected an object"
                : "role has no Arn string"
            if unreadable.isEmpty { unreadable.append(problem) }
            return
        }
        guard roleArns.contains(arn) else { return }
        switch RoleFacts.policyReferences(role) {
        case .success(let references):
            inline[arn] = references.inline
            attached[arn] = references.attached
        case .failure(let error):
            malformed[arn] = "role \(arn) (\(location.location)): \(error.reason)"
        }
    }

    /// A `Policies` element: the managed policy's name and default version's document.
    mutating func addManagedPolicy(_ raw: RawElement) {
        guard case .success(let policy) = raw.parse(), let arn = policy["Arn"]?.stringValue else { return }
        let defaultId = policy["DefaultVersionId"]?.stringValue
        let version = policy["PolicyVersionList"]?.arrayValue?.first {
            $0["IsDefaultVersion"]?.boolValue == true || $0["VersionId"]?.stringValue == defaultId
        }
        managed[arn] = (policy["PolicyName"]?.stringValue ?? arn, version?["Document"])
    }

    /// The role's inline and attached policies as one document, or why it cannot be evaluated;
    /// nil when the role is not in the file and every element could be read (the role is absent).
    func effectivePolicy(of arn: String) -> Result<RolePolicy, ResourceDecodeError>? {
        if let reason = malformed[arn] { return .failure(ResourceDecodeError(reason)) }
        guard let inlinePolicies = inline[arn] else {
            guard let first = unreadable.first else { return nil }
            let more = unreadableCount > 1 ? " (and \(unreadableCount - 1) more)" : ""
            return .failure(
                ResourceDecodeError(
                    "role \(arn) is not among the readable roles of iam.json's RoleDetailList; "
                        + "unreadable: \(first.description)\(more)"))
        }
        var sources = inlinePolicies
        for policyArn in attached[arn] ?? [] {
            guard let entry = managed[policyArn], let document = entry.document else {
                return .failure(
                    ResourceDecodeError(
                        "role \(arn) attaches \(policyArn), whose default version is not in iam.json's Policies"))
            }
            sources.append((entry.name, document))
        }
        var statements: [PolicyStatement] = []
        var origins: [(String, Int)] = []
        for (name, json) in sources {
            do {
                let document = try PolicyDocument(json: json)
                for statement in document.statements {
                    origins.append((name, statement.index))
                    statements.append(statement.reindexed(statements.count))
                }
            } catch {
                return .failure(ResourceDecodeError("role \(arn) policy \(name): \(error.reason)"))
            }
        }
        let document = PolicyDocument(statements: statements, significantCharacters: 0)
        return .success(RolePolicy(document: document, origins: origins))
    }
}
