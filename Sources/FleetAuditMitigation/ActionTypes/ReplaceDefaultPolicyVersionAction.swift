import FleetAuditCore
import FleetAuditJSON

/// REPLACE_DEFAULT_POLICY_VERSION: a new version of the finding's IoT policy
/// from the `BLANK_POLICY` template, set as default (`CreatePolicyVersion`
/// with `setAsDefault`); the old default stays as a non-default version. A
/// policy holds at most five versions: with five already the execution fails
/// as the API's `VersionsLimitExceededException` would.
public struct ReplaceDefaultPolicyVersionAction: MitigationActionType {
    public static let description = MitigationActionDescription(
        typeName: "REPLACE_DEFAULT_POLICY_VERSION",
        paramsMember: "replaceDefaultPolicyVersionParams",
        applicableChecks: [.iotPolicyOverlyPermissive, .iotPolicyPotentialMisconfiguration],
        summary: "Gives the finding's IoT policy a new default version that grants nothing (the BLANK_POLICY "
            + "template); the old default stays as a non-default version.",
        examples: ReplaceDefaultPolicyVersionAction.examples)

    /// AWS does not publish the template's text; a version that grants
    /// nothing is an empty statement list (not an explicit Deny, which would
    /// also revoke what the device's other policies allow). docs/mitigation.md.
    public static let blankPolicyDocument = #"{"Version":"2012-10-17","Statement":[]}"#
    public static let versionLimit = 5

    public init(params: JSONObject) throws(MitigationRequestError) {
        try ActionParams.requireOnly(["templateName"], in: params, of: Self.paramsMember)
        let template = try ActionParams.string("templateName", in: params, of: Self.paramsMember, length: 1...64)
        guard template == "BLANK_POLICY" else {
            throw .input("\(Self.paramsMember).templateName must be BLANK_POLICY, found '\(template)'")
        }
    }

    /// Versions of each policy in the new snapshot, as this task has left them.
    struct PolicyVersions {
        var versionIds: [String]
        var defaultVersionId: String?
        var replacedByThisTask = false
    }

    /// Policy name → versions, built once per task and kept current by each execution.
    final class PolicyVersionIndex {
        var policies: [String: PolicyVersions]
        init(_ policies: [String: PolicyVersions]) { self.policies = policies }
    }

    static let memoKey = "policy-versions"

    public func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
    {
        guard
            let name = finding.nonCompliantResource?["resourceIdentifier"]?["policyVersionIdentifier"]?["policyName"]?
                .stringValue
        else {
            return .failed(errorCode: "InvalidRequestException", message: "the finding names no IoT policy")
        }
        let index: PolicyVersionIndex
        do {
            index = try session.index(Self.memoKey) { () throws(SnapshotProblem) in
                PolicyVersionIndex(try Self.index(session.snapshot()))
            }
        } catch {
            return .failed(errorCode: "InternalFailureException", message: "cannot read policies.json: \(error)")
        }
        guard var versions = index.policies[name] else {
            return .failed(errorCode: "ResourceNotFoundException", message: "policy \(name) is not in policies.json")
        }
        // A second finding of the same policy in this task: already replaced.
        if versions.replacedByThisTask { return .completed(.nothing) }
        guard versions.versionIds.count < Self.versionLimit else {
            return .failed(
                errorCode: "VersionsLimitExceededException",
                message: "policy \(name) already has \(versions.versionIds.count) versions, the most a policy can hold")
        }
        let newId: String
        switch Self.nextVersionId(after: versions.versionIds) {
        case .success(let id): newId = id
        case .failure(let error):
            return .failed(errorCode: "InvalidRequestException", message: "policy \(name) \(error.description)")
        }
        let now = session.now
        let generationId = FindingIdentity.uuidV5(name: "policy-version\n\(session.taskId)\n\(name)\n\(newId)")
        var created = JSONObject()
        created["policyName"] = .string(name)
        created["policyDocument"] = .string(Self.blankPolicyDocument)
        created["policyVersionId"] = .string(newId)
        created["isDefaultVersion"] = true
        created["creationDate"] = .string(now.iso8601)
        created["lastModifiedDate"] = .string(now.iso8601)
        created["generationId"] = .string(generationId)
        let edit = ElementEdit(
            .policies, key: name, where: ElementCondition(member: "isDefaultVersion", equals: true),
            [.set("isDefaultVersion", false), .insertAfter(copying: ["policyArn"], created)])
        let change = ResourceChange.policyDefaultVersion(
            policyName: name, previousDefault: versions.defaultVersionId, newDefault: newId,
            document: Self.blankPolicyDocument)
        versions.versionIds.append(newId)
        versions.defaultVersionId = newId
        versions.replacedByThisTask = true
        index.policies[name] = versions
        return .completed(ActionEdits(snapshotEdits: [.editElements(edit)], changes: [change]))
    }

    /// One above the highest version id. Ids come from the snapshot: one that
    /// is not a positive decimal integer, or a highest id with no successor
    /// below 2^63, fails the execution instead of trapping or being skipped.
    static func nextVersionId(after ids: [String]) -> Result<String, VersionIdError> {
        var highest: Int64 = 0
        for id in ids {
            guard !id.isEmpty, id.utf8.count <= 19, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let number = Int64(id), number > 0
            else {
                return .failure(
                    VersionIdError("has policyVersionId \(JSONWriter.compact(.string(id))), not a positive integer"))
            }
            highest = max(highest, number)
        }
        guard highest < Int64.max else {
            return .failure(VersionIdError("has policyVersionId \(highest); no higher version id can be created"))
        }
        return .success(String(highest + 1))
    }

    struct VersionIdError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Policy name → version ids, from one pass over `policies.json`.
    static func index(_ snapshot: Snapshot) throws(SnapshotProblem) -> [String: PolicyVersions] {
        let located = try snapshot.locate(.policies).get()
        var index: [String: PolicyVersions] = [:]
        do {
            let stream = try JSONElementStream(path: located.path, form: located.form)
            while let event = try stream.next() {
                guard case .element(let raw) = event, raw.key == nil || raw.key == "policyVersions",
                    case .success(let element) = raw.parse(), let name = element["policyName"]?.stringValue,
                    let version = element["policyVersionId"]?.stringValue
                else { continue }
                index[name, default: PolicyVersions(versionIds: [])].versionIds.append(version)
                if element["isDefaultVersion"]?.boolValue == true { index[name]?.defaultVersionId = version }
            }
        } catch {
            throw SnapshotProblem(file: located.name, error)
        }
        return index
    }
}
