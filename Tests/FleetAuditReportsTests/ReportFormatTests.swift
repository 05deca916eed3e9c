import FleetAuditBase
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditReports
import FleetAuditTestSupport
import Testing

@Suite struct ReportFormatTests {
    @Test func listKeepsOrderImpliesJSONAndDropsRepeats() throws {
        #expect(try ReportFormat.parseList("asff,html").get() == [.json, .asff, .html])
        #expect(try ReportFormat.parseList("json").get() == [.json])
        #expect(try ReportFormat.parseList(" CSV , ocsf,csv,").get() == [.json, .csv, .ocsf])
    }

    @Test func unknownFormatIsAUsageErrorNamingTheValidOnes() {
        #expect(
            ReportFormat.parseList("asff,xml,pdf") == .failure(ReportFormatError(unknown: ["xml", "pdf"])))
        #expect(
            ReportFormatError(unknown: ["xml"]).description
                == "--format: unknown format(s) 'xml'; valid formats: json, asff, html, csv, ocsf")
        var options = AuditOptions(snapshotPath: workshopSnapshot, outputPath: "/tmp/unused", workers: 1)
        options.formats = "html,xml"
        #expect(throws: UsageError("--format: unknown format(s) 'xml'; valid formats: json, asff, html, csv, ocsf")) {
            try AuditCommandRunner.validate(options)
        }
    }

    /// `--force` may replace every report file (and nothing else).
    @Test func everyReportFileIsAnAuditOutput() {
        for name in ReportFormat.reportFileNames { #expect(OutputDirectory.isAuditOutputEntry(name), "\(name)") }
        #expect(
            ReportFormat.reportFileNames == ["findings.asff.json", "report.html", "findings.csv", "findings.ocsf.json"])
    }

    /// All formats at once; the summary names the report files; a second run with --force replaces them.
    @Test func allFormatsAreWrittenAndNamed() throws {
        let audit = try WorkshopAudit(formats: "json,asff,html,csv,ocsf")
        #expect(audit.report.exitStatus == 0)
        #expect(audit.report.errorLines.isEmpty)
        let written = (FileSystem.entries(of: audit.out.path) ?? []).sorted()
        #expect(
            written == [
                "audit-source.json", "audit-task.json", "findings.asff.json", "findings.csv", "findings.json",
                "findings.ocsf.json", "related-resources.jsonl", "report.html", "sns-outbox.jsonl",
            ])
        #expect(
            audit.report.summary.contains(
                "Reports: \(audit.out.path)/findings.asff.json, \(audit.out.path)/report.html, "
                    + "\(audit.out.path)/findings.csv, \(audit.out.path)/findings.ocsf.json\n"))
        var options = AuditOptions(
            snapshotPath: workshopSnapshot, outputPath: audit.out.path, taskId: "again", workers: 1, force: true)
        options.formats = "csv"
        #expect(try AuditCommandRunner.run(options).exitStatus == 0)
        #expect(audit.text("findings.csv").contains(",again,"))
    }

    /// A finding the audit suppressed is suppressed in every report.
    @Test func suppressedFindingIsSuppressedEverywhere() throws {
        let policy = "TECHCON703_amazon_freertos_policy"
        let audit = try WorkshopAudit(
            formats: "asff,ocsf,csv,html",
            suppressions: """
                {"suppressions": [{"checkName": "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "resourceIdentifier":
                {"policyVersionIdentifier": {"policyName": "\(policy)", "policyVersionId": "1"}},
                "suppressIndefinitely": true}]}
                """)
        #expect(audit.report.exitStatus == 0)
        let findings = try audit.findings()
        let index = try #require(findings.firstIndex { $0.checkName == "IOT_POLICY_OVERLY_PERMISSIVE_CHECK" })
        #expect(findings[index].isSuppressed)
        #expect(findings.filter(\.isSuppressed).count == 1)
        let asff = try #require(try audit.json("findings.asff.json").arrayValue)
        #expect(asff[index]["Workflow"] == ["Status": "SUPPRESSED"])
        #expect(asff.filter { $0["Workflow"] == ["Status": "SUPPRESSED"] }.count == 1)
        let ocsf = try #require(try audit.json("findings.ocsf.json").arrayValue)
        #expect(ocsf[index]["status"] == "Suppressed")
        #expect(parseCSV(audit.text("findings.csv"))[index + 1][10] == "true")
        let html = audit.text("report.html")
        #expect(html.components("data-suppressed=\"true\"") == 1)
        let critical = findings.filter { $0.severity == .critical }.count
        #expect(html.contains("<span class=\"count\">\(critical) (1 suppressed)</span>"))
    }

    /// An intermediate CA's device certificates, listed apart in related-resources.jsonl, reach every report.
    @Test func listedRelatedResourcesReachTheReports() throws {
        let audit = try WorkshopAudit(formats: "asff,ocsf,csv,html")
        let check = "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"
        let findings = try audit.findings()
        let index = try #require(findings.firstIndex { $0.checkName == check })
        #expect(findings[index].relatedResources.isEmpty)
        let asff = try #require(try audit.json("findings.asff.json").arrayValue)
        let resources = try #require(asff[index]["Resources"]?.arrayValue)
        #expect(resources.count == 3)
        #expect(
            resources.dropFirst().allSatisfy {
                $0["Id"]?.stringValue?.hasPrefix("arn:aws:iot:us-east-1:123456789012:cert/") == true
            })
        let ocsf = try #require(try audit.json("findings.ocsf.json").arrayValue)
        #expect(ocsf[index]["resources"]?.arrayValue?.count == 3)
        #expect(ocsf[index]["unmapped"]?["related_resources_count"] == 2)
        #expect(parseCSV(audit.text("findings.csv"))[index + 1][13] == "2 listed in related-resources.jsonl")
        #expect(audit.text("report.html").contains("<dt>Related resources (2)</dt>"))
    }

    /// A findings.json that cannot be reported (edited by hand) leaves no report behind and names the element.
    @Test func malformedFindingLeavesNoReport() throws {
        let audit = try WorkshopAudit(formats: "json")
        let findings = audit.text("findings.json")
        audit.out.write(
            "findings.json", findings.replacingFirst(#""severity": "LOW""#, with: #""severity": "SEVERE""#))
        let result = AuditReportFiles.write([.json, .asff, .html], auditDirectory: audit.out.path)
        guard case .failure(let problem) = result else {
            Issue.record("reports were written from a malformed findings.json")
            return
        }
        #expect(
            problem.description
                == "\(audit.out.path)/findings.json: element 0 (byte 28): 'severity' is SEVERE; expected one of "
                + "CRITICAL, HIGH, MEDIUM, LOW")
        let left = FileSystem.entries(of: audit.out.path) ?? []
        #expect(!left.contains { $0.hasPrefix("findings.asff") || $0.hasPrefix("report") })
    }

    /// From a checkout, each rule links to docs/checks.md relative to the report; elsewhere there is no link.
    @Test func checksDocumentLinkIsRelativeToTheReport() throws {
        let out = TemporaryDirectory(prefix: "fleet-audit-link")
        let root = TemporaryDirectory(prefix: "fleet-audit-root")
        root.write("docs/checks.md", "# Checks\n")
        let rootName = try #require(root.path.split(separator: "/").last)
        #expect(
            AuditReportFiles.checksDocumentLink(from: out.path, workingDirectory: root.path)
                == "../\(rootName)/docs/checks.md")
        #expect(AuditReportFiles.checksDocumentLink(from: out.path, workingDirectory: out.path) == nil)
        #expect(
            AuditReportFiles.relativePath(from: "/work/clone/out/day1", to: "/work/clone/docs/checks.md")
                == "../../docs/checks.md")
        #expect(
            AuditReportFiles.relativePath(from: "/work/clone", to: "/work/clone/docs/checks.md") == "docs/checks.md")
        #expect(AuditReportFiles.relativePath(from: "/", to: "/docs/checks.md") == "docs/checks.md")
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
