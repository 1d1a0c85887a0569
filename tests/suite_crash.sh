#!/bin/sh
# Crash consistency of the results files (suites/csvlog.c, merge.c): runs
# killed with SIGKILL at pseudo-random moments (a fixed seed: the same
# moments every run), then completed, end with exactly the rows of an
# uninterrupted run (all columns but times and provenance), no duplicated
# key, no temporary file, and every line whole:
#  1. a suite killed 8 times and resumed;
#  2. two suites writing one --out, killed together 5 times, then resumed;
#  3. `suite merge` of 400000 rows killed 6 times in the middle of reading,
#     checking or appending, then run again.
# (A full file system: tests/full_disk.sh.)
# usage: suite_crash.sh HYPERSEP
set -u
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
now() { date +%s.%N; }
# moments SEED COUNT MAX: COUNT delays in seconds, uniform in [MAX/10, MAX)
# (relative, not a fixed floor: a floor above MAX, as a fixed 0.02 s was
# once the reference run took 0.03 s, put every kill after the run's end).
moments() { awk -v s="$1" -v n="$2" -v m="$3" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.4f\n", m / 10 + rand() * m * 0.9 }'; }

cat >"$tmp/grid.conf" <<'CONF'
grid = ell
also_train = none
k = 1,2
ell = 2,3,4
models = exact,presample,khrnn
eval = 1000
seed = 1,2,3,4,5,6,7,8,9,10,11,12
CONF
. "$(cd "$(dirname "$0")" && pwd)/results_layout.sh"
results_layout "$hs" "$tmp/layout" || exit 1
rows() { sep_rows "$1"; }
# same DIR WHAT: the rows of DIR/separation.csv are the reference's, every
# line has nf fields, no key twice, no temporary in DIR.
same() {
    f=$1/separation.csv
    rows "$f" | cmp -s - "$tmp/ref.rows" && ok || bad "$2: rows differ from the uninterrupted run"
    sep_whole "$f" && ok || bad "$2: a line without $nf fields"
    d=$(sep_dupkeys "$f")
    [ "$d" -eq 0 ] && ok || bad "$2: $d duplicated keys"
    n=$(ls -A "$1" | grep -c '\.tmp\.')
    [ "$n" -eq 0 ] && ok || bad "$2: $n temporaries left: $(ls -A "$1" | tr '\n' ' ')"
}

t0=$(now)
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/ref" >"$tmp/ref.tsv" 2>"$tmp/ref.err" ||
    { echo "FAIL: reference run: $(tail -2 "$tmp/ref.err")"; exit 1; }
run_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
rows "$tmp/ref/separation.csv" >"$tmp/ref.rows"
total=$(wc -l <"$tmp/ref.rows")
[ "$total" -eq 216 ] || { echo "FAIL: reference run has $total rows, expected 216 (2 x 3 x 3 models x 12 seeds)"; exit 1; }

# 1. One suite, killed at 8 moments within a fifth of a whole run each: on
#    average a killed run gets a tenth of the grid done, so most kills land
#    in the middle of the grid.
kills=0
for d in $(moments 1201 8 "$(awk -v r="$run_s" 'BEGIN { print r / 5 }')"); do
    "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/one" --resume >/dev/null 2>>"$tmp/one.err" &
    p=$!
    sleep "$d"
    kill -KILL "$p" 2>/dev/null && kills=$((kills + 1))
    wait "$p" 2>/dev/null
done
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/one" --resume >"$tmp/one.tsv" 2>>"$tmp/one.err"
st=$?
[ "$st" -eq 0 ] && ok || bad "suite after $kills kills: final --resume status $st: $(tail -1 "$tmp/one.err")"
[ "$kills" -ge 5 ] && ok || bad "only $kills of 8 runs were alive when killed: the test interrupted little"
same "$tmp/one" "suite killed $kills times"
cmp -s "$tmp/one.tsv" "$tmp/ref.tsv" && ok || bad "summary after the kills differs from the uninterrupted run's"

# 2. Two writers on one directory, killed together (each pair within a tenth
#    of a run).
for d in $(moments 1202 5 "$(awk -v r="$run_s" 'BEGIN { print r / 10 }')"); do
    "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/two" --resume >/dev/null 2>>"$tmp/two.err" &
    p1=$!
    "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/two" --resume >/dev/null 2>>"$tmp/two.err" &
    p2=$!
    sleep "$d"
    kill -KILL "$p1" "$p2" 2>/dev/null
    wait "$p1" 2>/dev/null
    wait "$p2" 2>/dev/null
done
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/two" --resume >/dev/null 2>>"$tmp/two.err" &
p1=$!
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/two" --resume >/dev/null 2>>"$tmp/two.err" &
p2=$!
wait "$p1"; s1=$?
wait "$p2"; s2=$?
[ "$s1" -eq 0 ] && [ "$s2" -eq 0 ] && ok || bad "two writers after kills: statuses $s1 $s2: $(tail -1 "$tmp/two.err")"
same "$tmp/two" "two writers killed 5 times"

# 3. merge: 4 inputs of 100000 rows (the reference's keys among them, so
#    the merged file's separation rows can be compared), killed while it runs.
head -n 1 "$tmp/ref/separation.csv" >"$tmp/h"
for p in 0 1 2 3; do
    mkdir -p "$tmp/in$p"
    { cat "$tmp/h"; awk -F, -v p=$p 'NR > 1 && (NR - 2) % 4 == p' "$tmp/ref/separation.csv"
      sep_fake_rows $((1000 + p * 100000)) 100000; } >"$tmp/in$p/separation.csv"
done
t0=$(now)
"$hs" suite merge --out "$tmp/mref" "$tmp"/in*/separation.csv >/dev/null 2>"$tmp/mref.err" ||
    { echo "FAIL: merge: $(cat "$tmp/mref.err")"; exit 1; }
merge_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
rows "$tmp/mref/separation.csv" >"$tmp/mref.rows"
mkills=0
for d in $(moments 1203 6 "$merge_s"); do
    "$hs" suite merge --out "$tmp/merged" "$tmp"/in*/separation.csv >/dev/null 2>>"$tmp/merge.err" &
    p=$!
    sleep "$d"
    kill -KILL "$p" 2>/dev/null && mkills=$((mkills + 1))
    wait "$p" 2>/dev/null
done
"$hs" suite merge --out "$tmp/merged" "$tmp"/in*/separation.csv >"$tmp/merge.out" 2>>"$tmp/merge.err"
st=$?
[ "$mkills" -ge 2 ] && ok || bad "only $mkills of 6 merges were alive when killed: the test interrupted little"
[ "$st" -eq 0 ] && ok || bad "merge after $mkills kills: status $st: $(tail -1 "$tmp/merge.err")"
rows "$tmp/merged/separation.csv" | cmp -s - "$tmp/mref.rows" && ok || bad "merge after $mkills kills: rows differ"
[ "$(wc -l <"$tmp/mref.rows")" -eq $((total + 400000)) ] && ok || bad "merge: $(wc -l <"$tmp/mref.rows") rows"
d=$(sep_dupkeys "$tmp/merged/separation.csv")
[ "$d" -eq 0 ] && ok || bad "merge after kills: $d duplicated keys"
n=$(ls -A "$tmp/merged" | grep -c '\.tmp\.')
[ "$n" -eq 0 ] && ok || bad "merge after kills: $n temporaries left"

echo "suite_crash: $passes passed, $fails failed ($kills suite kills, $mkills merge kills, one run $run_s s, merge $merge_s s)"
[ "$fails" -eq 0 ]
