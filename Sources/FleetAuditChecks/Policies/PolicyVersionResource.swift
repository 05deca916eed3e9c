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
    /// Both policy checks evaluate the same element one after the other on one
    /// worker: the second reuses the first's parse and compile (the strings
    /// compare in constant time when they share storage, as they do here).
    func document() -> Result<PolicyDocument, ResourceDecodeError> {
        let last = Self.lastParsed.value
        if let result = last.result, last.name == policyName, last.version == policyVersionId,
            last.text == documentText
        {
            return result
        }
        let result: Result<PolicyDocument, ResourceDecodeError>
        do {
            result = .success(try PolicyDocument(text: documentText))
        } catch {
            result = .failure(ResourceDecodeError("policy \(policyName) version \(policyVersionId): \(error.reason)"))
        }
        (last.name, last.version, last.text, last.result) = (policyName, policyVersionId, documentText, result)
        return result
    }

    /// The last document parsed on this thread.
    final class LastParsed {
        var name = ""
        var version = ""
        var text = ""
        var result: Result<PolicyDocument, ResourceDecodeError>?
    }

    static let lastParsed = PerThread { LastParsed() }

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

/// The policy scope of a run, and the `things.json` elements it could not use.
public struct ThingVariableScope: Sendable {
    var scope: PolicyScope
    /// The first few things skipped, located, and how many in all.
    var skipped: [SnapshotProblem] = []
    var skippedCount = 0

    static let listedSkips = 20

    /// A skipped thing is an input of every check that uses the scope, not one of its resources.
    var remarks: CheckRemarks {
        CheckRemarks(skippedInputs: skipped, unlistedSkippedCount: skippedCount - skipped.count)
    }
}

/// What `${iot:Connection.Thing.ThingTypeName}` and `${iot:Connection.Thing.Attributes[...]}`
/// can bind to, from `things.json`: a variable whose value some things share
/// reaches other devices' resources. Keeps one hash per thing and attribute,
/// never the things themselves.
///
/// A thing that cannot be read (not JSON, too deep, not an object, a
/// `thingTypeName` that is not a string, `attributes` that are not an object)
/// is skipped and named in the message of every check that uses the scope; it
/// fails none of them. Its type and attributes are unknown, so any of them
/// might be shared with another thing: the scope then treats every thing
/// variable as shared (`thingsKnown` false), as when `things.json` is absent.
/// That can only add findings, never hide one.
enum ThingVariableFacts {
    /// The scope of the run, read once for the six policy and role checks that need it.
    static func scope(_ context: AuditContext) throws(SnapshotProblem) -> ThingVariableScope {
        try context.resources.shared("thing-variable-scope") { () throws(SnapshotProblem) in try read(context) }
    }

    /// What one thing contributes: its type and a hash of each attribute's value.
    private struct ThingValues: Sendable {
        var type: String?
        var attributes: [(name: String, valueHash: Int)]
    }

    private static func values(_ thing: JSONValue) -> Result<ThingValues, ResourceDecodeError> {
        guard thing.objectValue != nil else {
            return .failure(ResourceDecodeError("element is \(thing.typeName); expected an object"))
        }
        var type: String? = nil
        switch thing["thingTypeName"] {
        case nil, .null?: break
        case .string(let name)?: type = name
        case let other?:
            return .failure(ResourceDecodeError("thingTypeName is \(other.typeName); expected a string"))
        }
        var attributes: [(String, Int)] = []
        switch thing["attributes"] {
        case nil, .null?: break
        case .object(let members)?:
            attributes = members.members.map { name, value in
                var hasher = Hasher()
                hasher.combine(JSONWriter.compact(value))
                return (name, hasher.finalize())
            }
        case let other?:
            return .failure(ResourceDecodeError("attributes is \(other.typeName); expected an object"))
        }
        return .success(ThingValues(type: type, attributes: attributes))
    }

    private static func read(_ context: AuditContext) throws(SnapshotProblem) -> ThingVariableScope {
        let manifest = context.snapshot.manifest
        var result = ThingVariableScope(scope: PolicyScope(region: manifest.region, accountId: manifest.accountId))
        guard let located = try context.snapshot.locateIfPresent(.things) else { return result }
        var typeCounts: [String: Int] = [:]
        var attributeValues: [String: Set<Int>] = [:]
        var shared: Set<String> = []
        // The attributes found shared, by name: checked for each attribute of each thing
        // without spelling its variable every time.
        var sharedAttributes: Set<String> = []
        try SnapshotStream(located, progress: context.resources.progress).forEachParallel(
            workers: context.resources.workers, members: JSONMemberSelection(["thingTypeName", "attributes"])
        ) { element -> Result<ThingValues, SnapshotProblem> in
            element.value.flatMap { thing in values(thing).mapError { element.problem($0.reason) } }
        } consume: { outcome, _ in
            let thing: ThingValues
            switch outcome {
            case .success(let values): thing = values
            case .failure(let problem):
                result.skippedCount += 1
                if result.skipped.count < ThingVariableScope.listedSkips { result.skipped.append(problem) }
                return
            }
            if let type = thing.type {
                typeCounts[type, default: 0] += 1
                if typeCounts[type] == 2 { shared.insert("iot:Connection.Thing.ThingTypeName") }
            }
            for (name, valueHash) in thing.attributes {
                // Once a value repeats the attribute is shared: its hashes are no longer needed.
                guard !sharedAttributes.contains(name) else { continue }
                if !attributeValues[name, default: []].insert(valueHash).inserted {
                    sharedAttributes.insert(name)
                    shared.insert("iot:Connection.Thing.Attributes[\(name)]")
                    attributeValues[name] = nil
                }
            }
        }
        // A skipped thing's values are unknown: every thing variable may be shared.
        result.scope.thingsKnown = result.skippedCount == 0
        result.scope.sharedVariables = shared
        return result
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
