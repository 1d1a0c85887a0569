#!/bin/sh
# Results files (suites/csvfile.c, csvlog.c, merge.c) through the CLI, on a
# small grid of models that score without training:
#  - a malformed file is refused with exit status 2 and one line naming
#    FILE:LINE (a NUL byte, a complete line of another field count, a torn
#    last line without --resume), and is left as it was;
#  - --resume repairs a torn last line (cut after its key or inside it):
#    drops it, says so, and the run ends with the rows of an uninterrupted
#    run, every line whole (no row glued onto another);
#  - two suites writing one --out at once write every key once;
#  - the next run removes the temporaries of every file a suite writes
#    atomically in DIR (the CSV, models.tsv, the summary);
#  - `suite merge` refuses malformed inputs, repairs its own output, and is
#    linear in the rows (200000 rows in seconds; the quadratic merge took
#    minutes).
# usage: suite_csv.sh HYPERSEP
set -u
hs=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat >"$tmp/grid.conf" <<'CONF'
grid = ell
also_train = none
k = 1,2
ell = 2,3,4
models = exact,presample,khrnn
eval = 20
seed = 1,2,3,4,5,6,7,8
CONF
. "$here/results_layout.sh"
results_layout "$hs" "$tmp/layout" || exit 1
rows() { sep_rows "$1"; }
whole() { sep_whole "$1"; }
# run NAME COMMAND...: the command with stdout, stderr and status saved as NAME.*
run() {
    name=$1; shift
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.st"
}
st() { cat "$tmp/$1.st"; }
# refused NAME PATTERN: status 2, one stderr line matching PATTERN, no stdout.
refused() {
    s=$(st "$1")
    if [ "$s" -eq 2 ] && [ "$(wc -l <"$tmp/$1.err")" -eq 1 ] && grep -q -- "$2" "$tmp/$1.err" &&
        [ ! -s "$tmp/$1.out" ]; then
        ok
    else
        bad "$1: status $s (want 2), stderr [$(head -c 300 "$tmp/$1.err")] (want one line with '$2')"
    fi
}

run ref "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/ref"
[ "$(st ref)" -eq 0 ] || { echo "FAIL: reference run: $(tail -2 "$tmp/ref.err")"; exit 1; }
rows "$tmp/ref/separation.csv" >"$tmp/ref.rows"
total=$(wc -l <"$tmp/ref.rows")
[ "$total" -eq 144 ] && ok || bad "reference run has $total rows, expected 144 (2 k x 3 ell x 3 models x 8 seeds)"
csv=separation.csv

# ---- torn last lines ----
# cut PLACE DIR: the last row of a copy of the reference cut after its key
# (nkey fields, no newline) or inside it (in its 5th field).
cut_last() {
    mkdir -p "$tmp/$2"
    head -n -1 "$tmp/ref/$csv" >"$tmp/$2/$csv"
    last=$(tail -n 1 "$tmp/ref/$csv")
    if [ "$1" = after_key ]; then
        printf '%s' "$(echo "$last" | cut -d, -f1-"$nkey")," >>"$tmp/$2/$csv"
    else
        printf '%s' "$(echo "$last" | cut -d, -f1-4)" | head -c -2 >>"$tmp/$2/$csv"
    fi
}
lines=$(wc -l <"$tmp/ref/$csv") # the torn line is line $lines + 0 (header is line 1)
for place in after_key inside_key; do
    cut_last $place torn_$place
    cp "$tmp/torn_$place/$csv" "$tmp/torn_$place.copy"
    # Without --resume: refused, naming the line, file unchanged.
    run norsm_$place "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/torn_$place"
    refused norsm_$place "$csv:$lines: last line has no newline .*--resume"
    cmp -s "$tmp/torn_$place/$csv" "$tmp/torn_$place.copy" && ok || bad "$place: refused file was changed"
    # With --resume: dropped, said so, the row computed again.
    run rsm_$place "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/torn_$place" --resume
    s=$(st rsm_$place)
    [ "$s" -eq 0 ] && grep -q "$csv:$lines: dropped a torn last line" "$tmp/rsm_$place.err" && ok ||
        bad "$place --resume: status $s, stderr $(grep csv: "$tmp/rsm_$place.err")"
    whole "$tmp/torn_$place/$csv" && ok || bad "$place --resume: a line without $nf fields (rows glued?)"
    rows "$tmp/torn_$place/$csv" | cmp -s - "$tmp/ref.rows" && ok || bad "$place --resume: rows differ from the reference"
done

# ---- refused files: NUL byte, field count ----
# 95 rows of another grid (any keys: a resumed run only looks them up).
mk95() {
    mkdir -p "$tmp/$1"
    { head -n 1 "$tmp/ref/$csv"; tail -n +2 "$tmp/ref/$csv" | head -n 95 | sed 's/^\([12]\),/\1,9/'; } >"$tmp/$1/$csv"
}
mk95 nul
awk 'NR == 10 { printf "%s", substr($0, 1, 20); printf "%c", 0; print substr($0, 21); next } { print }' \
    "$tmp/nul/$csv" >"$tmp/nul.csv" && mv "$tmp/nul.csv" "$tmp/nul/$csv"
