#!/bin/sh
# Command-line behaviour of the trained models: `train` prints the metric
# lines, saves a model that `eval --load` scores identically on the held-out
# sequences written by `sample --first 2^40`, is deterministic given the seed;
# invalid input exits 2 with one line naming the problem, no stdout and no
# file; `bench baselines` prints its CSV.
# usage: test_nn_cli.sh PATH/TO/hypersep
set -u
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_usage_error PATTERN ARGS...: exit 2, one stderr line containing
# PATTERN, empty stdout, no model file.
# With first argument timeout_hs, hypersep runs under a 20 s timeout.
expect_usage_error() {
    pattern=$1; shift
    rm -f "$tmp/new.bin"
    if [ "$1" = timeout_hs ]; then
        shift
        set -- timeout 20 "$hs" "$@"
    else
        set -- "$hs" "$@"
    fi
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    lines=$(wc -l <"$tmp/stderr")
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$tmp/stdout" ] || [ -e "$tmp/new.bin" ] ||
        ls "$tmp" | grep -q 'new.bin.tmp' || ! grep -q -- "$pattern" "$tmp/stderr"; then
        bad "$* -> rc=$rc, stderr lines=$lines"
        sed 's/^/    stderr: /' "$tmp/stderr"
    else
        ok
    fi
}

key() { grep "^$1=" "$2" | cut -d= -f2; }

task="--n 3 --k 1 --ell 2 --seed 5"
small="--hidden 8 --steps 60 --batch 8 --eval 200"
# Train, save, and score the same held-out sequences through eval.
if "$hs" train --model lstm $task $small --save "$tmp/m.bin" >"$tmp/train1" 2>"$tmp/progress"; then ok; else bad "train"; fi
for k in hidden steps train_excess_loss_bits model sequences outputs cross_entropy_bits optimum_bits \
    excess_loss_bits tv nll_bits memory_bits params; do
    grep -q "^$k=" "$tmp/train1" && ok || bad "train output lacks $k="
done
[ "$(tail -2 "$tmp/train1" | cut -d= -f1 | tr '\n' ' ')" = "memory_bits params " ] && ok ||
    bad "train output does not end with memory_bits=, params="
[ "$(key memory_bits "$tmp/train1")" = 512 ] && ok || bad "LSTM h=8 memory_bits != 2*8*32"
grep -q "^train: step 60/60 loss" "$tmp/progress" && ok || bad "no final progress line"
"$hs" sample $task --count 200 --first 1099511627776 --out "$tmp/held.tsv" 2>/dev/null
"$hs" eval --model lstm --load "$tmp/m.bin" --data "$tmp/held.tsv" >"$tmp/eval" 2>/dev/null && ok || bad "eval --load"
# Batched (train) and per-sequence (eval) forward passes agree to float
# rounding: 1e-6 bits per output.
# A missing value fails (two empty values would compare equal).
for k in excess_loss_bits cross_entropy_bits; do
    awk -v a="$(key $k "$tmp/train1")" -v b="$(key $k "$tmp/eval")" \
        'BEGIN { if (a == "" || b == "") exit 1; d = a - b; if (d < 0) d = -d; exit !(d < 1e-6) }' && ok ||
        bad "$k: train $(key $k "$tmp/train1") eval $(key $k "$tmp/eval")"
done
for k in optimum_bits outputs memory_bits params; do
    [ -n "$(key $k "$tmp/train1")" ] && [ "$(key $k "$tmp/train1")" = "$(key $k "$tmp/eval")" ] && ok ||
        bad "$k differs between train and eval (or is missing)"
done
# eval scored the 200 held-out sequences: 200 x 3 queries.
[ "$(key sequences "$tmp/eval")" = 200 ] && [ "$(key outputs "$tmp/eval")" = 600 ] && ok ||
    bad "eval --load: sequences=$(key sequences "$tmp/eval") outputs=$(key outputs "$tmp/eval") (want 200, 600)"
# Determinism: everything but timings repeats.
"$hs" train --model lstm $task $small >"$tmp/train2" 2>/dev/null
grep -v -e seconds -e tokens_per_s "$tmp/train1" >"$tmp/t1"
grep -v -e seconds -e tokens_per_s "$tmp/train2" >"$tmp/t2"
cmp -s "$tmp/t1" "$tmp/t2" && ok || bad "train is not deterministic"
# GRU and Transformer run end to end; their memory accounting.
"$hs" train --model gru $task --hidden 8 --steps 5 --batch 4 --eval 10 >"$tmp/gru" 2>/dev/null &&
    [ "$(key memory_bits "$tmp/gru")" = 256 ] && ok || bad "gru train or memory_bits"
