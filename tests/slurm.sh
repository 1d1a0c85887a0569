#!/bin/bash
# The separation suite's Slurm scripts on a real one-node Slurm cluster started
# here: a private munged, slurmctld and slurmd (slurm/slurm.conf.in, own ports
# and directories), a 2-task job array of a tiny grid with `sbatch --wait`,
# the merge job, then the same again through slurm/submit-separation.sh into
# the same directory (every slice resumes and finds its rows done: the merged
# file stays as it was). Checks the merged separation.csv: the header of
# docs/formats.md, one row per configuration of the grid, no repeated key,
# rows from both slices; and the summary file.
# Skips (exit 77) when not root or the Slurm packages cannot be installed.
# Always stops the daemons it started (by process id) and removes its files.
# usage: slurm.sh PATH/TO/hypersep SOURCE_DIR
set -u
hs=$1 src=$2
skip() { echo "slurm: skipped: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

[ "$(id -u)" -eq 0 ] || skip "needs root (starts munged, slurmctld, slurmd and runs jobs as root)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
    ! command -v munged >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge \
        >/dev/null 2>&1 || skip "apt-get cannot install slurmctld slurmd slurm-client munge"
fi
# Absolute paths: the jobs run in their own working directory.
hs=$(cd "$(dirname "$hs")" && pwd)/$(basename "$hs")
src=$(cd "$src" && pwd)
[ -x "$hs" ] || fail "no executable $hs"

t0=$(now)
tmp=$(mktemp -d /tmp/hs-slurm.XXXXXX)
chmod 755 "$tmp"
pids="" # daemons started here, the last started first
cleanup() {
    local t1 p left
    t1=$(now)
    # Jobs still in this private cluster (a failed or timed-out wait) end
    # before slurmd does, so no job step outlives the cluster.
    if [ -n "${SLURM_CONF:-}" ] && left=$(squeue -h -o %A 2>/dev/null) && [ -n "$left" ]; then
        # shellcheck disable=SC2086
        scancel $left 2>/dev/null
        for _ in $(seq 100); do # 20 s; KillWait is 5 s
            [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
    # slurmd, slurmctld, then munged (which they use until they exit).
    for p in $pids; do
        kill "$p" 2>/dev/null || continue
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$p" 2>/dev/null; then kill -KILL "$p"; fi
    done
    rm -rf "$tmp"
    echo "slurm: teardown $(since "$t1")" >&2
}
trap cleanup EXIT
trap 'exit 1' INT TERM
logs() { tail -n 5 "$tmp"/*.out 2>/dev/null | sed 's/^/    /' >&2; }

# A private munged: own key and socket, so a system munge is neither needed
# nor disturbed.
mkdir -m 700 "$tmp/munge"
head -c 128 /dev/urandom >"$tmp/munge/munge.key"
chmod 600 "$tmp/munge/munge.key"
sock=$tmp/munge/munge.socket
munged --foreground --force --socket="$sock" --key-file="$tmp/munge/munge.key" \
    --log-file="$tmp/munged.log" --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/seed" \
    </dev/null >"$tmp/munged.out" 2>&1 &
pids="$!"
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { logs; fail "munged did not start"; }

# Two free ports next to each other, away from Slurm's defaults 6817/6818.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((20000 + ($$ % 2000) * 2))
for _ in $(seq 50); do
    port_free "$port" && port_free $((port + 1)) && break
    port=$((port + 2))
done
# The node's CPUs: the machine's (GNU nproc obeys OMP_NUM_THREADS, which
# ctest sets to 1), at least 2 for the deep job's rank group of 2
# (slurm.conf.in lets the configuration exceed the hardware).
cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
[ "$cpus" -ge 2 ] || cpus=2
mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
host=$(hostname -s)
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/run"
: >"$tmp/plugstack.conf"
sed -e "s|@HOST@|$host|g; s|@CPUS@|$cpus|g; s|@MEM_MB@|$mem_mb|g; s|@DIR@|$tmp|g" \
    -e "s|@CTLD_PORT@|$port|g; s|@SLURMD_PORT@|$((port + 1))|g; s|@MUNGE_SOCKET@|$sock|g" \
    "$src/slurm/slurm.conf.in" >"$tmp/slurm.conf"
export SLURM_CONF=$tmp/slurm.conf
slurmctld -D -f "$SLURM_CONF" </dev/null >"$tmp/slurmctld.out" 2>&1 &
pids="$! $pids"
slurmd -D -f "$SLURM_CONF" </dev/null >"$tmp/slurmd.out" 2>&1 &
pids="$! $pids"
state=""
for _ in $(seq 150); do # 30 s
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || { logs; fail "node not idle after 30 s (state '$state')"; }
echo "slurm: bring-up $(since "$t0") (ports $port, $((port + 1)))" >&2

# The tiny grid: k = 1, ell = 2, 4 (n = 2, 4); per ell LSTM h = 4, 8, exact,
# k-HRNN: 8 configurations.
cat >"$tmp/tiny.conf" <<'EOF'
grid = ell
also_train = none
k = 1
ell = 2,4
models = lstm,exact,khrnn
lstm_hidden = 4,8
steps = 50
eval = 50
seed = 1
EOF
expected="2,lstm,4 2,lstm,8 2,exact,0 2,khrnn,0 4,lstm,4 4,lstm,8 4,exact,0 4,khrnn,0"
# The header and key width of suites/schema.c, as --print-header gives them.
header=$("$hs" suite separation --print-header | tail -n +2 | cut -f1 | paste -sd, -)
nkey=$("$hs" suite separation --print-header | awk -F'\t' '$3 == "yes"' | wc -l)
[ "$nkey" -ge 13 ] || fail "suite separation --print-header gives $nkey key columns"
out=$tmp/work/out
mkdir -p "$tmp/work"
cd "$tmp/work" || fail "cd $tmp/work"
export HS_BIN=$hs HS_CONFIG=$tmp/tiny.conf HS_OUT=$out HS_SLICES=2

# check_merged WHAT: the merged file holds exactly the grid, from both slices.
check_merged() {
    local f=$out/separation.csv
    [ -f "$f" ] || fail "$1: no $f"
    [ "$(head -n 1 "$f")" = "$header" ] || fail "$1: header differs from --print-header: $(head -n 1 "$f")"
    [ "$(tail -n +2 "$f" | wc -l)" -eq 8 ] || fail "$1: $(tail -n +2 "$f" | wc -l) rows, expected 8"
    [ "$(tail -n +2 "$f" | cut -d, -f1-"$nkey" | sort -u | wc -l)" -eq 8 ] || fail "$1: repeated keys"
    got=$(tail -n +2 "$f" | awk -F, '{ print $2 "," $7 "," $8 }' | sort | tr '\n' ' ')
    want=$(echo "$expected" | tr ' ' '\n' | sort | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "$1: configurations (ell,model,size) '$got', expected '$want'"
    col=$(head -n 1 "$f" | tr ',' '\n' | grep -n -x slice | cut -d: -f1)
    slices=$(tail -n +2 "$f" | cut -d, -f"$col" | sort -u | tr '\n' ' ')
    [ "$slices" = "0/2 1/2 " ] || fail "$1: slice column values '$slices', expected both 0/2 and 1/2"
    [ "$(head -n 1 "$out/separation_summary.tsv" 2>/dev/null | cut -f1-5)" = "$(printf 'k\tell\tn\tcorr_length\tmodel')" ] ||
        fail "$1: no summary $out/separation_summary.tsv"
    [ "$(tail -n +2 "$out/separation_summary.tsv" | wc -l)" -eq 6 ] || fail "$1: summary rows != 2 ell x 3 models"
}

t1=$(now)
timeout 60 sbatch --quiet --wait --array=0-1 --time=5 "$src/slurm/separation.sbatch" ||
    { logs; tail -n 5 slurm-*.out >&2; fail "array job ended with an error"; }
for i in 0 1; do
    [ "$(cat "$out/part-$i/slice.done" 2>/dev/null)" = "$i/2" ] || fail "slice $i/2 left no slice.done"
done
merge=$(timeout 60 sbatch --parsable --wait "$src/slurm/merge.sbatch") ||
    { tail -n 5 slurm-*.out >&2; fail "merge job ${merge%%;*} ended with an error"; }
check_merged "array + merge"
cp "$out/separation.csv" "$tmp/first.csv"
echo "slurm: array of 2 + merge $(since "$t1")" >&2

# Again through the submit script, same directory: every slice resumes and
# finds its configurations done; the merge adds nothing.
t2=$(now)
timeout 60 "$src/slurm/submit-separation.sh" -c "$tmp/tiny.conf" -o "$out" -n 2 -t 5 --wait >"$tmp/ids" ||
    { tail -n 5 slurm-*.out >&2; fail "submit-separation.sh --wait failed"; }
{ grep -Eq '^array [0-9]+$' "$tmp/ids" && grep -Eq '^merge [0-9]+$' "$tmp/ids"; } ||
    fail "submit-separation.sh printed '$(tr '\n' ' ' <"$tmp/ids")', expected 'array ID' and 'merge ID'"
grep -q 'rows_added=0' "slurm-hs-separation-merge-$(awk '$1 == "merge" { print $2 }' "$tmp/ids").out" ||
    fail "resubmitted merge added rows"
cmp -s "$out/separation.csv" "$tmp/first.csv" || fail "resubmission changed separation.csv"
check_merged "resubmission"
echo "slurm: resubmitted array + merge $(since "$t2")" >&2

# The deep-level script: a tiny deep grid (n = 14 on the sharded engine,
# k = 2 and 4, the exact model and the k-HRNN scored: the training paths
# are tests/mpi/suite_groups.sh's, and would take minutes under the
# sanitizers) as an array of 2 slices, each one job of 2 tasks forming one
# rank group of 2 (slurm/deep.sbatch), launched by mpirun; merged. Its rows
# must be those of one process (every column but times and provenance),
# each computed by a group of 2 (ranks = 2:2).
t3=$(now)
deep=$tmp/work/deep
{ grep -v '^models\|^also_train' "$src/tests/fixtures/tiny_deep.conf"; echo "models = exact,khrnn"; echo "also_train = none"; } \
    >"$tmp/deep.conf"
HYPERSEP_MPI=0 "$hs" suite separation --config "$tmp/deep.conf" \
    --out "$tmp/deep1" >/dev/null 2>"$tmp/deep1.err" || fail "tiny deep grid in one process: $(tail -n 2 "$tmp/deep1.err")"
# Open MPI keeps allocations until exit: under the sanitizer build its
# leaks would fail the job (the CLI's own leak checks are the serial tests',
# as for tests/mpi).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
timeout 180 env HS_SRC="$src" HS_OUT="$deep" HS_CONFIG="$tmp/deep.conf" HS_LAUNCH=mpirun \
    sbatch --quiet --wait --array=0-1 --nodes=1 --ntasks=2 --ntasks-per-node=2 --time=5 "$src/slurm/deep.sbatch" ||
    { logs; tail -n 5 slurm-hs-deep-*.out >&2; fail "deep array job ended with an error"; }
timeout 60 env HS_OUT="$deep" HS_CONFIG="$tmp/deep.conf" sbatch --quiet --wait "$src/slurm/merge.sbatch" ||
    { tail -n 5 slurm-*merge*.out >&2; fail "deep merge job ended with an error"; }
. "$src/tests/results_layout.sh"
rows() { sep_rows "$1"; } # the deterministic columns, sorted
[ -f "$deep/separation.csv" ] || fail "deep: no merged $deep/separation.csv"
[ "$(rows "$tmp/deep1/separation.csv" | wc -l)" -eq 4 ] || fail "deep: the one-process grid has $(rows "$tmp/deep1/separation.csv" | wc -l) rows, expected 4"
rows "$deep/separation.csv" | cmp -s - <(rows "$tmp/deep1/separation.csv") || fail "deep: merged rows differ from one process"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ranks") p = i; next }
         { n++; if ($p != "2:2") bad = 1 } END { exit bad || !p || n != 4 }' "$deep/separation.csv" ||
    fail "deep: ranks column is not 2:2 on every row"
echo "slurm: deep array of 2 (groups of 2) + merge $(since "$t3")" >&2
echo "slurm: ok"
