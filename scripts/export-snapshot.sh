#!/usr/bin/env bash
# Exports a FleetAudit snapshot of one AWS account and region with read-only AWS API calls:
#   scripts/export-snapshot.sh --out DIR [--region R] [--profile P] [--endpoint-url URL]
#                              [--logs-days N] [--parallel N] [--quiet]
# The work is done by export_snapshot.py (python3 + boto3, the AWS SDK the AWS CLI is built
# on): per-item describe calls run in parallel, which a loop over `aws iot describe-*` cannot.
# Details: docs/exporter.md. Exit status: 0 complete, 1 complete but some files unavailable
# (see manifest.json), 2 nothing exported, 64 usage error, 130 interrupted.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v python3 >/dev/null 2>&1; then
    echo "export-snapshot: python3 is required" >&2
    exit 2
fi
if ! python3 -c 'import boto3' 2>/dev/null; then
    echo "export-snapshot: the python3 module boto3 is required: python3 -m pip install boto3" >&2
    exit 2
fi
exec python3 "$here/export_snapshot.py" "$@"
