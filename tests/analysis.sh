#!/bin/sh
# The analysis scripts on the hand-made fixtures (tests/fixtures/*.csv):
# valid PNGs, the fitted slopes against values worked out by hand, the rows of
# results.md (smallest memory reaching epsilon, "not reached", "not run", the
# latest row of a duplicated configuration), and exit status 2 with a one-line
# message for a wrong header, a missing file, a header-only file and a bad
# number. Needs a Python with matplotlib and numpy (scripts/deps.sh analysis);
# without one it fails and says so.
# The model registry (names, classes, colours) comes from `hypersep models`.
# usage: tests/analysis.sh PATH/TO/hypersep
set -u
hs=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
py="$root/analysis/python.sh"
fx="$here/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { # check DESCRIPTION CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

"$hs" models >"$tmp/models.tsv"; st=$?
[ "$st" -eq 0 ] || { echo "FAIL: hypersep models (status $st)"; exit 1; }
# The scripts take every model's class and colour from this file: each
# model of the registry must be in it.
for m in lstm gru transformer exact presample tableau khrnn ansatz; do
    grep -q "^$m	" "$tmp/models.tsv"
    check "hypersep models lists $m" $?
done
M="--models $tmp/models.tsv"

if ! "$py" report.py --help >/dev/null 2>"$tmp/err"; then
    echo "FAIL: the analysis test needs a Python with matplotlib and numpy: $(cat "$tmp/err")"
    exit 1
fi

is_png() { # non-empty, starting with the 8-byte PNG signature
    [ -s "$1" ] && [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]
}
# slope FILE MODEL K EXPECTED: the row "MODEL<TAB>K<TAB>points<TAB>slope" of a
# script's stdout has slope EXPECTED within 1e-3 (printed with 4 decimals,
# so rounding is 5e-5; the fits themselves are exact to ~1e-15), or is "n/a".
slope() {
    awk -F'\t' -v m="$2" -v k="$3" -v want="$4" '
        $1 == m && $2 == k { found = 1
            if (want == "n/a") ok = ($4 == "n/a")
            else { d = $4 - want; ok = ($4 != "n/a" && d < 1e-3 && d > -1e-3) } }
        END { exit !(found && ok) }' "$1"
}
# fails_with DESCRIPTION MESSAGE-FRAGMENT COMMAND...: exit 2, one line on
# stderr containing the fragment, nothing on stdout.
fails_with() {
    desc=$1; msg=$2; shift 2
    "$@" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ "$rc" -eq 2 ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -qF -- "$msg" "$tmp/e"
    st=$? # before the message is built: $(...) would reset $?
    check "$desc (exit $rc: $(cat "$tmp/e"))" "$st"
}

out="$tmp/out"
# ---- plot_separation.py ----
"$py" plot_separation.py $M -o "$out" "$fx/separation.csv" >"$tmp/sep.tsv"
check "plot_separation.py runs" $?
for f in separation.png separation_excess.png; do
    is_png "$out/$f"
    check "$f is a PNG" $?
done
# Smallest memory reaching epsilon = 0.01 per (model, k), from the fixture:
# lstm k=1: h=4,8,16 at corr_length 6,12,24 -> 256, 512, 1024 bits (2h*32):
#   memory doubles when corr_length doubles, slope ln2/ln2 = 1. (ell=4 h=8
#   appears twice: 0.008 at 15:01:31, then 0.05 at 14:02:11 written after
#   it; the later timestamp wins: the results.md row for k=1 ell=4 below.)
slope "$tmp/sep.tsv" lstm 1 1.0
check "lstm k=1 slope 1" $?
# lstm k=2: (9, 256) and (14, 512); ell=10 reaches nothing (0.19, 0.08, 0.023)
#   slope ln(512/256)/ln(14/9) = 0.693147/0.441833 = 1.56880.
slope "$tmp/sep.tsv" lstm 2 1.5688
check "lstm k=2 slope ln2/ln(14/9)" $?
# gru k=1: (6, 128), (12, 128), (24, 256). Least squares in logs: x - mean =
#   (-ln2, 0, ln2), y - mean = (-ln2/3, -ln2/3, 2 ln2/3); sum xy = ln2^2,
#   sum xx = 2 ln2^2, slope 1/2.
slope "$tmp/sep.tsv" gru 1 0.5
check "gru k=1 slope 1/2 over three points" $?
# transformer k=1: 2 L d_model (ell+1) 32 bits with L=1, d_model=8:
#   1536 at corr 6 (ell=2), 2560 at corr 12 (ell=4); ell=8 reaches nothing.
#   slope ln(2560/1536)/ln(12/6) = ln(5/3)/ln2 = 0.73697.
slope "$tmp/sep.tsv" transformer 1 0.73697
check "transformer k=1 slope ln(5/3)/ln2" $?
# presample (3n bits) is exact for k=1 (product states): 6, 12, 24 -> 1.
slope "$tmp/sep.tsv" presample 1 1.0
check "presample k=1 slope 1" $?
# One point (gru k=2: only ell=3) or none (gru k=3): n/a.
slope "$tmp/sep.tsv" gru 2 n/a && slope "$tmp/sep.tsv" gru 3 n/a
check "gru k=2, k=3 slopes n/a" $?
# Quantum memory n at corr_length 3n (ell = n for k=1): slope 1.
slope "$tmp/sep.tsv" quantum 1 1.0
check "quantum k=1 slope 1" $?

