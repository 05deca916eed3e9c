import FleetAuditBase
import FleetAuditJSON

/// One audit finding suppression (`list-audit-suppressions` element): the
/// findings of `checkName` on exactly `resource` are suppressed until
/// `expirationDate`, or for ever with `suppressIndefinitely`.
public struct AuditSuppression: Sendable, Hashable {
    /// The canonical check name (an alias in the file is resolved).
    public var checkName: String
    public var resource: ResourceIdentifier
    public var expirationDate: AuditTime?
    public var suppressIndefinitely: Bool
    public var description: String?

    public init(
        checkName: String, resource: ResourceIdentifier, expirationDate: AuditTime? = nil,
        suppressIndefinitely: Bool = false, description: String? = nil
    ) {
        self.checkName = checkName
        self.resource = resource
        self.expirationDate = expirationDate
        self.suppressIndefinitely = suppressIndefinitely
        self.description = description
    }

    /// Whether it applies to an audit at `time`. The expiration date is the
    /// first instant it no longer applies: an audit at exactly `expirationDate`
    /// is not suppressed (docs/audit-configuration.md).
    public func isActive(at time: AuditTime) -> Bool {
        if suppressIndefinitely { return true }
        guard let expirationDate else { return false }
        return time < expirationDate
    }

    /// Whether it is about the same finding key as `other` (check and resource).
    public func sameKey(as other: AuditSuppression) -> Bool {
        checkName == other.checkName && resource == other.resource
    }
}

/// The suppressions an audit applies: the snapshot's `audit-suppressions.json`
/// and, added to them, a `--suppressions FILE`.
public struct AuditSuppressions: Sendable, Hashable {
    public var entries: [AuditSuppression]
    /// Why the snapshot's suppressions are unknown (the manifest lists the file
    /// unavailable): no finding can be marked suppressed, and the audit says so.
    public var unknown: SnapshotProblem?

    public init(_ entries: [AuditSuppression] = []) { self.entries = entries }

    /// Check name → the resources whose findings are suppressed at `time`.
    public func active(at time: AuditTime) -> [String: Set<ResourceIdentifier>] {
        var active: [String: Set<ResourceIdentifier>] = [:]
        for entry in entries where entry.isActive(at: time) {
            active[entry.checkName, default: []].insert(entry.resource)
        }
        return active
    }

    /// The snapshot's `audit-suppressions.json`; none when it is absent.
    public static func load(_ snapshot: Snapshot, checks: [CheckDescription]) throws(InputRejected)
        -> AuditSuppressions
    {
        let file = SnapshotFile.auditSuppressions
        if snapshot.isAbsent(file) { return AuditSuppressions() }
        // An export that could not list the suppressions (AccessDenied, a service error) still
        // audits; what the owner suppressed is unknown, so the audit is reported incomplete
        // rather than refused or silently unsuppressed.
        if let reason = snapshot.manifest.unavailable[file.jsonName]
            ?? snapshot.manifest.unavailable[file.jsonLinesName]
        {
            var suppressions = AuditSuppressions()
            suppressions.unknown = SnapshotProblem(
                file: file.jsonName,
                reason: "listed unavailable in manifest.json (\(reason)); no finding is marked suppressed "
                    + "(give the suppressions with --suppressions FILE)")
            return suppressions
        }
        let object: JSONObject
        let name: String
        do {
            let located = try snapshot.locate(file).get()
            name = located.name
            object = try snapshot.readObject(file)
        } catch {
            throw InputRejected([error])
        }
        return try parse(object, file: name, checks: checks)
    }

    /// A suppressions file outside the snapshot (`--suppressions FILE`).
    public static func load(path: String, checks: [CheckDescription]) throws(InputRejected) -> AuditSuppressions {
        let object: JSONObject
        do {
            object = try Snapshot.readObject(at: path, as: .auditSuppressions)
        } catch {
            throw InputRejected([error])
        }
        return try parse(object, file: path, checks: checks)
    }

