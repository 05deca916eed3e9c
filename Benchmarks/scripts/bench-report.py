#!/usr/bin/env python3
"""Turns the measurements of Benchmarks/scripts/fleet-bench.sh into the Markdown report of
`make bench`: one row per run, the ratios of issue 9's target table, and the per-check
agreement between fleet-audit and the Python baseline.

    bench-report.py RESULTS.tsv SNAPSHOTS.tsv SCRATCH_DIR [--commit REV]

RESULTS.tsv: size, run, wall seconds, max RSS (KiB), exit status, log prefix, CPU seconds
(user + system), one line per run.
SNAPSHOTS.tsv: size, "snapshot", bytes, snapshot path (its expected-counts.json, written by
`fleet-audit generate`, is compared too when present). SCRATCH_DIR holds the audits' --out directories
(audit-2-SIZE, audit-1-SIZE) and each run's stdout (LOG.out).
"""

import argparse
import datetime
import filecmp
import json
import os
import platform


RUN_ORDER = ("audit-2", "audit-1", "floor", "python")


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def audit_numbers(directory):
    """Resources (sum of totalResourcesCount), findings and per-check counts of one audit."""
    with open(os.path.join(directory, "audit-task.json"), "rb") as f:
        task = json.load(f)
    details = task.get("auditDetails", {})
    with open(os.path.join(directory, "findings.json"), "rb") as f:
        findings = len(json.load(f).get("findings", []))
    resources = sum(d.get("totalResourcesCount", 0) for d in details.values())
    return resources, findings, details


def fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def ratio_cell(value, required, aim=None, lower_is_better=False, digits=2):
    if value is None:
        return "—"
    passed = value <= required if lower_is_better else value >= required
    reached = aim is not None and (value <= aim if lower_is_better else value > aim)
    mark = "aim met" if reached else "met" if passed else "NOT met"
    return f"{value:.{digits}f}× ({mark})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("snapshots")
    parser.add_argument("scratch")
    parser.add_argument("--commit", default="?")
    args = parser.parse_args()

    snapshot_bytes, expected = {}, {}
    for size, _, b, path in read_tsv(args.snapshots):
        snapshot_bytes[int(size)] = int(b)
        try:
            with open(os.path.join(path, "expected-counts.json"), "rb") as f:
                expected[int(size)] = {c["checkName"]: c for c in json.load(f)["checks"]}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    # With BENCH_ROUNDS > 1 a run has a line a round: the report takes its fastest round (the one
    # the shared machine disturbed least), with the largest peak RSS of all its rounds.
    runs, rounds = {}, {}
    for size, name, wall, rss, status, log, cpu in read_tsv(args.results):
        key = (int(size), name)
        row = {"wall": float(wall), "rss": int(rss) / 1024, "status": int(status), "log": log, "cpu": float(cpu)}
        rounds.setdefault(key, []).append(row)
        if key not in runs or row["wall"] < runs[key]["wall"]:
            runs[key] = dict(row, rss=max(row["rss"], runs[key]["rss"]) if key in runs else row["rss"])
        else:
            runs[key]["rss"] = max(runs[key]["rss"], row["rss"])
        if row["status"] != 0:
            runs[key]["status"] = max(runs[key]["status"], row["status"])
    sizes = sorted(snapshot_bytes)

    lines = []
    out = lines.append
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"]
    out(f"Fleet benchmark, {now}, commit `{args.commit}`, {os.cpu_count()} CPUs, "
        f"load average at the end {' '.join(load)}, {platform.python_implementation()} {platform.python_version()}.")
    out("")
    out("| devices | snapshot MB | run | wall s | CPU s | MB/s | resources/s | findings/s | peak RSS MB | exit |")
    out("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    audits = {}
    for size in sizes:
        mb = snapshot_bytes[size] / 1e6
        for name in RUN_ORDER:
            run = runs.get((size, name))
            if run is None:
                continue
            resources = findings = None
            if name.startswith("audit-"):
                resources, findings, details = audit_numbers(os.path.join(args.scratch, f"{name}-{size}"))
                audits[(size, name)] = details
            elif name == "python":
                with open(run["log"] + ".out") as f:
                    checks = json.load(f)["checks"]
                run["checks"] = checks
                resources = sum(c["totalResourcesCount"] for c in checks.values())
                findings = None  # the baseline counts resources, not findings
            wall = run["wall"]
            out(f"| {size:,} | {mb:,.0f} | {name} | {wall:.2f} | {run['cpu']:.2f} | {fmt(mb / wall if wall else None)} | "
                f"{fmt(resources / wall if resources is not None and wall else None, 0)} | "
                f"{fmt(findings / wall if findings is not None and wall else None, 0)} | "
                f"{run['rss']:,.0f} | {run['status']} |")
    if any(len(rows) > 1 for rows in rounds.values()):
        out("")
        out(f"Each row is its run's fastest of {max(len(rows) for rows in rounds.values())} interleaved rounds "
            "(peak RSS: the largest of them); wall seconds of every round, in order:")
        out("")
        out("| devices | run | wall s, round by round |")
        out("|---:|---|---|")
        for (size, name), rows in sorted(rounds.items(), key=lambda item: (item[0][0], RUN_ORDER.index(item[0][1]))):
            walls = ", ".join(f"{row['wall']:.2f}" for row in rows)
            out(f"| {size:,} | {name} | {walls} |")
    out("")
    out("Ratios (issue 9's targets; speed ratios are the other run's wall time over `audit-2`'s):")
    out("")
    out("| devices | speed vs Python (≥ 1.5×, aim ≥ 2×) | speed vs floor (≥ 0.9×, aim > 1×) | "
        "RSS vs Python (≤ 0.10×) | 2 workers vs 1 (≥ 1.7×) | findings.json identical, 1 and 2 workers |")
    out("|---:|---|---|---|---|---|")
    for size in sizes:
        audit2, audit1 = runs.get((size, "audit-2")), runs.get((size, "audit-1"))
        floor, python = runs.get((size, "floor")), runs.get((size, "python"))
        if audit2 is None:
            continue
        identical = "—"
        if audit1 is not None:
            same = all(
                filecmp.cmp(os.path.join(args.scratch, f"audit-1-{size}", name),
                            os.path.join(args.scratch, f"audit-2-{size}", name), shallow=False)
                for name in ("findings.json", "audit-task.json")
            )
            identical = "yes (findings.json and audit-task.json)" if same else "NO"
        out(f"| {size:,} | "
            f"{ratio_cell(python['wall'] / audit2['wall'] if python else None, 1.5, 2.0)} | "
            f"{ratio_cell(floor['wall'] / audit2['wall'] if floor else None, 0.9, 1.0)} | "
            f"{ratio_cell(audit2['rss'] / python['rss'] if python else None, 0.10, lower_is_better=True)} | "
            f"{ratio_cell(audit1['wall'] / audit2['wall'] if audit1 else None, 1.7)} | {identical} |")
    out("")
    out("The same speed ratios from CPU seconds (user + system) instead of wall time, steadier when other "
        "work shares the cores (the 2-against-1 ratio needs idle cores and has no CPU-time form):")
    out("")
    out("| devices | CPU vs Python | CPU vs floor |")
    out("|---:|---|---|")
    for size in sizes:
        audit2, floor, python = runs.get((size, "audit-2")), runs.get((size, "floor")), runs.get((size, "python"))
        if audit2 is None or not audit2["cpu"]:
            continue
        out(f"| {size:,} | {fmt(python['cpu'] / audit2['cpu'] if python else None, 2)}× | "
            f"{fmt(floor['cpu'] / audit2['cpu'] if floor else None, 2)}× |")
    with_rss = [s for s in sizes if (s, "audit-2") in runs]
    if len(with_rss) >= 2:
        low, high = with_rss[0], with_rss[-1]
        growth = runs[(high, "audit-2")]["rss"] / runs[(low, "audit-2")]["rss"]
        target = "target ≤ 1.2× from 50k to 200k: " + (
            ("met" if growth <= 1.2 else "NOT met") if (low, high) == (50_000, 200_000) else "other sizes, not comparable")
        out("")
        out(f"Peak RSS growth of `audit-2` from {low:,} to {high:,} devices: {growth:.2f}× ({target}).")
        if 1_000_000 in with_rss:
            rss = runs[(1_000_000, "audit-2")]["rss"]
            out(f"Peak RSS at 1,000,000 devices: {rss:,.0f} MB (aim: under 150 MB).")

    out("")
    out("Per-check agreement (nonCompliantResourcesCount: fleet-audit / Python baseline"
        + (" / the generator's expected-counts.json" if expected else "") + "):")
    out("")
    names = sorted({name for (size, run), details in audits.items() if run == "audit-2" for name in details})
    out("| check | " + " | ".join(f"{s:,}" for s in sizes) + " |")
    out("|---|" + "---|" * len(sizes))
    for name in names:
        cells = []
        for size in sizes:
            ours = audits.get((size, "audit-2"), {}).get(name)
            theirs = runs.get((size, "python"), {}).get("checks", {}).get(name)
            planted = expected.get(size, {}).get(name)
            values = [ours.get("nonCompliantResourcesCount") if ours else None,
                      theirs["nonCompliantResourcesCount"] if theirs else None]
            if size in expected:
                values.append(planted["nonCompliantResourcesCount"] if planted else None)
            shown = [v for v in values if v is not None]
            cell = " / ".join("—" if v is None else str(v) for v in values)
            cells.append(cell + ("" if len(set(shown)) <= 1 else " (differs)"))
        out(f"| `{name}` | " + " | ".join(cells) + " |")
    out("")
    for size in sizes:
        details = audits.get((size, "audit-2"), {})
        baseline = runs.get((size, "python"), {}).get("checks", {})
        differ = [name for name in details if name in baseline
                  and details[name].get("totalResourcesCount") != baseline[name]["totalResourcesCount"]]
        compared = sum(1 for name in details if name in baseline)
        out(f"totalResourcesCount at {size:,} devices: fleet-audit and the baseline agree on "
            f"{compared - len(differ)} of {compared} checks" + (f" (differ: {', '.join(differ)})" if differ else "") + ".")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