# ---- plot_trainability.py ----
"$py" plot_trainability.py $M -o "$out" "$fx/trainability.csv" >"$tmp/tr.tsv"
check "plot_trainability.py runs" $?
for f in trainability_variance.png trainability_curves.png; do
    is_png "$out/$f"
    check "$f is a PNG" $?
done
# Slopes of log2 grad_var against n over n = 4, 6, 8:
# ansatz k=2: 0.08, 0.02, 0.005: a factor 1/4 per 2 sites, slope -1 (n=8
#   also has a stale row with 0.5, timestamp 14:10:00 < 15:10:30: dropped).
slope "$tmp/tr.tsv" ansatz 2 -1.0
check "ansatz k=2 log2 slope -1 (latest duplicate by timestamp)" $?
# grad_var_query is 0.7 grad_var in every fixture row: the same slope.
awk -F'\t' '$1 == "ansatz" && $2 == 2 { d = $5 + 1; ok = (d < 1e-3 && d > -1e-3) } END { exit !ok }' "$tmp/tr.tsv"
check "ansatz k=2 query log2 slope -1" $?
# ansatz k=1: 0.05, 0.025, 0.0125: a factor 1/2 per 2 sites, slope -1/2.
slope "$tmp/tr.tsv" ansatz 1 -0.5
check "ansatz k=1 log2 slope -1/2" $?
# khrnn k=2: 0.04, 0.02, 0.02: log2 - mean = (2/3, -1/3, -1/3) against
#   n - 6 = (-2, 0, 2): sum xy = -4/3 - 2/3 = -2, sum xx = 8, slope -1/4.
slope "$tmp/tr.tsv" khrnn 2 -0.25
check "khrnn k=2 log2 slope -1/4" $?
# khrnn k=1: 0.03 at every n: slope 0; khrnn k=3: one n: n/a.
slope "$tmp/tr.tsv" khrnn 1 0.0 && slope "$tmp/tr.tsv" khrnn 3 n/a
check "khrnn k=1 slope 0, k=3 n/a" $?

# ---- report.py ----
"$py" report.py $M -o "$out" --separation "$fx/separation.csv" --trainability "$fx/trainability.csv" \
    --contextuality "$fx/contextuality.csv" >"$tmp/report.md" 2>/dev/null