    public static func parse(_ object: JSONObject, file: String, checks: [CheckDescription]) throws(InputRejected)
        -> AuditSuppressions
    {
        guard let list = object["suppressions"] else {
            throw InputRejected([SnapshotProblem(file: file, reason: "no 'suppressions' array")])
        }
        guard let elements = list.arrayValue else {
            throw InputRejected([SnapshotProblem(file: file, reason: "suppressions is \(list.typeName), not an array")])
        }
        var entries: [AuditSuppression] = []
        var problems: [SnapshotProblem] = []
        for (index, element) in elements.enumerated() {
            switch AuditSuppression.parse(element, checks: checks) {
            case .success(let entry): entries.append(entry)
            case .failure(let reason):
                problems.append(SnapshotProblem(file: file, elementIndex: index, reason: reason.text))
            }
        }
        guard problems.isEmpty else { throw InputRejected(problems) }
        return AuditSuppressions(entries)
    }
}

/// A reason an input is refused, as text for `SnapshotProblem.reason`.
public struct InputReason: Error, Sendable, Hashable, ExpressibleByStringInterpolation {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }
}

extension AuditSuppression {
    /// One element of `suppressions[]`; the failure is the reason, naming the member.
    public static func parse(_ element: JSONValue, checks: [CheckDescription]) -> Result<AuditSuppression, InputReason>
    {
        guard let object = element.objectValue else { return .failure("is \(element.typeName), not an object") }
        guard let name = object["checkName"]?.stringValue else { return .failure("checkName is missing") }
        guard let check = checks.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
            return .failure(
                "checkName \(name): unknown check; valid names: \(checks.map(\.name).joined(separator: ", "))")
        }
        let resource: ResourceIdentifier
        switch ResourceIdentifier.parse(object["resourceIdentifier"], for: check) {
        case .success(let parsed): resource = parsed
        case .failure(let reason): return .failure(reason)
        }
        var indefinitely = false
        switch object["suppressIndefinitely"] {
        case nil, .null?: break
        case .bool(let flag)?: indefinitely = flag
        case let other?:
            return .failure(InputReason("suppressIndefinitely is \(JSONWriter.compact(other)); expected true or false"))
        }
        var expiration: AuditTime? = nil
        switch object["expirationDate"] {
        case nil, .null?: break
        case let value?:
            guard let time = AuditTime(suppressionDate: value) else {
                return .failure(
                    InputReason(
                        "expirationDate is \(JSONWriter.compact(value)); expected an ISO 8601 date or time "
                            + "(2026-12-31 or 2026-12-31T00:00:00Z) or epoch seconds"))
            }
            expiration = time
        }
        if !indefinitely && expiration == nil {
            return .failure(
                InputReason("has neither an expirationDate nor suppressIndefinitely: true (it would never apply)"))
        }
        var description: String? = nil
        switch object["description"] {
        case nil, .null?: break
        case .string(let text)?: description = text
        case let other?: return .failure(InputReason("description is \(other.typeName), not a string"))
        }
        return .success(
            AuditSuppression(
                checkName: check.name, resource: resource, expirationDate: expiration,
                suppressIndefinitely: indefinitely, description: description))
    }

    /// The `list-audit-suppressions` element: member order as the AWS CLI prints it.
    public var json: JSONValue {
        var object = JSONObject([("checkName", .string(checkName)), ("resourceIdentifier", resource.json)])
        if let expirationDate { object["expirationDate"] = .string(expirationDate.iso8601) }
        object["suppressIndefinitely"] = .bool(suppressIndefinitely)
        if let description { object["description"] = .string(description) }
        return .object(object)
    }
}

extension AuditTime {
    /// A suppression's `expirationDate`: what `list-audit-suppressions` prints
    /// (epoch seconds with CLI v1, ISO 8601 with v2), or a date alone as
    /// `create-audit-suppression --expiration-date 2026-12-31` takes it (midnight UTC).
    public init?(suppressionDate value: JSONValue) {
        if case .string(let text) = value, text.utf8.count == 10, let midnight = AuditTime(iso8601: text + "T00:00:00Z")
        {
            self = midnight
            return
        }
        self.init(json: value)
    }
}

