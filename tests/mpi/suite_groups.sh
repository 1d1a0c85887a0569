#!/bin/sh
# Grid suites on rank groups (suites/shard.h, suites/runner.c): a deep-level
# separation grid (tests/fixtures/tiny_deep.conf, n = 14 on the sharded
# engine) and a sharded trainability grid (n = 12: gradient variance and a
# training run of the k-HRNN) give the same rows (every column but times and
# provenance) in one process and under mpirun with 2 and 4 ranks, with
# ranks_per_config 1, 2 and 4; the rows of a group's configuration say so in
# the ranks column ("4:2"). A ranks_per_config too small for the state is
# refused on every rank with the need and the limit, status 2, no hang and
# no row.
# usage: suite_groups.sh HYPERSEP CONFIG MPIEXEC NPFLAG [FLAGS...]
set -eu
hs=$1 conf=$2 mpiexec=$3 npflag=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Deterministic columns: all but the times and the provenance (results_layout.sh).
. "$(cd "$(dirname "$0")/.." && pwd)/results_layout.sh"
rows() { sep_rows "$1"; }
cat >"$tmp/tr.conf" <<'CONF'
parts = variance,run
variance_k = 2
variance_n = 12
variance_models = khrnn
variance_init = uniform
samples = 4
variance_batch = 2
bootstrap = 50
run_k = 2
run_n = 12
run_models = khrnn
run_seeds = 1
steps = 20
eval = 10
shard_min_n = 12
CONF

HYPERSEP_MPI=0 "$hs" suite separation --config "$conf" --out "$tmp/serial" >/dev/null 2>"$tmp/err" ||
    fail "separation, one process: $(tail -3 "$tmp/err")"
rows "$tmp/serial/separation.csv" >"$tmp/sep.rows"
# 2 k x (exact, khrnn, khrnn trained, lstm): 8 rows.
[ "$(wc -l <"$tmp/sep.rows")" -eq 8 ] || fail "separation, one process: $(wc -l <"$tmp/sep.rows") rows, expected 8"
HYPERSEP_MPI=0 "$hs" suite trainability --config "$tmp/tr.conf" --out "$tmp/serial" >/dev/null 2>"$tmp/err" ||
    fail "trainability, one process: $(tail -3 "$tmp/err")"
rows "$tmp/serial/trainability.csv" >"$tmp/tr.rows"
# 3 variance readings + 1 run row + its curve rows (at least steps 0 and 20).
[ "$(grep -c '^variance' "$tmp/tr.rows")" -eq 3 ] && [ "$(grep -c '^run' "$tmp/tr.rows")" -eq 1 ] &&
    [ "$(grep -c '^curve' "$tmp/tr.rows")" -ge 2 ] || fail "trainability, one process: $(cut -d, -f1 "$tmp/tr.rows" | sort | uniq -c | tr '\n' ' ')"

for run in "2 1" "2 2" "4 1" "4 2" "4 4"; do
    set -- $run "$@"
    np=$1 g=$2
    shift 2
    d=$tmp/np${np}_g$g
    mkdir -p "$d"
    { cat "$conf"; echo "ranks_per_config = $g"; } >"$d/sep.conf"
    { cat "$tmp/tr.conf"; echo "ranks_per_config = $g"; } >"$d/tr.conf"
    "$mpiexec" "$npflag" "$np" "$@" "$hs" suite separation --config "$d/sep.conf" --out "$d" >/dev/null \
        2>>"$tmp/err" || fail "separation np=$np g=$g: $(tail -3 "$tmp/err")"
    rows "$d/separation.csv" | cmp -s - "$tmp/sep.rows" || fail "separation np=$np g=$g: rows differ from one process"
    "$mpiexec" "$npflag" "$np" "$@" "$hs" suite trainability --config "$d/tr.conf" --out "$d" >/dev/null \
        2>>"$tmp/err" || fail "trainability np=$np g=$g: $(tail -3 "$tmp/err")"
    rows "$d/trainability.csv" | cmp -s - "$tmp/tr.rows" || fail "trainability np=$np g=$g: rows differ from one process"
    want=$np
    [ "$g" -eq 1 ] || want="$np:$g"
    awk -F, -v want="$want" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ranks") p = i; next }
                             { n++; if ($p != want) bad = 1 } END { exit bad || !p || n == 0 }' "$d/separation.csv" ||
        fail "separation np=$np g=$g: ranks column is not $want"
done

# A group too small for the state: 1 rank per configuration with 2 MiB per
# rank (n = 14 needs 256 KiB per state: allowed here is 128 KiB).
{ cat "$conf"; echo "ranks_per_config = 1"; } >"$tmp/small.conf"
set +e
HYPERSEP_MEM_LIMIT=128K timeout 60 "$mpiexec" "$npflag" 2 "$@" "$hs" suite separation --config "$tmp/small.conf" \
    --out "$tmp/small" >"$tmp/small.out" 2>"$tmp/small.err"
st=$?
set -e
[ "$st" -eq 2 ] || fail "too small a group: status $st, expected 2 ($(tail -2 "$tmp/small.err"))"
grep -q "ranks_per_config: 1: k = 2, n = 14 needs .* per rank over 1 ranks, only 128.0 KiB per rank" "$tmp/small.err" ||
    fail "too small a group: message $(cat "$tmp/small.err")"
[ ! -s "$tmp/small.out" ] && [ ! -e "$tmp/small/separation.csv" ] || fail "too small a group: output written"
echo "suite_groups: ok"
