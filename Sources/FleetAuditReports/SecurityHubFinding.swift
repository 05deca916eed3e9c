import FleetAuditBase
import FleetAuditCore
import FleetAuditJSON

/// Findings in the AWS Security Finding Format (ASFF), as the
/// `BatchImportFindings` API takes them (`aws securityhub batch-import-findings
/// --findings file://findings.asff.json`; docs/reports.md).
///
/// The ASFF `Id` is stable across audits: it is derived from the account,
/// region, check, resource identifier and reason code, never from the task. A
/// resource that stays non-compliant day after day updates one Security Hub
/// finding instead of adding one per audit, and a resolved one can be archived
/// by importing the same `Id` with `RecordState` `ARCHIVED` (`archived(_:context:resolvedAt:)`).
public enum SecurityHubFinding {
    public static let schemaVersion = "2018-10-08"
    /// `Types` namespace and category for configuration findings (ASFF types taxonomy).
    static let typePrefix = "Software and Configuration Checks/AWS Security Best Practices/"

    /// ASFF limits (AwsSecurityFinding in the Security Hub API reference) that a
    /// snapshot's strings could exceed.
    public static let titleLimit = 256
    public static let descriptionLimit = 1024
    /// Resources per finding.
    public static let resourceLimit = 32
    /// `ProductFields` and `Details.Other` entries, and the length of each value there.
    public static let mapEntryLimit = 50
    public static let mapValueLimit = 1024

    /// The finding of an audit: `RecordState` `ACTIVE`, `Compliance.Status`
    /// `FAILED`, `Workflow.Status` `SUPPRESSED` when the audit suppressed it, else `NEW`.
    public static func active(_ finding: ReportFinding, context: ReportContext) -> JSONValue {
        render(
            finding, context: context, updatedAt: finding.findingTime, recordState: "ACTIVE", compliance: "FAILED",
            workflow: finding.isSuppressed ? "SUPPRESSED" : "NEW")
    }

    /// A finding of an earlier audit that a later one (`resolvedAt`) no longer
    /// reports: same `Id`, `RecordState` `ARCHIVED`, `Compliance.Status` `PASSED`,
    /// `Workflow.Status` `RESOLVED`. `context` is the later audit's (same account and region).
    public static func archived(_ finding: ReportFinding, context: ReportContext, resolvedAt: AuditTime) -> JSONValue {
        render(
            finding, context: context, updatedAt: max(resolvedAt, finding.findingTime), recordState: "ARCHIVED",
            compliance: "PASSED", workflow: "RESOLVED")
    }

    /// The stable ASFF `Id` (see the type's comment).
    public static func id(of finding: ReportFinding, context: ReportContext) -> String {
        let key = [
            context.source.accountId, context.source.region, finding.checkName,
            JSONWriter.compact(.object(finding.resource.identifier)), finding.reasonCode,
        ].joined(separator: "\n")
        return "fleet-audit/\(context.source.accountId)/\(context.source.region)/\(finding.checkName)/"
            + FindingIdentity.uuidV5(name: key)
    }

    /// The default product ARN of the account, which BatchImportFindings accepts
    /// from the account itself.
    public static func productArn(_ context: ReportContext) -> String {
        let account = context.source.accountId
        return "arn:\(context.partition):securityhub:\(context.source.region):\(account):product/\(account)/default"
    }

    static func render(
        _ finding: ReportFinding, context: ReportContext, updatedAt: AuditTime, recordState: String,
        compliance: String, workflow: String
    ) -> JSONValue {
        let severity: JSONValue = [
            "Label": .string(finding.severity.rawValue), "Original": .string(finding.severity.rawValue),
        ]
        let types: JSONValue = [.string(typePrefix + finding.checkName)]
        let resources = ([finding.resource] + finding.shownRelatedResources).prefix(resourceLimit).map {
            resource(for: $0, context: context)
        }
        var productFields: [(String, JSONValue)] = [
            ("fleet-audit/findingId", .string(finding.findingId)),
            ("fleet-audit/taskId", .string(finding.taskId)),
            ("fleet-audit/checkName", .string(finding.checkName)),
            ("fleet-audit/reasonCode", .string(finding.reasonCode)),
            ("fleet-audit/resourceType", .string(finding.resource.resourceType)),
        ]
        let omitted = finding.relatedCount - (resources.count - 1)
        if omitted > 0 { productFields.append(("fleet-audit/relatedResourcesOmitted", .string(String(omitted)))) }
        return .object(
            JSONObject([
                ("SchemaVersion", .string(schemaVersion)),
                ("Id", .string(id(of: finding, context: context))),
                ("ProductArn", .string(productArn(context))),
                ("GeneratorId", .string("fleet-audit/\(finding.checkName)")),
                ("AwsAccountId", .string(context.source.accountId)),
                ("Region", .string(context.source.region)),
                ("Types", types),
                ("CreatedAt", .string(finding.findingTime.iso8601Milliseconds)),
                ("UpdatedAt", .string(updatedAt.iso8601Milliseconds)),
                ("Severity", severity),
                ("FindingProviderFields", ["Severity": severity, "Types": types]),
                (
                    "Title",
                    .string(
                        nonBlank(truncated(CheckRule.summary(of: finding.checkName), titleLimit), finding.checkName))
                ),
                (
                    "Description",
                    .string(
                        nonBlank(
                            truncated(finding.reason, descriptionLimit), "\(finding.checkName): \(finding.reasonCode)"))
                ),
                ("Resources", .array(resources)),
                ("Compliance", ["Status": .string(compliance)]),
                ("Workflow", ["Status": .string(workflow)]),
                ("RecordState", .string(recordState)),
                ("ProductFields", .object(JSONObject(productFields))),
            ]))
    }

