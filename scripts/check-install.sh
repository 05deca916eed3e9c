#!/usr/bin/env bash
# `make check-install`: installs into a temporary PREFIX (scripts/install.sh) and checks that the
# binary can be handed over:
# 1. ldd lists neither the Swift runtime (libswift*, Foundation, Dispatch, BlocksRuntime) nor
#    libjansson nor jemalloc, nothing is "not found", and no RPATH/RUNPATH points into the toolchain;
# 2. `fleet-audit --version` names the commit of this checkout;
# 3. run from another directory with an empty environment, it audits the bundled workshop snapshot
#    (every check: JSON streaming, X.509, CRLs, connection logs, dates) and every check completes.
# A release build takes several minutes, so `make test` does not run this; see README.md ("Install").
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

fail() { echo "check-install: FAIL: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fleet-audit-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
scripts/install.sh "$work/prefix"
binary=$work/prefix/bin/fleet-audit

echo "check-install: ldd $binary" >&2
libraries=$(ldd "$binary")
echo "$libraries" | sed 's/^/    /' >&2
if grep -Ei 'libswift|foundation|libdispatch|blocksruntime|libjansson|libjemalloc' <<<"$libraries"; then
    fail "the binary links the Swift runtime, libjansson or jemalloc dynamically"
fi
# The static jemalloc must be the process's malloc, not glibc's: its symbols are in the binary.
nm -D --defined-only "$binary" | grep -qw 'malloc' || fail "the binary does not define malloc: jemalloc is not linked in"
if grep -F 'not found' <<<"$libraries"; then fail "a library the binary needs is missing"; fi
# SwiftPM links every executable with RUNPATH $ORIGIN (its own folder), which is harmless.
if readelf -d "$binary" | grep -E 'R(UN)?PATH' | grep -vF '[$ORIGIN]'; then
    fail "the binary carries a library search path"
fi

# install.sh appends -dirty when tracked files have uncommitted changes.
head=$(git rev-parse --short=12 HEAD 2>/dev/null) || head=unknown
version=$(cd / && env -i "$binary" --version)
[[ $version =~ ^fleet-audit\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ $head(-dirty)?\)$ ]] ||
    fail "--version printed '$version', expected the commit $head"
echo "check-install: $version" >&2

status=0
(cd / && env -i "$binary" audit "$repo/snapshots/workshop" --out "$work/audit" --quiet \
    --weak-key-blacklist "$repo/snapshots/workshop-weak-keys" --task-id check-install) >"$work/summary.txt" ||
    status=$?
[ $status = 0 ] || { cat "$work/summary.txt" >&2; fail "the audit exited $status"; }
python3 - "$work/audit" <<'PY' || fail "the audit's output is not what the workshop snapshot gives"
import json, sys
task = json.load(open(f"{sys.argv[1]}/audit-task.json"))
findings = json.load(open(f"{sys.argv[1]}/findings.json"))["findings"]
statuses = {name: detail["checkRunStatus"] for name, detail in task["auditDetails"].items()}
failed = [name for name, status in statuses.items() if not status.startswith("COMPLETED_")]
assert not failed, f"checks did not complete: {failed}"
codes = {(f["checkName"], f["reasonForNonComplianceCode"]) for f in findings}
for expected in [
    ("LOGGING_DISABLED_CHECK", "LOGGING_DISABLED"),
    ("DEVICE_CERTIFICATE_KEY_QUALITY_CHECK", "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361"),
    ("DEVICE_CERTIFICATE_KEY_QUALITY_CHECK", "CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166"),
    ("REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", "CERTIFICATE_REVOKED_BY_ISSUER"),
    ("DEVICE_CERTIFICATE_SHARED_CHECK", "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"),
    ("IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"),
]:
    assert expected in codes, f"missing finding {expected}"
print(f"check-install: the workshop audit: {len(statuses)} checks completed, {len(findings)} findings", file=sys.stderr)
PY
echo "check-install: OK" >&2
