#!/usr/bin/env bash
# Release wheels: a manylinux wheel of the `fanout` binary per target, built with maturin and zig
# (zig links against an old glibc, so one wheel runs on every Linux distribution with glibc >= 2.17),
# then checked: the newest glibc symbol version the binary needs must not exceed the wheel's tag.
#
#   scripts/release.sh                          # x86_64, into dist/
#   TARGETS="x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu" scripts/release.sh
#
# Needs: a Rust toolchain with the targets (`rustup target add ...`), python3, objdump (binutils).
# Installs maturin and ziglang (the zig compiler, from the Python package index) with pip if missing.
# Publishing the wheels (`maturin upload dist/*` or `twine upload dist/*`) is left to the maintainer.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=${TARGETS:-x86_64-unknown-linux-gnu}
compat=${COMPATIBILITY:-manylinux2014}   # manylinux2014 = manylinux_2_17: glibc 2.17
max_glibc=${MAX_GLIBC:-2.17}
out=${OUT:-dist}

pip_install() { python3 -m pip install --quiet --disable-pip-version-check "$@"; }
command -v maturin >/dev/null || pip_install "maturin>=1.5,<2"
python3 -c "import ziglang" 2>/dev/null || pip_install ziglang
if command -v pyenv >/dev/null; then pyenv rehash; fi

mkdir -p "$out"
for target in $targets; do
    echo "== $target ($compat)"
    maturin build --release --locked --strip --target "$target" --zig --compatibility "$compat" --out "$out"
    bin="target/$target/release/fanout"
    # GLIBC_2.xx versions the binary references; the newest must be <= max_glibc.
    needed=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n -u | tail -1)
    if [ -z "$needed" ]; then
        echo "error: no glibc symbol versions found in $bin (objdump -T)" >&2
        exit 1
    fi
    echo "$bin needs glibc $needed (allowed: $max_glibc)"
    newest=$(printf '%s\n%s\n' "$needed" "$max_glibc" | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)
    if [ "$newest" != "$max_glibc" ]; then
        echo "error: $bin needs glibc $needed, newer than $max_glibc ($compat)" >&2
        exit 1
    fi
done
# The source distribution, for platforms without a wheel (pip then builds it with Rust).
maturin sdist --out "$out"
ls -l "$out"
