#!/bin/sh
# The main job: builds hypersep and runs a small experiment on one machine.
# It draws HSMT datasets for k = 1, 2, 3 at growing context length
# ell = binom(n, k), n = 4..16, scores the exact and a randomly
# initialised k-HRNN on them, and prints one TSV row per configuration with the
# quantum memory (n) beside the classical lower bound binom(n, k) - 1.
# Files land in results/main/ (datasets and results.tsv).
# usage: scripts/run-main.sh
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
mkdir -p build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >build/configure-main.log 2>&1 ||
    { cat build/configure-main.log >&2; exit 1; }
cmake --build build/release -j"$(nproc)" --target hypersep >/dev/null
hs=build/release/cli/hypersep
out=results/main
mkdir -p "$out"
tmp="$out/results.tsv.tmp"
printf 'k\tell\tn\tsequences\tquantum_memory_bits\tclassical_lower_bound_bits\texact_classical_bits\toptimum_bits\tkhrnn_exact_excess_bits\tkhrnn_random_excess_bits\n' >"$tmp"
for k in 1 2 3; do
    # ell = binom(n, k): n is then the smallest size that holds ell distinct
    # hyperedges, the regime of the degree-k separation.
    for n in 4 6 8 12 16; do
        [ "$n" -ge "$k" ] || continue
        ell=$("$hs" info --n "$n" --k "$k" | sed -n 's/^hyperedges=//p')
        data="$out/hsmt_k${k}_ell${ell}.tsv"
        echo "main: k=$k ell=$ell n=$n" >&2
        "$hs" sample --n "$n" --k "$k" --ell "$ell" --count 200 --seed 1 --out "$data"
        "$hs" eval --model khrnn --params exact --data "$data" >"$out/eval_exact.txt"
        "$hs" eval --model khrnn --params random --seed 1 --data "$data" >"$out/eval_random.txt"
        "$hs" info --n "$n" --k "$k" >"$out/info.txt"
        get() { sed -n "s/^$1=//p" "$2"; }
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$ell" "$n" \
            "$(get sequences "$out/eval_exact.txt")" "$(get quantum_memory_bits "$out/info.txt")" \
            "$(get classical_lower_bound_bits "$out/info.txt")" \
            "$(get exact_classical_memory_bits "$out/info.txt")" \
            "$(get optimum_bits "$out/eval_exact.txt")" "$(get excess_loss_bits "$out/eval_exact.txt")" \
            "$(get excess_loss_bits "$out/eval_random.txt")" >>"$tmp"
    done
done
rm -f "$out/eval_exact.txt" "$out/eval_random.txt" "$out/info.txt"
mv "$tmp" "$out/results.tsv"
cat "$out/results.tsv"
