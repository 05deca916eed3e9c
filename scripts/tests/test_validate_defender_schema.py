"""Tests proving validate-defender-schema.py accepts Defender-shaped output and rejects the rest.

Run: python3 -m pytest scripts/tests/test_validate_defender_schema.py -q
"""

import copy
import json
import os
import subprocess
import sys

import pytest
from repository import SCRIPTS

SCRIPT = SCRIPTS / "validate-defender-schema.py"
TIME = "2026-11-26T12:00:00.000000+00:00"
TASK_ID = "0123456789abcdef0123456789abcdef"

AUDIT_TASK = {
    "taskId": TASK_ID,
    "taskStatus": "COMPLETED",
    "taskType": "ON_DEMAND_AUDIT_TASK",
    "taskStartTime": TIME,
    "taskStatistics": {
        "totalChecks": 1,
        "inProgressChecks": 0,
        "waitingForDataCollectionChecks": 0,
        "compliantChecks": 0,
        "nonCompliantChecks": 1,
        "failedChecks": 0,
        "canceledChecks": 0,
    },
    "auditDetails": {
        "LOGGING_DISABLED_CHECK": {
            "checkRunStatus": "COMPLETED_NON_COMPLIANT",
            "checkCompliant": False,
            "totalResourcesCount": 1,
            "nonCompliantResourcesCount": 1,
            "suppressedNonCompliantResourcesCount": 0,
        }
    },
}

FINDING = {
    "findingId": "3c2b1f5e-8a4d-5e6f-9a0b-1c2d3e4f5a6b",
    "taskId": TASK_ID,
    "checkName": "LOGGING_DISABLED_CHECK",
    "taskStartTime": TIME,
    "findingTime": TIME,
    "severity": "LOW",
    "nonCompliantResource": {
        "resourceType": "ACCOUNT_SETTINGS",
        "resourceIdentifier": {"account": "123456789012"},
    },
    "relatedResources": [],
    "reasonForNonCompliance": "IoT logging is not enabled.",
    "reasonForNonComplianceCode": "LOGGING_DISABLED",
    "isSuppressed": False,
}

FINDINGS = {"findings": [FINDING]}

MITIGATION_TASK = {
    "taskId": "fleet-audit-mitigation-1",
    "taskStatus": "COMPLETED",
    "startTime": TIME,
    "endTime": TIME,
    "taskStatistics": {
        "LOGGING_DISABLED_CHECK": {
            "totalFindingsCount": 1,
            "failedFindingsCount": 0,
            "succeededFindingsCount": 1,
            "skippedFindingsCount": 0,
            "canceledFindingsCount": 0,
        }
    },
    "target": {"auditTaskId": TASK_ID},
    "auditCheckToActionsMapping": {"LOGGING_DISABLED_CHECK": ["NotifyOps"]},
    "actionsDefinition": [
        {
            "name": "NotifyOps",
            "id": "a1b2c3d4-0000-4000-8000-000000000000",
            "roleArn": "arn:aws:iam::123456789012:role/DefenderMitigation",
            "actionParams": {
                "publishFindingToSnsParams": {"topicArn": "arn:aws:sns:us-east-1:123456789012:defender"}
            },
        }
    ],
}


