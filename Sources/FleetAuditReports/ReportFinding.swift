import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// One finding of an audit's `findings.json`, read back for the reports. The
/// resources stay JSON (they are small and each report renders them its own
/// way); the members every report needs are typed.
public struct ReportFinding: Sendable, Hashable {
    public var findingId: String
    public var taskId: String
    public var checkName: String
    public var severity: Severity
    public var taskStartTime: AuditTime
    public var findingTime: AuditTime
    public var resource: ReportResource
    public var relatedResources: [ReportResource]
    /// Related resources listed apart in `related-resources.jsonl` (an intermediate CA's
    /// device certificates): the first `ListedRelatedResources.keptPerFinding`, and how many there are.
    public var listedRelatedResources: [ReportResource] = []
    public var listedRelatedCount = 0
    public var reason: String
    public var reasonCode: String
    public var isSuppressed: Bool

    /// Decodes one element of `findings.json`; the error names the first member
    /// that is missing or of the wrong type.
    public init(json: JSONValue) throws(ReportInputError) {
        func string(_ key: String) throws(ReportInputError) -> String {
            guard let value = json[key]?.stringValue else { throw ReportInputError(missing: key, type: "a string") }
            return value
        }
        func time(_ key: String) throws(ReportInputError) -> AuditTime {
            let text = try string(key)
            guard let value = AuditTime(iso8601: text) else {
                throw ReportInputError("'\(key)' is not an ISO 8601 time: \(text)")
            }
            return value
        }
        findingId = try string("findingId")
        taskId = try string("taskId")
        checkName = try string("checkName")
        let severityText = try string("severity")
        guard let severity = Severity(rawValue: severityText) else {
            throw ReportInputError(
                "'severity' is \(severityText); expected one of "
                    + Severity.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.severity = severity
        taskStartTime = try time("taskStartTime")
        findingTime = try time("findingTime")
        guard let resourceJSON = json["nonCompliantResource"] else {
            throw ReportInputError(missing: "nonCompliantResource", type: "an object")
        }
        resource = try ReportResource(json: resourceJSON, member: "nonCompliantResource")
        var related: [ReportResource] = []
        for (position, element) in (json["relatedResources"]?.arrayValue ?? []).enumerated() {
            related.append(try ReportResource(json: element, member: "relatedResources[\(position)]"))
        }
        relatedResources = related
        reason = json["reasonForNonCompliance"]?.stringValue ?? ""
        reasonCode = try string("reasonForNonComplianceCode")
        isSuppressed = json["isSuppressed"]?.boolValue ?? false
    }
}

extension ReportFinding {
    /// Every related resource, inline and listed apart.
    public var relatedCount: Int { relatedResources.count + listedRelatedCount }

    /// The related resources the reports show: inline, then the listed ones kept.
    public var shownRelatedResources: [ReportResource] { relatedResources + listedRelatedResources }
}

/// `related-resources.jsonl` read back for the reports: per finding id, how many
/// resources it lists and the first few (memory grows with the findings that list
/// some, never with the resources listed).
public struct ListedRelatedResources: Sendable {
    /// As many as an ASFF finding can carry besides its own resource.
    public static let keptPerFinding = 31

    var byFinding: [String: (count: Int, first: [ReportResource])] = [:]

    public init() {}

    /// Streams the file. An absent file (an audit before it existed) or an empty one
    /// (the audit listed nothing apart, the usual case) lists nothing.
    public static func load(_ path: String) throws(SnapshotProblem) -> ListedRelatedResources {
        var listed = ListedRelatedResources()
        guard let size = FileSystem.size(path), size > 0 else { return listed }
        try SnapshotStream(name: path, path: path, form: .lines, arrayKey: "").forEach {
            element throws(SnapshotProblem) in
            let line = try element.value.get()
            guard let findingId = line["findingId"]?.stringValue else {
                throw element.problem("'findingId' is missing or not a string")
            }
            var entry = listed.byFinding[findingId] ?? (0, [])
            entry.count += 1
            if entry.first.count < keptPerFinding {
                do throws(ReportInputError) {
                    entry.first.append(try ReportResource(json: line, member: "line"))
                } catch {
                    throw element.problem(error.description)
                }
            }
            listed.byFinding[findingId] = entry
        }
        return listed
    }

    /// `finding` with the resources listed for it.
    public func attached(to finding: ReportFinding) -> ReportFinding {
        guard let entry = byFinding[finding.findingId] else { return finding }
        var finding = finding
        finding.listedRelatedResources = entry.first
        finding.listedRelatedCount = entry.count
        return finding
    }
}

/// A `NonCompliantResource` or `RelatedResource` of a finding.
public struct ReportResource: Sendable, Hashable {
    /// One `name: value` of an identifier or of `additionalInfo`.
    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// `resourceType` as written (`IOT_POLICY`, ...).
    public var resourceType: String
    /// `resourceIdentifier`: one member naming the resource, or one object
    /// (`policyVersionIdentifier`, `issuerCertificateIdentifier`) of several.
    public var identifier: JSONObject
    /// `additionalInfo`, string to string.
    public var additionalInfo: [Field]

    public init(resourceType: String, identifier: JSONObject, additionalInfo: [Field] = []) {
        self.resourceType = resourceType
        self.identifier = identifier
        self.additionalInfo = additionalInfo
    }

    init(json: JSONValue, member: String) throws(ReportInputError) {
        guard let type = json["resourceType"]?.stringValue else {
            throw ReportInputError(missing: "\(member).resourceType", type: "a string")
        }
        guard let identifier = json["resourceIdentifier"]?.objectValue, !identifier.isEmpty else {
            throw ReportInputError(missing: "\(member).resourceIdentifier", type: "a non-empty object")
        }
        resourceType = type
        self.identifier = identifier
        additionalInfo = (json["additionalInfo"]?.objectValue?.members ?? []).map { member in
            Field(member.key, member.value.stringValue ?? JSONWriter.compact(member.value))
        }
    }

    /// The identifier's leaf values, `name: value` in document order
    /// (`policyName: P`, `policyVersionId: 1`), for people to read.
    public var identifierFields: [Field] {
        identifier.members.flatMap { member -> [Field] in
            if let nested = member.value.objectValue {
                return nested.members.map { Field($0.key, $0.value.stringValue ?? JSONWriter.compact($0.value)) }
            }
            return [Field(member.key, member.value.stringValue ?? JSONWriter.compact(member.value))]
        }
    }

    /// The identifier on one line, `policyName=P policyVersionId=1`.
    public var identifierText: String {
        identifierFields.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The resource's name as AWS would show it: the one value of a single-member
    /// identifier, the policy name of a policy version, the issuer id of an issuer.
    public var displayName: String {
        if let policy = identifier["policyVersionIdentifier"] {
            return policy["policyName"]?.stringValue ?? identifierText
        }
        if let issuer = identifier["issuerCertificateIdentifier"] {
            return issuer["issuerId"]?.stringValue ?? identifierText
        }
        if identifier.members.count == 1, let value = identifier.members[0].value.stringValue { return value }
        return identifierText
    }
}

/// Why an element of `findings.json` could not be reported.
public struct ReportInputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
    init(missing member: String, type: String) { self.init("'\(member)' is missing or not \(type)") }
}
