#!/bin/sh
# Prints a 1 MiB YAML file whose aliases stay far below `maxAliasNodes` (3,300 nodes) but copy a 1 MiB
# scalar 3,300 times: 3.4 GB of strings.
printf 'a: &a "'
head -c 1048576 /dev/zero | tr '\0' x
printf '"\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
printf 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n'
printf 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n'
printf 'e: [*d, *d]\n'
