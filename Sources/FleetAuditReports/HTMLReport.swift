import Crypto
import FleetAuditCore
import FleetAuditJSON

/// `report.html`: one self-contained page (inline CSS and JS, no network) for
/// people: a summary by severity and check with a bar chart, the findings
/// table (filter, sort, pages of 100), each finding's detail, and each check's
/// rule.
///
/// Safety: every string that came from the snapshot or the audit files is
/// HTML-escaped (`HTMLText.escape`) before it is written; the script reads
/// the page only through `textContent` and `dataset`, never `innerHTML`, and
/// embeds no data. The page's Content-Security-Policy allows no network and
/// only the page's own script (by its SHA-256), so an inline event handler
/// would not run even if an escape were missed.
///
/// Large audits: the table holds at most `rowLimit` findings, the most severe
/// first (every CRITICAL, then HIGH, ...; within a severity, in findings.json
/// order); the summary counts every finding and the page says how many rows
/// were left out (docs/reports.md).
public enum HTMLReport {
    public static let rowLimit = 5000
    public static let pageSize = 100

    /// Per severity and per check, what the whole findings.json holds.
    public struct Tally: Sendable {
        public var total = 0
        public var bySeverity: [Severity: (all: Int, suppressed: Int)] = [:]
        /// Checks in first-seen order with their counts.
        public var byCheck: [(checkName: String, severity: Severity, all: Int, suppressed: Int)] = []

        public init() {}

        public mutating func add(_ finding: ReportFinding) {
            total += 1
            let suppressed = finding.isSuppressed ? 1 : 0
            let current = bySeverity[finding.severity] ?? (0, 0)
            bySeverity[finding.severity] = (current.all + 1, current.suppressed + suppressed)
            if let index = byCheck.firstIndex(where: { $0.checkName == finding.checkName }) {
                byCheck[index].all += 1
                byCheck[index].suppressed += suppressed
            } else {
                byCheck.append((finding.checkName, finding.severity, 1, suppressed))
            }
        }

        /// Which findings the table holds when there are more than `limit`: all of
        /// the severities above `severity`, and the first `count` of `severity`.
        public func rowSelection(limit: Int) -> RowSelection {
            guard total > limit else { return RowSelection(cutoff: nil) }
            var remaining = limit
            for severity in Severity.allCases {
                let count = bySeverity[severity]?.all ?? 0
                if count >= remaining { return RowSelection(cutoff: (severity, remaining)) }
                remaining -= count
            }
            return RowSelection(cutoff: nil)
        }
    }

    /// Decides, finding by finding in file order, whether it gets a row.
    public struct RowSelection: Sendable {
        /// nil: every finding. Otherwise severities before `severity` (in
        /// `Severity.allCases` order, most severe first) all, `count` of `severity`, none after.
        var cutoff: (severity: Severity, count: Int)?
        var takenAtCutoff = 0

        public var isComplete: Bool { cutoff == nil }

        public mutating func admits(_ finding: ReportFinding) -> Bool {
            guard let cutoff else { return true }
            let rank = Severity.allCases.firstIndex(of: finding.severity) ?? 0
            let cutoffRank = Severity.allCases.firstIndex(of: cutoff.severity) ?? 0
            if rank < cutoffRank { return true }
            if rank > cutoffRank { return false }
            guard takenAtCutoff < cutoff.count else { return false }
            takenAtCutoff += 1
            return true
        }
    }

    // MARK: - The page

    /// Everything before the first row: head, summary, table controls, table head.
    public static func opening(context: ReportContext, tally: Tally, rowsShown: Int) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>FleetAudit report: \(escape(context.source.accountId)) \(escape(context.source.region))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>FleetAudit audit report</h1>
            <p class="meta">Account <b>\(escape(context.source.accountId))</b>, region <b>\(escape(context.source.region))</b>,
            task <code>\(escape(context.source.taskId))</code>, audit time \(escape(context.source.auditTime.iso8601)),
            snapshot exported \(escape(context.source.snapshotExportedAt.iso8601)).</p>
            </header>
            <main>
            <section id="summary">
            <h2>Summary</h2>

            """
        html += severityChart(tally)
        html += checkTable(context: context, tally: tally)
        html += """
            </section>
            <section id="findings">
            <h2>Findings</h2>
            <div class="controls">
            <label>Filter <input id="filter" type="search" placeholder="check, resource, reason…" autocomplete="off"></label>
            <label>Severity <select id="severity-filter"><option value="">all</option>
            """
        for severity in Severity.allCases {
            html += "<option value=\"\(severity.rawValue)\">\(severity.rawValue)</option>"
        }
        html += """
            </select></label>
            <label><input id="show-suppressed" type="checkbox" checked> show suppressed</label>
            <span id="match-count" aria-live="polite"></span>
            <span class="pager"><button id="previous-page" type="button">‹ previous</button>
            <span id="page-info"></span>
            <button id="next-page" type="button">next ›</button></span>
            </div>

