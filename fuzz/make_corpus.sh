#!/bin/sh
# Regenerates the seed corpora of the fuzz targets (fuzz/corpus/TARGET/)
# from what the tests use: datasets written by `hypersep sample` and models
# by `train --save` at the tests' sizes (tests/cli_roundtrip.sh,
# tests/test_nn_cli.sh), the suite configuration fixture, the results-CSV
# fixtures (tests/fixtures) cut to a few rows. Deterministic: the same
# hypersep writes the same files.
# usage: fuzz/make_corpus.sh PATH/TO/hypersep
set -eu
hs=$1
root=$(cd "$(dirname "$0")/.." && pwd)
c=$root/fuzz/corpus
rm -rf "$c"
mkdir -p "$c/dataset" "$c/config" "$c/nnfile" "$c/csv"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
for spec in "5 3 12 2 Z,X,Y" "4 2 8 3 Z,0,2" "3 1 0 2 Z" "3 2 5 5 Z,4"; do
    set -- $spec
    "$hs" sample --n "$1" --k "$2" --ell "$3" --d "$4" --bases "$5" --count 3 --seed 7 \
        --out "$c/dataset/n$1_k$2_ell$3_d$4.tsv" 2>/dev/null
done
task="--n 3 --k 1 --ell 2 --seed 5 --steps 2 --batch 2 --eval 2"
"$hs" train --model lstm $task --hidden 4 --save "$c/nnfile/lstm.bin" >/dev/null 2>&1
"$hs" train --model gru $task --hidden 3 --embed 2 --save "$c/nnfile/gru.bin" >/dev/null 2>&1
"$hs" train --model transformer $task --d-model 4 --layers 1 --heads 2 --save "$c/nnfile/transformer.bin" \
    >/dev/null 2>&1
cp "$root/tests/fixtures/tiny_separation.conf" "$c/config/tiny_separation.conf"
cat >"$c/config/every_key.conf" <<'CONF'
# the keys of fuzz/fuzz_config.c's table
k = 1,2
ell = 0,4,16
n = auto
steps = 40
epsilon = 0.01
models = lstm,exact
bases = Z,X
seed = 1,2,3
CONF
for f in separation trainability contextuality; do
    head -n 6 "$root/tests/fixtures/$f.csv" >"$c/csv/$f.csv"
done
"$hs" suite engine --n-list 4 --repeats 1 --out "$c/engine" >/dev/null 2>&1
head -n 3 "$c/engine/engine.csv" >"$c/csv/engine.csv"
rm -rf "$c/engine"
ls -l "$c"/*
