import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// ADD_THINGS_TO_THING_GROUP: `addThingsToThingGroupParams{thingGroupNames (1..10),
/// overrideDynamicGroups?}`. The things attached to the finding's certificate
/// (`thing-principals.json`, as ListPrincipalThings) join every listed group, as
/// `aws iot add-thing-to-thing-group` would, in `thing-group-members.json`.
///
/// The API's rules are enforced for the whole execution before anything is
/// queued: every group exists (ResourceNotFoundException) and is static
/// (InvalidRequestException); a thing joins at most one group per hierarchy
/// (InvalidRequestException) and at most 10 groups (LimitExceededException), except
/// that with `overrideDynamicGroups` a thing at the limit leaves its last dynamic
/// group to make room.
public struct AddThingsToThingGroupAction: MitigationActionType {
    public static let description = MitigationActionDescription(
        typeName: "ADD_THINGS_TO_THING_GROUP",
        paramsMember: "addThingsToThingGroupParams",
        applicableChecks: UpdateDeviceCertificateAction.applicableChecks,
        summary: "Adds the things attached to the finding's device certificates to the given static thing groups "
            + "(AddThingToThingGroup).",
        examples: AddThingsToThingGroupAction.examples)

    /// A thing can be in at most this many thing groups.
    static let groupLimit = 10

    public let thingGroupNames: [String]
    public let overrideDynamicGroups: Bool

    public init(params: JSONObject) throws(MitigationRequestError) {
        let member = Self.paramsMember
        try ActionParams.requireOnly(["thingGroupNames", "overrideDynamicGroups"], in: params, of: member)
        guard let list = params["thingGroupNames"] else {
            throw .input("\(member): missing required parameter 'thingGroupNames'")
        }
        guard let names = list.arrayValue, (1...10).contains(names.count) else {
            throw .input("\(member).thingGroupNames must list 1 to 10 thing group names")
        }
        var groups: [String] = []
        for name in names {
            guard let text = name.stringValue, (1...128).contains(text.count),
                text.utf8.allSatisfy({ MitigationActionDefinition.isNameByte($0) || $0 == UInt8(ascii: ":") })
            else {
                throw .input(
                    "\(member).thingGroupNames: \(JSONWriter.compact(name)) is not a thing group name "
                        + "(1 to 128 characters of [a-zA-Z0-9:_-])")
            }
            if !groups.contains(text) { groups.append(text) }
        }
        thingGroupNames = groups
        switch params["overrideDynamicGroups"] {
        case nil, .null?: overrideDynamicGroups = false
        case .bool(let value)?: overrideDynamicGroups = value
        case let other?: throw .input("\(member).overrideDynamicGroups must be a boolean, found \(other.typeName)")
        }
    }

    public func execute(_ finding: AuditedFinding, action: MitigationActionDefinition, in session: MitigationSession)
        -> ExecutionResult
    {
        let certificates = FindingCertificates.deviceCertificateIds(finding)
        guard !certificates.isEmpty else { return FindingCertificates.namesNoDeviceCertificate(finding) }
        let index: ThingGroupIndex
        do {
            index = try ThingGroupIndex.shared(in: session)
        } catch {
            return .failed(errorCode: "InternalFailureException", message: "cannot read thing groups: \(error)")
        }
        for group in thingGroupNames {
            guard let info = index.groups[group] else {
                return .failed(
                    errorCode: "ResourceNotFoundException", message: "thing group \(group) is not in thing-groups.json")
            }
            if info.isDynamic {
                return .failed(
                    errorCode: "InvalidRequestException",
                    message: "thing group \(group) is dynamic; things cannot be added to it")
            }
        }
        var things: [String] = []
        for id in certificates {
            for thing in index.things(of: id) where !things.contains(thing) { things.append(thing) }
        }
        // Plan every thing's groups first: all or nothing.
        var plans: [(thing: String, groups: [String], left: [String])] = []
        for thing in things {
            var groups = index.memberships[thing] ?? []
            var left: [String] = []
            for target in thingGroupNames where !groups.contains(target) {
                let root = index.root(of: target)
                if let other = groups.first(where: {
                    index.groups[$0]?.isDynamic == false && index.root(of: $0) == root
                }) {
                    return .failed(
                        errorCode: "InvalidRequestException",
                        message: "thing \(thing) is in \(other), of the same hierarchy as \(target) (root \(root)); "
                            + "a thing can be in one group per hierarchy")
                }
                if groups.count >= Self.groupLimit {
                    guard overrideDynamicGroups,
                        let dynamic = groups.lastIndex(where: { index.groups[$0]?.isDynamic == true })
                    else {
                        return .failed(
                            errorCode: "LimitExceededException",
                            message: "thing \(thing) is already in \(groups.count) thing groups (the limit is "
                                + "\(Self.groupLimit))" + (overrideDynamicGroups ? " and none of them is dynamic" : ""))
                    }
                    left.append(groups.remove(at: dynamic))
                }
                groups.append(target)
            }
            plans.append((thing, groups, left))
        }
        var edits: [SnapshotEdit] = []
        var changes: [ResourceChange] = []
        for plan in plans {
            let before = index.memberships[plan.thing] ?? []
            for group in plan.left { edits.append(index.remove(plan.thing, from: group)) }
            var left = plan.left
            for group in plan.groups where !before.contains(group) {
                edits.append(index.add(plan.thing, to: group))
                changes.append(
                    .thingAddedToGroup(
                        thingName: plan.thing, groupName: group, overrideDynamicGroups: overrideDynamicGroups,
                        leftGroups: left))
                left = []
            }
            index.memberships[plan.thing] = plan.groups
        }
        return .completed(ActionEdits(snapshotEdits: edits, changes: changes))
    }
}

