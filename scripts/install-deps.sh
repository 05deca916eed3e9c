#!/usr/bin/env bash
# Installs what a fresh machine lacks for building, running and testing FleetAudit:
# libjansson-dev + pkg-config (the JSON engine), libjemalloc-dev (fleet-audit's allocator) and, with --test, Debian's chromium (report.html
# is tested in it, headless, scripts/tests/test_reports.py), jq, python3's botocore (the schema tests),
# pytest and moto[server] 5.2.1 (the exporter's end-to-end test runs against moto's server; it
# brings boto3 and cryptography). Installs nothing that is already there.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "install-deps: need root to run: $*" >&2; exit 1; fi
}

missing=()
pkg-config --exists jansson 2>/dev/null || missing+=(libjansson-dev)
pkg-config --exists jemalloc 2>/dev/null || missing+=(libjemalloc-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [ $want_test = 1 ]; then
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
    # scripts/week-of-audits.sh (run by scripts/tests/test_week_of_audits.py) edits its snapshot copies with jq.
    command -v jq >/dev/null || missing+=(jq)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ $want_test = 1 ]; then
    python3 -c 'import botocore' 2>/dev/null || { echo "install-deps: installing botocore"; python3 -m pip install -q botocore; }
    python3 -c 'import pytest' 2>/dev/null || { echo "install-deps: installing pytest"; python3 -m pip install -q pytest; }
    # The Python baseline of the fleet benchmark (Benchmarks/baseline) is tested too.
    python3 -c 'import orjson' 2>/dev/null || { echo "install-deps: installing orjson"; python3 -m pip install -q orjson; }
    # The end-to-end test's expectations (which APIs moto lacks) are those of moto 5.2.1.
    python3 -c 'import moto, moto.server, flask, flask_cors, boto3, cryptography; assert moto.__version__ == "5.2.1"' 2>/dev/null || {
        echo "install-deps: installing moto[server]==5.2.1"; python3 -m pip install -q 'moto[server]==5.2.1'; }
fi
exit 0
