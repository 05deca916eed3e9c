import FleetAuditCore
import FleetAuditJSON
import FleetAuditPolicy

/// Why an element cannot be evaluated, in words for the check's message.
struct ResourceDecodeError: Error, Sendable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// One element of `policies.json` (an `aws iot get-policy-version` output), decoded.
struct PolicyVersionResource {
    var policyName: String
    var policyVersionId: String
    var isDefaultVersion: Bool
    var documentText: String

    var identifier: ResourceIdentifier { .policyVersion(policyName: policyName, policyVersionId: policyVersionId) }

    /// The members `decode` reads.
    static let members = ["policyName", "policyVersionId", "policyDocument", "isDefaultVersion"]

    /// Decodes the element, or says precisely what is missing.
    static func decode(_ element: JSONValue) -> Result<PolicyVersionResource, ResourceDecodeError> {
        guard element.objectValue != nil else {
            return .failure(ResourceDecodeError("element is \(element.typeName); expected an object"))
        }
        guard let name = element["policyName"]?.stringValue else {
            return .failure(ResourceDecodeError("no policyName string"))
        }
        guard let version = element["policyVersionId"]?.stringValue else {
            return .failure(ResourceDecodeError("policy \(name): no policyVersionId string"))
        }
        guard let document = element["policyDocument"] else {
            return .failure(
                ResourceDecodeError(
                    "policy \(name) version \(version): no policyDocument (policies.json needs get-policy-version "
                        + "outputs, not list-policy-versions)"))
        }
        guard let text = document.stringValue else {
            return .failure(
                ResourceDecodeError(
                    "policy \(name) version \(version): policyDocument is \(document.typeName); expected a JSON string")
            )
        }
        return .success(
            PolicyVersionResource(
                policyName: name, policyVersionId: version,
                isDefaultVersion: element["isDefaultVersion"]?.boolValue ?? false, documentText: text))
    }

    /// The parsed document, or a not-evaluable reason naming the policy version.
    func document() -> Result<PolicyDocument, ResourceDecodeError> {
        do {
            return .success(try PolicyDocument(text: documentText))
        } catch {
            return .failure(ResourceDecodeError("policy \(policyName) version \(policyVersionId): \(error.reason)"))
        }
    }

    /// A note when the document exceeds AWS IoT's size limit (evaluated as written anyway).
    func sizeNote(_ document: PolicyDocument) -> String? {
        guard document.significantCharacters > PolicyDocument.iotSizeLimit else { return nil }
        return "policy \(policyName) version \(policyVersionId) is \(document.significantCharacters) characters "
            + "without whitespace, over AWS IoT's \(PolicyDocument.iotSizeLimit) limit; evaluated as written"
    }

    /// Evaluates the default version with `judge`; other versions are out of scope.
    static func evaluateDefault(
        _ element: JSONValue, _ judge: (PolicyVersionResource, PolicyDocument) -> ResourceVerdict
    ) -> ResourceVerdict {
        let resource: PolicyVersionResource
        switch decode(element) {
        case .success(let decoded): resource = decoded
        case .failure(let error): return .notEvaluable(error.reason)
        }
        // Devices get the default version; the others cannot apply until made default.
        guard resource.isDefaultVersion else { return .outOfScope }
        switch resource.document() {
        case .failure(let error): return .notEvaluable(error.reason)
        case .success(let document):
            let verdict = judge(resource, document)
            return resource.sizeNote(document).map { .noted($0, verdict) } ?? verdict
        }
    }
}

/// What `${iot:Connection.Thing.ThingTypeName}` and `${iot:Connection.Thing.Attributes[...]}`
/// can bind to, from `things.json`: a variable whose value some things share
/// reaches other devices' resources. Keeps one hash per thing and attribute,
/// never the things themselves.
enum ThingVariableFacts {
    /// The scope of the run, read once for the six policy and role checks that need it.
    static func scope(_ context: AuditContext) throws(SnapshotProblem) -> PolicyScope {
        try context.resources.shared("thing-variable-scope") { () throws(SnapshotProblem) in try read(context) }
    }

    /// What one thing contributes: its type and a hash of each attribute's value.
    private struct ThingValues: Sendable {
        var type: String?
        var attributes: [(name: String, valueHash: Int)]
    }

    private static func read(_ context: AuditContext) throws(SnapshotProblem) -> PolicyScope {
        let manifest = context.snapshot.manifest
        var scope = PolicyScope(region: manifest.region, accountId: manifest.accountId)
        guard let located = try context.snapshot.locateIfPresent(.things) else { return scope }
        var typeCounts: [String: Int] = [:]
        var attributeValues: [String: Set<Int>] = [:]
        var shared: Set<String> = []
        try SnapshotStream(located, progress: context.resources.progress).forEachParallel(
            workers: context.resources.workers, members: JSONMemberSelection(["thingTypeName", "attributes"])
        ) { element -> Result<ThingValues, SnapshotProblem> in
            element.value.map { thing in
                ThingValues(
                    type: thing["thingTypeName"]?.stringValue,
                    attributes: (thing["attributes"]?.objectValue?.members ?? []).map { name, value in
                        var hasher = Hasher()
                        hasher.combine(JSONWriter.compact(value))
                        return (name, hasher.finalize())
                    })
            }
        } consume: { result, _ throws(SnapshotProblem) in
            let thing = try result.get()
            if let type = thing.type {
                typeCounts[type, default: 0] += 1
                if typeCounts[type] == 2 { shared.insert("iot:Connection.Thing.ThingTypeName") }
            }
            for (name, valueHash) in thing.attributes {
                let variable = "iot:Connection.Thing.Attributes[\(name)]"
                // Once a value repeats the attribute is shared: its hashes are no longer needed.
                guard !shared.contains(variable) else { continue }
                if !attributeValues[name, default: []].insert(valueHash).inserted {
                    shared.insert(variable)
                    attributeValues[name] = nil
                }
            }
        }
        scope.thingsKnown = true
        scope.sharedVariables = shared
        return scope
    }
}

/// Shared wording of policy findings.
enum PolicyWording {
    /// At most this many actions named in a reason or `additionalInfo`.
    static let listedActions = 15

    static func actionList(_ grants: [PolicyGrant]) -> String {
        let names = grants.prefix(listedActions).map(\.action)
        let more = grants.count > listedActions ? ", and \(grants.count - listedActions) more" : ""
        return "[" + names.joined(separator: ", ") + more + "]"
    }

    static func additionalInfo(_ grants: [PolicyGrant], describe: (Int) -> String = { "statement \($0)" })
        -> [(String, String)]
    {
        grants.prefix(listedActions).map { ($0.action, "\(describe($0.statementIndex)), resource \($0.resource)") }
    }
}