/// Thing groups, their members and the things attached to each certificate, in
/// the new snapshot: built once per task from `thing-groups.json`,
/// `thing-group-members.json` and `thing-principals.json`, and kept current with
/// the additions the action returns.
final class ThingGroupIndex {
    struct Group {
        var isDynamic: Bool
        /// The root of its hierarchy (itself for a top-level group).
        var root: String
    }

    var groups: [String: Group] = [:]
    /// Thing → its groups, in the order of `thing-group-members.json`.
    var memberships: [String: [String]] = [:]
    /// Groups that have an element in `thing-group-members.json` (or one queued).
    var listedGroups: Set<String> = []
    var principalThings: [CertificateKey: [String]] = [:]

    static func shared(in session: MitigationSession) throws(SnapshotProblem) -> ThingGroupIndex {
        let snapshot = try session.snapshot()
        return try session.index("thing-groups") { () throws(SnapshotProblem) in try ThingGroupIndex(snapshot) }
    }

    init(_ snapshot: Snapshot) throws(SnapshotProblem) {
        try SnapshotElements.forEach(.thingGroups, in: snapshot) { element throws(SnapshotProblem) in
            guard case .success(let value) = element.value, let name = value["thingGroupName"]?.stringValue else {
                return
            }
            let ancestors = value["thingGroupMetadata"]?["rootToParentThingGroups"]?.arrayValue ?? []
            let root = ancestors.first?["groupName"]?.stringValue ?? name
            let dynamic = value["queryString"]?.stringValue != nil
            groups[name] = Group(isDynamic: dynamic, root: root)
        }
        if try snapshot.locateIfPresent(.thingGroupMembers) != nil {
            try SnapshotElements.forEach(.thingGroupMembers, in: snapshot) { element throws(SnapshotProblem) in
                guard case .success(let value) = element.value, let group = value["thingGroupName"]?.stringValue else {
                    return
                }
                listedGroups.insert(group)
                for thing in value["things"]?.arrayValue ?? [] {
                    if let name = thing.stringValue { memberships[name, default: []].append(group) }
                }
            }
        }
        try SnapshotElements.forEach(.thingPrincipals, in: snapshot) { element throws(SnapshotProblem) in
            guard case .success(let value) = element.value, let principal = value["principal"]?.stringValue,
                let slash = principal.lastIndex(of: "/"), principal[..<slash].hasSuffix(":cert"),
                let key = CertificateKey(hex: principal[principal.index(after: slash)...])
            else { return }
            let things = (value["things"]?.arrayValue ?? []).compactMap(\.stringValue)
            principalThings[key, default: []].append(contentsOf: things)
        }
    }

    func things(of certificateId: String) -> [String] {
        CertificateKey(hex: certificateId).flatMap { principalThings[$0] } ?? []
    }

    func root(of group: String) -> String { groups[group]?.root ?? group }

    /// The edit that adds `thing` to `group`'s element of `thing-group-members.json`,
    /// or a new element when the group has none yet.
    func add(_ thing: String, to group: String) -> SnapshotEdit {
        guard listedGroups.contains(group) else {
            listedGroups.insert(group)
            return .appendElement(.thingGroupMembers, ["thingGroupName": .string(group), "things": [.string(thing)]])
        }
        return .editElements(ElementEdit(.thingGroupMembers, key: group, [.addToArray("things", .string(thing))]))
    }

    /// The edit that takes `thing` out of `group`'s element of `thing-group-members.json`.
    func remove(_ thing: String, from group: String) -> SnapshotEdit {
        .editElements(ElementEdit(.thingGroupMembers, key: group, [.removeFromArray("things", .string(thing))]))
    }
}
