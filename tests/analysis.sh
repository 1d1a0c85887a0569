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
# The fixture carries the suite's header (suites/schema.c) exactly.
[ "$(head -n 1 "$fx/trainability.csv")" = \
  "$("$hs" suite trainability --print-header | tail -n +2 | cut -f1 | paste -sd, -)" ]
check "tests/fixtures/trainability.csv has the header of hypersep suite trainability --print-header" $?
"$py" plot_trainability.py $M -o "$out" "$fx/trainability.csv" >"$tmp/tr.tsv"
check "plot_trainability.py runs" $?
for f in trainability_variance.png trainability_success.png trainability_curves.png; do
    is_png "$out/$f"
    check "$f is a PNG" $?
done
cmp -s "$tmp/tr.tsv" "$out/trainability_fits.tsv"
check "plot_trainability.py prints trainability_fits.tsv" $?
# field TSV COLUMN "NAME=VALUE ...": COLUMN of the one row of TSV (columns
# named by its header) whose named columns have these values.
field() {
    awk -F'\t' -v col="$2" -v keys="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; nk = split(keys, kv, " "); next }
        { ok = 1
          for (j = 1; j <= nk; j++) { split(kv[j], p, "="); if ($(idx[p[1]]) != p[2]) ok = 0 }
          if (ok) { v = $(idx[col]); hits++ } }
        END { print v; exit hits != 1 }' "$1"
}
# near VALUE EXPECTED: a number within 1e-3 of EXPECTED (printed with 6
# digits; the hand values below are rounded to 6 digits).
near() { awk -v v="$1" -v w="$2" 'BEGIN { d = v - w; exit !(v != "" && d <= 1e-3 && d >= -1e-3) }'; }
fit() { field "$out/trainability_fits.tsv" "$1" "model=$2 k=2 reading=$3 init=$4 part=$5"; }
# Fits of ln V (fits.py). Write: x = n; query: x = ln n. For n = 4, 6, 8:
#   n - 6 = (-2, 0, 2), Sxx = 8; ln n - mean = (-ln3/3, 2 ln3/3 - ln2,
#   ln2 - ln3/3) = (-0.366204, 0.039261, 0.326943), Sxx = 0.242539.
# ansatz first uniform write: 0.08, 0.02, 0.005, a factor 1/4 per 2 sites:
#   exactly exponential, b = -ln2 = -0.693147 per site (RSS ~ 0), chosen;
#   polynomial: ln V - mean = ln2 (2, 0, -2), Sxy = 2 ln2 (ln4 - ln8) =
#   -2 ln2^2 = -0.960906, c = -0.960906 / 0.242539 = -3.96187. (n = 8 also
#   has a stale row with 0.5, timestamp 08:01:59 < 09:01:17: dropped; kept,
#   the curve would rise and the choice be none.)
[ "$(fit choice ansatz first uniform write)" = exponential ] &&
    near "$(fit exp_slope ansatz first uniform write)" -0.693147 &&
    near "$(fit poly_exponent ansatz first uniform write)" -3.96187
check "ansatz first/uniform write: exponential, b = -ln2, c = -3.96187 (latest duplicate)" $?
# ansatz first uniform query: 2 / n^3, exactly polynomial, c = -3, chosen;
#   exponential: ln V - mean = -3 (ln n - mean), Sxy = -3 (2 ln8 - 2 ln4) =
#   -6 ln2, b = -6 ln2 / 8 = -0.519860; RSS = 9 Sxx - (6 ln2)^2 / 8 =
#   2.182851 - 2.162039 = 0.020812, se = sqrt(0.020812 / 1 / 8) = 0.051005.
[ "$(fit choice ansatz first uniform query)" = polynomial ] &&
    near "$(fit poly_exponent ansatz first uniform query)" -3 &&
    near "$(fit exp_slope ansatz first uniform query)" -0.519860 &&
    near "$(fit exp_se ansatz first uniform query)" 0.051005
