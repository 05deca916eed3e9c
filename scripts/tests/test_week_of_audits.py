"""scripts/week-of-audits.sh, run whole: a week of daily audits on copies of snapshots/workshop.

The script runs twice into temporary directories: once as a user runs it (the AWS CLI imports the
ASFF findings when it is installed), once with boto3 and batches of 10 (so the slicing into
BatchImportFindings calls is exercised on the workshop's 28 findings). Each day's fact is asserted
exactly, from the files the audits wrote and from the printed transcript.

Run: python3 -m pytest -q scripts/tests/test_week_of_audits.py  (after `swift build`; needs jq and
moto[server], scripts/install-deps.sh --test)
"""

import hashlib
import json
import os
import shutil
import subprocess

import pytest
from repository import FLEET_AUDIT, ROOT, SCRIPTS, WORKSHOP, require

SCRIPT = SCRIPTS / "week-of-audits.sh"

EXPIRING_CERT = "4de85632f6f4878c20d6e184c467a8694ea6b84908e500781285e60c920b463a"
REVOKED_CERT = "08b07ba8c208f2cd584fef4ccee1831a4dcf3dfebfcb248874eae7667c28d0d2"
FRIDAY_FINDINGS = 28


def tree_digest(directory):
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_week(out, **environment):
    require(FLEET_AUDIT.exists(), str(FLEET_AUDIT))
    require(shutil.which("jq"), "jq")
    try:
        import moto.server  # noqa: F401
    except ImportError as error:
        require(False, f"moto[server] ({error})")
    result = subprocess.run(
        [str(SCRIPT), str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=300,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """(OUTDIR, transcript) of the run as a user makes it; snapshots/workshop must stay as it was."""
    before = tree_digest(WORKSHOP)
    out = tmp_path_factory.mktemp("week") / "week"
    transcript = run_week(out)
    assert tree_digest(WORKSHOP) == before, "the script changed snapshots/workshop"
    return out, transcript


@pytest.fixture(scope="module")
def week_boto3(tmp_path_factory):
    out = tmp_path_factory.mktemp("week-boto3") / "week"
    return out, run_week(out, AWS_CLI="", ASFF_BATCH_SIZE="10")


def read_json(path):
    return json.loads(path.read_text())


def lines_after(transcript, line, count):
    """The `count` lines that follow the first `line` of the transcript."""
    lines = transcript.splitlines()
    assert line in lines, f"{line!r} not in the transcript"
    start = lines.index(line) + 1
    return lines[start : start + count]


def finding_key(finding):
    return (
        finding["checkName"],
        finding["nonCompliantResource"]["resourceIdentifier"],
        finding["reasonForNonComplianceCode"],
    )


# --------------------------------------------------------------------------------------------
# Monday and Tuesday: the scheduled audit, then one finding suppressed


def test_every_day_is_a_scheduled_audit_with_its_pinned_time(week):
    out, _ = week
    for day, date in (("mon", "11-30"), ("tue", "12-01"), ("wed", "12-02"), ("thu", "12-03"), ("fri", "12-04")):
        task = read_json(out / f"audit-{day}" / "audit-task.json")
        assert (task["taskId"], task["taskType"], task["scheduledAuditName"], task["taskStartTime"]) == (
            f"DailyAudit-2026-{date}",
            "SCHEDULED_AUDIT_TASK",
            "DailyAudit",
            f"2026-{date}T08:00:00.000000+00:00",
        )


def test_tuesday_suppresses_exactly_the_expiring_certificate(week):
    out, transcript = week
    assert read_json(out / "team-suppressions.json") == {
        "suppressions": [
            {
                "checkName": "DEVICE_CERTIFICATE_EXPIRING_CHECK",
                "resourceIdentifier": {"deviceCertificateId": EXPIRING_CERT},
                "expirationDate": "2026-12-07T00:00:00.000000+00:00",
                "suppressIndefinitely": False,
                "description": "replacement certificate ordered, installed by 2026-12-07",
            }
        ]
    }
    the_finding = (
        "DEVICE_CERTIFICATE_EXPIRING_CHECK",
        {"deviceCertificateId": EXPIRING_CERT},
        "CERTIFICATE_APPROACHING_EXPIRATION",
    )
    monday = read_json(out / "audit-mon" / "findings.json")["findings"]
    tuesday = read_json(out / "audit-tue" / "findings.json")["findings"]
    assert [finding_key(f) for f in monday if f["isSuppressed"]] == []
    assert [finding_key(f) for f in tuesday if f["isSuppressed"]] == [the_finding]
    # Still reported: the same 29 findings as Monday, one of them now suppressed.
    assert sorted(map(json.dumps, map(finding_key, tuesday))) == sorted(map(json.dumps, map(finding_key, monday)))
    assert len(tuesday) == 29

    details = read_json(out / "audit-tue" / "audit-task.json")["auditDetails"]["DEVICE_CERTIFICATE_EXPIRING_CHECK"]
    assert details == {
        "checkRunStatus": "COMPLETED_NON_COMPLIANT",
        "checkCompliant": False,  # cc7b259d... is past its expiration and not suppressed
        "totalResourcesCount": 12,
        "nonCompliantResourcesCount": 2,
        "suppressedNonCompliantResourcesCount": 1,
    }
    monday_details = read_json(out / "audit-mon" / "audit-task.json")["auditDetails"]
    assert monday_details["DEVICE_CERTIFICATE_EXPIRING_CHECK"].get("suppressedNonCompliantResourcesCount", 0) == 0
    # `findings --list-suppressed-findings` printed exactly that finding.
    printed = transcript.split("--list-suppressed-findings\n", 1)[1].split("\n$ ", 1)[0]
    assert [finding_key(f) for f in json.loads(printed)["findings"]] == [the_finding]


# --------------------------------------------------------------------------------------------
# Wednesday: one certificate deactivated, resolved in the diff


def test_wednesday_changes_only_the_revoked_certificate(week):
    out, _ = week
    tuesday = read_json(out / "snapshot-tue" / "certificates.json")["certificateDescriptions"]
    wednesday = read_json(out / "snapshot-wed" / "certificates.json")["certificateDescriptions"]
    changed = [
        (old["certificateId"], old["status"], new["status"]) for old, new in zip(tuesday, wednesday) if old != new
    ]
    assert len(tuesday) == len(wednesday)
    assert changed == [(REVOKED_CERT, "ACTIVE", "INACTIVE")]


def test_wednesday_diff_lists_the_fixed_certificate_as_resolved(week):
    out, _ = week
    result = subprocess.run(
        [str(FLEET_AUDIT), "diff", str(out / "audit-tue"), str(out / "audit-wed"), "--output", "json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["summary"] == {"new": 0, "resolved": 1, "persisting": 27, "suppressed": 1, "notReassessed": 0}
    assert diff["newFindings"] == []
    tuesday_ids = {
        json.dumps(finding_key(f)): f["findingId"] for f in read_json(out / "audit-tue" / "findings.json")["findings"]
    }
    revoked_key = (
        "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
        {"deviceCertificateId": REVOKED_CERT},
        "CERTIFICATE_REVOKED_BY_ISSUER",
    )
    assert diff["resolvedFindings"] == [
        {
            "checkName": "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
            "severity": "MEDIUM",
            "resourceType": "DEVICE_CERTIFICATE",
            "resourceIdentifier": {"deviceCertificateId": REVOKED_CERT},
            "reasonForNonComplianceCode": "CERTIFICATE_REVOKED_BY_ISSUER",
            "oldFindingId": tuesday_ids[json.dumps(revoked_key)],
        }
    ]
    [suppressed] = diff["suppressedFindings"]
    assert (suppressed["checkName"], suppressed["resourceIdentifier"], suppressed["change"]) == (
        "DEVICE_CERTIFICATE_EXPIRING_CHECK",
        {"deviceCertificateId": EXPIRING_CERT},
        "PERSISTING",
    )
    wednesday = read_json(out / "audit-wed" / "audit-task.json")["auditDetails"]
    assert wednesday["REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"]["checkRunStatus"] == "COMPLETED_COMPLIANT"


# --------------------------------------------------------------------------------------------
# Thursday: the gate


def test_thursday_audit_gate_exits_3_and_says_what_tripped_it(week):
    out, transcript = week
    assert lines_after(
        transcript, "--fail-on HIGH: 12 unsuppressed non-compliant resource(s) at or above HIGH (exit status 3):", 12
    ) == [
        "    CRITICAL IOT_POLICY_OVERLY_PERMISSIVE_CHECK: 2",
        "    CRITICAL IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK: 1",
        "    CRITICAL UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK: 1",
        "    CRITICAL AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK: 1",
        "    CRITICAL DEVICE_CERTIFICATE_KEY_QUALITY_CHECK: 2",
        "    CRITICAL CA_CERTIFICATE_KEY_QUALITY_CHECK: 1",
        "    CRITICAL REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK: 1",
        "    CRITICAL INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK: 1",
        "    CRITICAL DEVICE_CERTIFICATE_SHARED_CHECK: 1",
        "    HIGH CONFLICTING_CLIENT_IDS_CHECK: 1",
        "$ echo $?",
        "3",
    ]
    # The gate did not stop the audit from writing its outputs.
    assert len(read_json(out / "audit-thu" / "findings.json")["findings"]) == 29


def test_thursday_diff_gate_trips_on_the_new_policy_only(week):
    out, transcript = week
    assert lines_after(transcript, "NEW (1)", 1) == [
        "    CRITICAL IOT_POLICY_OVERLY_PERMISSIVE_CHECK IOT_POLICY policy WorkshopDebugPolicy version 1: "
        "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"
    ]
    assert lines_after(transcript, "1 new, 0 resolved, 27 persisting; 1 suppressed, 0 not re-assessed.", 3) == [
        "--fail-on HIGH: 1 new unsuppressed finding(s) at or above HIGH (exit status 3).",
        "$ echo $?",
        "3",
    ]
    gate = subprocess.run(
        [str(FLEET_AUDIT), "diff", str(out / "audit-wed"), str(out / "audit-thu"), "--fail-on", "HIGH"],
        capture_output=True,
        text=True,
    )
    assert gate.returncode == 3, gate.stderr
    # Friday's audit, without the policy, passes the same gate.
    friday_gate = f"$ fleet-audit diff {out}/audit-thu {out}/audit-fri --fail-on HIGH | tail -n 2"
    assert lines_after(transcript, friday_gate, 2) == [
        "0 new, 1 resolved, 27 persisting; 1 suppressed, 0 not re-assessed.",
        "--fail-on HIGH: no new unsuppressed finding at or above HIGH.",
    ]


# --------------------------------------------------------------------------------------------
# Friday: ASFF into Security Hub (moto)


def test_friday_imports_every_asff_finding(week):
    out, transcript = week
    findings = read_json(out / "audit-fri" / "findings.json")["findings"]
    asff = read_json(out / "audit-fri" / "findings.asff.json")
    assert len(findings) == len(asff) == FRIDAY_FINDINGS
    suppressed = [f for f in asff if f["Workflow"]["Status"] == "SUPPRESSED"]
    assert [(f["ProductFields"]["fleet-audit/checkName"], f["Resources"][0]["Id"]) for f in suppressed] == [
        ("DEVICE_CERTIFICATE_EXPIRING_CHECK", f"arn:aws:iot:us-east-1:123456789012:cert/{EXPIRING_CERT}")
    ]
    status_count = "$ jq -c '[.[].Workflow.Status] | group_by(.) | map({(.[0]): length}) | add' "
    assert lines_after(transcript, f"{status_count}{out}/audit-fri/findings.asff.json", 1) == [
        '{"NEW":27,"SUPPRESSED":1}'
    ]
    # One batch (28 <= 100): its SuccessCount and FailedCount, the total, then what the hub holds.
    tail = transcript.splitlines()[-5:]
    assert tail[1] == f"{FRIDAY_FINDINGS}\t0"
    assert tail[2:] == [
        f"Imported {FRIDAY_FINDINGS} of the {FRIDAY_FINDINGS} finding(s) of findings.asff.json; 0 failed.",
        tail[3],  # the get-findings command (AWS CLI or boto3)
        str(FRIDAY_FINDINGS),
    ]
    assert sorted(p.name for p in (out / "asff-batches").glob("*.json")) == ["findings-00000.json"]


def test_friday_imports_in_batches_with_boto3(week_boto3):
    out, transcript = week_boto3
    batches = sorted((out / "asff-batches").glob("*.json"))
    assert [(p.name, len(read_json(p))) for p in batches] == [
        ("findings-00000.json", 10),
        ("findings-00010.json", 10),
        ("findings-00020.json", 8),
    ]
    assert [line for line in transcript.splitlines() if line.endswith("\t0")] == ["10\t0", "10\t0", "8\t0"]
    assert transcript.splitlines()[-3:] == [
        f"Imported {FRIDAY_FINDINGS} of the {FRIDAY_FINDINGS} finding(s) of findings.asff.json; 0 failed.",
        "(boto3) securityhub.get_findings(), every page: the number of findings",
        str(FRIDAY_FINDINGS),
    ]
    # The batches are findings.asff.json, in order, whole.
    assert sum((read_json(p) for p in batches), []) == read_json(out / "audit-fri" / "findings.asff.json")


def test_the_transcript_is_the_same_on_every_run(week, week_boto3):
    """Pinned times and task ids: two runs print the same week, up to the Security Hub import."""

    def before_import(out, transcript):
        return transcript.replace(str(out), "OUT").split("(Security Hub is a local moto server")[0]

    assert before_import(*week) == before_import(*week_boto3)


# --------------------------------------------------------------------------------------------
# Usage errors


def test_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "something").write_text("x")
    result = subprocess.run([str(SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (
        64,
        f"week-of-audits: {tmp_path} is not empty; give a new directory\n",
    )
    assert [p.name for p in tmp_path.iterdir()] == ["something"]


def test_refuses_a_batch_size_above_the_api_limit(tmp_path):
    result = subprocess.run(
        [str(SCRIPT), str(tmp_path / "week")],
        capture_output=True,
        text=True,
        env={**os.environ, "ASFF_BATCH_SIZE": "101"},
    )
    assert (result.returncode, result.stderr) == (
        64,
        "week-of-audits: ASFF_BATCH_SIZE is '101'; expected 1 to 100 (the API's limit)\n",
    )
    assert not (tmp_path / "week").exists()