            """
        if rowsShown < tally.total {
            html += """
                <p class="notice" id="rows-capped">The table holds \(rowsShown) of \(tally.total) findings, the most \
                severe first (at most \(rowLimit)). Every finding is in findings.json and findings.csv.</p>

                """
        }
        html += """
            <table id="findings-table" data-total="\(tally.total)" data-page-size="\(pageSize)">
            <thead><tr>
            <th data-sort="rank" aria-sort="ascending">Severity</th><th data-sort="check">Check</th>\
            <th data-sort="resource">Resource</th><th data-sort="reason">Reason</th>\
            <th data-sort="suppressed">Suppressed</th>
            </tr></thead>
            <tbody>

            """
        return html
    }

    /// One finding's row, its detail folded in the reason cell.
    public static func row(_ finding: ReportFinding) -> String {
        let rank = Severity.allCases.firstIndex(of: finding.severity) ?? 0
        let resource = finding.resource
        var html = "<tr class=\"finding\" data-rank=\"\(rank)\" data-severity=\"\(finding.severity.rawValue)\""
        html += " data-check=\"\(escape(finding.checkName))\" data-resource=\"\(escape(resource.displayName))\""
        html += " data-reason=\"\(escape(finding.reasonCode))\" data-suppressed=\"\(finding.isSuppressed)\">"
        html +=
            "<td><span class=\"severity severity-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span></td>"
        html += "<td><a href=\"#rule-\(escape(finding.checkName))\">\(escape(finding.checkName))</a></td>"
        html += "<td><span class=\"type\">\(escape(resource.resourceType))</span> \(escape(resource.displayName))</td>"
        html += "<td><code>\(escape(finding.reasonCode))</code><details><summary>detail</summary>"
        html += "<p class=\"reason\">\(escape(finding.reason))</p><dl>"
        html += "<dt>Resource</dt><dd>\(resourceDescription(resource))</dd>"
        if finding.relatedCount > 0 {
            html += "<dt>Related resources (\(finding.relatedCount))</dt><dd><ul>"
            for related in finding.shownRelatedResources { html += "<li>\(resourceDescription(related))</li>" }
            html += "</ul>"
            let unshown = finding.relatedCount - finding.shownRelatedResources.count
            if unshown > 0 {
                html += "<p class=\"meta\">\(unshown) more: <code>fleet-audit related-resources DIR --finding-id "
                html += "\(escape(finding.findingId))</code></p>"
            }
            html += "</dd>"
        }
        html += "<dt>Suppression</dt><dd>"
        html +=
            finding.isSuppressed
            ? "suppressed: an audit suppression covers this check and resource"
            : "not suppressed"
        html +=
            "</dd><dt>Finding</dt><dd><code>\(escape(finding.findingId))</code>, \(escape(finding.findingTime.iso8601))"
        html += "</dd></dl></details></td>"
        html += "<td>\(finding.isSuppressed ? "yes" : "no")</td></tr>\n"
        return html
    }

    /// Everything after the last row: the rules of the checks and the script.
    public static func closing(context: ReportContext, tally: Tally) -> String {
        var html = """
            </tbody>
            </table>
            <p id="no-match" hidden>No finding matches the filter.</p>
            </section>
            <section id="rules">
            <h2>Rules</h2>

            """
        var names = context.checkRuns.map(\.checkName)
        for check in tally.byCheck where !names.contains(check.checkName) { names.append(check.checkName) }
        for name in names {
            html += "<article class=\"rule\" id=\"rule-\(escape(name))\"><h3>\(escape(name))</h3>"
            if let description = CheckRule.description(of: name) {
                html += "<p>\(escape(description.summary))</p>"
                html += "<p class=\"meta\">Severity \(description.severity.rawValue), resource type "
                html += "\(description.resourceType.rawValue), reason codes "
                html += description.reasonCodes.map { "<code>\(escape($0))</code>" }.joined(separator: ", ") + ".</p>"
            } else {
                html += "<p>Not a check of this FleetAudit build.</p>"
            }
            if let document = context.checksDocument {
                let target = escape(document + "#" + name)
                html += "<p><a class=\"rule-link\" href=\"\(target)\">docs/checks.md#\(escape(name))</a></p>"
            } else {
                html +=
                    "<p class=\"meta\">The rule in full: docs/checks.md#\(escape(name)) in FleetAudit's repository.</p>"
            }
            html += "</article>\n"
        }
        html += """
            </section>
            </main>
            <script>\(script)</script>
            </body>
            </html>

