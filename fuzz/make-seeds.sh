#!/bin/sh
# Rebuild fuzz/seeds/ from the fixtures and the example repository.
#   parse, validate: one seed per YAML file (and template) under fixtures/*/repo and examples/multicloud
#   compile: one seed per repository, its files joined by NUL bytes (the compile target's file separator),
#            templates prefixed with a `{#` comment (how the target recognises them), at most 8 files
#            (the rest joined into the last one as more YAML documents)
# Files over 64 KiB are left out.
set -eu
cd "$(dirname "$0")/.."
rm -rf fuzz/seeds
mkdir -p fuzz/seeds/parse fuzz/seeds/validate fuzz/seeds/compile

repo_files() {
    find "$1" -path "$1/rendered" -prune -o -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.yaml.j2' -o -name '*.yml.j2' \) -size -65k -print | LC_ALL=C sort
}

for repo in fixtures/*/repo examples/multicloud; do
    case "$repo" in
        examples/*) name=example ;;
        *) name=$(basename "$(dirname "$repo")") ;;
    esac
    n=0
    seed=fuzz/seeds/compile/seed-$name
    : > "$seed"
    for f in $(repo_files "$repo"); do
        rel=$(printf '%s' "${f#"$repo"/}" | tr '/' '_')
        cp "$f" "fuzz/seeds/parse/seed-$name-$rel"
        cp "$f" "fuzz/seeds/validate/seed-$name-$rel"
        [ "$(basename "$f")" = fanout.yaml ] && continue
        case "$f" in
            *.j2) template=1 ;;
            *) template=0 ;;
        esac
        if [ "$n" -gt 0 ] && { [ "$n" -lt 8 ] || [ "$template" = 1 ]; }; then
            printf '\0' >> "$seed"
        elif [ "$n" -ge 8 ]; then
            printf '\n---\n' >> "$seed"
        fi
        if [ "$template" = 1 ] && [ "$(head -c 2 "$f")" != '{#' ]; then
            printf '{# template #}\n' >> "$seed"
        fi
        cat "$f" >> "$seed"
        n=$((n + 1))
    done
    [ -s "$seed" ] || rm "$seed"
done
du -sh fuzz/seeds
