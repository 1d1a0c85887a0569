#!/bin/sh
# Runs one libFuzzer target of fuzz/ for a bounded time.
# usage: scripts/fuzz.sh TARGET SECONDS [FUZZ_BUILD_DIR]
#   TARGET: dataset, config, nnfile or csv (fuzz/fuzz_TARGET.c)
#   FUZZ_BUILD_DIR: where the fuzz targets are built (default build/fuzz,
#     configured and built here with clang when missing; the main build's
#     ctest passes its own, BUILD/fuzz-build)
# The corpus grows in FUZZ_BUILD_DIR/corpus-TARGET, seeded from
# fuzz/corpus/TARGET; a crash is saved as FUZZ_BUILD_DIR/crash-TARGET-*, the
# run exits non-zero and the last lines of libFuzzer's report say where.
# Prints libFuzzer's final statistics (executions, exec/s, peak memory) and
# its last status line (cov: edges, ft: features, corp: corpus size).
set -eu
[ $# -ge 2 ] || { echo "usage: scripts/fuzz.sh TARGET SECONDS [FUZZ_BUILD_DIR]" >&2; exit 2; }
target=$1 seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${3:-$root/build/fuzz}
case $target in dataset | config | nnfile | csv) ;; *)
    echo "scripts/fuzz.sh: unknown target '$target' (allowed: dataset, config, nnfile, csv)" >&2; exit 2 ;;
esac
case $seconds in '' | *[!0-9]*)
    echo "scripts/fuzz.sh: SECONDS: '$seconds' is not a whole number of seconds" >&2; exit 2 ;;
esac
bin=$dir/fuzz_$target
if [ ! -x "$bin" ] && [ -z "${3:-}" ]; then
    mkdir -p "$dir"
    cmake -S "$root/fuzz" -B "$dir" -DCMAKE_C_COMPILER=clang >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log" >&2; exit 1; }
    cmake --build "$dir" -j"$(nproc)" >"$dir.build.log" 2>&1 || { cat "$dir.build.log" >&2; exit 1; }
fi
[ -x "$bin" ] || { echo "scripts/fuzz.sh: no fuzz target $bin" >&2; exit 1; }
work=$dir/corpus-$target
mkdir -p "$work"
log=$dir/fuzz-$target.log
# -rss_limit_mb: an input that makes a reader allocate more than 2 GiB is a
# crash (allocation must be bounded by the input); -timeout: one input
# taking over 10 s is a hang. One job, one thread: the machine is shared.
set +e
"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/crash-$target-" "$work" "$root/fuzz/corpus/$target" >"$log" 2>&1
st=$?
set -e
grep -E '^(#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)|stat::)' "$log" | tail -n 8
if [ "$st" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz $target: FAILED (status $st), log $log" >&2
    exit 1
fi
echo "fuzz $target: ok, ${seconds} s"
