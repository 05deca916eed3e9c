#!/usr/bin/env bash
# Runs every libFuzzer target of Tests/Fuzz/ for SECONDS seconds each (default 60), two at a
# time, with a seed corpus drawn from snapshots/. `make fuzz SECONDS=600`.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: json-stream policy x509 log-line)
# Crashing inputs land in .fuzz/<target>/artifacts/; keep each one as a regression
# test (Tests/*/Fuzz*Tests.swift) before fixing it. The grown corpus stays in
# .fuzz/<target>/corpus/ and is reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-${SECONDS_EACH:-60}}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(json-stream policy x509 log-line)
JOBS="${FUZZ_JOBS:-2}"
BUILD=.build-fuzz

# The targets are a package of their own (Tests/Fuzz/Package.swift): `-sanitize=fuzzer` never
# reaches the main package's build.
(cd Tests/Fuzz && swift build --build-path "../../$BUILD" -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library)

python3 - <<'PY'
# Seed corpora, one file per seed, from the bundled snapshots.
import base64, glob, hashlib, json, os, re

def seed(target, data):
    directory = f".fuzz/{target}/seeds"
    os.makedirs(directory, exist_ok=True)
    with open(f"{directory}/{hashlib.sha1(data).hexdigest()}", "wb") as f:
        f.write(data)

def walk(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)

snapshots = sorted(glob.glob("snapshots/*"))
for path in sorted(glob.glob("snapshots/*/**/*.json*", recursive=True)):
    data = open(path, "rb").read()
    lines = path.endswith(".jsonl")
    # Byte 0: bit 0 the form, bits 1-3 the window size (16 << n).
    for window in (0, 3, 7):
        seed("json-stream", bytes([(window << 1) | lines]) + data)
    try:
        documents = [json.loads(l) for l in data.splitlines() if l.strip()] if lines else [json.loads(data)]
    except ValueError:
        continue
    for document in documents:
        for key, value in walk(document):
            if key.lower().endswith("policydocument") or key in ("Document", "AssumeRolePolicyDocument"):
                text = value if isinstance(value, str) else json.dumps(value)
                seed("policy", text.encode())
            if key.lower().endswith("pem") and isinstance(value, str):
                seed("x509", b"\0" + value.encode())
                seed("x509", b"\3" + value.encode())
                body = re.sub(r"-----[^-]+-----|\s", "", value)
                try:
                    seed("x509", b"\1" + base64.b64decode(body))
                except ValueError:
                    pass
    if "/iot-logs/" in path:
        for document in documents:
            if lines:
                seed("log-line", b"\0" + json.dumps(document).encode())
                seed("log-line", b"\2" + json.dumps(document).encode())
            else:
                for event in document.get("events", []):
                    seed("log-line", b"\1" + json.dumps(event).encode())
for path in sorted(glob.glob("snapshots/*/ca-chain/*")):
    data = open(path, "rb").read()
    seed("x509", b"\3" + data)
    seed("x509", b"\0" + data)
for path in sorted(glob.glob("snapshots/*/crls/*")):
    seed("x509", b"\2" + open(path, "rb").read())
PY

binary() {
    case "$1" in
    json-stream) echo FuzzJSONStream ;;
    policy) echo FuzzPolicy ;;
    x509) echo FuzzX509 ;;
    log-line) echo FuzzLogLine ;;
    *) echo "unknown target $1" >&2; exit 64 ;;
    esac
}

run() {
    local target="$1" exe
    exe="$BUILD/debug/$(binary "$target")"
    mkdir -p ".fuzz/$target/corpus" ".fuzz/$target/artifacts"
    # -timeout: an input that takes 10 s is a hang (bounded work is a promise);
    # -rss_limit_mb: 1 GiB per input is a leak or a blow-up.
    local status=0
    # -fork=1 with -ignore_*: a crash is saved and fuzzing goes on, so one run finds more than one.
    "$exe" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=1024 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix=".fuzz/$target/artifacts/" \
        ".fuzz/$target/corpus" ".fuzz/$target/seeds" >".fuzz/$target/log" 2>&1 || status=$?
    # The last progress line: executions, coverage, and oom/timeout/crash counts.
    echo "$target: exit $status after ${SECONDS_EACH}s: $(grep -E '^#[0-9]+:' ".fuzz/$target/log" | tail -1)"
    echo "$target: artifacts: $(ls ".fuzz/$target/artifacts" | wc -l) in .fuzz/$target/artifacts/"
    return $status
}

failed=0
pids=()
for target in "${TARGETS[@]}"; do
    binary "$target" >/dev/null
    run "$target" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$JOBS" ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
