#!/bin/sh
# Prints a 10 MiB YAML file: a 10 MiB scalar inside 100 nested sequences, each with an anchor and no
# alias. Every anchor keeps its own copy of its subtree: 1 GB.
i=0; while [ $i -lt 100 ]; do printf '&a%d [' $i; i=$((i + 1)); done
printf '"'; head -c 10485760 /dev/zero | tr '\0' x; printf '"'
i=0; while [ $i -lt 100 ]; do printf ']'; i=$((i + 1)); done
printf '\n'
