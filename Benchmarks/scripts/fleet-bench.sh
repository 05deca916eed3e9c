#!/usr/bin/env bash
# `make bench`: the fleet benchmark of issue 9 (docs/benchmarks.md, "Fleet benchmark").
#
# For each fleet size it generates a snapshot once (cached under .build-bench/), then runs side
# by side, under /usr/bin/time -v:
#   audit-2   fleet-audit audit --workers 2 (the measured engine, all checks)
#   audit-1   fleet-audit audit --workers 1 (the 2-against-1 ratio, and the byte-identity test)
#   floor     parse-floor --threads 2 (every element of every JSON file through jansson, no checks)
#   python    Benchmarks/baseline/audit.py --processes 2 (Python + orjson + cryptography)
# and writes a Markdown report (runs, ratios against the issue's targets, per-check agreement
# with the Python baseline) to stdout and to $BENCH_REPORT.
#
# Environment (all optional):
#   BENCH_SIZES     device counts, default "50000 100000 200000" (the issue's 1M: BENCH_SIZES="... 1000000")
#   BENCH_SEED      generator seed, default 1
#   BENCH_DIR       cache and scratch folder, default .build-bench (git-ignored)
#   BENCH_REPORT    the report file, default $BENCH_DIR/report-<UTC time>.md
#   FLEET_GENERATE  the generator command, default ".build/release/fleet-audit generate"; it is
#                   called as $FLEET_GENERATE --devices N --seed S --out DIR
#   BENCH_ROUNDS    rounds of the four runs per size, default 1; with more, the runs are interleaved
#                   round after round and the report takes each run's fastest round (on a shared
#                   machine the speed moves between runs; the fastest is the least disturbed)
#   BENCH_SKIP_BUILD=1  use the release binaries as they are
#   PYTHON          default python3 (needs orjson and cryptography)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

sizes=${BENCH_SIZES:-"50000 100000 200000"}
rounds=${BENCH_ROUNDS:-1}
seed=${BENCH_SEED:-1}
bench_dir=${BENCH_DIR:-.build-bench}
report=${BENCH_REPORT:-$bench_dir/report-$(date -u +%Y%m%dT%H%M%SZ).md}
generate=${FLEET_GENERATE:-.build/release/fleet-audit generate}
python=${PYTHON:-python3}
# Pinned so the outputs of the 1- and 2-worker runs can be compared byte for byte.
task_id=0123456789abcdef0123456789abcdef
fleet_audit=.build/release/fleet-audit
parse_floor=Benchmarks/.build/release/parse-floor

die() { echo "bench: $*" >&2; exit 1; }

