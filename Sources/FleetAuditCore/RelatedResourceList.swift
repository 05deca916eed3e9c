import FleetAuditJSON

/// `related-resources.jsonl` in an audit's output directory: the related
/// resources a finding does not carry inline, one JSON object a line,
/// `{"findingId": ..., "resourceType": ..., "resourceIdentifier": {...}}`
/// (a `RelatedResource` with the id of its finding first).
///
/// AWS lists the device certificates of an
/// INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK finding only
/// through ListRelatedResourcesForAuditFinding; `DescribeAuditFinding` leaves its
/// `relatedResources` empty, because one revoked CA can have millions of them.
/// Writing them one per line as the check reports them keeps the finding small
/// and the audit's memory flat; `fleet-audit related-resources` reads them back.
public enum RelatedResourceList {
    public static let fileName = "related-resources.jsonl"

    /// One line of the file, newline included.
    public static func line(findingId: String, resource: AuditResource) -> String {
        var object = JSONObject([("findingId", .string(findingId))])
        if case .object(let members) = resource.json {
            for member in members.members { object[member.key] = member.value }
        }
        return JSONWriter.compact(.object(object)) + "\n"
    }

    /// The `RelatedResource` of a line read back (the line without `findingId`).
    public static func resource(ofLine line: JSONValue) -> JSONValue {
        guard var object = line.objectValue else { return line }
        object["findingId"] = nil
        return .object(object)
    }
}
