#!/usr/bin/env bash
# Maximum resident set size of the streaming reader against whole-file parsing,
# for docs/benchmarks.md. Generates policies.json-shaped files (object form and
# JSON Lines) of each size, runs stream-rss on each under `/usr/bin/time -v`,
# prints one Markdown table row per run, and deletes the files afterwards.
#
#   Benchmarks/scripts/measure-rss.sh [SIZE ...]     (default: 10M 100M 1G; powers of 1024)
#
# WORK_DIR (default /tmp/fleetaudit-rss) holds the files while they are measured;
# each size's pair is deleted right after. Needs GNU time (/usr/bin/time, Debian
# package `time`), bc, about 2.2 GB of disk for the 1G pair, and about 4 GB of
# memory for the whole-file parses of the 1G file.
set -euo pipefail

cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10M 100M 1G)
work="${WORK_DIR:-/tmp/fleetaudit-rss}"

swift build -c release --product stream-rss >/dev/null
swift build -c release --product generate-policies >/dev/null
bin="$(swift build -c release --show-bin-path)"

mkdir -p "$work"
cleanup() {
    rm -f "$work/time.log"
    rm -f "$work"/policies-*.json "$work"/policies-*.jsonl
    rmdir "$work" 2>/dev/null || true
}
trap cleanup EXIT

# run LABEL FILE MODE [OPTIONS...]: one table row.
run() {
    local label="$1" file="$2" mode="$3"
    shift 3
    local log="$work/time.log"
    local out
    out="$(/usr/bin/time -v -o "$log" "$bin/stream-rss" "$mode" "$file" "$@")"
    local rss_kb elapsed cpu
    rss_kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
    elapsed="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")"
    cpu="$(awk -F': ' '/User time|System time/ {sum += $2} END {printf "%.2f", sum}' "$log")"
    local bytes elements rate
    bytes="$(stat -c %s "$file")"
    elements="$(sed -n 's/^[^:]*: \([0-9]*\) elements.*/\1/p' <<<"$out")"
    rate="$(sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p' <<<"$out")"
    printf '| %s | %s | %s | %s | %s | %s | %s | %.1f |\n' \
        "$label" "$mode" "$bytes" "$elements" "$rate" "$elapsed" "$cpu" "$(bc -l <<<"$rss_kb / 1024")"
}

echo "| file | mode | bytes | elements | MB/s (wall) | elapsed | CPU s (user+sys) | max RSS (MiB) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
"$bin/generate-policies" "$work/policies-floor.json" --count 1 >/dev/null
run "1 policy version (floor)" "$work/policies-floor.json" stream
run "1 policy version (floor)" "$work/policies-floor.json" load-file
rm -f "$work/policies-floor.json"
for size in "${sizes[@]}"; do
    "$bin/generate-policies" "$work/policies-$size.json" --bytes "$size" >/dev/null
    "$bin/generate-policies" "$work/policies-$size.jsonl" --bytes "$size" --form lines >/dev/null
    run "policies.json $size" "$work/policies-$size.json" stream --form object
    run "policies.jsonl $size" "$work/policies-$size.jsonl" stream --form lines
    run "policies.json $size" "$work/policies-$size.json" load-file
    run "policies.json $size" "$work/policies-$size.json" parse-whole
    rm -f "$work/policies-$size.json" "$work/policies-$size.jsonl"
done
