#!/bin/sh
# Every invalid input: exit status 2, exactly one line on stderr naming the
# problem, nothing on stdout, and no output file left behind.
# usage: cli_errors.sh PATH/TO/hypersep
set -u
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0

# expect_usage_error PATTERN ARGS...: PATTERN must appear in the message.
# With first argument timeout_hs, hypersep runs under a 20 s timeout.
expect_usage_error() {
    pattern=$1; shift
    out="$tmp/out.tsv"
    rm -f "$out"
    if [ "$1" = timeout_hs ]; then
        shift
        set -- timeout 20 "$hs" "$@"
    else
        set -- "$hs" "$@"
    fi
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    lines=$(wc -l <"$tmp/stderr")
    leftovers=$(ls "$tmp" | grep -c '^out\.tsv')
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$tmp/stdout" ] || [ "$leftovers" -ne 0 ] ||
        ! grep -q -- "$pattern" "$tmp/stderr"; then
        echo "FAIL: $* -> rc=$rc, stderr lines=$lines, files=$leftovers"
        sed 's/^/    stderr: /' "$tmp/stderr"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}

O="--out $tmp/out.tsv"
# The kernel variant from the environment (core/kern.h).
export HYPERSEP_SIMD=sse9
expect_usage_error "HYPERSEP_SIMD=sse9: unknown kernel variant; allowed: generic, avx2, auto" sample --n 4 --k 2 --ell 3 $O
unset HYPERSEP_SIMD
# Numbers and ranges.
expect_usage_error "'abc' is not an integer" sample --n abc --k 2 --ell 3 $O
expect_usage_error "--n: 0 is out of range" sample --n 0 --k 1 --ell 3 $O
expect_usage_error "--k: 5 is larger than --n 4" sample --n 4 --k 5 --ell 3 $O
expect_usage_error "--d: 1 is out of range" sample --n 4 --k 2 --ell 3 --d 1 $O
expect_usage_error "--queries: 5 is larger than --n 4" sample --n 4 --k 2 --ell 3 --queries 5 $O
expect_usage_error "--ell: -1 is out of range" sample --n 4 --k 2 --ell -1 $O
expect_usage_error "'1.5' is not an integer" sample --n 4 --k 2 --ell 1.5 $O
expect_usage_error "--seed: '-3' is not an integer" sample --n 4 --k 2 --ell 3 --seed -3 $O
# strtoull would take these (a space and a sign, wrapping to 1): refused.
expect_usage_error "--seed: ' -18446744073709551615' is not an integer" sample --n 4 --k 2 --ell 3 \
    --seed ' -18446744073709551615' $O
expect_usage_error "--seed: '+5' is not an integer" sample --n 4 --k 2 --ell 3 --seed +5 $O
expect_usage_error "--seed: '18446744073709551616' is not an integer" sample --n 4 --k 2 --ell 3 \
    --seed 18446744073709551616 $O
# Bases.
expect_usage_error "'W' is not a basis for d=2" sample --n 4 --k 2 --ell 3 --bases Z,W $O
expect_usage_error "'3' is not a basis for d=3" sample --n 4 --k 2 --ell 3 --d 3 --bases Z,3 $O
expect_usage_error "listed twice" sample --n 4 --k 2 --ell 3 --bases X,X $O
# Options.
expect_usage_error "unknown option '--bogus'" sample --n 4 --k 2 --ell 3 --bogus 1 $O
expect_usage_error "--n given twice" sample --n 4 --n 5 --k 2 --ell 3 $O
expect_usage_error "--ell needs a value" sample --n 4 --k 2 $O --ell
expect_usage_error "are required" sample --n 4 --k 2 $O
expect_usage_error "unknown command 'frobnicate'" frobnicate
expect_usage_error "unknown benchmark 'gpu'" bench gpu
# Memory: 2^40 amplitudes need 16 TiB; a tiny explicit limit refuses n = 20.
expect_usage_error "needs 18.0 TiB, only" sample --n 40 --k 2 --ell 3 $O
HYPERSEP_MEM_LIMIT=1M expect_usage_error "only 1.0 MiB available (HYPERSEP_MEM_LIMIT)" sample --n 20 --k 2 --ell 3 $O
expect_usage_error "--k: 7 is larger than --n 3" info --n 3 --k 7
expect_usage_error "needs" bench engine --n 45