"$hs" train --model transformer $task --d-model 8 --layers 2 --heads 2 --steps 5 --batch 4 --eval 10 \
    --save "$tmp/t.bin" >"$tmp/tf" 2>/dev/null && [ "$(key memory_bits "$tmp/tf")" = 3072 ] && ok ||
    bad "transformer train or memory_bits (2*2*8*(2+1)*32 = 3072)"

# Damaged and mismatched files.
cp "$tmp/m.bin" "$tmp/c.bin"
printf 'X' | dd of="$tmp/c.bin" bs=1 seek=150 conv=notrunc 2>/dev/null
"$hs" sample --n 4 --k 1 --ell 2 --count 3 --out "$tmp/n4.tsv" 2>/dev/null
S="--save $tmp/new.bin"
expect_usage_error "checksum mismatch" eval --model lstm --load "$tmp/c.bin" --data "$tmp/held.tsv"
expect_usage_error "holds a lstm model, not --model gru" eval --model gru --load "$tmp/m.bin" --data "$tmp/held.tsv"
expect_usage_error "trained on n=3 k=1 d=2 bases=Z,X,Y, the data has n=4" \
    eval --model lstm --load "$tmp/m.bin" --data "$tmp/n4.tsv"
expect_usage_error "--load: required for --model lstm" eval --model lstm --data "$tmp/held.tsv"
expect_usage_error "--load: cannot open" eval --model lstm --load "$tmp/none.bin" --data "$tmp/held.tsv"
# Not files: a device never ends, a FIFO nobody writes would block (timeout
# turns a hang into status 124, a failure).
expect_usage_error "--load: '/dev/zero' is not a regular file" eval --model lstm --load /dev/zero --data "$tmp/held.tsv"
mkfifo "$tmp/fifo.bin"
expect_usage_error "--load: '$tmp/fifo.bin' is not a regular file" timeout_hs eval --model lstm --load "$tmp/fifo.bin" \
    --data "$tmp/held.tsv"
expect_usage_error "--params: model transformer takes its parameters from --load" \
    eval --model transformer --params exact --load "$tmp/t.bin" --data "$tmp/held.tsv"
# Options of train.
expect_usage_error "--model: 'rnn' is not a trainable model" train --model rnn $task $S
expect_usage_error "--model, --n, --k and --ell are required" train --model lstm --n 3 --k 1 $S
expect_usage_error "--hidden: not an option of --model transformer" train --model transformer $task --hidden 8 $S
expect_usage_error "--heads: not an option of --model lstm" train --model lstm $task --heads 2 $S
expect_usage_error "--heads: 4 does not divide --d-model 10" train --model transformer $task --d-model 10 $S
expect_usage_error "--hidden: 0 is out of range" train --model lstm $task --hidden 0 $S
expect_usage_error "--lr: 'fast' is not a number" train --model lstm $task --lr fast $S
expect_usage_error "--save: cannot create '$tmp/no/m.bin'" train --model lstm $task --save "$tmp/no/m.bin"
export HYPERSEP_MEM_LIMIT=1M
expect_usage_error "training needs .* 1.0 MiB is available" train --model transformer $task --d-model 256 $S
unset HYPERSEP_MEM_LIMIT
# Options of bench baselines.
expect_usage_error "--models: 'rnn' is not a trained model" bench baselines --models rnn
expect_usage_error "--hidden: '0' is not a list of sizes" bench baselines --hidden 0
expect_usage_error "--heads: 3 does not divide --d-model 64" bench baselines --models transformer --heads 3

# bench baselines: header plus one row per size, 18 columns each.
"$hs" bench baselines --models lstm,transformer --hidden 8 --d-model 8 --heads 2 --seq 6 --batch 2 \
    --repeats 1 --seconds 0 >"$tmp/bench.csv" 2>/dev/null && ok || bad "bench baselines"
[ "$(wc -l <"$tmp/bench.csv")" -eq 3 ] && ok || bad "bench baselines: expected 3 CSV lines"
awk -F, 'NR > 1 && (NF != 18 || $12 <= 0) { exit 1 }' "$tmp/bench.csv" && ok || bad "bench baselines rows"

echo "test_nn_cli: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
