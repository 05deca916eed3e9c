import FleetAuditCore
import FleetAuditJSON

/// `AuditMitigationActionsTaskTarget`: which findings a task acts on. Accepted
/// as the API's intended selectors are (docs/mitigation.md): `auditTaskId`
/// alone, `auditTaskId` with `auditCheckToReasonCodeFilter`, or `findingIds` alone.
public struct MitigationTarget: Sendable, Hashable {
    public var auditTaskId: String?
    public var findingIds: [String]?
    /// Check → reason codes, in the order given.
    public var reasonCodeFilter: [(check: String, codes: [String])]?

    public static func == (lhs: MitigationTarget, rhs: MitigationTarget) -> Bool {
        lhs.auditTaskId == rhs.auditTaskId && lhs.findingIds == rhs.findingIds
            && lhs.reasonCodeFilter?.map(\.check) == rhs.reasonCodeFilter?.map(\.check)
            && lhs.reasonCodeFilter?.map(\.codes) == rhs.reasonCodeFilter?.map(\.codes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(auditTaskId)
        hasher.combine(findingIds)
    }

    public init(auditTaskId: String) {
        self.auditTaskId = auditTaskId
    }

    /// Parses the `--target` JSON (the AWS CLI's shorthand-free JSON form).
    public init(json: JSONValue) throws(MitigationRequestError) {
        guard let object = json.objectValue else { throw .usage("--target must be a JSON object") }
        for key in object.keys where !["auditTaskId", "findingIds", "auditCheckToReasonCodeFilter"].contains(key) {
            throw .usage(
                "--target: unknown member '\(key)' (valid: auditTaskId, findingIds, auditCheckToReasonCodeFilter)")
        }
        if let value = object["auditTaskId"] {
            guard let id = value.stringValue, !id.isEmpty else {
                throw .usage("--target: auditTaskId must be a string")
            }
            auditTaskId = id
        }
        if let value = object["findingIds"] {
            guard let list = value.arrayValue, (1...25).contains(list.count) else {
                throw .usage("--target: findingIds must be an array of 1 to 25 finding ids")
            }
            var ids: [String] = []
            for element in list {
                guard let id = element.stringValue, !id.isEmpty else {
                    throw .usage("--target: findingIds must hold strings")
                }
                ids.append(id)
            }
            findingIds = ids
        }
        if let value = object["auditCheckToReasonCodeFilter"] {
            guard let map = value.objectValue, !map.isEmpty else {
                throw .usage("--target: auditCheckToReasonCodeFilter must be an object of check name → reason codes")
            }
            var filter: [(String, [String])] = []
            for (check, codes) in map.members {
                guard let list = codes.arrayValue, (1...25).contains(list.count),
                    list.allSatisfy({ $0.stringValue != nil })
                else {
                    throw .usage("--target: auditCheckToReasonCodeFilter.\(check) must list 1 to 25 reason codes")
                }
                filter.append((check, list.compactMap(\.stringValue)))
            }
            reasonCodeFilter = filter
        }
        switch (auditTaskId != nil, findingIds != nil, reasonCodeFilter != nil) {
        case (true, false, _), (false, true, false): break
        case (false, false, true):
            throw .usage("--target: auditCheckToReasonCodeFilter selects findings of an audit; give auditTaskId too")
        case (false, false, false):
            throw .usage("--target: give auditTaskId or findingIds")
        default:
            throw .usage("--target: findingIds cannot be combined with auditTaskId or auditCheckToReasonCodeFilter")
        }
    }

    /// The target as `describe-audit-mitigation-actions-task` echoes it.
    public var json: JSONValue {
        var object = JSONObject()
        if let auditTaskId { object["auditTaskId"] = .string(auditTaskId) }
        if let findingIds { object["findingIds"] = .array(findingIds.map { .string($0) }) }
        if let reasonCodeFilter {
            object["auditCheckToReasonCodeFilter"] = .object(
                JSONObject(reasonCodeFilter.map { ($0.check, JSONValue.array($0.codes.map { .string($0) })) }))
        }
        return .object(object)
    }

    /// The findings of `audit` this target selects, in the audit's order.
    /// Names that match nothing are errors, as the API rejects them.
    func select(from audit: AuditRecord) throws(MitigationRequestError) -> [AuditedFinding] {
        if let auditTaskId, auditTaskId != audit.taskId {
            throw .input(
                "--target: auditTaskId \(auditTaskId) is not the audit in \(audit.directory) (\(audit.taskId))")
        }
        if let findingIds {
            let known = Set(audit.findings.map(\.findingId))
            for id in findingIds where !known.contains(id) {
                throw .input("--target: finding \(id) is not in \(audit.directory)/findings.json")
            }
            let wanted = Set(findingIds)
            return audit.findings.filter { wanted.contains($0.findingId) }
        }
        guard let reasonCodeFilter else { return audit.findings }
        var allowed: [String: Set<String>] = [:]
        for (check, codes) in reasonCodeFilter {
            let canonical = CheckName(named: check)?.rawValue ?? check
            guard audit.checkNames.contains(canonical) else {
                throw .input("--target: audit \(audit.taskId) did not run \(check)")
            }
            allowed[canonical, default: []].formUnion(codes)
        }
        return audit.findings.filter { allowed[$0.checkName]?.contains($0.reasonCode) == true }
    }
}
