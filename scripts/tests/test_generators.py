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
# The bundled sample account and its demonstration weak-key list, both written by
# generate-workshop-snapshot.py (the weak-key list to OUTPUT_DIR-weak-keys/).
SNAPSHOTS = ROOT / "snapshots"
WORKSHOP_FOLDERS = ("workshop", "workshop-weak-keys")


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


def test_the_workshop_snapshot_is_what_the_generator_writes_every_run(tmp_path):
    run("generate-workshop-snapshot.py", tmp_path / "first" / "workshop")
    run("generate-workshop-snapshot.py", tmp_path / "second" / "workshop")
    first, second = tree(tmp_path / "first"), tree(tmp_path / "second")
    assert "workshop/certificates.json" in first and "workshop-weak-keys/blacklist.RSA-2048" in first
    assert first == second
    # The whole committed snapshot, certificates and connection logs included: a file the
    # generator does not write, or writes differently, fails here.
    committed = {name: data for name, data in tree(SNAPSHOTS).items() if name.split("/")[0] in WORKSHOP_FOLDERS}
    assert sorted(first) == sorted(committed), "rerun python3 scripts/generate-workshop-snapshot.py and commit"
    for name, data in first.items():
        assert data == committed[name], f"{name}: rerun python3 scripts/generate-workshop-snapshot.py and commit"
