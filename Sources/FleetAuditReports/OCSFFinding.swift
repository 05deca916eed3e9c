import FleetAuditCore
import FleetAuditJSON

/// Findings as OCSF Compliance Finding events (class_uid 2003, OCSF 1.3.0),
/// laid out as Prowler writes its OCSF compliance output: a JSON array of
/// events with `compliance`, `finding_info`, `resources`, `metadata`, `cloud`,
/// the severity and status pairs, `status_code` `FAIL` and `unmapped` for what
/// OCSF has no attribute for (docs/reports.md).
public enum OCSFFinding {
    public static let schemaVersion = "1.3.0"
    public static let classUID: Int64 = 2003
    public static let categoryUID: Int64 = 2
    /// class_uid × 100 + activity_id (1, Create).
    public static let typeUID: Int64 = 200_301
    /// What `compliance.standards` names.
    public static let standard = "AWS IoT Device Defender audit"

    /// OCSF `severity_id` and its caption.
    static func severity(_ severity: Severity) -> (id: Int64, caption: String) {
        switch severity {
        case .low: return (2, "Low")
        case .medium: return (3, "Medium")
        case .high: return (4, "High")
        case .critical: return (5, "Critical")
        }
    }

    public static func event(_ finding: ReportFinding, context: ReportContext) -> JSONValue {
        let (severityId, severityCaption) = severity(finding.severity)
        // OCSF timestamp_t is milliseconds since the epoch.
        let time = JSONValue.integer(finding.findingTime.millisecondsSinceEpoch)
        let timeText = JSONValue.string(finding.findingTime.iso8601Milliseconds)
        let summary = CheckRule.summary(of: finding.checkName)
        let failed: (id: JSONValue, caption: JSONValue) = (.integer(3), "Fail")
        let check: JSONValue = [
            "uid": .string(finding.checkName), "name": .string(finding.checkName), "desc": .string(summary),
            "status": "FAIL", "status_id": failed.id,
        ]
        var unmapped = JSONObject([
            ("reason_code", .string(finding.reasonCode)),
            ("defender_finding_id", .string(finding.findingId)),
            ("task_id", .string(finding.taskId)),
            ("task_start_time", .string(finding.taskStartTime.iso8601Milliseconds)),
        ])
        unmapped["is_suppressed"] = .bool(finding.isSuppressed)
        // An intermediate CA's device certificates: the first ones are in `resources`, all in related-resources.jsonl.
        if finding.listedRelatedCount > 0 {
            unmapped["related_resources_count"] = .integer(Int64(finding.relatedCount))
        }
        return .object(
            JSONObject([
                ("message", .string(finding.reason)),
                ("metadata", metadata(finding)),
                ("severity_id", .integer(severityId)),
                ("severity", .string(severityCaption)),
                ("status", .string(finding.isSuppressed ? "Suppressed" : "New")),
                ("status_code", "FAIL"),
                ("status_detail", .string(finding.reason)),
                ("status_id", .integer(finding.isSuppressed ? 3 : 1)),
                ("activity_name", "Create"),
                ("activity_id", 1),
                (
                    "compliance",
                    [
                        "standards": [.string(standard)], "requirements": [.string(finding.checkName)],
                        "control": .string(finding.checkName), "status": failed.caption, "status_id": failed.id,
                        "checks": [check],
                    ]
                ),
                (
                    "finding_info",
                    [
                        "uid": .string(SecurityHubFinding.id(of: finding, context: context)),
                        "title": .string(summary), "desc": .string(finding.reason),
                        "created_time": time, "created_time_dt": timeText,
                        "types": [.string(finding.checkName)],
                    ]
                ),
                (
                    "resources",
                    .array(([finding.resource] + finding.shownRelatedResources).map { resource($0, context) })
                ),
                ("category_name", "Findings"),
                ("category_uid", .integer(categoryUID)),
                ("class_name", "Compliance Finding"),
                ("class_uid", .integer(classUID)),
                (
                    "cloud",
                    [
                        "account": ["uid": .string(context.source.accountId), "type": "AWS Account", "type_id": 10],
                        "provider": "aws", "region": .string(context.source.region),
                    ]
                ),
                ("time", time),
                ("time_dt", timeText),
                ("type_uid", .integer(typeUID)),
                ("type_name", "Compliance Finding: Create"),
                ("unmapped", .object(unmapped)),
            ]))
    }

    static func metadata(_ finding: ReportFinding) -> JSONValue {
        [
            "event_code": .string(finding.checkName),
            "product": ["uid": "fleet-audit", "name": "FleetAudit", "vendor_name": "FleetAudit"],
            "profiles": ["cloud", "datetime"],
            "version": .string(schemaVersion),
        ]
    }

    /// The AWS service a Defender resource type belongs to (`resources[].group.name`, as Prowler names the service).
    static func service(of resourceType: String) -> String {
        switch resourceType {
        case ResourceType.iamRole.rawValue: return "iam"
        case ResourceType.cognitoIdentityPool.rawValue: return "cognito-identity"
        default: return "iot"
        }
    }

    static func resource(_ resource: ReportResource, _ context: ReportContext) -> JSONValue {
        let details = JSONObject(resource.identifierFields.map { ($0.key, JSONValue.string($0.value)) })
        var data = JSONObject([("details", .object(details))])
        if !resource.additionalInfo.isEmpty {
            data["metadata"] = .object(JSONObject(resource.additionalInfo.map { ($0.key, JSONValue.string($0.value)) }))
        }
        return [
            "uid": .string(SecurityHubFinding.typeAndId(of: resource, context: context).id),
            "name": .string(resource.displayName),
            "type": .string(resource.resourceType),
            "group": ["name": .string(service(of: resource.resourceType))],
            "cloud_partition": .string(context.partition),
            "region": .string(context.source.region),
            "labels": [],
            "data": .object(data),
        ]
    }
}
