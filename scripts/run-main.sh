#!/bin/sh
# The main job: a small separation experiment on one machine, end to end.
# Builds hypersep, runs the three grid suites at their built-in (smallest)
# grids, then the analysis:
#   separation     memory each model needs against correlation length
#   trainability   Lie-algebra dimensions, gradient variance against n, training
#                  from random starts (k-HRNN and a generic ansatz)
#   contextuality  LP certificates, the presample model's loss
# Results land in results/main/: the CSV files, the plots (PNG), results.md,
# and the summary table, which is also printed. Under Open MPI the suites
# spread their configurations over one rank per core; without it they run in
# one process. The suites resume: an interrupted main job, started again,
# continues where it stopped.
# usage: scripts/run-main.sh
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh analysis
mkdir -p build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >build/configure-main.log 2>&1 ||
    { cat build/configure-main.log >&2; exit 1; }
cmake --build build/release -j"$(nproc)" --target hypersep >build/build-main.log 2>&1 ||
    { cat build/build-main.log >&2; exit 1; }
hs=build/release/cli/hypersep
out=results/main
mkdir -p "$out"

launch=""
if command -v mpirun >/dev/null 2>&1 && [ "$(nproc)" -gt 1 ]; then
    launch="mpirun -np $(nproc)"
    [ "$(id -u)" -ne 0 ] || launch="$launch --allow-run-as-root"
fi
start=$(date +%s)
for suite in separation trainability contextuality; do
    echo "main: suite $suite${launch:+ ($launch)}" >&2
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=1 $launch "$hs" suite "$suite" --out "$out" --resume >"$out/$suite.stdout"
done
echo "main: suites done in $(($(date +%s) - start)) s; analysis" >&2
py=analysis/python.sh
"$py" analysis/plot_separation.py -o "$out" "$out/separation.csv" >"$out/slopes.tsv"
"$py" analysis/plot_trainability.py -o "$out" "$out/trainability.csv" >/dev/null
"$py" analysis/report.py -o "$out" --separation "$out/separation.csv" \
    --trainability "$out/trainability.csv" --contextuality "$out/contextuality.csv"
echo "main: results in $out/ (results.md, *.png, *.csv)" >&2
