#!/bin/sh
# The registry and the column tables seen from outside: `hypersep models`
# prints one well-formed TSV row per model; `hypersep suite NAME
# --print-header` gives each suite's columns, which must equal the schema
# that analysis/suite_csv.py reads them with (names, types, key columns), and
# contain the columns analysis/plot_engine.py requires.
# usage: cli_models.sh PATH/TO/hypersep SOURCE_DIR
set -u
hs=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$hs" models >"$tmp/models.tsv" 2>"$tmp/err"; st=$?
[ "$st" -eq 0 ] && [ ! -s "$tmp/err" ] && ok || bad "hypersep models: status $st, stderr $(cat "$tmp/err")"
want='model	class	trainable	fixed	color	size	size_label	hyperparameters	memory_bits	state_dim	description'
[ "$(head -n 1 "$tmp/models.tsv")" = "$want" ] && ok || bad "models header: $(head -n 1 "$tmp/models.tsv")"
# Every row: 11 fields, a known class, yes/no flags, a #rrggbb colour; the
# names are distinct and the classic eight are there.
awk -F'\t' 'NR > 1 { n++
        if (NF != 11 || $2 !~ /^(quantum|analytic|trained)$/ || $3 !~ /^(yes|no)$/ || $4 !~ /^(yes|no)$/ ||
            $5 !~ /^#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/ || seen[$1]++) bad = 1 }
    END { exit !(n >= 8 && !bad) }' "$tmp/models.tsv" && ok || bad "models rows malformed"
for m in lstm gru transformer exact presample tableau khrnn ansatz; do
    cut -f1 "$tmp/models.tsv" | grep -qx "$m" && ok || bad "model $m missing from hypersep models"
done
# The trainable ones are what `train --model` accepts (its message lists them).
"$hs" train --model none --n 3 --k 1 --ell 2 >/dev/null 2>"$tmp/err"; st=$?
allowed=$(sed -n "s/.*(allowed: \(.*\))$/\1/p" "$tmp/err")
trainable=$(awk -F'\t' 'NR > 1 && $3 == "yes" { printf "%s%s", n++ ? ", " : "", $1 }' "$tmp/models.tsv")
[ "$st" -eq 2 ] && [ -n "$allowed" ] && [ "$(echo "$allowed" | tr -d ' ')" = "$(echo "$trainable" | tr -d ' ')" ] &&
    ok || bad "train --model allowed list '$allowed' differs from the trainable models '$trainable' (status $st)"

# Every trainable model trains through `train` (the one loop): the k-HRNN
# and the ansatz of HSMT(3, 4, 2) hold n = 4 qubits (4 bits) and have k + 1 +
# 3|B| = 12 and 2k + 3|B| = 13 parameters; an option of another model is
# refused.
for m in khrnn:12 ansatz:13; do
    name=${m%%:*} params=${m##*:}
    "$hs" train --model "$name" --n 4 --k 2 --ell 3 --steps 20 --batch 4 --eval 20 >"$tmp/t" 2>/dev/null; st=$?
    [ "$st" -eq 0 ] && [ "$(grep -c '^memory_bits=4$' "$tmp/t")" -eq 1 ] &&
        [ "$(grep -c "^params=$params\$" "$tmp/t")" -eq 1 ] && [ "$(grep -c '^excess_loss_bits=' "$tmp/t")" -eq 1 ] &&
        ok || bad "train --model $name: status $st, output $(tr '\n' ' ' <"$tmp/t")"
done
"$hs" train --model khrnn --n 4 --k 2 --ell 3 --hidden 8 >"$tmp/t" 2>"$tmp/err"; st=$?
[ "$st" -eq 2 ] && [ ! -s "$tmp/t" ] && grep -q "^hypersep train: --hidden: not an option of --model khrnn" "$tmp/err" &&
    ok || bad "train --model khrnn --hidden: status $st, $(cat "$tmp/err")"

# The Python schema of each suite, in --print-header's format.
cat >"$tmp/schema.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import suite_csv as sc
t = {"separation": sc.SEPARATION, "trainability": sc.TRAINABILITY, "contextuality": sc.CONTEXTUALITY}[sys.argv[2]]
names = {int: "int", float: "float", str: "text"}
print("column\ttype\tkey")
for i, (c, typ) in enumerate(t.columns):
    print(f"{c}\t{names[typ]}\t{'yes' if i < t.nkey else 'no'}")
PY
for s in separation trainability contextuality; do
    "$hs" suite $s --print-header >"$tmp/$s.c" 2>"$tmp/err"; st=$?
    python3 "$tmp/schema.py" "$src/analysis" $s >"$tmp/$s.py"; pst=$?
    if [ "$st" -eq 0 ] && [ "$pst" -eq 0 ] && [ "$(wc -l <"$tmp/$s.c")" -gt 10 ] && cmp -s "$tmp/$s.c" "$tmp/$s.py"; then
        ok
    else
        bad "suite $s: --print-header (status $st) and suite_csv.py (status $pst) differ:"
        diff "$tmp/$s.c" "$tmp/$s.py" | head -5
    fi
done
"$hs" suite engine --print-header >"$tmp/engine.c" 2>"$tmp/err"; st=$?
[ "$st" -eq 0 ] && ok || bad "suite engine --print-header: status $st"
req=$(sed -n 's/^REQUIRED = \[\(.*\)\]$/\1/p' "$src/analysis/plot_engine.py" | tr -d '" ' | tr , ' ')
[ -n "$req" ] && ok || bad "plot_engine.py REQUIRED not found"
for c in $req; do
    cut -f1 "$tmp/engine.c" | grep -qx "$c" && ok || bad "engine schema lacks plot_engine.py's column $c"
done

echo "cli_models: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
