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
                "findings.ocsf.json", "report.html",
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
