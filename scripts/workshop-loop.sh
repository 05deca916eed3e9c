#!/usr/bin/env bash
# The Device Defender workshop loop, offline, on the bundled snapshot:
# audit (logging disabled) -> mitigate (EnableErrorLoggingAction) -> logging settings -> re-audit (compliant);
# then every check -> the certificate mitigation actions -> re-audit (certificate findings gone).
# Every command is echoed as a user would type it. Outputs go under OUT (default out/).
set -uo pipefail
cd "$(dirname "$0")/.."
FLEET_AUDIT=${FLEET_AUDIT:-.build/debug/fleet-audit}
OUT=${OUT:-out}
TASK=660b1f3a889a894f8877958f1550f6b7
CERT_TASK=5e0c2a9d4b7f41c6a8e3d2f1b0c9a877

quote() {
    case "$1" in
        *[!A-Za-z0-9_./:=,-]*) printf " '%s'" "$1" ;;
        *) printf ' %s' "$1" ;;
    esac
}

step() {
    printf '\n$ fleet-audit'
    for arg in "$@"; do quote "$arg"; done
    printf '\n'
    "$FLEET_AUDIT" "$@"
    status=$?
    # 1 = a check or action FAILED: a result worth showing; 2 and 64 stop the loop.
    [ $status -le 1 ] || exit $status
}

rm -rf "$OUT/workshop" "$OUT/workshop-mitigated" "$OUT/workshop-reaudit" \
    "$OUT/workshop-all" "$OUT/workshop-certs-mitigated" "$OUT/workshop-certs-reaudit"
step audit snapshots/workshop --out "$OUT/workshop" --checks LOGGING_DISABLED_CHECK --task-id $TASK
step mitigate snapshots/workshop --audit "$OUT/workshop" \
    --target "{\"auditTaskId\":\"$TASK\",\"auditCheckToReasonCodeFilter\":{\"LOGGING_DISABLED_CHECK\":[\"LOGGING_DISABLED\"]}}" \
    --audit-check-to-actions-mapping '{"LOGGING_DISABLED_CHECK":["EnableErrorLoggingAction"]}' \
    --out "$OUT/workshop-mitigated"
step logging "$OUT/workshop-mitigated"
step audit "$OUT/workshop-mitigated" --out "$OUT/workshop-reaudit" --checks LOGGING_DISABLED_CHECK
step audit snapshots/workshop --out "$OUT/workshop-all" --weak-key-blacklist snapshots/workshop-weak-keys \
    --task-id $CERT_TASK
step mitigate snapshots/workshop --audit "$OUT/workshop-all" \
    --audit-check-to-actions-mapping file://scripts/workshop-certificate-mapping.json \
    --out "$OUT/workshop-certs-mitigated" --task-id certificate-mitigation-1 --now 2026-11-26T09:00:00Z
step audit "$OUT/workshop-certs-mitigated" --out "$OUT/workshop-certs-reaudit" \
    --weak-key-blacklist snapshots/workshop-weak-keys
if git diff --quiet -- snapshots/workshop 2>/dev/null; then
    printf '\nsnapshots/workshop is unchanged (git diff is empty).\n'
fi