# Datasets given to eval.
"$hs" sample --n 4 --k 2 --ell 5 --count 3 --seed 2 --out "$tmp/good.tsv" || { echo "FAIL: sample"; exit 1; }
expect_usage_error "cannot open\|No such file" eval --model khrnn --data "$tmp/missing.tsv"
expect_usage_error "'bogus' is not a model" eval --model bogus --data "$tmp/good.tsv"
expect_usage_error "'typo' is not a parameter set" eval --model khrnn --params typo --data "$tmp/good.tsv"
# Truncated: last line cut in the middle of a field.
head -c -7 "$tmp/good.tsv" >"$tmp/trunc.tsv"
expect_usage_error "trunc.tsv:5" eval --model khrnn --data "$tmp/trunc.tsv"
# Bad header.
sed '1s/hypersep-hsmt v1/hypersep-hsmt v9/' "$tmp/good.tsv" >"$tmp/badhdr.tsv"
expect_usage_error "badhdr.tsv:1" eval --model khrnn --data "$tmp/badhdr.tsv"
# Wrong field count: drop the probs column of line 3.
awk -F'\t' 'BEGIN{OFS="\t"} NR==3{NF=4} {print}' "$tmp/good.tsv" >"$tmp/fields.tsv"
expect_usage_error "fields.tsv:3" eval --model khrnn --data "$tmp/fields.tsv"
# Out-of-range site in a query.
awk -F'\t' 'BEGIN{OFS="\t"} NR==4{sub(/^[0-9]+:/, "9:", $3)} {print}' "$tmp/good.tsv" >"$tmp/site.tsv"
expect_usage_error "site.tsv:4" eval --model khrnn --data "$tmp/site.tsv"
# Probabilities that do not sum to 1.
awk -F'\t' 'BEGIN{OFS="\t"} NR==3{$5 = "0.7/0.7" substr($5, index($5, ","))} {print}' "$tmp/good.tsv" >"$tmp/sum.tsv"
expect_usage_error "sum.tsv:3" eval --model khrnn --data "$tmp/sum.tsv"

# Probabilities other than plain decimals (docs/formats.md), each on line 3.
for p in 0x1p-1 +0.5 .5; do
    awk -F'\t' -v p="$p" 'BEGIN{OFS="\t"} NR==3{split($5, d, "/"); $5 = p "/" substr($5, length(d[1]) + 2)} {print}' \
        "$tmp/good.tsv" >"$tmp/plain.tsv"
    grep -qF "$p/" "$tmp/plain.tsv" || { echo "FAIL: fixture for '$p' not made"; fails=$((fails + 1)); }
    expect_usage_error "plain.tsv:3: distribution 1: '$p' is not a number (allowed: a plain decimal" \
        eval --model khrnn --data "$tmp/plain.tsv"
done
# A header asking for 10^9 and 4.5e10 writes in a file of 122 bytes: refused
# at its data line, without allocating for the header (HYPERSEP_MEM_LIMIT
# does not bound allocation: a reader that allocated 7.5 GiB or 360 GB
# first would run out of memory or be killed, not print this line).
for ell in 1000000000 45000000000; do
    { printf '# hypersep-hsmt v1 n=4 k=2 d=2 ell=%s q=2 bases=Z,X seed=1\n' "$ell"
      printf 'id\twrites\tqueries\toutcomes\tprobs\n0\t0.1\t0:Z,1:Z\t0,0\t1/0,1/0\n'; } >"$tmp/big_ell.tsv"
    expect_usage_error "big_ell.tsv:3: 1 writes (must be ell=$ell)" eval --model khrnn --data "$tmp/big_ell.tsv"
done
# Not files: a device that never ends, a FIFO nobody writes (a hang is a
# failure: timeout exits 124).
expect_usage_error "/dev/zero: not a regular file" eval --model khrnn --data /dev/zero
mkfifo "$tmp/fifo.tsv"
expect_usage_error "fifo.tsv: not a regular file" timeout_hs eval --model khrnn --data "$tmp/fifo.tsv"

echo "cli_errors: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
