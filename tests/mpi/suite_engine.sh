#!/bin/sh
# `hypersep suite engine` in one process: the CSV header, one row per
# operation, a rerun that appends nothing, and usage errors (exit 2, one
# line, no rows written).
# usage: suite_engine.sh PATH/TO/hypersep
set -u
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { # check DESCRIPTION EXIT-STATUS
    if [ "$2" -eq 0 ]; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

"$hs" suite engine --n-list 10,11 --repeats 2 --out "$tmp/res" 2>"$tmp/err"
st=$? # before the message is built: $(...) would reset $?
check "suite engine exits 0: $(tail -n 2 "$tmp/err")" "$st"
f="$tmp/res/engine.csv"
head -n 1 "$f" | grep -q '^n,k,ell,ranks,threads,repeats,seed,operation,median_s,'
check "header" $?
# One rank: no global site, so stream, write_cell, write_deferred, query_local.
test "$(($(wc -l <"$f") - 1))" -eq 8
check "4 operations x 2 n = 8 rows" $?
awk -F, 'NR == 1 { nf = NF; next }
         NF != nf || $4 != 1 || $9 <= 0 || $10 > $9 || $11 < $9 || $18 == "" { bad = 1 }
         END { exit bad || NR != 9 }' "$f"
check "rows complete: ranks 1, min <= median <= max, counters named" $?
# One stream row per n (a check that fails when the rows are missing).
awk -F, '$8 == "stream" { n++; if ($13 != 1.0000) bad = 1 } END { exit bad || n != 2 }' "$f"
check "stream is one pass of itself" $?
"$hs" suite engine --n-list 10,11,12 --repeats 2 --out "$tmp/res" 2>"$tmp/err"
test "$(($(wc -l <"$f") - 1))" -eq 12 && test "$(grep -c 'already in' "$tmp/err")" -eq 2
check "rerun measures only the new n=12" $?

# The kernels column names the variant that ran: the one HYPERSEP_SIMD forces
# (generic runs on every x86-64 CPU), in every row.
HYPERSEP_SIMD=generic "$hs" suite engine --n-list 10 --repeats 2 --out "$tmp/gen" 2>/dev/null
st=$?
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "kernels") c = i; next }
         { n++; if (!c || $c != "generic") bad = 1 }
         END { exit bad || !c || n != 4 }' "$tmp/gen/engine.csv"
check "kernels column: generic in all 4 rows under HYPERSEP_SIMD=generic (status $st)" $?

# expect_usage_error PATTERN ARGS...
expect_usage_error() {
    pattern=$1; shift
    "$hs" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || [ -s "$tmp/stdout" ] ||
        ! grep -q -- "$pattern" "$tmp/stderr"; then
        echo "FAIL: hypersep $* -> rc=$rc"
        sed 's/^/    stderr: /' "$tmp/stderr"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}
expect_usage_error "--n-list: '10,x' is not a list" suite engine --n-list 10,x --out "$tmp/e1"
expect_usage_error "--k: 6 is larger than n=5" suite engine --n-list 5 --k 6 --out "$tmp/e2"
expect_usage_error "unknown suite 'gpu'" suite gpu
printf 'a,b\n' >"$tmp/other.csv"
mkdir -p "$tmp/e3" && cp "$tmp/other.csv" "$tmp/e3/engine.csv"
expect_usage_error "existing file has another header" suite engine --n-list 10 --out "$tmp/e3"
HYPERSEP_MEM_LIMIT=1M expect_usage_error "only 1.0 MiB available" suite engine --n-list 20 --out "$tmp/e4"
test ! -e "$tmp/e4/engine.csv"
check "refused suite writes no file" $?

echo "suite_engine: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