[ "$(tr -d '\000' <"$tmp/nul/$csv" | wc -c)" -lt "$(wc -c <"$tmp/nul/$csv")" ] && ok || bad "NUL fixture has no NUL"
cp "$tmp/nul/$csv" "$tmp/nul.copy"
run nul "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/nul" --resume
refused nul "$csv:10: NUL byte at column 21"
cmp -s "$tmp/nul/$csv" "$tmp/nul.copy" && ok || bad "NUL: refused file was changed"
mk95 fields
sed -i '40s/,[^,]*$//' "$tmp/fields/$csv"
run fields "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/fields" --resume
refused fields "$csv:40: $((nf - 1)) fields, the header has $nf"
# A row run into the next one (two rows on one line).
mk95 glued
sed -i '41{N;s/\n//}' "$tmp/glued/$csv"
run glued "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/glued" --resume
refused glued "$csv:41: $((2 * nf - 1)) fields, the header has $nf"
# Not a regular file: refused at once (a FIFO would block a reader).
mkdir -p "$tmp/fifo" && mkfifo "$tmp/fifo/$csv"
run fifo timeout 20 "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/fifo" --resume
refused fifo "is not a regular file"

# ---- two writers on one folder ----
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/two" --resume >/dev/null 2>"$tmp/two1.err" &
p1=$!
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/two" --resume >/dev/null 2>"$tmp/two2.err" &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
[ "$s1" -eq 0 ] && [ "$s2" -eq 0 ] && ok || bad "two writers: statuses $s1 $s2: $(tail -1 "$tmp/two1.err") $(tail -1 "$tmp/two2.err")"
dups=$(sep_dupkeys "$tmp/two/$csv")
[ "$dups" -eq 0 ] && ok || bad "two writers: $dups duplicated keys"
rows "$tmp/two/$csv" | cmp -s - "$tmp/ref.rows" && ok || bad "two writers: rows differ from the reference"

# ---- temporaries of every file written atomically in DIR ----
for f in separation.csv models.tsv separation_summary.tsv; do
    printf 'partial\n' >"$tmp/ref/$f.tmp.Xy12Zq"
done
run stale "$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/ref" --resume
[ "$(st stale)" -eq 0 ] && ok || bad "stale temporaries: status $(st stale)"
for f in separation.csv models.tsv separation_summary.tsv; do
    grep -q "removed '.*/$f.tmp.Xy12Zq'" "$tmp/stale.err" && ok || bad "$f.tmp.Xy12Zq not reported as removed"
done
n=$(ls -a "$tmp/ref" | grep -c '\.tmp\.')
[ "$n" -eq 0 ] && ok || bad "$n temporaries left: $(ls -a "$tmp/ref")"

# ---- merge ----
mkdir -p "$tmp/in1" && cp "$tmp/torn_after_key.copy" "$tmp/in1/$csv"
run m_torn "$hs" suite merge --out "$tmp/mo" "$tmp/in1/$csv"
refused m_torn "in1/$csv:$lines: last line has no newline"
[ ! -e "$tmp/mo/$csv" ] || [ "$(wc -l <"$tmp/mo/$csv")" -eq 1 ] && ok || bad "merge of a torn input wrote rows"
run m_nul "$hs" suite merge --out "$tmp/mo" "$tmp/nul/$csv"
refused m_nul "nul/$csv:10: NUL byte"
# The output torn by a killed merge: dropped, then completed.
mkdir -p "$tmp/mo2" && cp "$tmp/torn_after_key.copy" "$tmp/mo2/$csv"
run m_rep "$hs" suite merge --out "$tmp/mo2" "$tmp/ref/$csv"
s=$(st m_rep)
[ "$s" -eq 0 ] && grep -q "dropped a torn last line" "$tmp/m_rep.err" && grep -qx "rows_added=1" "$tmp/m_rep.out" &&
    ok || bad "merge into a torn output: status $s, $(cat "$tmp/m_rep.out" "$tmp/m_rep.err")"
rows "$tmp/mo2/$csv" | cmp -s - "$tmp/ref.rows" && whole "$tmp/mo2/$csv" && ok || bad "merge repair: rows differ"

# Linear: 200000 rows of 4 files (distinct keys) merged, then merged again.
head -n 1 "$tmp/ref/$csv" >"$tmp/h"
for p in 0 1 2 3; do
    mkdir -p "$tmp/big$p"
    { cat "$tmp/h"; sep_fake_rows $((p * 50000)) 50000; } >"$tmp/big$p/$csv"
done
t0=$(date +%s)
run big timeout 120 "$hs" suite merge --out "$tmp/merged_big" "$tmp"/big*/$csv
run big2 timeout 120 "$hs" suite merge --out "$tmp/merged_big" "$tmp"/big*/$csv
t1=$(date +%s)
# Seconds for both: the hash-set merge takes under 2 s here even under the
# sanitizers; the quadratic one took over a minute for the first alone.
grep -qx rows_added=200000 "$tmp/big.out" && grep -qx duplicates=200000 "$tmp/big2.out" && ok ||
    bad "merge of 200000 rows: $(cat "$tmp/big.out" "$tmp/big.err" "$tmp/big2.out" | tr '\n' ' ')"
[ $((t1 - t0)) -le 30 ] && ok || bad "merging 200000 rows twice took $((t1 - t0)) s (allowed 30)"

echo "suite_csv: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