extension ResourceIdentifier {
    /// The member of `ResourceIdentifier` a check's findings use.
    public static func memberName(for type: ResourceType) -> String {
        switch type {
        case .deviceCertificate: return "deviceCertificateId"
        case .caCertificate: return "caCertificateId"
        case .iotPolicy: return "policyVersionIdentifier"
        case .cognitoIdentityPool: return "cognitoIdentityPoolId"
        case .clientId: return "clientId"
        case .accountSettings: return "account"
        case .roleAlias: return "roleAliasArn"
        case .iamRole: return "iamRoleArn"
        case .issuerCertificate: return "issuerCertificateIdentifier"
        }
    }

    /// A suppression's `resourceIdentifier` for `check`: exactly the one member
    /// the check's findings carry, with every nested member, so that matching is
    /// equality of all members.
    public static func parse(_ value: JSONValue?, for check: CheckDescription) -> Result<
        ResourceIdentifier, InputReason
    > {
        guard let value else { return .failure(InputReason("has no resourceIdentifier")) }
        guard let object = value.objectValue else {
            return .failure(InputReason("resourceIdentifier is \(value.typeName), not an object"))
        }
        guard !object.isEmpty else { return .failure(InputReason("has an empty resourceIdentifier")) }
        let expected = memberName(for: check.resourceType)
        guard object.members.count == 1, let member = object.members.first, member.key == expected else {
            return .failure(
                InputReason(
                    "resourceIdentifier has \(object.keys.joined(separator: ", ")); \(check.name) findings are "
                        + "identified by \(expected) alone"))
        }
        func text(_ value: JSONValue, _ path: String) -> Result<String, InputReason> {
            guard let string = value.stringValue, !string.isEmpty else {
                return .failure(
                    InputReason("resourceIdentifier.\(path) is \(JSONWriter.compact(value)); expected a string"))
            }
            return .success(string)
        }
        func nested(_ names: [String]) -> Result<[String], InputReason> {
            let path = "resourceIdentifier.\(expected)"
            guard let inner = member.value.objectValue else {
                return .failure(InputReason("\(path) is \(member.value.typeName), not an object"))
            }
            guard Set(inner.keys) == Set(names), inner.members.count == names.count else {
                return .failure(
                    InputReason(
                        "\(path) has \(inner.keys.joined(separator: ", ")); expected \(names.joined(separator: ", "))"))
            }
            var values: [String] = []
            for name in names {
                switch text(inner[name] ?? .null, expected + "." + name) {
                case .success(let string): values.append(string)
                case .failure(let reason): return .failure(reason)
                }
            }
            return .success(values)
        }
        switch check.resourceType {
        case .iotPolicy:
            return nested(["policyName", "policyVersionId"]).map {
                .policyVersion(policyName: $0[0], policyVersionId: $0[1])
            }
        case .issuerCertificate:
            return nested(["issuerCertificateSubject", "issuerId", "issuerCertificateSerialNumber"]).map {
                .issuerCertificate(subject: $0[0], issuerId: $0[1], serialNumber: $0[2])
            }
        case .deviceCertificate: return text(member.value, expected).map(ResourceIdentifier.deviceCertificateId)
        case .caCertificate: return text(member.value, expected).map(ResourceIdentifier.caCertificateId)
        case .cognitoIdentityPool: return text(member.value, expected).map(ResourceIdentifier.cognitoIdentityPoolId)
        case .clientId: return text(member.value, expected).map(ResourceIdentifier.clientId)
        case .accountSettings: return text(member.value, expected).map(ResourceIdentifier.account)
        case .roleAlias: return text(member.value, expected).map(ResourceIdentifier.roleAliasArn)
        case .iamRole: return text(member.value, expected).map(ResourceIdentifier.iamRoleArn)
        }
    }
}
