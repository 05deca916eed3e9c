"""The generators are seeded: running one again writes the same bytes, and the committed files
are what they write (regenerating rewrites nothing).

Each generator runs into a temporary directory, never over the repository. Run:
python3 -m pytest -q scripts/tests/test_generators.py  (needs cryptography; about a minute)
"""

import subprocess
import sys

from repository import ROOT, SCRIPTS

CERTIFICATE_FIXTURES = ROOT / "Sources" / "FleetAuditChecks" / "Certificates" / "CertificateFixtures.swift"
KEY_POOL = ROOT / "Sources" / "FleetAuditGenerator" / "KeyPool.swift"
WORKSHOP = ROOT / "snapshots" / "workshop"
# The workshop files that hold no key material, certificate id or signature (see
# generate-workshop-snapshot.py): equal to the committed ones whatever the keys.
WORKSHOP_KEY_FREE = [
    "audit-configuration.json", "cognito-identity-pools.json", "iam-service-last-accessed.json", "iam.json",
    "logging-options.json", "manifest.json", "mitigation-actions.json", "policies.json", "role-aliases.json",
    "thing-group-members.json", "thing-groups.json", "things.json", "v2-logging-levels.json",
    "v2-logging-options.json",
]


def run(script, *arguments):
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / script), *map(str, arguments)], capture_output=True, timeout=900)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def tree(directory):
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def test_the_certificate_fixtures_are_what_the_generator_writes(tmp_path):
    out = tmp_path / "CertificateFixtures.swift"
    run("generate-certificate-fixtures.py", out)
    assert out.read_bytes() == CERTIFICATE_FIXTURES.read_bytes(), (
        "rerun python3 scripts/generate-certificate-fixtures.py and commit its output")


def test_the_fleet_key_pool_is_what_the_generator_writes():
    assert run("generate-fleet-key-pool.py") == KEY_POOL.read_bytes()


def test_the_workshop_generator_writes_the_same_bytes_every_run(tmp_path):
    run("generate-workshop-snapshot.py", tmp_path / "first" / "workshop")
    run("generate-workshop-snapshot.py", tmp_path / "second" / "workshop")
    first, second = tree(tmp_path / "first"), tree(tmp_path / "second")
    assert "workshop/certificates.json" in first and "workshop-weak-keys/blacklist.RSA-2048" in first
    assert first == second
    for name in WORKSHOP_KEY_FREE:
        assert first["workshop/" + name] == (WORKSHOP / name).read_bytes(), name
