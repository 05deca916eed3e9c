"""What the tests under scripts/tests/ share: where the repository, its scripts and the
fleet-audit binary are, and the rule that a missing test dependency fails the test."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
WORKSHOP = ROOT / "snapshots" / "workshop"
# What `swift build` (and `make test`, before pytest) builds.
FLEET_AUDIT = ROOT / ".build" / "debug" / "fleet-audit"


def require(condition, what):
    """Test dependencies are required: their absence fails, never skips."""
    if not condition:
        pytest.fail(f"{what} is required; run `swift build` and scripts/install-deps.sh --test", pytrace=False)
