import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditReports
import FleetAuditTestSupport
import Testing

/// A snapshot whose one policy is named to run script if it were written unescaped.
func hostilePolicySnapshot(name: String) -> TemporarySnapshot {
    var nameJSON = ""
    JSONWriter.writeString(name, into: &nameJSON)
    let document =
        #"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iot:*\", \"Resource\": \"*\"}]}"#
    return TemporarySnapshot([
        "policies.json": """
        {"policyVersions": [{"policyName": \(nameJSON), "policyArn": "arn:aws:iot:us-east-1:123456789012:policy/x",
        "policyVersionId": "1", "isDefaultVersion": true, "policyDocument": "\(document)"}]}
        """
    ])
}

@Suite struct HTMLReportTests {
    @Test func escapeCoversMarkupAndQuotes() {
        #expect(HTMLText.escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
        #expect(HTMLText.escape(#"a & "b" 'c'"#) == "a &amp; &quot;b&quot; &#39;c&#39;")
        #expect(HTMLText.escape("plain ü") == "plain ü")
    }

    /// The hostile name appears only escaped: in the row's text, its data attribute and its detail.
    @Test func hostilePolicyNameIsWrittenEscaped() throws {
        let hostile = "<img src=x onerror=alert(1)>"
        let snapshot = hostilePolicySnapshot(name: hostile)
        let out = TemporaryDirectory(prefix: "fleet-audit-hostile")
        var options = AuditOptions(
            snapshotPath: snapshot.path, outputPath: out.path, checkNames: ["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"],
            taskId: "hostile", workers: 1)
        options.formats = "html"
        let report = try AuditCommandRunner.run(options)
        #expect(report.exitStatus == 0)
        let html = String(decoding: out.read("report.html"), as: UTF8.self)
        #expect(!html.contains(hostile))
        #expect(!html.contains("<img"))
        #expect(html.contains(#"data-resource="&lt;img src=x onerror=alert(1)&gt;""#))
        #expect(html.contains("<span class=\"type\">IOT_POLICY</span> &lt;img src=x onerror=alert(1)&gt;</td>"))
        #expect(html.contains("policyName: <code>&lt;img src=x onerror=alert(1)&gt;</code>"))
    }

    @Test func workshopPageHasEveryFindingAndItsRules() throws {
        let audit = try WorkshopAudit(formats: "html")
        let html = audit.text("report.html")
        let findings = try audit.findings()
        #expect(html.components("<tr class=\"finding\"") == findings.count)
        #expect(html.contains("<table id=\"findings-table\" data-total=\"\(findings.count)\" data-page-size=\"100\">"))
        #expect(!html.contains("id=\"rows-capped\""))
        // Nothing is fetched: no external URL anywhere in the page.
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(html.contains("default-src 'none'"))
        for check in Set(findings.map(\.checkName)) {
            #expect(html.contains("<article class=\"rule\" id=\"rule-\(check)\">"))
            #expect(html.contains("<a href=\"#rule-\(check)\">\(check)</a>"))
        }
        let critical = findings.filter { $0.severity == .critical }.count
        #expect(
            html.contains("<div class=\"bar-row\" data-severity=\"CRITICAL\"><span class=\"label\">CRITICAL</span>"))
        #expect(html.contains("<span class=\"count\">\(critical)</span>"))
    }

    /// Past the row limit the table keeps the most severe findings; the summary still counts them all.
    @Test func rowSelectionKeepsTheMostSevere() throws {
        var tally = HTMLReport.Tally()
        let severities = ["LOW", "CRITICAL", "MEDIUM", "HIGH", "HIGH", "LOW", "CRITICAL", "HIGH"]
        let findings = try severities.map { try ReportFinding(json: findingJSON(severity: $0)) }
        for finding in findings { tally.add(finding) }
        var selection = tally.rowSelection(limit: 4)
        #expect(!selection.isComplete)
        #expect(findings.map { selection.admits($0) } == [false, true, false, true, true, false, true, false])
        var everything = tally.rowSelection(limit: 8)
        #expect(everything.isComplete)
        #expect(findings.allSatisfy { everything.admits($0) })
        #expect(tally.bySeverity[.high]?.all == 3)
        let opening = HTMLReport.opening(context: testContext, tally: tally, rowsShown: 4)
        #expect(opening.contains("The table holds 4 of 8 findings, the most severe first (at most 5000)."))
    }

    /// Related resources and the suppression state are in each finding's detail.
    @Test func rowDetailNamesRelatedResourcesAndSuppression() throws {
        let related: [JSONValue] = [
            [
                "resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": ["deviceCertificateId": "abc"],
                "additionalInfo": ["CLIENT_ID": "sensor-1"],
            ]
        ]
        let finding = try ReportFinding(json: findingJSON(suppressed: true, related: related))
        let row = HTMLReport.row(finding)
        #expect(
            row.contains(
                "<dt>Related resources (1)</dt><dd><ul><li><span class=\"type\">DEVICE_CERTIFICATE</span>"
                    + "<br>deviceCertificateId: <code>abc</code><br><span class=\"info\">CLIENT_ID: sensor-1</span></li></ul></dd>"
            ))
        #expect(
            row.contains("<dt>Suppression</dt><dd>suppressed: an audit suppression covers this check and resource</dd>")
        )
        #expect(row.contains("data-suppressed=\"true\""))
        #expect(row.hasSuffix("<td>yes</td></tr>\n"))
    }

    /// With a checkout's docs, each rule links to its anchor in docs/checks.md, and that anchor exists.
    @Test func ruleLinksResolveToAnchorsInChecksDocument() throws {
        var context = testContext
        context.checksDocument = "../docs/checks.md"
        var tally = HTMLReport.Tally()
        tally.add(try ReportFinding(json: findingJSON()))
        let closing = HTMLReport.closing(context: context, tally: tally)
        #expect(
            closing.contains(
                "<a class=\"rule-link\" href=\"../docs/checks.md#IOT_POLICY_OVERLY_PERMISSIVE_CHECK\">"
                    + "docs/checks.md#IOT_POLICY_OVERLY_PERMISSIVE_CHECK</a>"))
        let document = String(decoding: TemporaryDirectory.readFile(repositoryRoot + "/docs/checks.md"), as: UTF8.self)
        for check in CheckRegistry.all.map({ $0.description.name }) {
            #expect(document.contains("<a id=\"\(check)\"></a>"), "docs/checks.md has no anchor for \(check)")
        }
    }
}

extension String {
    func components(_ separator: String) -> Int {
        split(separator: separator, omittingEmptySubsequences: false).count - 1
    }
}
