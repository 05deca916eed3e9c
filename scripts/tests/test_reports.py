"""The reports of `fleet-audit audit --format`, checked from outside: report.html in headless
Chromium (Debian's `chromium`, driven over the DevTools pipe, offline), findings.asff.json
against botocore's Security Hub model (what `aws securityhub batch-import-findings` validates),
findings.csv with Python's csv module.

Run: python3 -m pytest -q scripts/tests/test_reports.py  (after `swift build`)
"""

import base64
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess

import pytest

import cdp_pipe
from repository import FLEET_AUDIT, ROOT, WORKSHOP, require

TASK_ID = "reports0000000000000000000000000"

# Policy names that would run script if the report wrote them as markup; the first is the issue's.
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = '"><script>window.__xss = 1</script>'
RENAMED = {"TECHCON703_amazon_freertos_policy": HOSTILE_IMG, "BuildingMonitorPolicy": HOSTILE_SCRIPT}


def audit(snapshot, out, formats):
    require(FLEET_AUDIT.exists(), str(FLEET_AUDIT))
    result = subprocess.run(
        [str(FLEET_AUDIT), "audit", str(snapshot), "--out", str(out), "--format", formats, "--task-id", TASK_ID, "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads((out / "findings.json").read_text())["findings"]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    out = tmp_path_factory.mktemp("workshop") / "out"
    findings = audit(WORKSHOP, out, "html,asff,csv,ocsf")
    return out, findings


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A copy of the workshop snapshot whose two policies carry hostile names."""
    base = tmp_path_factory.mktemp("hostile")
    snapshot = base / "snapshot"
    shutil.copytree(WORKSHOP, snapshot)
    policies = json.loads((snapshot / "policies.json").read_text())
    for version in policies["policyVersions"]:
        if version["policyName"] in RENAMED:
            version["policyName"] = RENAMED[version["policyName"]]
    (snapshot / "policies.json").write_text(json.dumps(policies))
    out = base / "out"
    findings = audit(snapshot, out, "html,csv")
    names = {f["nonCompliantResource"]["resourceIdentifier"].get("policyVersionIdentifier", {}).get("policyName") for f in findings}
    assert {HOSTILE_IMG, HOSTILE_SCRIPT} <= names, "the hostile policies must be findings"
    return out, findings


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """A generated fleet with more findings than one page of the table holds."""
    base = tmp_path_factory.mktemp("fleet")
    require(FLEET_AUDIT.exists(), str(FLEET_AUDIT))
    subprocess.run(
        [str(FLEET_AUDIT), "generate", "--devices", "1000", "--out", str(base / "snapshot")],
        check=True,
        capture_output=True,
    )
    out = base / "out"
    findings = audit(base / "snapshot", out, "html")
    assert len(findings) > 300
    return out, findings


@pytest.fixture(scope="module")
def browser():
    executable = cdp_pipe.find_chromium()
    require(executable, "chromium (apt-get install chromium)")
    with cdp_pipe.Browser(executable) as opened:
        yield opened


# A page script cannot hide a dialog from the pipe, but record script runs in the page too.
MARKERS = "window.__dialogs = []; window.alert = function (text) { window.__dialogs.push(String(text)); };"


def load(browser, report):
    browser.open(report.as_uri(), before_load=MARKERS)
    browser.settle()


def visible_rows(browser):
    return browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).filter(r => !r.hidden).length"
    )


def set_control(browser, element_id, value):
    prop = "checked" if isinstance(value, bool) else "value"
    browser.evaluate(
        f"(() => {{ const c = document.getElementById({json.dumps(element_id)}); c.{prop} = {json.dumps(value)};"
        " c.dispatchEvent(new Event('input')); c.dispatchEvent(new Event('change')); })()"
    )


def test_report_loads_without_errors_and_has_a_row_per_finding(workshop, browser):
    out, findings = workshop
    load(browser, out / "report.html")
    assert browser.console_errors() == []
    assert browser.dialogs() == []
    assert browser.evaluate("document.querySelectorAll('#findings-table tbody tr.finding').length") == len(findings)
    assert visible_rows(browser) == min(len(findings), 100)
    assert browser.evaluate("document.getElementById('match-count').textContent") == (
        f"{len(findings)} of {len(findings)} findings"
    )
    # The summary chart counts every severity.
    for severity in ("CRITICAL", "HIGH", "MEDIUM", "LOW"):
        count = sum(1 for f in findings if f["severity"] == severity)
        shown = browser.evaluate(
            f"document.querySelector('#severity-chart [data-severity={severity}] .count').textContent"
        )
        assert shown == str(count)


def test_filters_narrow_the_rows(workshop, browser):
    out, findings = workshop
    load(browser, out / "report.html")
    check = "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK"
    set_control(browser, "filter", check.lower())
    expected = sum(1 for f in findings if f["checkName"] == check)
    assert expected > 1
    assert visible_rows(browser) == expected
    assert browser.evaluate("document.getElementById('match-count').textContent") == (
        f"{expected} of {len(findings)} findings"
    )
    set_control(browser, "filter", "no finding says this")
    assert visible_rows(browser) == 0
    assert browser.evaluate("document.getElementById('no-match').hidden") is False
    set_control(browser, "filter", "")
    set_control(browser, "severity-filter", "LOW")
    assert visible_rows(browser) == sum(1 for f in findings if f["severity"] == "LOW")
    assert browser.console_errors() == []


def test_sorting_by_check_orders_rows(workshop, browser):
    out, findings = workshop
    load(browser, out / "report.html")
    browser.evaluate("document.querySelector('th[data-sort=check]').click()")
    order = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).map(r => r.dataset.check)"
    )
    assert order == sorted(f["checkName"] for f in findings)
    browser.evaluate("document.querySelector('th[data-sort=check]').click()")
    order = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).map(r => r.dataset.check)"
    )
    assert order == sorted((f["checkName"] for f in findings), reverse=True)
    # The default order is by severity, most severe first.
    load(browser, out / "report.html")
    ranks = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).map(r => Number(r.dataset.rank))"
    )
    assert ranks == sorted(ranks)


def test_hostile_policy_names_render_as_text_and_run_nothing(hostile, browser):
    out, findings = hostile
    load(browser, out / "report.html")
    assert browser.console_errors() == []
    assert browser.dialogs() == []
    assert browser.evaluate("window.__dialogs.length") == 0
    assert browser.evaluate("typeof window.__xss") == "undefined"
    assert browser.evaluate("document.querySelectorAll('img, svg, iframe, object').length") == 0
    assert browser.evaluate("document.scripts.length") == 1
    resources = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).map(r => r.dataset.resource)"
    )
    assert HOSTILE_IMG in resources and HOSTILE_SCRIPT in resources
    cells = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding td:nth-child(3)')).map(c => c.textContent)"
    )
    assert f"IOT_POLICY {HOSTILE_IMG}" in cells
    # The filter finds the hostile name as text.
    set_control(browser, "filter", "onerror=alert(1)")
    assert visible_rows(browser) == sum(
        1 for f in findings if f["nonCompliantResource"]["resourceIdentifier"].get("policyVersionIdentifier", {}).get("policyName") == HOSTILE_IMG
    )
    assert browser.evaluate("typeof window.__xss") == "undefined"


def test_page_needs_no_network_and_allows_only_its_own_script(workshop):
    out, _ = workshop
    html = (out / "report.html").read_text()
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    assert "default-src 'none'" in policy
    assert f"script-src 'sha256-{digest}'" in policy


def test_asff_is_valid_batch_import_input(workshop):
    """What the AWS CLI checks before it sends: botocore's Security Hub model, 100 findings a call."""
    from botocore.exceptions import ParamValidationError
    from botocore.session import get_session
    from botocore.validate import ParamValidator

    out, findings = workshop
    imported = json.loads((out / "findings.asff.json").read_text())
    assert isinstance(imported, list) and len(imported) == len(findings)
    shape = get_session().get_service_model("securityhub").operation_model("BatchImportFindings").input_shape
    for start in range(0, len(imported), 100):
        report = ParamValidator().validate({"Findings": imported[start : start + 100]}, shape)
        assert not report.has_errors(), report.generate_report()
    # The validator is not vacuous: a finding without Title fails it.
    broken = dict(imported[0])
    del broken["Title"]
    report = ParamValidator().validate({"Findings": [broken]}, shape)
    assert report.has_errors()
    with pytest.raises(ParamValidationError):
        raise ParamValidationError(report=report.generate_report())


def test_csv_parses_back_with_pythons_csv_module(workshop, hostile):
    for out, findings in (workshop, hostile):
        raw = (out / "findings.csv").read_bytes()
        assert raw.endswith(b"\r\n")
        rows = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
        assert len(rows) == len(findings)
        for row, finding in zip(rows, findings):
            assert row["findingId"] == finding["findingId"]
            assert row["checkName"] == finding["checkName"]
            assert row["reasonForNonCompliance"] == finding["reasonForNonCompliance"]
            assert row["isSuppressed"] == str(finding["isSuppressed"]).lower()
    out, _ = hostile
    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_bytes().decode(), newline="")))
    assert f"policyName={HOSTILE_IMG} policyVersionId=1" in [row["resourceIdentifier"] for row in rows]


