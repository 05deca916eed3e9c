#!/usr/bin/env bash
# A week of daily audits on copies of snapshots/workshop (docs/week-of-audits.md is its transcript):
#   Monday     the scheduled daily audit;
#   Tuesday    one finding is a known exception: suppress it in the team's suppressions file;
#   Wednesday  one resource is fixed: see it resolved in the diff against Tuesday;
#   Thursday   someone adds a policy that allows iot:*: the CI gate (--fail-on HIGH) stops (exit 3);
#   Friday     the policy is gone; the findings go to Security Hub (ASFF), here a local moto server.
# Usage: scripts/week-of-audits.sh OUTDIR   (OUTDIR must not exist or be empty)
# Every command is printed as a user would type it, with fleet-audit on PATH. Times and task ids are
# pinned, so the output is the same on every run. snapshots/ is only read: each day's snapshot is a
# copy under OUTDIR. Needs jq and python3 with moto[server] (scripts/install-deps.sh --test); the
# Security Hub import uses the AWS CLI when it is installed, else (or with AWS_CLI= empty) boto3.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 64
fi
# Findings per BatchImportFindings call: the API takes at most 100. ASFF_BATCH_SIZE=10 shows the
# slicing on the workshop's few findings (scripts/tests/test_week_of_audits.py uses it).
BATCH_SIZE=${ASFF_BATCH_SIZE:-100}
if ! [ "$BATCH_SIZE" -ge 1 ] 2>/dev/null || [ "$BATCH_SIZE" -gt 100 ]; then
    echo "week-of-audits: ASFF_BATCH_SIZE is '$BATCH_SIZE'; expected 1 to 100 (the API's limit)" >&2
    exit 64
fi
REPO=$(cd "$(dirname "$0")/.." && pwd)
# OUTDIR is taken relative to where the script was started; it is printed relative to the
# repository when it lies inside it (out/week), so the transcript does not depend on the machine.
OUT=$(realpath -m --relative-base="$REPO" "$1")
cd "$REPO"
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
    echo "week-of-audits: $OUT is not empty; give a new directory" >&2
    exit 64
fi
mkdir -p "$OUT"

# The debug build, as `make test` and CI build it; built here if it is missing.
if [ ! -x .build/debug/fleet-audit ]; then
    swift build --product fleet-audit
fi
PATH="$REPO/.build/debug:$PATH"

# Each day's audit: the workshop's weak-key list (CVE-2008-0166), run as the account's scheduled
# daily audit. --now and --task-id pin the audit time and the finding ids.
SCHEDULE=(--scheduled-audit-name DailyAudit --weak-key-blacklist snapshots/workshop-weak-keys -q)
# The team's own suppressions, kept in a file of its own (applied from Tuesday on).
SUPPRESSIONS=$OUT/team-suppressions.json
# The certificates of the story (certificates.json of snapshots/workshop).
EXPIRING_CERT=4de85632f6f4878c20d6e184c467a8694ea6b84908e500781285e60c920b463a # expires 2026-12-05
REVOKED_CERT=08b07ba8c208f2cd584fef4ccee1831a4dcf3dfebfcb248874eae7667c28d0d2  # revoked by its CA

# Prints a command as typed (quoting what needs it), then runs it.
show() {
    printf '$'
    for arg in "$@"; do
        case "$arg" in
            *[!A-Za-z0-9_./:=,@+-]* | '') printf " '%s'" "$arg" ;;
            *) printf ' %s' "$arg" ;;
        esac
    done
    printf '\n'
}
run() {
    show "$@"
    "$@"
}
# Runs a command that must end with exit status EXPECTED (the gate's 3 is the point of Thursday);
# any other status stops the week.
run_expecting() {
    local expected=$1 status=0
    shift
    show "$@"
    "$@" || status=$?
    if [ "$status" -ne 0 ] || [ "$expected" -ne 0 ]; then
        printf '$ echo $?\n%s\n' "$status"
    fi
    if [ "$status" -ne "$expected" ]; then
        echo "week-of-audits: expected exit status $expected, got $status" >&2
        exit 1
    fi
}
# A day's change: today's copy of a snapshot file is yesterday's, edited by the jq FILTER.
edit_json() {
    local filter=$1 yesterday=$2 today=$3
    printf "\$ jq '%s' %s > %s\n" "$filter" "$yesterday" "$today"
    jq "$filter" "$yesterday" > "$today"
}
day() {
    printf '\n## %s\n\n' "$1"
}