def run(tmp_path, document, shape, *options, raw=None, env=None, name="doc.json"):
    """Run the validator on `document` (or the text `raw`); return (exit code, stderr lines)."""
    path = tmp_path / name
    path.write_text(raw if raw is not None else json.dumps(document), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--shape", shape, *options, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.stdout == ""
    return result.returncode, result.stderr.splitlines(), str(path)


def run_task(tmp_path, document, *options):
    return run(tmp_path, document, "DescribeAuditTaskResponse", "--allow-extra", "taskId", *options)


def with_change(document, dotted, value):
    """Copy `document` with the member at `dotted` (a.b.0.c) set to `value` (or removed if ...)."""
    changed = copy.deepcopy(document)
    *parents, last = dotted.split(".")
    node = changed
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return changed


# -- valid documents ---------------------------------------------------------------------


def test_valid_audit_task_with_task_id_passes(tmp_path):
    assert run_task(tmp_path, AUDIT_TASK)[:2] == (0, [])


def test_valid_findings_with_logging_disabled_finding_passes(tmp_path):
    assert run(tmp_path, FINDINGS, "ListAuditFindingsResponse")[:2] == (0, [])


CERTIFICATE_ID = "a892ff90b4f35fe8a467f923427c8376cddf097625a72a4f5466c284b9bc3ea7"

# One finding of each resource type the certificate and connection checks report, shaped as
# fleet-audit writes them.
CERTIFICATE_FINDINGS = {
    "DEVICE_CERTIFICATE_EXPIRING_CHECK": (
        {"resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": {"deviceCertificateId": CERTIFICATE_ID},
         "additionalInfo": {"EXPIRATION_TIME": "1796461200000"}},
        [], "CERTIFICATE_APPROACHING_EXPIRATION"),
    "CA_CERTIFICATE_KEY_QUALITY_CHECK": (
        {"resourceType": "CA_CERTIFICATE", "resourceIdentifier": {"caCertificateId": CERTIFICATE_ID}},
        [], "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361"),
    "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK": (
        {"resourceType": "ISSUER_CERTIFICATE", "resourceIdentifier": {"issuerCertificateIdentifier": {
            "issuerCertificateSubject": "CN=FleetAudit Workshop Field CA,O=FleetAudit Workshop",
            "issuerId": CERTIFICATE_ID, "issuerCertificateSerialNumber": "5fa1f29796089b84"}}},
        [{"resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": {
            "deviceCertificateArn": f"arn:aws:iot:us-east-1:123456789012:cert/{CERTIFICATE_ID}"}}],
        "INTERMEDIATE_CA_REVOKED_BY_ISSUER"),
    "DEVICE_CERTIFICATE_SHARED_CHECK": (
        {"resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": {"deviceCertificateId": CERTIFICATE_ID}},
        [{"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "workshop-gateway-01"},
          "additionalInfo": {"CONNECTION_TIME": "1795586403001", "DISCONNECTION_TIME": "1795620096450"}}],
        "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"),
    "CONFLICTING_CLIENT_IDS_CHECK": (
        {"resourceType": "CLIENT_ID", "resourceIdentifier": {"clientId": "workshop-sensor-02"}},
        [{"resourceType": "DEVICE_CERTIFICATE", "resourceIdentifier": {"deviceCertificateId": CERTIFICATE_ID},
          "additionalInfo": {"CONNECTION_TIME": "1795586401450", "SOURCE_IP": "203.0.113.21",
                             "DISCONNECT_REASON": "DUPLICATE_CLIENTID"}}],
        "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS"),
}


@pytest.mark.parametrize("check", sorted(CERTIFICATE_FINDINGS))
def test_certificate_and_connection_findings_pass(tmp_path, check):
    resource, related, code = CERTIFICATE_FINDINGS[check]
    finding = dict(FINDING, checkName=check, nonCompliantResource=resource, relatedResources=related,
                   reasonForNonComplianceCode=code, severity="CRITICAL")
    assert run(tmp_path, {"findings": [finding]}, "ListAuditFindingsResponse")[:2] == (0, [])


def test_an_issuer_serial_over_20_characters_fails(tmp_path):
    resource, related, code = CERTIFICATE_FINDINGS["INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"]
    resource = copy.deepcopy(resource)
    identifier = resource["resourceIdentifier"]["issuerCertificateIdentifier"]
    identifier["issuerCertificateSerialNumber"] = "6be740b73039d842015dc3996061b9b29a9b1ca6"
    finding = dict(FINDING, nonCompliantResource=resource, relatedResources=related)
    code, errors, path = run(tmp_path, {"findings": [finding]}, "ListAuditFindingsResponse")
    assert code == 1
    assert errors == [
        f"{path}: $.findings[0].nonCompliantResource.resourceIdentifier.issuerCertificateIdentifier"
        ".issuerCertificateSerialNumber: string length 40 is greater than max 20 (IssuerCertificateSerialNumber)"
    ]


def test_valid_mitigation_task_passes(tmp_path):
    code, errors, _ = run(
        tmp_path, MITIGATION_TASK, "DescribeAuditMitigationActionsTaskResponse", "--allow-extra", "taskId"
    )
    assert (code, errors) == (0, [])


# -- each kind of violation fails -------------------------------------------------------


def test_task_id_is_unknown_without_allow_extra(tmp_path):
    code, errors, path = run(tmp_path, AUDIT_TASK, "DescribeAuditTaskResponse")
    assert code == 1
    assert errors == [f"{path}: $.taskId: unknown member 'taskId' (not in DescribeAuditTaskResponse)"]


def test_unknown_nested_member_fails(tmp_path):
    doc = with_change(AUDIT_TASK, "auditDetails.LOGGING_DISABLED_CHECK.checkStatus", "COMPLETED")
    code, errors, path = run_task(tmp_path, doc)
    assert code == 1
    assert errors == [
        f"{path}: $.auditDetails.LOGGING_DISABLED_CHECK.checkStatus: unknown member 'checkStatus' "
        "(not in AuditCheckDetails); did you mean 'checkRunStatus'?"
    ]


def test_wrong_enum_fails(tmp_path):
    code, errors, path = run_task(tmp_path, with_change(AUDIT_TASK, "taskStatus", "DONE"))
    assert code == 1
    assert errors == [
        f'{path}: $.taskStatus: "DONE" is not one of AuditTaskStatus: IN_PROGRESS, COMPLETED, FAILED, CANCELED'
    ]


@pytest.mark.parametrize("bad", ["1", 1.0, True, -1.5])
def test_non_integer_long_count_fails(tmp_path, bad):
    doc = with_change(AUDIT_TASK, "auditDetails.LOGGING_DISABLED_CHECK.nonCompliantResourcesCount", bad)
    code, errors, path = run_task(tmp_path, doc)
    assert code == 1
    assert len(errors) == 1
    assert errors[0].startswith(
        f"{path}: $.auditDetails.LOGGING_DISABLED_CHECK.nonCompliantResourcesCount: "
        "expected JSON integer (long) (NonCompliantResourcesCount), got "
    )


def test_integer_out_of_int32_range_fails(tmp_path):
    code, errors, path = run_task(tmp_path, with_change(AUDIT_TASK, "taskStatistics.totalChecks", 2**31))
    assert code == 1
    assert errors == [f"{path}: $.taskStatistics.totalChecks: 2147483648 is out of range for integer (TotalChecksCount)"]


def test_model_has_required_members_used_here():
    from botocore.loaders import Loader

    shapes = Loader().load_service_model("iot", "service-2")["shapes"]
    assert shapes["PublishFindingToSnsParams"]["required"] == ["topicArn"]
    assert "required" not in shapes["AuditFinding"]


def test_missing_required_member_fails(tmp_path):
    doc = with_change(MITIGATION_TASK, "actionsDefinition.0.actionParams.publishFindingToSnsParams", {})
    code, errors, path = run(tmp_path, doc, "DescribeAuditMitigationActionsTaskResponse", "--allow-extra", "taskId")
    assert code == 1
    assert errors == [
        f"{path}: $.actionsDefinition[0].actionParams.publishFindingToSnsParams: "
        "missing required member 'topicArn' of PublishFindingToSnsParams"
    ]


def test_missing_required_member_of_top_level_shape_fails(tmp_path):
    code, errors, path = run(tmp_path, {}, "PublishFindingToSnsParams")
    assert code == 1
    assert errors == [f"{path}: $: missing required member 'topicArn' of PublishFindingToSnsParams"]


def test_account_not_matching_pattern_fails(tmp_path):
    doc = with_change(FINDINGS, "findings.0.nonCompliantResource.resourceIdentifier.account", "12345678901a")
    code, errors, path = run(tmp_path, doc, "ListAuditFindingsResponse")
    assert code == 1  # 12 characters, so only the pattern can reject it
    assert errors == [
        f'{path}: $.findings[0].nonCompliantResource.resourceIdentifier.account: "12345678901a" '
        "does not match pattern [0-9]+ (AwsAccountId)"
    ]


def test_account_of_wrong_length_fails(tmp_path):
    doc = with_change(FINDINGS, "findings.0.nonCompliantResource.resourceIdentifier.account", "12345678901")
    code, errors, path = run(tmp_path, doc, "ListAuditFindingsResponse")
    assert code == 1
    assert errors == [
        f"{path}: $.findings[0].nonCompliantResource.resourceIdentifier.account: "
        "string length 11 is less than min 12 (AwsAccountId)"
    ]


def test_java_posix_class_pattern_is_enforced(tmp_path):
    subject = "findings.0.nonCompliantResource.resourceIdentifier.issuerCertificateIdentifier"
    good = with_change(FINDINGS, subject, {"issuerCertificateSubject": "CN=Example Root CA, O=Example"})
    assert run(tmp_path, good, "ListAuditFindingsResponse")[:2] == (0, [])
    bad = with_change(FINDINGS, subject, {"issuerCertificateSubject": "CN=Example\tCA"})
    code, errors, _ = run(tmp_path, bad, "ListAuditFindingsResponse")
    assert code == 1
    assert "does not match pattern [\\p{Graph}\\x20]* (IssuerCertificateSubject)" in errors[0]


def test_null_member_fails(tmp_path):
    code, errors, path = run_task(tmp_path, with_change(AUDIT_TASK, "scheduledAuditName", None))
    assert code == 1
    assert errors == [f"{path}: $.scheduledAuditName: null is not allowed (ScheduledAuditName)"]


def test_null_allowed_extra_member_fails(tmp_path):
    code, errors, path = run_task(tmp_path, with_change(AUDIT_TASK, "taskId", None))
    assert code == 1
    assert errors == [f"{path}: $.taskId: null is not allowed (--allow-extra member)"]


def test_allow_extra_is_top_level_only(tmp_path):
    doc = with_change(FINDINGS, "findings.0.extra", 1)
    code, errors, path = run(tmp_path, doc, "ListAuditFindingsResponse", "--allow-extra", "extra")
    assert code == 1
    assert errors == [f"{path}: $.findings[0].extra: unknown member 'extra' (not in AuditFinding)"]


def test_wrong_container_types_fail(tmp_path):
    doc = with_change(FINDINGS, "findings.0.relatedResources", {})
    doc["findings"][0]["nonCompliantResource"] = []
    doc["findings"][0]["isSuppressed"] = "false"
    code, errors, path = run(tmp_path, doc, "ListAuditFindingsResponse")
    assert code == 1
    assert errors == [
        f"{path}: $.findings[0].nonCompliantResource: expected object (NonCompliantResource), got array []",
        f"{path}: $.findings[0].relatedResources: expected array (RelatedResources), got object {{}}",
        f'{path}: $.findings[0].isSuppressed: expected boolean (IsSuppressed), got string "false"',
    ]


def test_top_level_array_fails(tmp_path):
    code, errors, path = run(tmp_path, [FINDING], "ListAuditFindingsResponse")
    assert code == 1
    assert errors[0].startswith(f"{path}: $: expected object (ListAuditFindingsResponse), got array")


def test_list_min_length_fails(tmp_path):
    doc = with_change(MITIGATION_TASK, "target", {"findingIds": []})
    code, errors, path = run(tmp_path, doc, "DescribeAuditMitigationActionsTaskResponse", "--allow-extra", "taskId")
    assert code == 1
    assert errors == [f"{path}: $.target.findingIds: array length 0 is less than min 1 (FindingIds)"]


def test_map_keys_are_validated(tmp_path):
    code, errors, path = run(tmp_path, {"enabled": True, "configuration": {"BOGUS": "1"}}, "AuditCheckConfiguration")
    assert code == 1
    assert errors == [
        f'{path}: $.configuration.BOGUS: map key: "BOGUS" is not one of ConfigName: '
        "CERT_AGE_THRESHOLD_IN_DAYS, CERT_EXPIRATION_THRESHOLD_IN_DAYS"
    ]


def test_every_violation_is_reported(tmp_path):
    doc = with_change(AUDIT_TASK, "taskStatus", "DONE")
    doc["taskType"] = "MANUAL"
    doc["taskStatistics"]["failedChecks"] = "0"
    code, errors, _ = run_task(tmp_path, doc)
    assert code == 1
    assert [line.split(": ")[1] for line in errors] == ["$.taskStatus", "$.taskType", "$.taskStatistics.failedChecks"]


# -- timestamps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, mode, ok",
    [
        (TIME, "iso", True),
        ("2026-11-26T12:00:00Z", "iso", True),
        (1795694400.5, "iso", False),
        ("2026-11-26T12:00:00", "iso", False),  # no UTC offset
        ("2026-11-26", "iso", False),
        ("26/11/2026 12:00", "iso", False),
        (1795694400.5, "epoch", True),
        (1795694400, "epoch", True),
        (TIME, "epoch", False),
        (True, "epoch", False),
        (TIME, "any", True),
        (1795694400, "any", True),
        ([], "any", False),
    ],
)
def test_timestamp_modes(tmp_path, value, mode, ok):
    doc = with_change(AUDIT_TASK, "taskStartTime", value)
    code, errors, _ = run_task(tmp_path, doc, "--timestamps", mode)
    assert (code == 0) is ok, errors
    if not ok:
        assert len(errors) == 1 and ": $.taskStartTime: " in errors[0]


