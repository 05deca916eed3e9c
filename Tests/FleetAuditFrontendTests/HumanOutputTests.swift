import FleetAuditChecks
import FleetAuditCore
import FleetAuditFrontend
import FleetAuditJSON
import FleetAuditTestSupport
import Foundation
import Testing

/// Issue 12, ranked point 3: the human output of `audit`.
@Suite struct HumanOutputTests {
    static func workshopReport() throws -> AuditReport {
        let out = TemporaryDirectory()
        return try AuditCommandRunner.run(
            AuditOptions(
                snapshotPath: workshopSnapshot, outputPath: out.path + "/audit", now: "2026-11-26T08:00:00Z",
                taskId: "t1", workers: 2, weakKeyBlacklist: workshopWeakKeys))
    }

    /// Findings come grouped by severity, CRITICAL first, then by check in
    /// registry order, and a line totals them per severity.
    @Test func findingsAreGroupedBySeverityWithTotals() throws {
        let report = try Self.workshopReport()
        let outcome = try #require(report.outcome)
        let lines = report.summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The severity headings, in order, each with its count.
        var expectedHeadings: [String] = []
        var totals: [String] = []
        for severity in Severity.allCases {
            let count = outcome.checks.filter { $0.severity == severity }.reduce(0) { $0 + $1.findingsCount }
            if count > 0 { expectedHeadings.append("\(severity.rawValue): \(count) finding(s)") }
            totals.append("\(count) \(severity.rawValue)")
        }
        let headings = lines.filter { line in Severity.allCases.contains { line.hasPrefix($0.rawValue + ": ") } }
        #expect(headings == expectedHeadings)
        #expect(headings.count >= 3)
        #expect(lines.contains("Totals: " + totals.joined(separator: ", ") + "; \(outcome.findingsCount) finding(s)."))
        // Under CRITICAL, the critical checks' groups, and a finding of one of them, exactly.
        let critical = try #require(lines.firstIndex { $0.hasPrefix("CRITICAL: ") })
        let shared = try #require(outcome.checks.first { $0.name == "DEVICE_CERTIFICATE_SHARED_CHECK" })
        let group = try #require(
            lines.firstIndex(of: "  DEVICE_CERTIFICATE_SHARED_CHECK: \(shared.findingsCount) finding(s)"))
        #expect(group > critical)
        let finding = try #require(shared.preview.first)
        #expect(
            lines[group + 1]
                == "    \(finding.nonCompliantResource.resourceIdentifier.displayText): \(finding.reasonForNonComplianceCode)"
        )
        // LOW comes last: LOGGING_DISABLED_CHECK's group follows every CRITICAL line.
        let low = try #require(lines.firstIndex { $0.hasPrefix("LOW: ") })
        #expect(low > group)
        #expect(lines[low + 1] == "  LOGGING_DISABLED_CHECK: 1 finding(s)")
        #expect(lines[low + 2] == "    account 123456789012: LOGGING_DISABLED")
    }

    /// A check with more findings than the preview shows the preview and counts the rest.
    @Test func aBigCheckIsCappedAndTheRestCounted() throws {
        let snapshot = TemporarySnapshot([
            "logging-options.json": #"{"roleArn": "r", "logLevel": "DISABLED"}"#
        ])
        let (outcome, _) = try runAudit(snapshot, checks: [LoggingDisabledCheck.self])
        var check = try #require(outcome.checks.first)
        // The account check has one finding; pretend the audit wrote 1,000,001 of which one is previewed.
        check.findingsCount = 1_000_001
        var big = outcome
        big.checks = [check]
        let summary = AuditSummary.render(big, snapshot: try snapshot.open())
        #expect(summary.contains("  LOGGING_DISABLED_CHECK: 1000001 finding(s)\n"))
        #expect(summary.contains("\n    … and 1000000 more (see findings.json)\n"))
        #expect(summary.split(separator: "\n").count < 20)
    }

    @Test func colourFollowsNoColorAndTheOption() {
        let terminal = ["TERM": "xterm-256color"]
        #expect(TerminalStyle.resolve(.auto, environment: terminal, isTerminal: true, windowWidth: nil).color)
        #expect(!TerminalStyle.resolve(.auto, environment: terminal, isTerminal: false, windowWidth: nil).color)
        #expect(
            !TerminalStyle.resolve(.auto, environment: ["NO_COLOR": "1"], isTerminal: true, windowWidth: nil).color)
        // An empty NO_COLOR does not count (no-color.org); `dumb` terminals get none.
        #expect(TerminalStyle.resolve(.auto, environment: ["NO_COLOR": ""], isTerminal: true, windowWidth: nil).color)
        #expect(!TerminalStyle.resolve(.auto, environment: ["TERM": "dumb"], isTerminal: true, windowWidth: nil).color)
        // The option wins over the environment.
        #expect(
            TerminalStyle.resolve(.always, environment: ["NO_COLOR": "1"], isTerminal: false, windowWidth: nil).color)
        #expect(!TerminalStyle.resolve(.never, environment: terminal, isTerminal: true, windowWidth: nil).color)
    }

    /// Colour codes are added after escaping: a hostile value's ESC is shown as text.
    @Test func colourWrapsOnlyStyledSegmentsAndHostileTextStaysEscaped() {
        let line = StyledLine("CRITICAL", style: .critical) + ": policy \u{1B}[2Jevil"
        let coloured = TerminalStyle(color: true, width: nil).render(line)
        #expect(coloured == "\u{1B}[1;31mCRITICAL\u{1B}[0m: policy \\x1B[2Jevil")
        #expect(TerminalStyle(color: false, width: nil).render(line) == "CRITICAL: policy \\x1B[2Jevil")
    }

    @Test func widthComesFromColumnsOrTheTerminal() {
        #expect(
            TerminalStyle.resolve(.never, environment: ["COLUMNS": "100"], isTerminal: false, windowWidth: nil).width
                == 100)
        #expect(TerminalStyle.resolve(.never, environment: [:], isTerminal: true, windowWidth: 132).width == 132)
        // Not a terminal and no COLUMNS: never cut (a pipe or a file keeps whole lines).
        #expect(TerminalStyle.resolve(.never, environment: [:], isTerminal: false, windowWidth: 132).width == nil)
    }

    @Test func longLinesAreCutToTheWidthWithTheRestCounted() {
        let line = StyledLine("    ") + ("HIGH", .high) + " " + String(repeating: "x", count: 395)
        let style = TerminalStyle(color: false, width: 80)
        let cut = style.render(line)
        #expect(cut.count == 80)
        // 404 characters: 66 kept and "… (+338 chars)" (14) make 80.
        #expect(cut.hasSuffix("… (+338 chars)"))
        #expect(cut.hasPrefix("    HIGH xxx"))
        // With colour, the cut counts visible characters only.
        let coloured = TerminalStyle(color: true, width: 80).render(line)
        #expect(
            coloured.replacingOccurrences(of: "\u{1B}[31m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
                == cut)
        // A line that fits is left whole.
        #expect(style.render(StyledLine("short")) == "short")
    }
}