day "Monday 2026-11-30: the scheduled daily audit"
# The morning's export is the workshop snapshot as it is.
run cp -r snapshots/workshop "$OUT/snapshot-mon"
run_expecting 0 fleet-audit audit "$OUT/snapshot-mon" --out "$OUT/audit-mon" "${SCHEDULE[@]}" \
    --now 2026-11-30T08:00:00Z --task-id DailyAudit-2026-11-30

day "Tuesday 2026-12-01: suppress a known exception"
# Nothing changed in the account. The expiring certificate's replacement is ordered and will be
# installed by 2026-12-07: the team suppresses that one finding until then, in its own file
# (the account's audit-suppressions.json stays as exported).
run cp -r "$OUT/snapshot-mon" "$OUT/snapshot-tue"
run fleet-audit suppressions add --file "$SUPPRESSIONS" --check-name DEVICE_CERTIFICATE_EXPIRING_CHECK \
    --resource-identifier "deviceCertificateId=$EXPIRING_CERT" \
    --expiration-date 2026-12-07 --description "replacement certificate ordered, installed by 2026-12-07"
run_expecting 0 fleet-audit audit "$OUT/snapshot-tue" --out "$OUT/audit-tue" "${SCHEDULE[@]}" \
    --suppressions "$SUPPRESSIONS" --now 2026-12-01T08:00:00Z --task-id DailyAudit-2026-12-01
# The finding is still reported, marked suppressed; its check counts it apart.
run fleet-audit findings "$OUT/audit-tue" --check-name DEVICE_CERTIFICATE_EXPIRING_CHECK --list-suppressed-findings
run jq '.auditDetails.DEVICE_CERTIFICATE_EXPIRING_CHECK' "$OUT/audit-tue/audit-task.json"

day "Wednesday 2026-12-02: fix one resource, see the diff"
# The certificate its CA revoked is deactivated (what the UPDATE_DEVICE_CERTIFICATE mitigation
# action does); Wednesday's export shows it INACTIVE.
run cp -r "$OUT/snapshot-tue" "$OUT/snapshot-wed"
edit_json "(.certificateDescriptions[] | select(.certificateId == \"$REVOKED_CERT\") | .status) = \"INACTIVE\"" \
    "$OUT/snapshot-tue/certificates.json" "$OUT/snapshot-wed/certificates.json"
run_expecting 0 fleet-audit audit "$OUT/snapshot-wed" --out "$OUT/audit-wed" "${SCHEDULE[@]}" \
    --suppressions "$SUPPRESSIONS" --now 2026-12-02T08:00:00Z --task-id DailyAudit-2026-12-02
# What changed since Tuesday: the fix is RESOLVED, the suppressed finding is shown apart.
run_expecting 0 fleet-audit diff "$OUT/audit-tue" "$OUT/audit-wed"
# The same as JSON, for scripts (jq keeps the parts that matter here).
printf "\$ fleet-audit diff %s %s --output json | jq '{summary, resolvedFindings, suppressedFindings}'\n" \
    "$OUT/audit-tue" "$OUT/audit-wed"
fleet-audit diff "$OUT/audit-tue" "$OUT/audit-wed" --output json | jq '{summary, resolvedFindings, suppressedFindings}'

day "Thursday 2026-12-03: the CI gate"
# Someone adds a debugging policy that allows iot:* on everything.
run cp -r "$OUT/snapshot-wed" "$OUT/snapshot-thu"
edit_json '.policyVersions += [{policyArn: "arn:aws:iot:us-east-1:123456789012:policy/WorkshopDebugPolicy",
        policyName: "WorkshopDebugPolicy", policyVersionId: "1", isDefaultVersion: true,
        policyDocument: ({Version: "2012-10-17", Statement: [{Effect: "Allow", Action: "iot:*", Resource: "*"}]} | tojson)}]' \
    "$OUT/snapshot-wed/policies.json" "$OUT/snapshot-thu/policies.json"
# The pipeline's gate on the audit: every unsuppressed HIGH or CRITICAL finding trips it (exit 3),
# and the lines after the summary say which checks did.
run_expecting 3 fleet-audit audit "$OUT/snapshot-thu" --out "$OUT/audit-thu" "${SCHEDULE[@]}" \
    --suppressions "$SUPPRESSIONS" --now 2026-12-03T08:00:00Z --task-id DailyAudit-2026-12-03 --fail-on HIGH
# The gate that only stops what is new since yesterday: the debugging policy.
run_expecting 3 fleet-audit diff "$OUT/audit-wed" "$OUT/audit-thu" --fail-on HIGH

