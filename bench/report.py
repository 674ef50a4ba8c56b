"""Turns the measurements of bench/run.sh into bench/results.md.

Usage: python3 bench/report.py WORKDIR > bench/results.md
Reads WORKDIR/results.tsv, rss.tsv, sizes.tsv, machine.txt and each size's repo/estate.json.
"""

import json
import os
import sys

work = sys.argv[1]


def rows(name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


results = [
    dict(op=r[0], size=r[1], median=float(r[2]), min=float(r[3]), max=float(r[4]),
         runs=int(r[5]), files=int(r[6]), note=r[7] if len(r) > 7 else "")
    for r in rows("results.tsv")
]
rss = [dict(op=r[0], size=r[1], kib=int(r[2] or 0), code=r[3]) for r in rows("rss.tsv")]
sizes = {r[0]: dict(files=int(r[1]), bytes=int(r[2]), clusters=int(r[3])) for r in rows("sizes.tsv")}
order = [s for s in ("S", "M", "L") if s in sizes] + [s for s in sizes if s not in ("S", "M", "L")]


def med(op, size):
    for r in results:
        if r["op"] == op and r["size"] == size:
            return r["median"]
    return None


def fmt_s(x):
    if x is None:
        return "n/a"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


out = []
p = out.append
p("# fanout performance benchmark")
p("")
p("Produced by `bash bench/run.sh` (see the comment at its top for what each row measures). All times are")
p("wall-clock medians from hyperfine; the floor is `cp -r` of the very same rendered tree into a fresh")
p("directory. fanout uses every core (rayon); the peers run one cluster after another.")
p("")
p("## Machine")
p("")
p("```text")
with open(os.path.join(work, "machine.txt")) as f:
    p(f.read().rstrip())
p("```")
p("")
p("## Estates")
p("")
p("| size | clusters | workloads | input files | input MiB | output files | output MiB |")
p("|---|---:|---:|---:|---:|---:|---:|")
for s in order:
    est = {}
    path = os.path.join(work, s, "repo", "estate.json")
    if os.path.exists(path):
        with open(path) as f:
            est = json.load(f)
    p(f"| {s} | {sizes[s]['clusters']} | {est.get('workloads', '?')} | {est.get('inputFiles', '?')} | "
      f"{est.get('inputBytes', 0) / 2**20:.1f} | {sizes[s]['files']:,} | {sizes[s]['bytes'] / 2**20:.1f} |")
p("")
p("Output files count every file of the rendered tree except fanout's own `.fanout/` (one per object per")
p("cluster, plus one `kustomization.yaml` per cluster).")
p("")
p("## Timings")
p("")
p("| operation | size | median s | min–max s | runs | vs `cp -r` floor | vs fanout full render | ms per 1,000 files | note |")
p("|---|---|---:|---:|---:|---:|---:|---:|---|")
for s in order:
    floor = med("cp -r (floor)", s)
    full = med("render (full)", s)
    for r in results:
        if r["size"] != s:
            continue
        per_k = r["median"] * 1000 / (r["files"] / 1000)
        p(f"| {r['op']} | {s} | {fmt_s(r['median'])} | {fmt_s(r['min'])}–{fmt_s(r['max'])} | {r['runs']} | "
          f"{ratio(r['median'], floor)} | {ratio(r['median'], full)} | {per_k:.1f} | {r['note']} |")
p("")
if len(order) > 1:
    p("## Growth: milliseconds per 1,000 output files")
    p("")
    p("Constant along a row means the operation grows linearly with the output.")
    p("")
    p("| operation | " + " | ".join(order) + f" | {order[-1]} / {order[0]} |")
    p("|---|" + "---:|" * (len(order) + 1))
    seen = []
    for r in results:
        if r["op"] in seen:
            continue
        seen.append(r["op"])
        per = {}
        for s in order:
            m = med(r["op"], s)
            if m is not None:
                per[s] = m * 1e6 / sizes[s]["files"]
        cells = [f"{per[s]:.1f}" if s in per else "n/a" for s in order]
        growth = (f"{per[order[-1]] / per[order[0]]:.2f}×"
                  if order[0] in per and order[-1] in per and per[order[0]] else "n/a")
        p(f"| {r['op']} | " + " | ".join(cells) + f" | {growth} |")
    p("")
p("## Peak memory (GNU `/usr/bin/time`; render (full): the largest of its runs)")
p("")
ops = []
for r in rss:
    if r["op"] not in ops:
        ops.append(r["op"])
p("| operation | " + " | ".join(order) + " |")
p("|---|" + "---:|" * len(order))
for op in ops:
    cells = []
    for s in order:
        hit = [r for r in rss if r["op"] == op and r["size"] == s]
        if not hit:
            cells.append("n/a")
            continue
        r = hit[0]
        cell = f"{r['kib'] / 1024:.0f} MiB"
        if r["code"] not in ("0", "1"):
            cell += f" (exit {r['code']})"
        cells.append(cell)
    p(f"| {op} | " + " | ".join(cells) + " |")
p("")

# Targets, judged at the largest size measured.
big = order[-1] if order else None
if big:
    floor = med("cp -r (floor)", big)
    full = med("render (full)", big)
    noop = med("render (no-op)", big)
    plan = med("plan --output json", big)
    kust = med("kubectl kustomize", big)
    helms = [(op, med(op, big)) for op in ("helm 3 template", "helm 4 template") if med(op, big) is not None]
    peak = max((r["kib"] for r in rss if r["size"] == big), default=0)
    noop_note = next((r["note"] for r in results if r["op"] == "render (no-op)" and r["size"] == big), "")

    def verdict(ok):
        return "met" if ok else "**not met**"

    p(f"## Targets (size {big})")
    p("")
    p("| target | measured | |")
    p("|---|---|---|")
    if full and floor:
        p(f"| full render ≤ 1.5× the `cp -r` floor | {full / floor:.2f}× ({fmt_s(full)} s vs {fmt_s(floor)} s) | {verdict(full <= 1.5 * floor)} |")
    if noop and full:
        untouched = noop_note.startswith("0 ")
        p(f"| no-op render ≤ 15% of a full render | {100 * noop / full:.0f}% ({fmt_s(noop)} s) | {verdict(noop <= 0.15 * full)} |")
        p(f"| no-op render writes nothing | {noop_note or 'n/a'} | {verdict(untouched)} |")
    if plan is not None:
        p(f"| `plan` ≤ 1 s | {fmt_s(plan)} s | {verdict(plan <= 1.0)} |")
    if peak:
        p(f"| peak RSS ≤ 1 GiB | {peak / 1024:.0f} MiB | {verdict(peak <= 1024 * 1024)} |")
    if kust and full:
        p(f"| ≥ 10× faster than `kubectl kustomize` | {kust / full:.1f}× faster ({fmt_s(kust)} s) | {verdict(kust >= 10 * full)} |")
    for op, t in helms:
        p(f"| faster than `{op}` | {t / full:.2f}× ({fmt_s(t)} s) | {verdict(t > full)} |")
    if len(order) >= 2 and full:
        # With three sizes, the smallest is dominated by fixed start-up costs (embedded schemas, process
        # start): linearity is judged between the middle and the largest size.
        first = order[1] if len(order) >= 3 else order[0]
        f0 = med("render (full)", first)
        if f0:
            k0 = f0 / sizes[first]["files"]
            k1 = full / sizes[big]["files"]
            p(f"| linear growth {first} → {big} (full render, time per output file) | {k1 / k0:.2f}× per file ({1e6 * k0:.0f} → {1e6 * k1:.0f} µs) | {verdict(k1 <= 1.25 * k0)} |")
    p("")
    p("Linear growth counts as met when the time per output file at the largest size is at most 1.25× the")
    p("middle size's (the smallest size's when only two were run); see the growth table for every operation.")
    p("")

p("Where the time goes, and what would close the gaps: [profile.md](profile.md).")
print("\n".join(out))
