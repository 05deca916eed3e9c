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
    var scope: PolicyScope
    /// Role ARN → its effective policy, or why it cannot be evaluated.
    var roles: [String: Result<RolePolicy, ResourceDecodeError>]
    /// Role ARN → service namespaces used within 365 days; nil when the file is absent.
    var usedServices: [String: Set<String>]?

    static let usageWindowDays: Int64 = 365

    /// Reads `iam.json` for `roleArns`, and, for the check that uses it
    /// (`readsUsage`), `iam-service-last-accessed.json` when present. The other
    /// checks never look at that file, so its absence or refusal is not theirs to report.
    static func gather(_ context: AuditContext, roleArns: Set<String>, readsUsage: Bool = false)
        throws(SnapshotProblem) -> RoleFacts
    {
        var facts = RoleFacts(scope: try ThingVariableFacts.scope(context), roles: [:], usedServices: nil)
        guard !roleArns.isEmpty else { return facts }
        facts.roles = try readRoles(context.snapshot, roleArns: roleArns)
        if readsUsage, try context.snapshot.locateIfPresent(.iamServiceLastAccessed) != nil {
            facts.usedServices = try readUsage(context, roleArns: roleArns)
        }
        return facts
    }

    static func readRoles(_ snapshot: Snapshot, roleArns: Set<String>) throws(SnapshotProblem)
        -> [String: Result<RolePolicy, ResourceDecodeError>]
    {
        let located = try snapshot.locate(.iam).get()
        var inline: [String: [(String, JSONValue)]] = [:]
        var attached: [String: [String]] = [:]
        var managed: [String: (name: String, document: JSONValue?)] = [:]
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            while let event = try stream.next() {
                guard case .element(let raw) = event else { continue }
                switch raw.key {
                case "RoleDetailList", nil:
                    guard case .success(let role) = raw.parse(), let arn = role["Arn"]?.stringValue,
                        roleArns.contains(arn)
                    else { continue }
                    inline[arn] =
                        role["RolePolicyList"]?.arrayValue?.map {
                            ($0["PolicyName"]?.stringValue ?? "inline", $0["PolicyDocument"] ?? .null)
                        } ?? []
                    attached[arn] =
                        role["AttachedManagedPolicies"]?.arrayValue?.compactMap { $0["PolicyArn"]?.stringValue } ?? []
                case "Policies":
                    guard case .success(let policy) = raw.parse(), let arn = policy["Arn"]?.stringValue else {
                        continue
                    }
                    let defaultId = policy["DefaultVersionId"]?.stringValue
                    let version = policy["PolicyVersionList"]?.arrayValue?.first {
                        $0["IsDefaultVersion"]?.boolValue == true || $0["VersionId"]?.stringValue == defaultId
                    }
                    managed[arn] = (policy["PolicyName"]?.stringValue ?? arn, version?["Document"])
                default:
                    continue
                }
            }
        } catch {
            throw SnapshotProblem(file: located.name, error)
        }
        var result: [String: Result<RolePolicy, ResourceDecodeError>] = [:]
        for arn in roleArns {
            guard let inlinePolicies = inline[arn] else { continue }
            var statements: [PolicyStatement] = []
            var origins: [(String, Int)] = []
            var failure: ResourceDecodeError? = nil
            var sources = inlinePolicies
            for policyArn in attached[arn] ?? [] {
                guard let entry = managed[policyArn], let document = entry.document else {
                    failure = ResourceDecodeError(
                        "role \(arn) attaches \(policyArn), whose default version is not in iam.json's Policies")
                    break
                }
                sources.append((entry.name, document))
            }
            if failure == nil {
                for (name, json) in sources {
                    do {
                        let document = try PolicyDocument(json: json)
                        for statement in document.statements {
                            origins.append((name, statement.index))
                            statements.append(statement.reindexed(statements.count))
                        }
                    } catch {
                        failure = ResourceDecodeError("role \(arn) policy \(name): \(error.reason)")
                        break
                    }
                }
            }
            if let failure {
                result[arn] = .failure(failure)
            } else {
                let document = PolicyDocument(statements: statements, significantCharacters: 0)
                result[arn] = .success(RolePolicy(document: document, origins: origins))
            }
        }
        return result
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
