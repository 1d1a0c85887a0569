#!/bin/sh
# Installs the Debian packages hypersep needs, only those missing, quietly.
# usage: scripts/deps.sh [build|test|analysis]
#   test adds what the test suite uses (with clang and libFuzzer for fuzz/);
#   analysis adds matplotlib for analysis/
#   (the main job's plots). The Slurm daemons the Slurm test needs are
#   installed by that test itself (tests/slurm.sh), only when it runs as root.
set -eu
want="build-essential cmake pkg-config git libfftw3-dev libcmocka-dev libpapi-dev papi-tools
libopenmpi-dev openmpi-bin libopenblas-dev libglpk-dev"
if [ "${1:-build}" = test ]; then
    # Debian's /usr/bin/python3 with torch: the independent cross-check of the
    # classical baselines (tests/torch_check.sh); matplotlib for the analysis
    # scripts' test (tests/analysis.sh).
    want="$want python3-numpy python3-torch python3-matplotlib"
    # clang with libFuzzer: the fuzz targets (fuzz/), built and run by ctest.
    want="$want clang libclang-rt-14-dev"
elif [ "${1:-build}" = analysis ]; then
    want="$want python3-numpy python3-matplotlib"
fi
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
