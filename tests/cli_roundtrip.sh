#!/bin/sh
# End-to-end through the executable: sample -> eval with the exact k-HRNN
# (excess loss 0), byte-identical files for the same seed, sequence i the same
# alone or in a batch, and `info` arithmetic.
# usage: cli_roundtrip.sh PATH/TO/hypersep
set -u
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { # check DESCRIPTION CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then passes=$((passes + 1)); else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

# A status is saved (st=$?) right after its command, and values a check
# reads are taken into variables before the condition that tests them, so
# the status check gets is the condition's. An awk check fails when its key
# is missing.
for spec in "5 3 12 2" "6 2 20 2" "4 2 8 3" "3 2 5 5"; do
    set -- $spec
    f="$tmp/d$1_$2_$4.tsv"
    "$hs" sample --n "$1" --k "$2" --ell "$3" --d "$4" --count 20 --seed 7 --out "$f" 2>/dev/null
    st=$?
    lines=$(wc -l <"$f")
    [ "$st" -eq 0 ] && [ "$lines" -eq 22 ]
    check "sample n=$1 k=$2 d=$4: status $st, $lines lines: 2 header lines and 20 sequences" $?
    "$hs" eval --model khrnn --data "$f" >"$tmp/eval.txt"
    check "eval n=$1 k=$2 d=$4" $?
    grep -qx 'sequences=20' "$tmp/eval.txt"
    check "eval n=$1 k=$2 d=$4 scored the 20 sequences" $?
    # |excess loss| < 1e-9 bits per output with exact parameters.
    awk -F= '$1=="excess_loss_bits"{n++; x=$2<0?-$2:$2; ok=(x<1e-9)} END{exit !(n == 1 && ok)}' "$tmp/eval.txt"
    st=$?
    excess=$(grep excess "$tmp/eval.txt")
    check "exact khrnn excess loss ~0 (n=$1 k=$2 d=$4): $excess" $st
    "$hs" eval --model khrnn --params random --seed 3 --data "$f" >"$tmp/eval_r.txt"
    check "eval --params random n=$1 k=$2 d=$4" $?
    awk -F= '$1=="excess_loss_bits"{n++; ok=($2>1e-3)} END{exit !(n == 1 && ok)}' "$tmp/eval_r.txt"
    check "random khrnn excess loss > 0 (n=$1 k=$2 d=$4)" $?
done

# Same seed: byte-identical output, file or stdout (both runs must succeed
# and write the 10 sequences: two failed runs compare equal too).
"$hs" sample --n 6 --k 3 --ell 15 --count 10 --seed 9 --out "$tmp/a.tsv"
st1=$?
"$hs" sample --n 6 --k 3 --ell 15 --count 10 --seed 9 >"$tmp/b.tsv"
st2=$?
lines=$(wc -l <"$tmp/a.tsv")
[ "$st1" -eq 0 ] && [ "$st2" -eq 0 ] && [ "$lines" -eq 12 ] && cmp -s "$tmp/a.tsv" "$tmp/b.tsv"
check "same seed, same bytes (statuses $st1, $st2)" $?
# Sequence 7 alone equals line 7 of the batch (lines 1-2 are headers).
"$hs" sample --n 6 --k 3 --ell 15 --first 7 --count 1 --seed 9 >"$tmp/seq7.tsv"
st=$?
tail -n 1 "$tmp/seq7.tsv" >"$tmp/alone.tsv"
sed -n '10p' "$tmp/a.tsv" >"$tmp/batch7.tsv"
id=$(cut -f1 "$tmp/alone.tsv")
[ "$st" -eq 0 ] && [ "$id" = 7 ] && cmp -s "$tmp/alone.tsv" "$tmp/batch7.tsv"
check "sequence 7 alone equals sequence 7 in the batch (status $st)" $?
# Threads do not change the output.
OMP_NUM_THREADS=1 "$hs" sample --n 6 --k 3 --ell 15 --count 10 --seed 9 >"$tmp/c.tsv"
st=$?
[ "$st" -eq 0 ] && [ -s "$tmp/a.tsv" ] && cmp -s "$tmp/a.tsv" "$tmp/c.tsv"
check "one thread, same bytes (status $st)" $?

# info: binom(10, 3) = 120 hyperedges, lower bound 119, 2^10 * 16 bytes.
"$hs" info --n 10 --k 3 >"$tmp/info.txt"
st=$?
[ "$st" -eq 0 ] && grep -qx 'hyperedges=120' "$tmp/info.txt" && grep -qx 'classical_lower_bound_bits=119' "$tmp/info.txt" &&
    grep -qx 'state_bytes=16384' "$tmp/info.txt" && grep -qx 'quantum_memory_bits=10' "$tmp/info.txt"
check "info arithmetic (status $st)" $?

# sample --count 0: the header alone (two lines, the task line naming n =
# 22), status 0, the same for the serial (d = 3) engine.
"$hs" sample --n 22 --k 3 --ell 1540 --count 0 >"$tmp/c0.tsv"
st=$?
"$hs" sample --n 8 --k 2 --ell 5 --d 3 --count 0 >"$tmp/c0q.tsv"
st2=$?
lines=$(wc -l <"$tmp/c0.tsv") linesq=$(wc -l <"$tmp/c0q.tsv")
[ "$st" -eq 0 ] && [ "$st2" -eq 0 ] && [ "$lines" -eq 2 ] && [ "$linesq" -eq 2 ] &&
    head -n 1 "$tmp/c0.tsv" | grep -q ' n=22 k=3 d=2 ell=1540 '
check "sample --count 0 writes the header alone (status $st, $st2)" $?

# HYPERSEP_HUGEPAGES=1 (2 MiB-aligned states with huge-page advice, n = 22:
# 64 MiB) and HYPERSEP_SIMD=generic draw the same bytes as the defaults.
"$hs" sample --n 22 --k 2 --ell 30 --count 2 >"$tmp/hp0.tsv"
st=$?
HYPERSEP_HUGEPAGES=1 "$hs" sample --n 22 --k 2 --ell 30 --count 2 >"$tmp/hp1.tsv"
st1=$?
HYPERSEP_SIMD=generic "$hs" sample --n 22 --k 2 --ell 30 --count 2 >"$tmp/hp2.tsv"
st2=$?
lines=$(wc -l <"$tmp/hp0.tsv")
[ "$st" -eq 0 ] && [ "$st1" -eq 0 ] && [ "$st2" -eq 0 ] && [ "$lines" -eq 4 ] &&
    cmp -s "$tmp/hp0.tsv" "$tmp/hp1.tsv" && cmp -s "$tmp/hp0.tsv" "$tmp/hp2.tsv"
check "sample with huge pages and generic kernels: the same bytes (status $st, $st1, $st2)" $?

# Qutrits (the serial engine's fused cells, core/qcell.c, compiled for the
# baseline and for AVX2): HYPERSEP_SIMD=generic draws the same bytes, the
# probabilities printed to 17 digits; n = 9 (19683 amplitudes) runs the
# passes in parallel.
"$hs" sample --n 9 --d 3 --k 2 --ell 20 --count 20 >"$tmp/q0.tsv"
st=$?
HYPERSEP_SIMD=generic "$hs" sample --n 9 --d 3 --k 2 --ell 20 --count 20 >"$tmp/q1.tsv"
st1=$?
lines=$(wc -l <"$tmp/q0.tsv")
[ "$st" -eq 0 ] && [ "$st1" -eq 0 ] && [ "$lines" -eq 22 ] && cmp -s "$tmp/q0.tsv" "$tmp/q1.tsv"
check "qutrit sample with generic kernels: the same bytes (status $st, $st1, $lines lines)" $?

# bench engine: every operation once, in order, with a positive median and
# passes = median / stream median (to the 3 printed decimals), ell =
# binom(12,3) = 220, the kernel variant forced by HYPERSEP_SIMD in its
# column; the verification after timing passed (status 0).
HYPERSEP_SIMD=generic "$hs" bench engine --n 12 --repeats 2 --threads 1 >"$tmp/bench.csv" 2>/dev/null
st=$?
ops=$(tail -n +2 "$tmp/bench.csv" | cut -d, -f4 | paste -sd' ')
[ "$st" -eq 0 ] && [ "$ops" = "stream read_only write_only write_cell write_deferred write_deferred_init query_low query_top query_fused_low query_fused_top query_fused_mid trajectory" ] &&
    head -n 1 "$tmp/bench.csv" | grep -q ',ell,kernels,version,' &&
    awk -F, 'NR == 1 { next } { n++; if (!($6 > 0) || $9 <= 0 || ($10 - $6 / $9) ^ 2 > 1e-6 || $11 != 220 || $12 != "generic") bad = 1 }
             END { exit bad || n != 12 }' "$tmp/bench.csv"
check "bench engine: all operations, passes = median / stream (status $st, operations '$ops')" $?

# The same operations for qutrits (the fused cells included, whose collapse
# applies a row of U), each with a positive median; ell = binom(7,3) = 35;
# the verification after timing (norm, conditionals summing to 1) passed.
"$hs" bench engine --n 7 --d 3 --repeats 2 --threads 1 >"$tmp/bench3.csv" 2>/dev/null
st=$?
ops=$(tail -n +2 "$tmp/bench3.csv" | cut -d, -f4 | paste -sd' ')
[ "$st" -eq 0 ] && [ "$ops" = "stream read_only write_only write_cell write_deferred write_deferred_init query_low query_top query_fused_low query_fused_top query_fused_mid trajectory" ] &&
    awk -F, 'NR == 1 { next } { n++; if (!($6 > 0) || $2 != 3 || $11 != 35) bad = 1 } END { exit bad || n != 12 }' "$tmp/bench3.csv"
check "bench engine --d 3: all operations (status $st, operations '$ops')" $?

# Start-up: OpenBLAS and PAPI are loaded at first use (core/dl.h), so a bare
# command loads neither (glibc's LD_DEBUG=files lists every object loaded),
# and a training run of an LSTM loads OpenBLAS (the listing does show it).
LD_DEBUG=files "$hs" version >/dev/null 2>"$tmp/ld0.txt"
st=$?
heavy=$(grep -c 'file=libopenblas\|file=libpapi' "$tmp/ld0.txt")
libc=$(grep -c 'file=libc\.so' "$tmp/ld0.txt")
[ "$st" -eq 0 ] && [ "$heavy" -eq 0 ] && [ "$libc" -ge 1 ]
check "version loads neither OpenBLAS nor PAPI (status $st, $heavy of them, libc listed $libc times)" $?
LD_DEBUG=files "$hs" train --model lstm --n 4 --k 2 --ell 3 --steps 5 --batch 4 --eval 5 >/dev/null 2>"$tmp/ld1.txt"
st=$?
blas=$(grep -c 'file=libopenblas' "$tmp/ld1.txt")
[ "$st" -eq 0 ] && [ "$blas" -ge 1 ]
check "train --model lstm loads OpenBLAS at its first product (status $st, listed $blas times)" $?

echo "cli_roundtrip: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