check "ansatz first/uniform query: polynomial, c = -3, b = -(3/4) ln2 (se 0.051)" $?
# ansatz all uniform write: 0.04, 0.02, 0.02; ln V - mean = ln2 (2/3,
#   -1/3, -1/3), Syy = (2/3) ln2^2 = 0.320302.
#   exponential: Sxy = -2 ln2, b = -ln2/4 = -0.173287, fitted ln2 (1/2, 0,
#     -1/2), residuals ln2 (1/6, -1/3, 1/6), RSS = ln2^2 / 6 = 0.080075,
#     se = sqrt(RSS / 1 / 8) = ln2 / sqrt(48) = 0.100047; AIC = 3 ln(RSS/3)
#     + 4 = 3 (-3.623371) + 4 = -6.870113.
#   polynomial: Sxy = -ln2 ln3 / 3 = -0.253835, c = -1.046574, RSS = Syy -
#     Sxy^2 / Sxx = 0.320302 - 0.265657 = 0.054645, se = sqrt(0.054645 /
#     0.242539) = 0.474662; AIC = 3 ln(0.054645 / 3) + 4 = -8.016364.
#   The polynomial law has the lower AIC and c + 2 se = -0.097 < 0: chosen
#   (three points leave one degree of freedom: the 2-se rule is lenient).
[ "$(fit choice ansatz all uniform write)" = polynomial ] &&
    near "$(fit exp_slope ansatz all uniform write)" -0.173287 &&
    near "$(fit exp_se ansatz all uniform write)" 0.100047 &&
    near "$(fit poly_exponent ansatz all uniform write)" -1.046574 &&
    near "$(fit poly_se ansatz all uniform write)" 0.474662 &&
    near "$(fit aic_exp ansatz all uniform write)" -6.870113 &&
    near "$(fit aic_poly ansatz all uniform write)" -8.016364
check "ansatz all/uniform write: polynomial c = -1.0466 (se 0.4747), b = -0.1733 (se 0.1000), AICs" $?
# No decay to attribute: flat (0.03 at every n: slopes 0, se 0, slope +
# 2 se = 0 is not < 0), rising (khrnn small write 0.01, 0.02, 0.04: b =
# ln2/2 = 0.346574), two n (ansatz last: n = 4, 6; khrnn small query: V = 0
# at n = 4 is left out), one n (khrnn k = 3).
[ "$(fit choice khrnn first uniform write)" = none ] && [ "$(fit exp_slope khrnn first uniform write)" = 0 ] &&
    [ "$(fit exp_se khrnn first uniform write)" = 0 ] && [ "$(fit choice ansatz all uniform query)" = none ] &&
    [ "$(fit choice khrnn first small write)" = none ] && near "$(fit exp_slope khrnn first small write)" 0.346574 &&
    [ "$(fit points khrnn first small query)" = 2 ] && [ "$(fit choice khrnn first small query)" = none ] &&
    [ "$(fit exp_slope khrnn first small query)" = "" ] && [ "$(fit points ansatz last uniform write)" = 2 ] &&
    [ "$(field "$out/trainability_fits.tsv" points "model=khrnn k=3 part=write")" = 1 ]
check "flat, rising, two-n and one-n curves: none" $?
# Success per (model, k, n, ell, steps, lr). Wilson 95% (z = 1.959964,
# z^2 = 3.841459): centre (p + z^2/2N) / (1 + z^2/N), half-width
# z sqrt(p(1-p)/N + z^2/4N^2) / (1 + z^2/N). N = 4: 1 + z^2/N = 1.960365,
# z^2/2N = 0.480182, z^2/4N^2 = 0.060023.
#   khrnn n=4 steps=1000: reached at 300, 500, 700 steps, one trap at 0.12:
#     3/4; centre 1.230182 / 1.960365 = 0.627527, half 1.959964 sqrt(0.046875
#     + 0.060023) / 1.960365 = 0.326886: [0.300641, 0.954413]; median steps
#     500, median excess of the others 0.12.
#   khrnn n=6 steps=1000: reached (800), trap 0.11, trap 0.13, budget 0.05:
#     1/4, [0.372473 -+ 0.326886] = [0.045587, 0.699359]; median excess 0.11.
#     (Seed 2 also has a stale row, reached, timestamp 08:.. : dropped.)
#   khrnn n=4 steps=3000: 2/2 (300, 400 steps): lo = N / (N + z^2) = 2 /
#     5.841459 = 0.342380, hi 1; median 350; no other run: empty.
#   ansatz n=4: 0/2 trapped at 0.2, 0.3: hi = z^2 / (N + z^2) = 0.657620;
#     median excess 0.25; no reached run: median steps empty.
suc() { field "$out/trainability_success.tsv" "$1" "model=$2 k=2 n=$3 steps=$4"; }
[ "$(suc runs khrnn 4 1000)" = 4 ] && [ "$(suc reached khrnn 4 1000)" = 3 ] && [ "$(suc trap khrnn 4 1000)" = 1 ] &&
    near "$(suc success_rate khrnn 4 1000)" 0.75 && near "$(suc wilson_lo khrnn 4 1000)" 0.300641 &&
    near "$(suc wilson_hi khrnn 4 1000)" 0.954413 && [ "$(suc median_steps_reached khrnn 4 1000)" = 500 ] &&
    near "$(suc median_final_excess_not_reached khrnn 4 1000)" 0.12
