import FleetAuditCore
import FleetAuditJSON
import FleetAuditReports
import FleetAuditTestSupport
import Testing

/// What Security Hub requires of every imported finding: the required top-level
/// attributes (Security Hub user guide, "Required top-level ASFF attributes")
/// and the limits of AwsSecurityFinding in the API reference. Returns one line
/// per violation, empty when the finding is valid.
func asffViolations(_ finding: JSONValue) -> [String] {
    var problems: [String] = []
    func string(_ key: String, max: Int? = nil, min: Int = 1) -> String? {
        guard let value = finding[key]?.stringValue else {
            problems.append("\(key) missing")
            return nil
        }
        if value.utf16.count < min || !value.contains(where: { !$0.isWhitespace }) { problems.append("\(key) blank") }
        if let max, value.utf16.count > max { problems.append("\(key) longer than \(max)") }
        return value
    }
    let timestamp = #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)/#
    if string("SchemaVersion") != "2018-10-08" { problems.append("SchemaVersion is not 2018-10-08") }
    _ = string("Id", max: 512)
    if let arn = string("ProductArn", max: 2048, min: 12),
        arn.wholeMatch(of: #/arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:\d{12}:product/\d{12}/default/#) == nil
    {
        problems.append("ProductArn \(arn) is not the account's default product")
    }
    _ = string("GeneratorId", max: 512)
    if let account = string("AwsAccountId"), account.wholeMatch(of: #/\d{12}/#) == nil {
        problems.append("AwsAccountId \(account) is not 12 digits")
    }
    let namespaces = [
        "Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors", "Sensitive Data Identifications",
    ]
    if let types = finding["Types"]?.arrayValue, (1...50).contains(types.count) {
        for type in types {
            let parts = (type.stringValue ?? "").split(separator: "/", omittingEmptySubsequences: false)
            if parts.count > 3 || !namespaces.contains(String(parts[0])) {
                problems.append("Types entry \(type) invalid")
            }
        }
    } else {
        problems.append("Types missing or not 1 to 50 entries")
    }
    for key in ["CreatedAt", "UpdatedAt"] {
        if let value = string(key), value.wholeMatch(of: timestamp) == nil { problems.append("\(key) \(value) format") }
    }
    if !["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(
        finding["Severity"]?["Label"]?.stringValue ?? "")
    {
        problems.append("Severity.Label missing or invalid")
    }
    _ = string("Title", max: 256)
    _ = string("Description", max: 1024)
    if let resources = finding["Resources"]?.arrayValue, (1...32).contains(resources.count) {
        for resource in resources {
            for key in ["Type", "Id"] where !(resource[key]?.stringValue ?? "").contains(where: { !$0.isWhitespace }) {
                problems.append("Resources \(key) missing")
            }
            if let partition = resource["Partition"]?.stringValue, !["aws", "aws-cn", "aws-us-gov"].contains(partition)
            {
                problems.append("Resources Partition \(partition)")
            }
        }
    } else {
        problems.append("Resources missing or not 1 to 32 entries")
    }
    if !["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"].contains(finding["Compliance"]?["Status"]?.stringValue ?? "") {
        problems.append("Compliance.Status invalid")
    }
    if !["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"].contains(finding["Workflow"]?["Status"]?.stringValue ?? "") {
        problems.append("Workflow.Status invalid")
    }
    if !["ACTIVE", "ARCHIVED"].contains(finding["RecordState"]?.stringValue ?? "") {
        problems.append("RecordState invalid")
    }
    return problems
}

@Suite struct SecurityHubFindingTests {
    /// Every finding of the workshop audit, in order, as ASFF that Security Hub accepts.
    @Test func workshopFindingsAreValidASFF() throws {
        let audit = try WorkshopAudit(formats: "asff")
        #expect(audit.report.exitStatus == 0)
        let findings = try audit.findings()
        let asff = try #require(try audit.json("findings.asff.json").arrayValue)
        #expect(asff.count == findings.count)
        #expect(findings.count > 20)
        for (finding, imported) in zip(findings, asff) {
            #expect(asffViolations(imported) == [], "\(finding.checkName) \(finding.resource.identifierText)")
            #expect(imported["GeneratorId"]?.stringValue == "fleet-audit/\(finding.checkName)")
            #expect(imported["Severity"]?["Label"]?.stringValue == finding.severity.rawValue)
            #expect(imported["Description"]?.stringValue == finding.reason)
            #expect(imported["Compliance"]?["Status"] == "FAILED")
            #expect(imported["Workflow"]?["Status"] == "NEW")
            #expect(imported["RecordState"] == "ACTIVE")
            #expect(imported["ProductFields"]?["fleet-audit/findingId"]?.stringValue == finding.findingId)
        }
        // The policy finding of the README, resource by resource.
        let policy = try #require(
            asff.first { $0["ProductFields"]?["fleet-audit/checkName"] == "IOT_POLICY_OVERLY_PERMISSIVE_CHECK" })
        #expect(policy["ProductArn"] == "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default")
        #expect(policy["AwsAccountId"] == "123456789012")
        #expect(
            policy["Types"]
                == ["Software and Configuration Checks/AWS Security Best Practices/IOT_POLICY_OVERLY_PERMISSIVE_CHECK"])
        #expect(policy["CreatedAt"] == "2026-11-26T08:00:00.000Z")
        let resources = try #require(policy["Resources"]?.arrayValue)
        #expect(resources.count == 1)
        #expect(resources[0]["Type"] == "Other")
        #expect(resources[0]["Id"] == "arn:aws:iot:us-east-1:123456789012:policy/TECHCON703_amazon_freertos_policy")
        #expect(resources[0]["Partition"] == "aws")
        #expect(resources[0]["Region"] == "us-east-1")
        // Details.Other: the Defender type, the identifier, then additionalInfo (the actions and their statements).
        let other = try #require(resources[0]["Details"]?["Other"]?.objectValue)
        #expect(other.keys.prefix(4) == ["resourceType", "policyName", "policyVersionId", "iot:Subscribe"])
        #expect(other["policyName"] == "TECHCON703_amazon_freertos_policy")
        #expect(other["iot:Subscribe"] == "statement 0, resource *")
        #expect(other.keys.count == 15)
    }

    /// A suppressed finding stays ACTIVE and FAILED; only its workflow says SUPPRESSED.
    @Test func suppressedFindingIsWorkflowSuppressed() throws {
        let finding = try ReportFinding(json: findingJSON(suppressed: true))
        let imported = SecurityHubFinding.active(finding, context: testContext)
        #expect(asffViolations(imported) == [])
        #expect(imported["Workflow"] == ["Status": "SUPPRESSED"])
        #expect(imported["Compliance"] == ["Status": "FAILED"])
        #expect(imported["RecordState"] == "ACTIVE")
    }

    /// A resolved finding is archived under the same Id, so Security Hub updates the finding it has.
    @Test func resolvedFindingIsArchivedUnderTheSameId() throws {
        let finding = try ReportFinding(json: findingJSON())
        let resolvedAt = time("2026-11-27T08:00:00Z")
        let active = SecurityHubFinding.active(finding, context: testContext)
        let archived = SecurityHubFinding.archived(finding, context: testContext, resolvedAt: resolvedAt)
        #expect(asffViolations(archived) == [])
        #expect(archived["Id"] == active["Id"])
        #expect(archived["RecordState"] == "ARCHIVED")
        #expect(archived["Compliance"] == ["Status": "PASSED"])
        #expect(archived["Workflow"] == ["Status": "RESOLVED"])
        #expect(archived["CreatedAt"] == "2026-11-26T08:00:00.000Z")
        #expect(archived["UpdatedAt"] == "2026-11-27T08:00:00.000Z")
    }

    /// Archived findings stream into a file the way the audit's ASFF does; an empty list is `[]`.
    @Test func archivedFindingsStreamIntoAnArrayFile() throws {
        let directory = TemporaryDirectory(prefix: "fleet-audit-archived")
        let document = JSONArrayDocument(file: try OutputFile(path: directory.file("resolved.asff.json")))
        for name in ["P", "Q"] {
            let finding = try ReportFinding(json: findingJSON(policyName: name))
            try document.append(
                SecurityHubFinding.archived(finding, context: testContext, resolvedAt: time("2026-11-27T08:00:00Z")))
        }
        try document.close()
        try document.file.commit()
        let written = try #require(try JSONParser.parse(directory.read("resolved.asff.json")).get().arrayValue)
        #expect(written.map { $0["RecordState"] } == ["ARCHIVED", "ARCHIVED"])
        #expect(written.allSatisfy { asffViolations($0) == [] })
        let empty = JSONArrayDocument(file: try OutputFile(path: directory.file("none.asff.json")))
        try empty.close()
        try empty.file.commit()
        #expect(directory.read("none.asff.json") == Array("[]\n".utf8))
    }

    /// The Id names the resource and reason, not the task: the next day's audit updates the same finding.
    @Test func idIsStableAcrossTasksAndDistinctAcrossResources() throws {
        var tomorrow = try ReportFinding(json: findingJSON())
        tomorrow.taskId = "t2"
        tomorrow.findingId = "another-uuid"
        let today = try ReportFinding(json: findingJSON())
        let other = try ReportFinding(json: findingJSON(policyName: "Q"))
        #expect(
            SecurityHubFinding.id(of: today, context: testContext)
                == SecurityHubFinding.id(of: tomorrow, context: testContext))
        #expect(
            SecurityHubFinding.id(of: today, context: testContext)
                != SecurityHubFinding.id(of: other, context: testContext))
        #expect(
            SecurityHubFinding.id(of: today, context: testContext).hasPrefix(
                "fleet-audit/123456789012/us-east-1/IOT_POLICY_OVERLY_PERMISSIVE_CHECK/"))
    }

    /// Snapshot strings past ASFF's limits are cut, blank ones replaced: the import never fails on length.
    @Test func longAndBlankStringsStayWithinLimits() throws {
        let related: [JSONValue] = (0..<40).map { index in
            ["resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": ["deviceCertificateId": .string("c\(index)")]]
        }
        let long = try ReportFinding(json: findingJSON(reason: String(repeating: "é", count: 3000), related: related))
        let imported = SecurityHubFinding.active(long, context: testContext)
        #expect(asffViolations(imported) == [])
        #expect(imported["Description"]?.stringValue?.utf16.count == 1024)
        #expect(imported["Description"]?.stringValue?.hasSuffix("é…") == true)
        #expect(imported["Resources"]?.arrayValue?.count == 32)
        #expect(imported["ProductFields"]?["fleet-audit/relatedResourcesOmitted"] == "9")
        let blank = try ReportFinding(json: findingJSON(reason: " \n "))
        #expect(
            SecurityHubFinding.active(blank, context: testContext)["Description"]
                == "IOT_POLICY_OVERLY_PERMISSIVE_CHECK: ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS")
    }

    /// The validator itself rejects what Security Hub rejects.
    @Test func validatorRejectsMissingAndMalformedFields() throws {
        let valid = SecurityHubFinding.active(try ReportFinding(json: findingJSON()), context: testContext)
        guard case .object(var object) = valid else { throw ValidatorTestError.notAnObject }
        object["Title"] = .string(String(repeating: "x", count: 257))
        object["AwsAccountId"] = "12345"
        object["CreatedAt"] = "yesterday"
        object["Resources"] = []
        #expect(
            asffViolations(.object(object)) == [
                "AwsAccountId 12345 is not 12 digits", "CreatedAt yesterday format", "Title longer than 256",
                "Resources missing or not 1 to 32 entries",
            ])
    }

    /// Resources in partitions other than `aws` get their partition in every ARN.
    @Test func chinaRegionUsesItsPartition() throws {
        var context = testContext
        context.source.region = "cn-north-1"
        let imported = SecurityHubFinding.active(try ReportFinding(json: findingJSON()), context: context)
        #expect(imported["ProductArn"] == "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default")
        #expect(imported["Resources"]?.arrayValue?.first?["Id"] == "arn:aws-cn:iot:cn-north-1:123456789012:policy/P")
        #expect(imported["Resources"]?.arrayValue?.first?["Partition"] == "aws-cn")
    }
}

enum ValidatorTestError: Error { case notAnObject }
