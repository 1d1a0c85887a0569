#!/bin/sh
# `hypersep suite trainability` end to end on a small grid of its three
# parts, checking properties of the rows rather than their numbers:
#  - every line has the header's fields; the counts of lie, variance and run
#    rows are the grid's (3 generator sets x 6 (k, n); 2 models x 2 inits x
#    2 n x 3 readings; 2 models x 2 starts);
#  - Lie-algebra dimensions worked out by hand (below);
#  - variance rows: the three readings of each configuration, a positive
#    variance inside an ordered interval, the loss of a reading in bits;
#  - run rows: a verdict of reached / trap / budget, consistent with its
#    numbers (reached: final excess <= epsilon; otherwise the whole budget
#    used), and a learning curve from step 0 to the steps used;
#  - --resume on the finished grid adds nothing and leaves the file as it
#    was; --print-grid lists every configuration.
# usage: suite_trainability.sh HYPERSEP
set -u
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { # check DESCRIPTION STATUS
    if [ "$2" -eq 0 ]; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

cat >"$tmp/grid.conf" <<'CONF'
lie_k = 1,2
lie_n = 2,3,4
variance_k = 2
variance_n = 3,4
samples = 20
variance_batch = 2
bootstrap = 100
run_k = 2
run_n = 3
run_seeds = 1,2
steps = 300
eval = 50
CONF
csv=$tmp/res/trainability.csv
OMP_NUM_THREADS=1 "$hs" suite trainability --config "$tmp/grid.conf" --out "$tmp/res" >"$tmp/out" 2>"$tmp/err"
st=$?
check "suite trainability: status $st ($(tail -n 1 "$tmp/err"))" $st
[ -s "$csv" ] || { echo "FAIL: no $csv"; exit 1; }

"$hs" suite trainability --print-header >"$tmp/layout"; st=$?
nf=$(tail -n +2 "$tmp/layout" | wc -l)
[ "$st" -eq 0 ] && [ "$nf" -gt 20 ]
check "--print-header: status $st, $nf columns" $?
awk -F, -v nf="$nf" 'NF != nf { bad = 1 } END { exit bad || NR < 2 }' "$csv"
check "every line has $nf fields" $?

# count KIND: rows of that kind.
count() { awk -F, -v k="$1" '$1 == k' "$csv" | wc -l; }
# The count is taken once and the status saved before the message is built
# (a $(...) in check's arguments would set $? itself).
n=$(count lie); [ "$n" -eq 18 ]; st=$?
check "18 lie rows (3 sets x 6 (k, n)), got $n" $st
n=$(count variance); [ "$n" -eq 24 ]; st=$?
check "24 variance rows (2 models x 2 inits x 2 n x 3 readings), got $n" $st
n=$(count run); [ "$n" -eq 4 ]; st=$?
check "4 run rows (2 models x 2 starts), got $n" $st

# The columns by name.
col() { awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) print i }' "$csv"; }
ckind=$(col kind) cmodel=$(col model) ck=$(col k) cn=$(col n) cread=$(col reading) cinit=$(col init)
cseed=$(col seed) cstep=$(col step) cdim=$(col lie_dim) cexp=$(col lie_expected) cvar=$(col grad_var)
clo=$(col grad_var_lo) chi=$(col grad_var_hi) cvq=$(col grad_var_query) closs=$(col loss_bits)
cexc=$(col excess_loss_bits) cused=$(col steps_used) cverd=$(col verdict)