check "success khrnn n=4: 3/4 [0.3006, 0.9544], median 500 steps" $?
[ "$(suc reached khrnn 6 1000)" = 1 ] && [ "$(suc trap khrnn 6 1000)" = 2 ] && [ "$(suc budget khrnn 6 1000)" = 1 ] &&
    near "$(suc wilson_lo khrnn 6 1000)" 0.045587 && near "$(suc wilson_hi khrnn 6 1000)" 0.699359 &&
    near "$(suc median_final_excess_not_reached khrnn 6 1000)" 0.11
check "success khrnn n=6: 1/4 [0.0456, 0.6994] (latest duplicate), median excess 0.11" $?
[ "$(suc runs khrnn 4 3000)" = 2 ] && near "$(suc wilson_lo khrnn 4 3000)" 0.342380 &&
    [ "$(suc wilson_hi khrnn 4 3000)" = 1 ] && [ "$(suc median_steps_reached khrnn 4 3000)" = 350 ] &&
    [ "$(suc median_final_excess_not_reached khrnn 4 3000)" = "" ] &&
    near "$(suc wilson_hi ansatz 4 1000)" 0.657620 && [ "$(suc median_steps_reached ansatz 4 1000)" = "" ] &&
    near "$(suc median_final_excess_not_reached ansatz 4 1000)" 0.25
check "success: a second budget apart (2/2, lo 0.3424); ansatz 0/2 (hi 0.6576)" $?
# Lie rows: measured beside the closed form, model then generators order.
[ "$(sed -n 3p "$out/trainability_lie.tsv")" = "khrnn	write	2	2	3	4" ] &&
    [ "$(sed -n 6p "$out/trainability_lie.tsv")" = "khrnn	all	2	3	64	64" ] &&
    [ "$(wc -l <"$out/trainability_lie.tsv")" -eq 9 ]
check "trainability_lie.tsv rows" $?

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
# Trainability (the values worked out above for plot_trainability.py).
has "| khrnn | write cells | 2 | 2 | 3 | 4 | no |" && has "| ansatz | write and query cells | 2 | 4 | 255 | 255 | yes |"
check "results.md: Lie dimensions against the closed form" $?
# delta AIC = -8.016364 + 6.870113 = 3 ln(0.054645 / 0.080075) = -1.1.
has "| ansatz | 2 | first | uniform | write | 3 | -0.6931 ± 0.0000 | -3.9619 ± " &&
    has "| ansatz | 2 | all | uniform | write | 3 | -0.1733 ± 0.1000 | -1.0466 ± 0.4747 | -1.1 | polynomial |" &&
    has "| khrnn | 2 | first | small | query | 2 |  |  |  | none |"
check "results.md: variance fits" $?
has "| khrnn | 2 | 4 | 6 | 1000 | 0.05 | 4 | 3 | 1 | 0 | 0.75 [0.301, 0.954] | 500 | 0.12 |" &&
    has "| khrnn | 2 | 6 | 15 | 1000 | 0.05 | 4 | 1 | 2 | 1 | 0.25 [0.046, 0.699] | 800 | 0.11 |" &&
    has "| ansatz | 2 | 4 | 6 | 1000 | 0.05 | 2 | 0 | 2 | 0 | 0.00 [0.000, 0.658] |  | 0.25 |"
check "results.md: training success" $?
has "trainability: $fx/trainability.csv (49 rows); 47 configurations, 2 superseded duplicate(s) dropped"
check "results.md: trainability provenance (two stale duplicates)" $?
# k=2 n=4: the latest row says 8 of 8 states infeasible (a stale row says 5).
has "| 2 | 4 | 2 | Z;X;Y | 8 | 1 | 81 | 1297 x 4096 | 8/8 | 0.12 | 0 | 0.35 | 0.22 | 12 | 6 | 1.9 |"
check "results.md: contextuality row (latest duplicate)" $?
has "separation.csv (79 rows); 78 configurations, 1 superseded duplicate(s) dropped; git_rev 14f1957;" &&
    has "; host node01, node02; trainability:"
check "results.md: provenance line" $?
for f in separation.png separation_excess.png trainability_variance.png trainability_success.png \
         trainability_curves.png; do
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
head -n 1 "$fx/trainability.csv" | cut -d, -f1-36 >"$tmp/short.csv"
fails_with "header missing its last column" "ends after column 36, expected 'timestamp'" \
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
