"""Turns the measurements of bench/run.sh into bench/results.md.

Usage: python3 bench/report.py WORKDIR > bench/results.md
Reads WORKDIR/results.tsv, rss.tsv, sizes.tsv, facts.tsv, machine.txt and estate-SIZE.json (a copy of
each size's repo/estate.json, which is read instead when the copy is missing).
Any of them may be missing or partial (a size not run, a row skipped): what is missing prints "n/a" in
the timings and "not run" in the targets and growth tables.

Sections: the machine, the estates, the timings, the targets of issue #15 (each with the size it is
judged at, the measured figure, and met or not met with the gap), growth from size to size (placement
per million workload × cluster pairs, writing per 1,000 output files), every operation per output file,
and peak memory.
"""

import json
import os
import sys

work = sys.argv[1]
SIZES = ("S", "M", "L", "XL")


def rows(name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def num(x, kind=int):
    try:
        return kind(x)
    except (TypeError, ValueError):
        return None


results = [
    dict(op=r[0], size=r[1], median=float(r[2]), min=float(r[3]), max=float(r[4]),
         runs=int(r[5]), files=int(r[6]), note=r[7] if len(r) > 7 else "")
    for r in rows("results.tsv")
]
rss = [dict(op=r[0], size=r[1], kib=num(r[2]) or 0, code=r[3] if len(r) > 3 else "") for r in rows("rss.tsv")]
sizes = {r[0]: dict(files=num(r[1]), bytes=num(r[2]) if len(r) > 2 else None, clusters=num(r[3]) if len(r) > 3 else None)
         for r in rows("sizes.tsv")}
facts = {}
for r in rows("facts.tsv"):
    if len(r) >= 3:
        facts[(r[0], r[1])] = r[2]
order = [s for s in SIZES if s in sizes] + [s for s in sizes if s not in SIZES]
estates = {}
for s in order:
    for path in (os.path.join(work, f"estate-{s}.json"), os.path.join(work, s, "repo", "estate.json")):
        if os.path.exists(path):
            with open(path) as f:
                estates[s] = json.load(f)
            break


def med(op, size):
    for r in results:
        if r["op"] == op and r["size"] == size:
            return r["median"]
    return None


def peak(op, size):
    """Peak RSS in KiB of a row (None when not measured or not recorded)."""
    for r in rss:
        if r["op"] == op and r["size"] == size and r["kib"]:
            return r["kib"]
    return None


def fact(size, key, kind=int):
    return num(facts.get((size, key)), kind)


def pairs(size):
    """Workloads × clusters of an estate, or None."""
    e = estates.get(size)
    if not e or "workloads" not in e or "clusters" not in e:
        return None
    return e["workloads"] * e["clusters"]


def fmt_s(x):
    if x is None:
        return "n/a"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_mib(kib):
    return f"{kib / 1024:.0f} MiB" if kib < 1024 * 1024 else f"{kib / 1024 / 1024:.2f} GiB"


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
p("directory. fanout uses every core (rayon); the peers run one cluster after another. Size XL is opt-in")
p("(`SIZES=\"S M L XL\"`) and never written in full: only `validate`, `plan` and the one-cluster rows.")
p("")
p("## Machine")
p("")
p("```text")
machine = os.path.join(work, "machine.txt")
if os.path.exists(machine):
    with open(machine) as f:
        p(f.read().rstrip())
p("```")
p("")
p("## Estates")
p("")
p("| size | clusters | workloads | workloads × clusters | input files | input MiB | output files | output MiB |")
p("|---|---:|---:|---:|---:|---:|---:|---:|")
for s in order:
    est = estates.get(s, {})
    z = sizes[s]
    files = f"{z['files']:,}" if z["files"] is not None else "?"
    if z["bytes"] is None:
        files += " (planned, not written)"
    mib = f"{z['bytes'] / 2**20:.1f}" if z["bytes"] is not None else "n/a"
    pr = pairs(s)
    p(f"| {s} | {est.get('clusters', z['clusters'] or '?')} | {est.get('workloads', '?')} | "
      f"{f'{pr:,}' if pr else '?'} | {est.get('inputFiles', '?')} | {est.get('inputBytes', 0) / 2**20:.1f} | "
      f"{files} | {mib} |")
p("")
p("Output files count every file of the rendered tree except fanout's own `.fanout/` (one per object per")
p("cluster, plus one `kustomization.yaml` per cluster); where the tree is not written (XL) they are counted")
p("from `plan --output json` (one per cluster an object lands on, plus one per cluster).")
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
        per_k = f"{r['median'] * 1e6 / r['files']:.1f}" if r["files"] else "n/a"
        p(f"| {r['op']} | {s} | {fmt_s(r['median'])} | {fmt_s(r['min'])}–{fmt_s(r['max'])} | {r['runs']} | "
          f"{ratio(r['median'], floor)} | {ratio(r['median'], full)} | {per_k} | {r['note']} |")
p("")

# --- targets ----------------------------------------------------------------------------------------------
# Each target: what, the size it is judged at, the measured figure and the verdict. A target whose size (or
# one of whose rows) was not run prints "not run".
p("## Targets")
p("")
p("The targets of issue #15 (2-core machine), then the earlier ones this benchmark keeps. Each is judged at")
p("the size it names; \"not run\" means that size (or a row it needs) was not measured.")
p("")
p("| target | size | measured | verdict |")
p("|---|---|---|---|")
NOT_RUN = ("not run", "not run")


def verdict(value, limit, unit=""):
    """Smaller is better: met, or not met with how far over the target the figure is."""
    if value <= limit:
        return "met"
    over = value - limit
    gap = f"{value / limit:.1f}× the target" if limit > 0 else "over the target"
    if unit == "s":
        gap += f" (+{fmt_s(over)} s)"
    elif unit == "KiB":
        gap += f" (+{fmt_mib(over)})"
    return f"**not met**: {gap}"


def target(what, size, measured_verdict):
    m, v = measured_verdict if measured_verdict else NOT_RUN
    p(f"| {what} | {size} | {m} | {v} |")


def time_target(op, size, limit):
    t = med(op, size)
    if t is None:
        return None
    return f"{fmt_s(t)} s", verdict(t, limit, "s")


def rss_target(op, size, limit_kib):
    k = peak(op, size)
    if k is None:
        return None
    return fmt_mib(k), verdict(k, limit_kib, "KiB")


target("`plan --output json` ≤ 5 s", "XL", time_target("plan --output json", "XL", 5.0))
target("`plan --output json` peak RSS ≤ 1 GiB", "XL", rss_target("plan --output json", "XL", 1024 * 1024))
target("`render --cluster ONE --stdout`, cold ≤ 5 s", "XL",
       time_target("render --cluster ONE --stdout (cold)", "XL", 5.0))
target("`render --cluster ONE --stdout`, nothing changed since the last call ≤ 0.5 s", "XL",
       time_target("render --cluster ONE --stdout (repeated)", "XL", 0.5))
target("`argocd-generate`, cold ≤ 5 s", "XL", time_target("argocd-generate (cold)", "XL", 5.0))
target("`argocd-generate`, nothing changed since the last call ≤ 0.5 s", "XL",
       time_target("argocd-generate (repeated)", "XL", 0.5))
target("`validate` ≤ 3 s", "XL", time_target("validate", "XL", 3.0))


def k_changed(size):
    t = med("render (k changed)", size)
    full = med("render (full)", size)
    floor = med("cp -r (floor)", size)
    files = sizes.get(size, {}).get("files")
    changed = fact(size, "k changed files")
    if None in (t, full, floor, files, changed) or not files:
        return None
    per_file = floor / files
    budget = 0.15 * full + changed * per_file
    k = fact(size, "k")
    return (f"{fmt_s(t)} s (k = {k}: {changed:,} files); budget 0.15 × {fmt_s(full)} s + {changed:,} files × "
            f"{per_file * 1e6:.0f} µs = {fmt_s(budget)} s", verdict(t, budget, "s"))


target("render changing k files ≤ 15% of a full render plus writing the files that change (at the `cp -r` "
       "floor's time per file)", "L", k_changed("L"))
target("`plan --output json` ≤ 0.5 s", "L", time_target("plan --output json", "L", 0.5))


def full_vs_floor(size):
    full, floor = med("render (full)", size), med("cp -r (floor)", size)
    if full is None or not floor:
        return None
    return f"{full / floor:.2f}× ({fmt_s(full)} s vs {fmt_s(floor)} s)", verdict(full / floor, 1.0)


def noop_share(size):
    noop, full = med("render (no-op)", size), med("render (full)", size)
    if noop is None or not full:
        return None
    return f"{100 * noop / full:.1f}% ({fmt_s(noop)} s of {fmt_s(full)} s)", verdict(noop / full, 0.05)


def noop_writes(size):
    n = fact(size, "no-op entries changed")
    if n is None:
        return None
    return f"{n} entries of the tree changed over all runs", "met" if n == 0 else "**not met**"


def rss_all(size, limit_kib):
    hits = [(r["kib"], r["op"]) for r in rss if r["size"] == size and r["kib"]]
    if not hits:
        return None
    k, op = max(hits)
    return f"{fmt_mib(k)} ({op})", verdict(k, limit_kib, "KiB")


target("full render ≤ 1.0× the `cp -r` floor", "L", full_vs_floor("L"))
target("no-op render ≤ 5% of a full render", "L", noop_share("L"))
target("no-op render writes nothing", "L", noop_writes("L"))
target("peak RSS ≤ 512 MiB (the largest of every fanout row)", "L", rss_all("L", 512 * 1024))


def faster(peer, times):
    t, full = med(peer, "L"), med("render (full)", "L")
    if t is None or not full:
        return None
    return f"{t / full:.1f}× faster ({fmt_s(t)} s)", verdict(times * full, t)


target("≥ 10× faster than `kubectl kustomize` (full render)", "L", faster("kubectl kustomize", 10))
target("faster than `helm 3 template` (full render)", "L", faster("helm 3 template", 1))
target("faster than `helm 4 template` (full render)", "L", faster("helm 4 template", 1))


def per_unit(op, size, unit):
    """Seconds of a row per unit: per million pairs ("pairs") or per 1,000 output files ("files")."""
    t = med(op, size)
    if t is None:
        return None
    if unit == "pairs":
        n = pairs(size)
        return t / (n / 1e6) if n else None
    n = sizes.get(size, {}).get("files")
    return t / (n / 1e3) if n else None


def growth(op, unit):
    """Step ratios of the cost per unit between consecutive sizes measured; judged on the largest step."""
    measured = [s for s in order if per_unit(op, s, unit)]
    if len(measured) < 2:
        return None
    steps = [(a, b, per_unit(op, b, unit) / per_unit(op, a, unit)) for a, b in zip(measured, measured[1:])]
    worst = max(x for _, _, x in steps)
    text = ", ".join(f"{a} → {b} {x:.2f}×" for a, b, x in steps)
    return text, verdict(worst, 1.25)


target("placement grows linearly in workloads × clusters: `plan --output json` time per million pairs, each "
       "step ≤ 1.25×", "every size run", growth("plan --output json", "pairs"))
target("writing grows linearly in the output: full render time per output file, each step ≤ 1.25×",
       "every size run", growth("render (full)", "files"))
p("")
p("A growth step compares the cost per unit at one size with the previous size run; start-up costs make")
p("small sizes dearer per unit, so steps from S are usually below 1×. Linear growth is a step of about 1×.")
p("")

# --- growth ----------------------------------------------------------------------------------------------
p("## Growth")
p("")
p("Placement grows with workloads × clusters, writing with the output: constant down a column means")
p("linear growth. Per million workload × cluster pairs: `validate`, `plan --output json` (time and peak")
p("RSS) and one cluster's `render --cluster ONE --stdout` (cold; it places every workload); per 1,000")
p("output files: the full render and its `cp -r` floor.")
p("")
p("| size | workloads × clusters | output files | validate, ms per M pairs | plan, ms per M pairs | "
  "plan peak RSS, MiB per M pairs | one cluster cold, ms per M pairs | full render, ms per 1,000 files | "
  "`cp -r`, ms per 1,000 files |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|")


def fmt_n(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def growth_cells(s):
    pr = pairs(s)
    files = sizes.get(s, {}).get("files")

    def cell(op, unit):
        v = per_unit(op, s, unit)
        return fmt_n(v * 1e3) if v is not None else "n/a"

    k = peak("plan --output json", s)
    return dict(
        pairs=pr, files=files,
        cells=[cell("validate", "pairs"), cell("plan --output json", "pairs"),
               fmt_n(k / 1024 / (pr / 1e6)) if k and pr else "n/a",
               cell("render --cluster ONE --stdout (cold)", "pairs"),
               cell("render (full)", "files"), cell("cp -r (floor)", "files")],
    )


for s in SIZES:
    if s not in sizes:
        p(f"| {s} | not run | | | | | | | |")
        continue
    g = growth_cells(s)
    e = estates.get(s, {})
    pr = f"{e['workloads']:,} × {e['clusters']:,} = {g['pairs']:,}" if g["pairs"] else "?"
    files = f"{g['files']:,}" if g["files"] is not None else "?"
    if sizes[s]["bytes"] is None:
        files += " (planned)"
    p(f"| {s} | {pr} | {files} | " + " | ".join(g["cells"]) + " |")
run_sizes = [s for s in SIZES if s in sizes]
for a, b in zip(run_sizes, run_sizes[1:]):
    ga, gb = growth_cells(a), growth_cells(b)
    cells = []
    for x, y in zip(ga["cells"], gb["cells"]):
        try:
            cells.append(f"{float(y.replace(',', '')) / float(x.replace(',', '')):.2f}×")
        except (ValueError, ZeroDivisionError):
            cells.append("n/a")
    pr = f"{gb['pairs'] / ga['pairs']:.1f}× the pairs" if ga["pairs"] and gb["pairs"] else ""
    fl = f"{gb['files'] / ga['files']:.1f}× the files" if ga["files"] and gb["files"] else ""
    p(f"| {a} → {b} | {pr} | {fl} | " + " | ".join(cells) + " |")
p("")

# --- every operation per output file ----------------------------------------------------------------------
if len(order) > 1:
    p("## Every operation: milliseconds per 1,000 output files")
    p("")
    p("Constant along a row means the operation grows linearly with the output (for placement-bound rows,")
    p("see the growth table above).")
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
            if m is not None and sizes[s]["files"]:
                per[s] = m * 1e6 / sizes[s]["files"]
        cells = [f"{per[s]:.1f}" if s in per else "n/a" for s in order]
        growth_x = (f"{per[order[-1]] / per[order[0]]:.2f}×"
                    if order[0] in per and order[-1] in per and per[order[0]] else "n/a")
        p(f"| {r['op']} | " + " | ".join(cells) + f" | {growth_x} |")
    p("")

# --- peak memory -----------------------------------------------------------------------------------------
p("## Peak memory (GNU `/usr/bin/time`; render (full): the largest of its runs; cold and repeated: the")
p("first and second call into a fresh cache directory)")
p("")
ops = []
for r in results + rss:
    if r["op"] not in ops and any(x["op"] == r["op"] for x in rss):
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
        cell = fmt_mib(r["kib"]) if r["kib"] else "?"
        if r["code"] not in ("0", "1"):
            cell += f" (exit {r['code']})"
        cells.append(cell)
    p(f"| {op} | " + " | ".join(cells) + " |")
p("")
p("Where the time goes, and what would close the gaps: [profile.md](profile.md).")
print("\n".join(out))