check "report.py runs" $?
md="$out/results.md"
has() { grep -qF -- "$1" "$md"; }
# k=1 ell=4 (n=4, corr 4+2*4=12): lstm h=8 (the latest row), gru h=4,
# transformer d_model=8 (64*8*5=2560), exact min(4, 4 log2 4)=4, presample
# 3n=12, tableau not run (k=1), khrnn n=4, lower bound binom(4,1)-1=3, n=4.
has "| 1 | 4 | 4 | 12 | 512 (h=8) | 128 (h=4) | 2560 (d_model=8, L=1) | 4 | 12 |  | 4 | 3 | 4 |"
check "results.md: k=1 ell=4 row" $?
# k=2 ell=10 (n=5, corr 20): no trained model reaches 0.01 and the largest
# size of each plateaued (the fixture's verdicts): "plateau", never a bare
# dash; the untrained presample misses (—); tableau 2n(2n+1) = 110; lower
# bound binom(5,2)-1 = 9.
has "| 2 | 10 | 5 | 20 | plateau | plateau | plateau | 10 | — | 110 | 5 | 9 | 5 |"
check "results.md: k=2 ell=10 row (not reached)" $?
# k=3: the transformer did not run (empty), the gru ran without reaching
# (its largest size plateaued).
has "| 3 | 4 | 4 | 12 | 512 (h=8) | plateau |  | 4 | — |  | 4 | 3 | 4 |"
check "results.md: k=3 row (not run vs not reached)" $?
has "| lstm | 2 | 2 | 1.5688 |" && has "| gru | 1 | 3 | 0.5000 |"
check "results.md: slopes table" $?
has "| 8 | 0.03 | 0.02 |  | 0.0125 | 0.005 |" && has "| ansatz | 2 | 3 | -1.0000 | 0.5 | -1.0000 | 0.5 |"
check "results.md: variance table and decay rates" $?
has "| 2 | 4 | 6 | 1 | 400 | 2.1e-09 | 0.741 | 6.4 | 200 |" && has "| 3 | 5 | 10 | 1 | 400 | 6.5e-07 |"
check "results.md: final excess of the curves" $?
# k=2 n=4: the latest row says 8 of 8 states infeasible (a stale row says 5).
has "| 2 | 4 | 2 | Z;X;Y | 8 | 1 | 81 | 1297 x 4096 | 8/8 | 0.12 | 0 | 0.35 | 0.22 | 12 | 6 | 1.9 |"
check "results.md: contextuality row (latest duplicate)" $?
has "separation.csv (79 rows); 78 configurations, 1 superseded duplicate(s) dropped; git_rev 14f1957;" &&
    has "; host node01, node02; trainability:"
check "results.md: provenance line" $?
for f in separation.png separation_excess.png trainability_variance.png trainability_curves.png; do
    has "($f)"
    check "results.md links $f" $?
done
# stdout: the separation summary table, the same lines as in results.md.
[ "$(wc -l <"$tmp/report.md")" -eq 9 ] && while IFS= read -r l; do has "$l" || exit 1; done <"$tmp/report.md"
check "report.py prints the separation summary table" $?

# The summary of `hypersep suite summary` (suites/sepsum.c) and of the
# analysis (suite_csv.summary_tsv) are the same lines, in any order.
mkdir -p "$tmp/sum"
cp "$fx/separation.csv" "$tmp/sum/"
"$hs" suite summary --out "$tmp/sum" >/dev/null 2>"$tmp/e"; st=$?
"$py" report.py $M -o "$tmp/sumpy" --separation "$fx/separation.csv" --summary-tsv "$tmp/sum/py.tsv" \
    >/dev/null 2>&1; pst=$?
[ "$st" -eq 0 ] && [ "$pst" -eq 0 ] && [ "$(wc -l <"$tmp/sum/py.tsv")" -gt 40 ] &&
    [ "$(sort "$tmp/sum/separation_summary.tsv")" = "$(sort "$tmp/sum/py.tsv")" ]
same=$?
check "C and Python separation summaries agree (status $st, $pst): $(diff "$tmp/sum/separation_summary.tsv" "$tmp/sum/py.tsv" | head -4)" $same

# The same rows split over two files (a header each; the stale duplicate, row
# 18, in the second) give the same separation section (without plot links).
head -n 17 "$fx/separation.csv" >"$tmp/part1.csv"
{ head -n 1 "$fx/separation.csv"; tail -n +18 "$fx/separation.csv"; } >"$tmp/part2.csv"
"$py" report.py $M -o "$tmp/out2" --separation "$tmp/part1.csv" "$tmp/part2.csv" >/dev/null 2>&1
section() { awk '/^## /{on = ($0 == "## Separation")} on && !/^!\[/' "$1"; }
[ -n "$(section "$md")" ] && [ "$(section "$md")" = "$(section "$tmp/out2/results.md")" ] &&
    grep -qF "separation: $tmp/part1.csv (16 rows), $tmp/part2.csv (63 rows); 78 configurations" \
        "$tmp/out2/results.md"