[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive number, not '$rounds'"

[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package: time)"
"$python" -c 'import orjson, cryptography' 2>/dev/null ||
    die "$python needs orjson and cryptography (pip install orjson cryptography)"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "bench: building release binaries" >&2
    swift build -c release --product fleet-audit >&2
    (cd Benchmarks && swift build -c release --product parse-floor) >&2
fi
[ -x "$fleet_audit" ] || die "$fleet_audit missing (run without BENCH_SKIP_BUILD)"
[ -x "$parse_floor" ] || die "$parse_floor missing (run without BENCH_SKIP_BUILD)"

# Progress lines would only slow the runs down and fill the logs: silence them where the CLI can.
audit_flags=()
# (The help is read whole first: `grep -q` would close the pipe early and, under pipefail, fail it.)
audit_help=$("$fleet_audit" audit --help 2>&1 || true)
if [[ $audit_help == *--quiet* ]]; then audit_flags+=(--quiet); fi

mkdir -p "$bench_dir"
scratch=$(mktemp -d "$bench_dir/run.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
results="$scratch/results.tsv"
: >"$results"

# measure NAME SIZE ROUND SNAPSHOT COMMAND...: one run under /usr/bin/time -v; appends a results line.
# An exit status of 1 from the audit (incomplete: a check FAILED or a resource was not
# evaluable) still yields outputs and a time; any other non-zero status stops the benchmark.
measure() {
    local name=$1 size=$2 round=$3 snapshot=$4
    shift 4
    local log="$scratch/$name-$size-r$round"
    echo "bench: $size devices: $name (round $round of $rounds)" >&2
    local status=0
    /usr/bin/time -v -o "$log.time" "$@" >"$log.out" 2>"$log.err" || status=$?
    if [ "$status" -ne 0 ] && ! { [ "$status" -eq 1 ] && [[ $name == audit-* ]]; }; then
        cat "$log.err" >&2
        die "$name on $snapshot exited with status $status"
    fi
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log.time")
    cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { print s }' "$log.time")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$name" "$wall" "$rss" "$status" "$log" "$cpu" >>"$results"
}

generator_tree=$(git rev-parse HEAD:Sources/FleetAuditGenerator 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain Sources/FleetAuditGenerator 2>/dev/null)" ]; then
    generator_tree="$generator_tree-modified"
fi
for size in $sizes; do
    # The generator command and the generator's source tree (its git tree id, when this is a git
    # checkout) are the cache key: a stand-in's fleets are never taken for the real generator's,
    # and a changed generator writes new fleets instead of reusing stale ones.
    snapshot="$bench_dir/fleet-$size-seed$seed-$(printf '%s %s' "$generate" "$generator_tree" | cksum | cut -d' ' -f1)"
    if [ ! -f "$snapshot.complete" ]; then
        echo "bench: generating $size devices (seed $seed) with: $generate" >&2
        rm -rf "$snapshot" "$snapshot.partial"
        # shellcheck disable=SC2086 # $generate is a command line: split on purpose
        $generate --devices "$size" --seed "$seed" --out "$snapshot.partial" >&2 ||
            die "the generator failed; set FLEET_GENERATE (see docs/benchmarks.md)"
        mv "$snapshot.partial" "$snapshot"
        touch "$snapshot.complete"
    fi
    # Every run reads from the page cache: read the snapshot once before the first.
    find "$snapshot" -type f -exec cat {} + >/dev/null
    bytes=$(find "$snapshot" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }')
    printf '%s\tsnapshot\t%s\t%s\n' "$size" "$bytes" "$snapshot" >>"$scratch/snapshots.tsv"
    for round in $(seq 1 "$rounds"); do
        # The first round's outputs are the ones the report reads (counts, byte identity); later
        # rounds write the same bytes elsewhere and are removed.
        suffix=""
        [ "$round" -gt 1 ] && suffix="-r$round"
        measure audit-2 "$size" "$round" "$snapshot" "$fleet_audit" audit "$snapshot" \
            --out "$scratch/audit-2-$size$suffix" --workers 2 --task-id "$task_id" ${audit_flags[@]+"${audit_flags[@]}"}
        measure audit-1 "$size" "$round" "$snapshot" "$fleet_audit" audit "$snapshot" \
            --out "$scratch/audit-1-$size$suffix" --workers 1 --task-id "$task_id" ${audit_flags[@]+"${audit_flags[@]}"}
        measure floor "$size" "$round" "$snapshot" "$parse_floor" "$snapshot" --threads 2
        measure python "$size" "$round" "$snapshot" "$python" Benchmarks/baseline/audit.py "$snapshot" --processes 2
        [ -n "$suffix" ] && rm -rf "$scratch/audit-2-$size$suffix" "$scratch/audit-1-$size$suffix"
    done
done

mkdir -p "$(dirname "$report")"
# The raw measurements outlive the scratch folder, so a report can be remade from them.
cp "$results" "$bench_dir/last-results.tsv"
cp "$scratch/snapshots.tsv" "$bench_dir/last-snapshots.tsv"
"$python" Benchmarks/scripts/bench-report.py "$results" "$scratch/snapshots.tsv" "$scratch" \
    --commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Benchmarks || echo '+changes')" |
    tee "$report"
echo "bench: report written to $report" >&2