# -- JSON Lines -----------------------------------------------------------------------------


def test_jsonl_validates_every_line(tmp_path):
    bad = with_change(FINDING, "severity", "SEVERE")
    raw = "\n".join(json.dumps(d) for d in (FINDING, bad, FINDING)) + "\n"
    code, errors, path = run(tmp_path, None, "AuditFinding", "--jsonl", raw=raw, name="findings.jsonl")
    assert code == 1
    assert errors == [f'{path}:2: $.severity: "SEVERE" is not one of AuditFindingSeverity: CRITICAL, HIGH, MEDIUM, LOW']


def test_jsonl_valid_lines_pass(tmp_path):
    raw = json.dumps(FINDING) + "\n" + json.dumps(FINDING) + "\n"
    assert run(tmp_path, None, "AuditFinding", "--jsonl", raw=raw, name="f.jsonl")[:2] == (0, [])


def test_jsonl_blank_line_is_not_json(tmp_path):
    raw = json.dumps(FINDING) + "\n\n" + json.dumps(FINDING) + "\n"
    code, errors, path = run(tmp_path, None, "AuditFinding", "--jsonl", raw=raw, name="f.jsonl")
    assert code == 2
    assert errors[0].startswith(f"{path}:2: not JSON: ")


# -- usage problems (exit 2) and missing botocore (exit 3) ---------------------------------


