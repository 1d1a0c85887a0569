#!/bin/sh
# Runs tests/torch_check.py (C models against torch in float64) with the first
# Python that has torch: Debian's /usr/bin/python3 (apt-get install
# python3-torch), else python3 on PATH. Without torch it says so and exits 77,
# which ctest reports as "Skipped" (SKIP_RETURN_CODE), never as a pass.
# usage: torch_check.sh PATH/TO/torch_dump
set -u
dump=$1
here=$(dirname "$0")
for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch' >/dev/null 2>&1; then
        exec "$py" "$here/torch_check.py" "$dump"
    fi
done
echo "SKIPPED: torch cross-check not run: no python3 with torch (apt-get install -y python3-torch)"
exit 77
