#!/bin/sh
# `cmake --install BUILD --prefix P` gives a usable tree: P/bin/hypersep runs,
# the full grids under P/share/hypersep/configs are valid configurations, the
# analysis scripts are there and executable, and the installed Slurm scripts
# fall back to P/bin/hypersep (not the build tree's binary).
# usage: install_tree.sh BUILD_DIR CMAKE
set -u
build=$1
cmake=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$cmake" --install "$build" --prefix "$tmp/p" >"$tmp/log" 2>&1; st=$?
[ "$st" -eq 0 ] && ok || { bad "cmake --install: status $st"; cat "$tmp/log"; }
hs=$tmp/p/bin/hypersep
"$hs" models >"$tmp/models" 2>/dev/null; st=$?
[ "$st" -eq 0 ] && [ "$(wc -l <"$tmp/models")" -gt 8 ] && ok || bad "installed hypersep models: status $st"
n=0
for c in "$tmp/p/share/hypersep/configs"/*.conf; do
    [ -e "$c" ] || { bad "no configs installed"; break; }
    n=$((n + 1))
    suite=$(basename "$c" | sed 's/-.*//')
    "$hs" suite "$suite" --config "$c" --print-config >/dev/null 2>"$tmp/err"; st=$?
    [ "$st" -eq 0 ] && ok || bad "$c: suite $suite refuses it (status $st): $(cat "$tmp/err")"
done
[ "$n" -ge 3 ] && ok || bad "expected at least 3 installed configs, found $n"
for f in python.sh plot_separation.py plot_trainability.py report.py suite_csv.py fits.py grid_cost.py; do
    [ -x "$tmp/p/share/hypersep/analysis/$f" ] || [ -f "$tmp/p/share/hypersep/analysis/$f" ] && ok ||
        bad "analysis/$f not installed"
done
[ -x "$tmp/p/share/hypersep/analysis/python.sh" ] && ok || bad "python.sh not executable"
[ -x "$tmp/p/share/hypersep/slurm/submit-separation.sh" ] && ok || bad "submit-separation.sh not installed executable"
for f in separation.sbatch merge.sbatch engine_strong.sbatch engine_weak.sbatch; do
    s=$tmp/p/share/hypersep/slurm/$f
    if [ -x "$s" ] && grep -qF "$tmp/p/bin/hypersep" "$s" && ! grep -q "build/release" "$s"; then ok
    else bad "slurm/$f: not installed executable, or not pointing at $tmp/p/bin/hypersep"; fi
done

echo "install_tree: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