def test_unknown_shape_is_usage_error(tmp_path):
    code, errors, _ = run(tmp_path, AUDIT_TASK, "DescribeAuditTaskResponses")
    assert code == 2
    assert len(errors) == 1
    assert errors[0].startswith(
        "validate-defender-schema: unknown shape 'DescribeAuditTaskResponses' in iot 2015-05-28 "
        "(did you mean: DescribeAuditTaskResponse, "
    )


@pytest.mark.parametrize(
    "raw",
    ["", "{", '{"taskStatus": "COMPLETED", "taskStatus": "FAILED"}', '{"n": NaN}', "\ufeff{}"],
    ids=["empty", "truncated", "duplicate-key", "nan", "bom"],
)
def test_non_json_file_is_usage_error(tmp_path, raw):
    code, errors, path = run(tmp_path, None, "DescribeAuditTaskResponse", raw=raw)
    assert code == 2
    assert errors[0].startswith(f"{path}: not JSON: ")


def test_unreadable_file_is_usage_error(tmp_path):
    missing = tmp_path / "missing.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--shape", "AuditFinding", str(missing)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{missing}: cannot read: ")


def test_unknown_service_is_usage_error(tmp_path):
    code, errors, _ = run(tmp_path, {}, "AuditFinding", "--service", "no-such-service")
    assert code == 2
    assert errors[0].startswith("validate-defender-schema: cannot load service model 'no-such-service'")


def test_bad_arguments_are_usage_errors(tmp_path):
    assert run(tmp_path, {}, "AuditFinding", "--timestamps", "unix")[0] == 2


def test_missing_botocore_exits_3(tmp_path):
    shadow = tmp_path / "shadow" / "botocore"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('botocore hidden by test')\n")
    env = dict(os.environ, PYTHONPATH=str(shadow.parent))
    code, errors, _ = run(tmp_path, AUDIT_TASK, "DescribeAuditTaskResponse", env=env)
    assert (code, errors) == (3, ["validate-defender-schema: botocore is not installed (pip install botocore)"])