check "two files merged give the same tables" $?

# ---- grid_cost.py ----
# Fixture: lstm h=4, 2,250,000 steps x batch 32 x T = ell + 1 + 2q = 5
#   tokens = 3.6e8 at the log-log midpoint of 4e6 (h=2) and 1e6 (h=8), 2e6
#   tokens/s: 180 s = 0.05 h; gru h=16 beyond the largest bench size 8:
#   1e6 x (8/16)^2 = 2.5e5 tokens/s, 1e5 x 10 x 9 = 9e6 tokens: 36 s = 0.01 h;
#   the exact row is counted apart. --stop-share 0.5 charges 0.75 of each.
gc() { "$py" grid_cost.py --grid "$fx/grid_cost_grid.tsv" --bench "$fx/grid_cost_bench.csv" "$@"; }
gc >"$tmp/gc.txt"; st=$?
check "grid_cost.py runs (status $st)" $st
for kv in configurations=3 trained=2 core_hours=0.0600 core_hours_lstm=0.0500 core_hours_gru=0.0100 \
          trained_lstm=1 not_estimated_exact=1; do
    grep -qx "$kv" "$tmp/gc.txt"
    check "grid_cost.py prints $kv" $?
done
gc --stop-share 0.5 >"$tmp/gc.txt"; st=$?
grep -qx core_hours=0.0450 "$tmp/gc.txt"
check "grid_cost.py --stop-share 0.5 charges 0.75 (status $st)" $?
fails_with "grid_cost.py: stop share out of range" "--stop-share 2.0: must be between 0 and 1" gc --stop-share 2
sed '2s/,ell\t/\t/' "$fx/grid_cost_grid.tsv" >"$tmp/oldgrid.tsv"
fails_with "grid_cost.py: a key of another length" "a key with 15 fields, expected 16" \
    "$py" grid_cost.py --grid "$tmp/oldgrid.tsv" --bench "$fx/grid_cost_bench.csv"

# ---- invalid input: exit 2, one line, nothing written ----
sed '1s/,bases,/,basis,/' "$fx/separation.csv" >"$tmp/bad.csv"
fails_with "wrong header named" "bad.csv: wrong header: column 5 is 'basis', expected 'bases'" \
    "$py" plot_separation.py -o "$tmp/none" "$tmp/bad.csv"
[ ! -e "$tmp/none/separation.png" ]
check "no plot written for a wrong header" $?
fails_with "report: trainability file given as separation" "column 1 is 'kind', expected 'k'" \
    "$py" report.py -o "$tmp/none" --separation "$fx/trainability.csv"
[ ! -e "$tmp/none/results.md" ]
check "no results.md written for a wrong header" $?
head -n 1 "$fx/trainability.csv" | cut -d, -f1-24 >"$tmp/short.csv"
fails_with "header missing its last column" "ends after column 24, expected 'timestamp'" \
    "$py" plot_trainability.py -o "$tmp/none" "$tmp/short.csv"
fails_with "missing file" "nosuch.csv: no such file" \
    "$py" plot_trainability.py -o "$tmp/none" "$tmp/nosuch.csv"
head -n 1 "$fx/contextuality.csv" >"$tmp/empty.csv"
fails_with "header-only file" "no rows in" "$py" report.py -o "$tmp/none" --contextuality "$tmp/empty.csv"
sed '3s/^1,2,2,/1,2,x,/' "$fx/separation.csv" >"$tmp/num.csv"
fails_with "non-number field" "num.csv:3: column n: 'x' is not an integer" \
    "$py" plot_separation.py -o "$tmp/none" "$tmp/num.csv"
fails_with "report without input" "nothing to report" "$py" report.py -o "$tmp/none"
fails_with "no model registry beside the CSV" "models.tsv: no such file" \
    "$py" plot_separation.py -o "$tmp/none" "$fx/separation.csv"
printf 'model\tclass\n' >"$tmp/badmodels.tsv"
fails_with "a file that is not hypersep models output" "not the output of \`hypersep models\`" \
    "$py" report.py --models "$tmp/badmodels.tsv" -o "$tmp/none" --separation "$fx/separation.csv"

echo "analysis: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
