"""The Python baseline on the bundled workshop snapshot: the exact counts it must print.

Run: python3 -m pytest -q Benchmarks/baseline (needs orjson and cryptography; skipped without).
Where these counts equal fleet-audit's audit-task.json is written in docs/benchmarks.md.
"""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("orjson")
pytest.importorskip("cryptography")

HERE = os.path.dirname(os.path.abspath(__file__))
WORKSHOP = os.path.join(HERE, "..", "..", "snapshots", "workshop")

# check: (totalResourcesCount, nonCompliantResourcesCount, notEvaluable)
EXPECTED = {
    "LOGGING_DISABLED_CHECK": (1, 1, 0),
    "IOT_POLICY_OVERLY_PERMISSIVE_CHECK": (6, 1, 0),
    "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK": (6, 2, 0),
    "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK": (2, 1, 0),
    "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK": (2, 1, 0),
    "DEVICE_CERTIFICATE_EXPIRING_CHECK": (12, 2, 0),
    "CA_CERTIFICATE_EXPIRING_CHECK": (3, 1, 0),
    "DEVICE_CERTIFICATE_AGE_CHECK": (12, 2, 0),
    "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK": (12, 1, 0),
    "CA_CERTIFICATE_KEY_QUALITY_CHECK": (3, 1, 0),
    "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK": (12, 1, 0),
    "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK": (3, 1, 0),
    "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK": (2, 1, 0),
    "DEVICE_CERTIFICATE_SHARED_CHECK": (12, 1, 0),
    "CONFLICTING_CLIENT_IDS_CHECK": (13, 1, 0),
    "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK": (2, 1, 0),
    "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK": (2, 1, 0),
}


@pytest.mark.parametrize("processes", [1, 2])
def test_workshop_counts(processes):
    output = subprocess.run(
        [sys.executable, os.path.join(HERE, "audit.py"), WORKSHOP, "--processes", str(processes)],
        check=True, capture_output=True, text=True,
    ).stdout
    checks = json.loads(output)["checks"]
    counts = {
        name: (c["totalResourcesCount"], c["nonCompliantResourcesCount"], c["notEvaluable"])
        for name, c in checks.items()
    }
    assert counts == EXPECTED


def test_audit_time_moves_expiry():
    """--now 2029-01-01: the two certificates past expiration and the one ending 2029-01-12 (within
    30 days) are non-compliant; every active certificate is then older than 365 days."""
    output = subprocess.run(
        [sys.executable, os.path.join(HERE, "audit.py"), WORKSHOP, "--now", "2029-01-01T00:00:00Z"],
        check=True, capture_output=True, text=True,
    ).stdout
    checks = json.loads(output)["checks"]
    assert checks["DEVICE_CERTIFICATE_EXPIRING_CHECK"]["nonCompliantResourcesCount"] == 3
    assert checks["DEVICE_CERTIFICATE_AGE_CHECK"]["nonCompliantResourcesCount"] == 12
