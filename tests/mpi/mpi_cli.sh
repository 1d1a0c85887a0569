#!/bin/sh
# hypersep under an MPI launcher: `sample` output byte-identical for 1, 2, 4
# and 8 ranks and to a plain run; refusals (rank count not a power of two,
# more ranks than amplitudes, memory) and usage errors exit 2 with their
# message and no hang; other commands print once; `suite engine` appends CSV
# rows and skips them on a rerun.
# usage: mpi_cli.sh PART PATH/TO/hypersep MPIEXEC NUMPROC_FLAG [LAUNCHER FLAGS...]
# PART: sample (byte-identical output) or other (refusals, info, suite); two
# parts so that ctest can run them side by side.
set -u
part=$1; hs=$2; mpiexec=$3; npflag=$4
shift 4
launcher="$*"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { # check DESCRIPTION EXIT-STATUS
    if [ "$2" -eq 0 ]; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi
}
# run NP ARGS...: hypersep under the launcher; a hang (timeout) is a failure.
run() {
    np=$1; shift
    # shellcheck disable=SC2086
    timeout 60 "$mpiexec" "$npflag" "$np" $launcher "$hs" "$@"
}

if [ "$part" = sample ]; then
# Byte-identical samples: plain, then 1, 2, 4 ranks, and 8 (more than the
# cores: oversubscribed) for the largest. n = 16: four ranks stay active for
# four queries; n = 12: the slices merge from the first query on; n = 13
# (odd: a = 2^-6.5 rounds), 40 sequences of seed 2: some first query falls
# on a rank bit (a build that took that distribution from the exchange's
# sums differed from one rank's at 4 ranks with this seed).
for spec in "16 3 300 13 8 5 21" "12 2 60 12 4 5 21" "13 3 286 13 4 40 2"; do
    set -- $spec
    args="sample --n $1 --k $2 --ell $3 --queries $4 --count $6 --seed $7"
    # shellcheck disable=SC2086
    "$hs" $args --out "$tmp/plain.tsv" 2>/dev/null
    st=$?
    [ "$st" -eq 0 ] && [ "$(wc -l <"$tmp/plain.tsv")" -eq $(($6 + 2)) ]
    check "plain sample n=$1: status $st, 2 header lines and $6 sequences" $?
    for np in 1 2 4 8; do
        [ "$np" -le "$5" ] || continue
        # shellcheck disable=SC2086
        run "$np" $args --out "$tmp/np$np.tsv" 2>"$tmp/err"
        st=$? # before the message is built: $(...) would reset $?
        check "sample n=$1 under $np ranks exits 0: $(head -c 300 "$tmp/err")" "$st"
        cmp -s "$tmp/plain.tsv" "$tmp/np$np.tsv"
        check "sample n=$1: $np ranks byte-identical to a plain run" $?
    done
done
# stdout carries the data once, from rank 0.
"$hs" sample --n 12 --k 2 --ell 60 --count 5 --seed 21 >"$tmp/plain_stdout.tsv" 2>/dev/null
run 4 sample --n 12 --k 2 --ell 60 --count 5 --seed 21 >"$tmp/stdout.tsv" 2>/dev/null
[ "$(wc -l <"$tmp/stdout.tsv")" -eq 7 ] && cmp -s "$tmp/plain_stdout.tsv" "$tmp/stdout.tsv"
check "stdout under 4 ranks equals a plain run's" $?
fi

if [ "$part" = other ]; then
# expect_refusal NP PATTERN ARGS...: exit 2, PATTERN on stderr, nothing on
# stdout, no output file, within the timeout.
expect_refusal() {
    np=$1; pattern=$2; shift 2
    rm -f "$tmp/out.tsv"
    run "$np" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" -ne 2 ] || [ -s "$tmp/stdout" ] || [ -e "$tmp/out.tsv" ] || ! grep -q -- "$pattern" "$tmp/stderr"; then
        echo "FAIL: $np ranks: hypersep $* -> rc=$rc (want 2, 124 is a hang)"
        sed 's/^/    stderr: /' "$tmp/stderr" | head -5
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}
O="--out $tmp/out.tsv"
expect_refusal 3 "3 MPI ranks: the rank count must be a power of two" sample --n 10 --k 2 --ell 5 $O
expect_refusal 4 "more ranks than the 2 amplitudes" sample --n 1 --k 1 --ell 5 $O
HYPERSEP_MEM_LIMIT=1M expect_refusal 2 "needs .* per rank, only 1.0 MiB available per rank on rank 0 (HYPERSEP_MEM_LIMIT)" \
    sample --n 20 --k 2 --ell 5 $O
expect_refusal 3 "must be a power of two" suite engine --n-list 12 --out "$tmp/res"
expect_refusal 2 "--n: 0 is out of range" sample --n 0 --k 1 --ell 3 $O
# The refusal message is printed once (by rank 0), not once per rank.
run 3 sample --n 10 --k 2 --ell 5 2>&1 >/dev/null |
    grep -c 'power of two' | grep -qx 1
check "refusal message printed once" $?

# A command that does not shard runs on rank 0 only.
run 2 info --n 10 --k 3 2>/dev/null | grep -c '^hyperedges=120$' | grep -qx 1
check "info under 2 ranks prints once" $?

# suite engine: 2 ranks, two n; a rerun appends nothing.
run 2 suite engine --n-list 12,13 --repeats 2 --out "$tmp/res" 2>"$tmp/err"
st=$?
check "suite engine under 2 ranks: $(tail -n 3 "$tmp/err")" "$st"
rows=$(($(wc -l <"$tmp/res/engine.csv") - 1))
test "$rows" -eq 10
check "suite engine: 5 operations x 2 n = 10 rows (got $rows)" $?
awk -F, 'NR == 1 { nf = NF; next } NF != nf || $4 != 2 || $9 <= 0 { bad = 1 } END { exit bad }' "$tmp/res/engine.csv"
check "suite engine: every row complete, ranks = 2, positive times" $?
grep -q ',query_global,' "$tmp/res/engine.csv" && awk -F, '$8 == "query_global" && $15 <= 0 { exit 1 }' "$tmp/res/engine.csv"
check "suite engine: query_global rows record exchange bytes" $?
run 2 suite engine --n-list 12,13 --repeats 2 --out "$tmp/res" 2>"$tmp/err"
test "$(($(wc -l <"$tmp/res/engine.csv") - 1))" -eq 10 && grep -q "already in" "$tmp/err"
check "suite engine rerun skips what is there" $?
fi

echo "mpi_cli $part: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