def test_large_audit_pages_through_every_row(fleet, browser):
    out, findings = fleet
    load(browser, out / "report.html")
    assert browser.console_errors() == []
    total = len(findings)
    pages = (total + 99) // 100
    assert browser.evaluate("document.querySelectorAll('#findings-table tbody tr.finding').length") == total
    assert visible_rows(browser) == 100
    assert browser.evaluate("document.getElementById('page-info').textContent") == f"page 1 of {pages}"
    first_page = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).filter(r => !r.hidden)"
        ".map(r => r.textContent)"
    )
    browser.evaluate("document.getElementById('next-page').click()")
    assert browser.evaluate("document.getElementById('page-info').textContent") == f"page 2 of {pages}"
    second_page = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table tbody tr.finding')).filter(r => !r.hidden)"
        ".map(r => r.textContent)"
    )
    assert len(second_page) == 100 and not set(first_page) & set(second_page)
    for _ in range(pages):
        browser.evaluate("document.getElementById('next-page').click()")
    assert browser.evaluate("document.getElementById('next-page').disabled") is True
    assert visible_rows(browser) == total - 100 * (pages - 1)
    # A filter starts again at its first page.
    set_control(browser, "severity-filter", "CRITICAL")
    critical = sum(1 for f in findings if f["severity"] == "CRITICAL")
    assert browser.evaluate("document.getElementById('page-info').textContent") == (
        f"page 1 of {max(1, (critical + 99) // 100)}"
    )
    assert visible_rows(browser) == min(critical, 100)
    assert browser.console_errors() == []
