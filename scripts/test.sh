#!/bin/sh
# Builds hypersep and runs every test twice: an optimised build with warnings
# as errors, then under AddressSanitizer and UndefinedBehaviorSanitizer.
# usage: scripts/test.sh     (installs missing Debian packages first)
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)
mkdir -p build
for kind in release sanitize; do
    dir=build/$kind
    # The fuzz targets (fuzz/) are clang builds with their own sanitizers,
    # the same in both builds: the sanitizer build runs them.
    if [ "$kind" = sanitize ]; then
        extra="-DHS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo"
    else
        extra="-DCMAKE_BUILD_TYPE=Release -DHS_FUZZ=OFF"
    fi
    echo "== $kind build" >&2
    # shellcheck disable=SC2086
    cmake -S . -B "$dir" -DHS_WERROR=ON $extra >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log" >&2; exit 1; }
    cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1 || { cat "$dir.build.log" >&2; exit 1; }
    (cd "$dir" && ctest --output-on-failure -j"$jobs")
done
