#!/usr/bin/env bash
# Re-measures the committed malloc-count thresholds in Benchmarks/Thresholds/.
#
#   Benchmarks/scripts/update-thresholds.sh
#
# Only mallocCountTotal is written: it is the same on every run of the same code
# and input, whereas times depend on the machine. package-benchmark 1.38.1's
# `thresholds update` names a file after the benchmark with spaces turned into
# `_`, but `thresholds check` looks for the name as written (ordo-one/benchmark
# issues 301 and 373), so this script writes into a scratch folder and renames
# each file to the benchmark's own name.
set -euo pipefail

cd "$(dirname "$0")/.."
scratch=".build/thresholds-update"
rm -rf "$scratch"
mkdir -p "$scratch" Thresholds
trap 'rm -rf "$scratch"' EXIT

swift package --allow-writing-to-package-directory benchmark thresholds update \
    --metric mallocCountTotal --path "$scratch" --no-progress >/dev/null

# "Target 'ReaderBenchmarks' available benchmarks:" followed by one name a line.
target=""
while IFS= read -r line; do
    if [[ "$line" =~ ^Target\ \'(.+)\'\ available\ benchmarks:$ ]]; then
        target="${BASH_REMATCH[1]}"
    elif [ -z "$line" ]; then
        target=""
    elif [ -n "$target" ]; then
        slug="${line// /_}"
        slug="${slug//\//_}"
        written="$scratch/$target.$slug.p90.json"
        [ -f "$written" ] || { echo "no thresholds written for $target: $line" >&2; exit 1; }
        mv "$written" "Thresholds/$target.$line.p90.json"
        echo "Thresholds/$target.$line.p90.json: $(tr -d ' \n' <"Thresholds/$target.$line.p90.json")"
    fi
done < <(swift package benchmark list 2>/dev/null)