day "Friday 2026-12-04: Security Hub"
# The debugging policy is deleted; Friday's audit also writes findings.asff.json.
run cp -r "$OUT/snapshot-thu" "$OUT/snapshot-fri"
edit_json 'del(.policyVersions[] | select(.policyName == "WorkshopDebugPolicy"))' \
    "$OUT/snapshot-thu/policies.json" "$OUT/snapshot-fri/policies.json"
run_expecting 0 fleet-audit audit "$OUT/snapshot-fri" --out "$OUT/audit-fri" "${SCHEDULE[@]}" \
    --suppressions "$SUPPRESSIONS" --now 2026-12-04T08:00:00Z --task-id DailyAudit-2026-12-04 --format asff
# Tomorrow's gate passes again: nothing new, the policy's finding resolved (the last two lines).
printf '$ fleet-audit diff %s %s --fail-on HIGH | tail -n 2\n' "$OUT/audit-thu" "$OUT/audit-fri"
fleet-audit diff "$OUT/audit-thu" "$OUT/audit-fri" --fail-on HIGH | tail -n 2
# Tuesday's suppression travels with the finding: Security Hub gets it as Workflow.Status SUPPRESSED.
run jq -c '[.[].Workflow.Status] | group_by(.) | map({(.[0]): length}) | add' "$OUT/audit-fri/findings.asff.json"

# Security Hub, offline: a local moto server on a free port stands for it. Fake credentials and
# no config file, so nothing of this machine's AWS set-up is read or reached.
MOTO_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" > "$OUT/moto-server.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null || true' EXIT
python3 - "$MOTO_PORT" <<'EOF'
import sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=2).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("week-of-audits: the moto server did not start (see moto-server.log)")
        time.sleep(0.2)
EOF
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
# The AWS CLI when it is installed; AWS_CLI= (empty) imports with boto3 instead.
AWS_CLI=${AWS_CLI-$(command -v aws || true)}
echo "(Security Hub is a local moto server: AWS_ENDPOINT_URL=http://127.0.0.1:PORT, fake credentials)"

# BatchImportFindings takes at most 100 findings a call: findings.asff.json is imported in slices,
# each printing its SuccessCount and FailedCount (BATCH_SIZE, checked at the top).
ASFF=$OUT/audit-fri/findings.asff.json
TOTAL=$(jq length "$ASFF")
IMPORTED=0
FAILED=0
mkdir -p "$OUT/asff-batches"
for start in $(seq 0 "$BATCH_SIZE" $((TOTAL - 1))); do
    batch=$(printf '%s/asff-batches/findings-%05d.json' "$OUT" "$start")
    printf '$ jq ".[%s:%s]" %s > %s\n' "$start" "$((start + BATCH_SIZE))" "$ASFF" "$batch"
    jq ".[$start:$((start + BATCH_SIZE))]" "$ASFF" > "$batch"
    if [ -n "$AWS_CLI" ]; then
        show aws securityhub batch-import-findings --findings "file://$batch" \
            --query '[SuccessCount, FailedCount]' --output text
        "$AWS_CLI" securityhub batch-import-findings --findings "file://$batch" \
            --query '[SuccessCount, FailedCount]' --output text > "$batch.counts"
    else
        echo "(boto3) securityhub.batch_import_findings(Findings=$batch): SuccessCount, FailedCount"
        python3 - "$batch" > "$batch.counts" <<'EOF'
import json, sys, boto3
with open(sys.argv[1]) as batch:
    response = boto3.client("securityhub").batch_import_findings(Findings=json.load(batch))
print(f"{response['SuccessCount']}\t{response['FailedCount']}")
EOF
    fi
    cat "$batch.counts"
    read -r succeeded failed < "$batch.counts"
    IMPORTED=$((IMPORTED + succeeded))
    FAILED=$((FAILED + failed))
done
echo "Imported $IMPORTED of the $TOTAL finding(s) of findings.asff.json; $FAILED failed."
# What Security Hub now holds: one finding per audit finding. (Their Ids are stable from audit to
# audit, docs/reports.md, so the next day's import updates these instead of adding to them.)
if [ -n "$AWS_CLI" ]; then
    show aws securityhub get-findings --query 'length(Findings)'
    "$AWS_CLI" securityhub get-findings --query 'length(Findings)'
else
    echo "(boto3) securityhub.get_findings(), every page: the number of findings"
    python3 -c 'import boto3; pages = boto3.client("securityhub").get_paginator("get_findings").paginate(); print(sum(len(page["Findings"]) for page in pages))'
fi