            """
        return html
    }

    // MARK: - Pieces

    static func severityChart(_ tally: Tally) -> String {
        let largest = max(1, tally.bySeverity.values.map(\.all).max() ?? 0)
        var html = "<p>\(tally.total) finding\(tally.total == 1 ? "" : "s")"
        let suppressed = tally.bySeverity.values.map(\.suppressed).reduce(0, +)
        if suppressed > 0 { html += ", \(suppressed) suppressed" }
        html += ".</p>\n<div class=\"chart\" id=\"severity-chart\" role=\"img\" aria-label=\"findings by severity\">\n"
        for severity in Severity.allCases {
            let counts = tally.bySeverity[severity] ?? (0, 0)
            html += "<div class=\"bar-row\" data-severity=\"\(severity.rawValue)\"><span class=\"label\">"
            html += "\(severity.rawValue)</span><span class=\"bar\"><span class=\"fill severity-\(severity.rawValue)\""
            html += " style=\"width: \(percent(counts.all, of: largest))%\"></span></span>"
            html += "<span class=\"count\">\(counts.all)"
            if counts.suppressed > 0 { html += " (\(counts.suppressed) suppressed)" }
            html += "</span></div>\n"
        }
        return html + "</div>\n"
    }

    static func checkTable(context: ReportContext, tally: Tally) -> String {
        var html = """
            <table id="checks-table">
            <thead><tr><th>Check</th><th>Severity</th><th>Status</th><th>Resources</th><th>Non-compliant</th>\
            <th>Suppressed</th><th>Findings</th></tr></thead>
            <tbody>

            """
        let largest = max(1, tally.byCheck.map(\.all).max() ?? 0)
        var runs = context.checkRuns
        for check in tally.byCheck where !runs.contains(where: { $0.checkName == check.checkName }) {
            runs.append(
                CheckRunSummary(
                    checkName: check.checkName, status: "", totalResources: 0, nonCompliantResources: 0,
                    suppressedResources: 0))
        }
        for run in runs {
            let found = tally.byCheck.first { $0.checkName == run.checkName }
            let severity = found?.severity ?? CheckRule.description(of: run.checkName)?.severity
            let count = found?.all ?? 0
            html += "<tr><td><a href=\"#rule-\(escape(run.checkName))\">\(escape(run.checkName))</a></td>"
            html +=
                "<td>\(severity.map { "<span class=\"severity severity-\($0.rawValue)\">\($0.rawValue)</span>" } ?? "")</td>"
            html += "<td class=\"status\">\(escape(run.status))"
            if let message = run.message { html += "<div class=\"message\">\(escape(message))</div>" }
            html += "</td><td>\(run.totalResources)</td><td>\(run.nonCompliantResources)</td>"
            html += "<td>\(run.suppressedResources)</td><td class=\"findings-count\"><span class=\"bar\">"
            html += "<span class=\"fill\(severity.map { " severity-\($0.rawValue)" } ?? "")\""
            html += " style=\"width: \(percent(count, of: largest))%\"></span></span> \(count)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func resourceDescription(_ resource: ReportResource) -> String {
        var html = "<span class=\"type\">\(escape(resource.resourceType))</span>"
        for field in resource.identifierFields {
            html += "<br>\(escape(field.key)): <code>\(escape(field.value))</code>"
        }
        for info in resource.additionalInfo {
            html += "<br><span class=\"info\">\(escape(info.key)): \(escape(info.value))</span>"
        }
        return html
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        let tenths = (part * 1000 + whole / 2) / max(1, whole)
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// No network at all; styles inline; the one script by its hash (event
    /// handler attributes and injected scripts do not run).
    static var contentSecurityPolicy: String {
        let digest = SHA256.hash(data: Array(script.utf8))
        return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "script-src 'sha256-\(Base64.encode(Array(digest)))'; base-uri 'none'; form-action 'none'"
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
        header{background:#232f3e;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}
        header .meta{color:#d5dbe3}main{padding:8px 24px 40px}h2{margin-top:28px}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e6ea;padding:6px 8px;
        text-align:left;vertical-align:top}th{background:#eef0f3;position:sticky;top:0}
        th[data-sort]{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}
        th[aria-sort=descending]::after{content:" ▼"}td{word-break:break-word}code{font-size:12px}
        .severity{display:inline-block;white-space:nowrap;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;font-weight:600}
        .severity-CRITICAL{background:#7d1a1a}.severity-HIGH{background:#c0392b}.severity-MEDIUM{background:#d68910}
        .severity-LOW{background:#2e86c1}.chart{max-width:640px;margin:8px 0 16px}
        .bar-row{display:flex;align-items:center;gap:8px;margin:4px 0}.bar-row .label{width:80px;font-weight:600}
        .bar{display:inline-block;flex:1;min-width:80px;height:14px;background:#e3e6ea;border-radius:3px;
        vertical-align:middle;overflow:hidden}.findings-count .bar{width:120px;flex:none}
        .fill{display:block;height:100%}.count{min-width:140px}.status .message{color:#5b6470;font-size:12px}
        .controls{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0}
        .notice{background:#fff4d6;border:1px solid #e6c35c;padding:6px 10px}.type{color:#5b6470;font-size:12px}
        .info{color:#5b6470}details summary{cursor:pointer;color:#0b5cad}dl{margin:6px 0}dt{font-weight:600}
        dd{margin:0 0 6px 12px}.rule{background:#fff;border:1px solid #e3e6ea;padding:4px 12px;margin:8px 0}
        .meta{color:#5b6470}tr.finding[hidden]{display:none}
        """

