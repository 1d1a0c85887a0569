#!/bin/sh
# A grid suite under mpirun: the configurations are spread over the ranks
# (every rank computes some: the rank column), and the rows are the same as a
# one-process run's (training and scoring depend on the configuration only).
# usage: suite_grid.sh HYPERSEP CONFIG MPIEXEC NPFLAG [FLAGS...]
set -eu
hs=$1 conf=$2 mpiexec=$3 npflag=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
. "$(cd "$(dirname "$0")/.." && pwd)/results_layout.sh"
results_layout "$hs" "$tmp/layout" || exit 1
# Deterministic columns: all but the times and the provenance (results_layout.sh).
rows() { sep_rows "$1"; }

HYPERSEP_MPI=0 "$hs" suite separation --config "$conf" --out "$tmp/serial" >"$tmp/serial.tsv" 2>"$tmp/err"
rows "$tmp/serial/separation.csv" >"$tmp/serial.rows"
# The grid of tests/fixtures/tiny_separation.conf: 2 k x 2 ell x 6 or 7 models
# (tableau for k = 2 only), the LSTM at two sizes: 26 rows of nf fields; the
# summary has a header and one line per (k, ell, model): 22.
[ "$(wc -l <"$tmp/serial.rows")" -eq 26 ] || fail "serial run: $(wc -l <"$tmp/serial.rows") rows, expected 26"
sep_whole "$tmp/serial/separation.csv" || fail "serial run: a row without $nf fields"
[ "$(wc -l <"$tmp/serial.tsv")" -eq 23 ] || fail "serial summary: $(wc -l <"$tmp/serial.tsv") lines, expected 23"
for np in 2 4; do
    "$mpiexec" "$npflag" "$np" "$@" "$hs" suite separation --config "$conf" --out "$tmp/np$np" \
        >"$tmp/np$np.tsv" 2>>"$tmp/err" || fail "np=$np: $(tail -3 "$tmp/err")"
    rows "$tmp/np$np/separation.csv" | cmp -s - "$tmp/serial.rows" || fail "np=$np: rows differ from one process"
    cmp -s "$tmp/np$np.tsv" "$tmp/serial.tsv" || fail "np=$np: summary differs from one process (or printed twice)"
    used=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "rank") r = i; if ($i == "ranks") p = i }; next }
                    r && p { print $r "/" $p }' "$tmp/np$np/separation.csv" | sort -u | wc -l)
    [ "$used" -eq "$np" ] || fail "np=$np: rows come from $used ranks, expected all $np"
done
echo "suite_grid: ok"
