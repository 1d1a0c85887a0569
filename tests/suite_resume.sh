#!/bin/sh
# Suite mechanics (suites/runner.c, merge.c) through the CLI, on a small
# separation grid:
#  1. resume: a run killed with SIGKILL at random moments and restarted with
#     --resume until it completes ends with the same rows as an uninterrupted
#     run at the same seed: no row lost, none duplicated;
#  2. SIGTERM: the run stops with status 143, the file holds only whole rows
#     and --resume completes it;
#  3. slices: --slice 0/3, 1/3, 2/3 merged equal the whole grid, and merging
#     again adds nothing.
# Rows are compared on the columns that are a function of the configuration
# (everything but times and provenance): training and scoring are
# deterministic for a fixed thread count.
# usage: suite_resume.sh HYPERSEP
set -eu
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/grid.conf" <<'CONF'
grid = ell
also_train = none
k = 1,2
ell = 2,3
models = lstm,gru,exact,presample,tableau,khrnn
lstm_hidden = 4,8
gru_hidden = 4
steps = 2000
batch = 8
eval = 40
CONF
# Deterministic columns: all but the times and the provenance (results_layout.sh).
. "$(cd "$(dirname "$0")" && pwd)/results_layout.sh"
rows() { sep_rows "$1"; }
# The key columns' count (suites/schema.c).
nkey=$("$hs" suite separation --print-header | awk -F'\t' '$3 == "yes"' | wc -l)
[ "$nkey" -ge 13 ] || fail "suite separation --print-header gives $nkey key columns"

t0=$(date +%s.%N)
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/ref" >"$tmp/ref.tsv" 2>"$tmp/ref.err"
ref_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
total=$(tail -n +2 "$tmp/ref/separation.csv" | wc -l)
[ "$total" -eq 26 ] || fail "reference run has $total rows, expected 26 (2 k x 2 ell x 6 or 7 models)"

# 1. SIGKILL at pseudo-random moments (a fixed sequence of fractions of the
#    uninterrupted run's time, so that the kills land inside the runs on a
#    fast or a slow machine; they add up to 0.68 of it, and each run resumes
#    where the last stopped), then --resume until the run finishes by itself.
kills=0
for frac in 0.05 0.12 0.04 0.18 0.08 0.15 0.06; do
    delay=$(awk -v f="$frac" -v t="$ref_s" 'BEGIN { printf "%.3f", f * t }')
    "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/killed" --resume >/dev/null 2>>"$tmp/killed.err" &
    pid=$!
    sleep "$delay"
    if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$pid" 2>/dev/null || true
done
# What a writer killed between creating and renaming its temporary leaves.
printf 'partial,row\n' >"$tmp/killed/separation.csv.tmp.AbC123"
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/killed" --resume >"$tmp/killed.tsv" 2>>"$tmp/killed.err" ||
    fail "final --resume run failed: $(tail -3 "$tmp/killed.err")"
[ "$kills" -ge 3 ] || fail "only $kills runs were still alive when killed: the test did not interrupt anything"
rows "$tmp/killed/separation.csv" >"$tmp/killed.rows"
rows "$tmp/ref/separation.csv" >"$tmp/ref.rows"
cmp -s "$tmp/killed.rows" "$tmp/ref.rows" || {
    diff "$tmp/ref.rows" "$tmp/killed.rows" >&2 || true
    fail "rows after $kills kills + resume differ from the uninterrupted run"
}
dups=$(tail -n +2 "$tmp/killed/separation.csv" | cut -d, -f1-"$nkey" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups duplicated configurations after resume"
cmp -s "$tmp/killed.tsv" "$tmp/ref.tsv" || fail "summary after resume differs from the uninterrupted run's"
ls "$tmp/killed" | grep -q '\.tmp\.' && fail "temporary files left behind: $(ls "$tmp/killed")"
grep -q "removed '.*separation.csv.tmp.AbC123'" "$tmp/killed.err" || fail "stale temporary not reported as removed"

# Without --resume, a grid already (partly) in the file is refused.
set +e
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/ref" >/dev/null 2>"$tmp/norsm.err"
st=$?
set -e
[ "$st" -eq 2 ] && grep -q -- '--resume' "$tmp/norsm.err" || fail "rerun without --resume: status $st, $(cat "$tmp/norsm.err")"

# 2. SIGTERM: let the configuration in progress finish, exit 143.
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/term" >/dev/null 2>"$tmp/term.err" &
pid=$!
term_s=$(awk -v t="$ref_s" 'BEGIN { printf "%.3f", 0.3 * t }')
sleep "$term_s"
kill -TERM "$pid"
set +e
wait "$pid"
st=$?
set -e
[ "$st" -eq 143 ] || fail "SIGTERM: exit status $st, expected 143"
grep -q 'rerun the same command with --resume' "$tmp/term.err" || fail "SIGTERM: no resume hint: $(tail -2 "$tmp/term.err")"
n=$(rows "$tmp/term/separation.csv" | wc -l)
[ "$n" -lt "$total" ] || fail "SIGTERM after $term_s s: the whole grid ($n rows) finished; the test interrupted nothing"
rows "$tmp/term/separation.csv" | while IFS= read -r r; do
    grep -qxF "$r" "$tmp/ref.rows" || fail "SIGTERM left a row not in the reference: $r"
done
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/term" --resume >/dev/null 2>>"$tmp/term.err"
rows "$tmp/term/separation.csv" | cmp -s - "$tmp/ref.rows" || fail "SIGTERM + resume: rows differ from the reference"

# 3. Slices and merge.
for i in 0 1 2; do
    "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/part$i" --slice "$i/3" >/dev/null 2>>"$tmp/slice.err"
    [ "$(rows "$tmp/part$i/separation.csv" | wc -l)" -gt 0 ] || fail "slice $i/3 is empty (unbalanced split)"
done
"$hs" suite merge --out "$tmp/merged" "$tmp"/part*/separation.csv >"$tmp/merge.out" 2>>"$tmp/slice.err"
grep -qx "rows_added=$total" "$tmp/merge.out" || fail "merge: $(cat "$tmp/merge.out")"
rows "$tmp/merged/separation.csv" | cmp -s - "$tmp/ref.rows" || fail "merged slices differ from the whole grid"
"$hs" suite merge --out "$tmp/merged" "$tmp"/part*/separation.csv >"$tmp/merge2.out" 2>>"$tmp/slice.err"
grep -qx "rows_added=0" "$tmp/merge2.out" && grep -qx "duplicates=$total" "$tmp/merge2.out" ||
    fail "merging again: $(cat "$tmp/merge2.out")"
echo "suite_resume: ok ($kills kills, $total rows)"