    static let script = """
        "use strict";
        (function () {
          const table = document.getElementById("findings-table");
          const body = table.tBodies[0];
          const rows = Array.from(body.rows);
          const pageSize = Number(table.dataset.pageSize) || 100;
          const filter = document.getElementById("filter");
          const severity = document.getElementById("severity-filter");
          const suppressed = document.getElementById("show-suppressed");
          const count = document.getElementById("match-count");
          const pageInfo = document.getElementById("page-info");
          const previous = document.getElementById("previous-page");
          const next = document.getElementById("next-page");
          const noMatch = document.getElementById("no-match");
          const text = rows.map(function (row) { return row.textContent.toLowerCase(); });
          let order = rows.map(function (_, index) { return index; });
          let sortKey = "rank";
          let ascending = true;
          let page = 0;
          function compare(a, b) {
            const left = rows[a].dataset[sortKey] || "";
            const right = rows[b].dataset[sortKey] || "";
            const result = sortKey === "rank" ? Number(left) - Number(right) : left.localeCompare(right);
            return (ascending ? result : -result) || a - b;
          }
          function matches(index) {
            const row = rows[index];
            if (severity.value && row.dataset.severity !== severity.value) { return false; }
            if (!suppressed.checked && row.dataset.suppressed === "true") { return false; }
            const needle = filter.value.trim().toLowerCase();
            return needle === "" || text[index].indexOf(needle) !== -1;
          }
          function render() {
            const matching = order.filter(matches);
            const pages = Math.max(1, Math.ceil(matching.length / pageSize));
            page = Math.min(page, pages - 1);
            const shown = new Set(matching.slice(page * pageSize, (page + 1) * pageSize));
            const fragment = document.createDocumentFragment();
            order.forEach(function (index) {
              rows[index].hidden = !shown.has(index);
              fragment.appendChild(rows[index]);
            });
            body.appendChild(fragment);
            count.textContent = matching.length + " of " + rows.length + " findings";
            pageInfo.textContent = "page " + (page + 1) + " of " + pages;
            previous.disabled = page === 0;
            next.disabled = page >= pages - 1;
            noMatch.hidden = matching.length !== 0;
          }
          function sortBy(key) {
            ascending = key === sortKey ? !ascending : true;
            sortKey = key;
            order.sort(compare);
            table.querySelectorAll("th[data-sort]").forEach(function (header) {
              if (header.dataset.sort === sortKey) {
                header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              } else {
                header.removeAttribute("aria-sort");
              }
            });
            render();
          }
          table.querySelectorAll("th[data-sort]").forEach(function (header) {
            header.addEventListener("click", function () { sortBy(header.dataset.sort); });
          });
          [filter, severity, suppressed].forEach(function (control) {
            control.addEventListener("input", function () { page = 0; render(); });
            control.addEventListener("change", function () { page = 0; render(); });
          });
          previous.addEventListener("click", function () { page -= 1; render(); });
          next.addEventListener("click", function () { page += 1; render(); });
          order.sort(compare);
          render();
        })();
        """
}

/// HTML escaping for text and quoted attribute values.
public enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as character references; every other
    /// character as it is (the page is UTF-8).
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

/// RFC 4648 base64, for the script hash of the Content-Security-Policy.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                output.append(
                    position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 0x3F] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