# lie MODEL READING K N DIM: the measured dimension of that row.
#   k-HRNN write cells, k = 2: n = 2 has one hyperedge, whose Hamiltonians
#   1, Z1 + Z2, Z1 Z2 span 3 (the closed form's 4 counts Z1 and Z2 apart);
#   n = 4 (>= k + 2) every Z-string of weight <= 2: 1 + 4 + 6 = 11.
#   k = 1 with the query rotations: a product of su(2)'s plus the
#   identity: 3n + 1 = 10 at n = 3; the ansatz at k = 2, n = 3 is all of
#   su(8): 63.
lie() {
    awk -F, -v m="$1" -v r="$2" -v k="$3" -v n="$4" -v want="$5" -v cm="$cmodel" -v cr="$cread" -v ck="$ck" \
        -v cn="$cn" -v cd="$cdim" -v ckind="$ckind" \
        '$ckind == "lie" && $cm == m && $cr == r && $ck == k && $cn == n { found = 1; ok = ($cd == want) }
         END { exit !(found && ok) }' "$csv"
}
lie khrnn write 2 2 3; check "khrnn write k=2 n=2: dimension 3" $?
lie khrnn write 2 4 11; check "khrnn write k=2 n=4: dimension 11" $?
lie khrnn all 1 3 10; check "khrnn all k=1 n=3: dimension 10" $?
lie ansatz all 2 3 63; check "ansatz k=2 n=3: dimension 63" $?
awk -F, -v ckind="$ckind" -v cd="$cdim" -v ce="$cexp" \
    '$ckind == "lie" { n++; if (!($cd > 0 && $ce > 0 && $cd <= $ce)) bad = 1 } END { exit bad || n == 0 }' "$csv"
check "every lie row: 0 < dimension <= closed form" $?

# Each variance configuration has its three readings; variances positive,
# lo <= hi, query variance positive, loss positive and finite.
awk -F, -v ckind="$ckind" -v cm="$cmodel" -v cn="$cn" -v ci="$cinit" -v cr="$cread" -v cv="$cvar" -v clo="$clo" \
    -v chi="$chi" -v cq="$cvq" -v cl="$closs" \
    '$ckind == "variance" { r[$cm "," $cn "," $ci] = r[$cm "," $cn "," $ci] " " $cr
        if (!($cv > 0 && $clo <= $chi && $cq > 0 && $cl > 0 && $cl < 100)) bad = 1 }
     END { for (g in r) { n++; if (r[g] !~ /first/ || r[g] !~ /all/ || r[g] !~ /last/) bad = 1 }
           exit bad || n != 8 }' "$csv"
check "8 variance configurations, each with readings first, all, last and sane numbers" $?

# Run rows: verdict consistent with the numbers; curve from 0 to steps_used.
awk -F, -v ckind="$ckind" -v cm="$cmodel" -v cs="$cseed" -v cstep="$cstep" -v ce="$cexc" -v cu="$cused" \
    -v cv="$cverd" \
    '$ckind == "run" { n++; g = $cm "," $cs; used[g] = $cu
        if ($cv == "reached") { if (!($ce <= 0.01)) bad = 1 }
        else if ($cv == "trap" || $cv == "budget") { if ($cu != 300) bad = 1 }
        else bad = 1 }
     $ckind == "curve" { g = $cm "," $cs; if ($cstep == 0) zero[g] = 1; if ($cstep > last[g]) last[g] = $cstep }
     END { for (g in used) if (!zero[g] || last[g] != used[g]) bad = 1
           exit bad || n != 4 }' "$csv"
check "run rows: verdicts consistent, curves from step 0 to steps_used" $?

cp "$csv" "$tmp/before.csv"
OMP_NUM_THREADS=1 "$hs" suite trainability --config "$tmp/grid.conf" --out "$tmp/res" --resume >/dev/null \
    2>"$tmp/err2"
st=$?
[ "$st" -eq 0 ] && cmp -s "$csv" "$tmp/before.csv"
check "--resume on a finished grid: status $st, file unchanged" $?
"$hs" suite trainability --config "$tmp/grid.conf" --print-grid >"$tmp/grid.tsv"; st=$?
[ "$st" -eq 0 ] && [ "$(tail -n +2 "$tmp/grid.tsv" | wc -l)" -eq 30 ]
check "--print-grid: 30 configurations (18 lie, 8 variance, 4 run), status $st" $?

echo "suite_trainability: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