    /// An ASFF `Resource`: `Id` the resource's ARN where AWS has one, `Type`
    /// `AwsAccount`/`AwsIamRole` for those, `Other` for IoT resources (ASFF has no
    /// IoT resource types), the Defender type and identifier in `Details.Other`.
    static func resource(for resource: ReportResource, context: ReportContext) -> JSONValue {
        let (type, id) = typeAndId(of: resource, context: context)
        var other: [(String, JSONValue)] = [("resourceType", .string(resource.resourceType))]
        for field in resource.identifierFields + resource.additionalInfo where other.count < mapEntryLimit {
            guard !other.contains(where: { $0.0 == field.key }) else { continue }
            other.append((field.key, .string(nonBlank(truncated(field.value, mapValueLimit), "-"))))
        }
        return .object(
            JSONObject([
                ("Type", .string(type)), ("Id", .string(id)), ("Partition", .string(context.partition)),
                ("Region", .string(context.source.region)),
                ("Details", ["Other": .object(JSONObject(other))]),
            ]))
    }

    static func typeAndId(of resource: ReportResource, context: ReportContext) -> (type: String, id: String) {
        let prefix = "arn:\(context.partition)"
        let regional = "\(context.source.region):\(context.source.accountId)"
        let identifier = resource.identifier
        func value(_ key: String) -> String? { identifier[key]?.stringValue }
        if let id = value("deviceCertificateId") { return ("Other", "\(prefix):iot:\(regional):cert/\(id)") }
        if let id = value("caCertificateId") { return ("Other", "\(prefix):iot:\(regional):cacert/\(id)") }
        if let id = value("clientId") { return ("Other", "\(prefix):iot:\(regional):client/\(id)") }
        if let id = value("cognitoIdentityPoolId") {
            return ("Other", "\(prefix):cognito-identity:\(regional):identitypool/\(id)")
        }
        if let name = identifier["policyVersionIdentifier"]?["policyName"]?.stringValue {
            return ("Other", "\(prefix):iot:\(regional):policy/\(name)")
        }
        if let issuer = identifier["issuerCertificateIdentifier"]?["issuerId"]?.stringValue {
            return ("Other", "\(prefix):iot:\(regional):cacert/\(issuer)")
        }
        if let account = value("account") { return ("AwsAccount", "AWS::::Account:\(account)") }
        if let arn = value("iamRoleArn") { return ("AwsIamRole", arn) }
        if let arn = value("roleAliasArn") { return ("Other", arn) }
        if let arn = value("deviceCertificateArn") { return ("Other", arn) }
        return ("Other", "fleet-audit:\(resource.resourceType):\(JSONWriter.compact(.object(identifier)))")
    }

    /// At most `limit` UTF-16 code units (the strictest way a service counts
    /// length), cut between Unicode scalars, the last character `…` when cut.
    static func truncated(_ text: String, _ limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var kept = String.UnicodeScalarView()
        var length = 0
        for scalar in text.unicodeScalars {
            length += scalar.utf16.count
            guard length <= limit - 1 else { break }
            kept.append(scalar)
        }
        return String(kept) + "…"
    }

    /// ASFF strings must hold a non-whitespace character (pattern `.*\S.*`).
    static func nonBlank(_ text: String, _ fallback: String) -> String {
        text.contains(where: { !$0.isWhitespace }) ? text : fallback
    }
}
