#!/usr/bin/env bash
# Writes a help2man include file with one section per lskd subcommand, its --help as written, so `man lskd`
# documents every flag. The subcommands are read from `lskd --help`, so a new one needs no edit here.
# Usage: man_subcommands.sh LSKD OUT
set -euo pipefail
lskd=$1
out=$2
{
    echo "[SUBCOMMANDS]"
    "$lskd" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}' | while read -r sub; do
        echo ".SS \"lskd $sub\""
        echo ".nf"
        # roff reads a leading . or ' as a request and \ as an escape.
        "$lskd" "$sub" --help | sed -e 's|^Usage: [^ ]*|Usage: lskd|' -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
        echo ".fi"
    done
} >"$out.tmp"
mv "$out.tmp" "$out"
