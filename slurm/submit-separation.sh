#!/bin/bash
# Submits the separation suite as a Slurm job array (slurm/separation.sbatch,
# one configuration slice per array task) and the merge job
# (slurm/merge.sbatch) that runs after every task ended (afterany), then
# prints both job ids. Run it from the directory the jobs should work in
# (relative paths are taken from there). See slurm/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: slurm/submit-separation.sh [options] [-- SBATCH-OPTIONS...]
  -c, --config FILE     grid file (default: the suite's built-in grid)
  -o, --out DIR         results directory (default results/separation)
  -n, --tasks N         array tasks = configuration slices (default 4)
      --indices LIST    submit only these array indices of 0..N-1 (e.g. 3,5:
                        resume unfinished slices); default all
      --cpus C          CPUs (threads) per task (default 1)
  -p, --partition P     partition of both jobs
  -t, --time T          time limit of each array task (default: the script's 04:00:00)
      --wait            return when the merge job ended, with its exit status
  SBATCH-OPTIONS        passed to the array's sbatch (e.g. --account=X --qos=Y)
Prints "array <id>" and "merge <id>" on stdout.
EOF
}
die() { echo "submit-separation: $*" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
config="" out=results/separation tasks=4 indices="" cpus=1 time="" wait=""
common=() extra=()
while [ $# -gt 0 ]; do
    case $1 in
        -c | --config) [ $# -ge 2 ] || die "$1: missing value"; config=$2; shift ;;
        -o | --out) [ $# -ge 2 ] || die "$1: missing value"; out=$2; shift ;;
        -n | --tasks) [ $# -ge 2 ] || die "$1: missing value"; tasks=$2; shift ;;
        --indices) [ $# -ge 2 ] || die "$1: missing value"; indices=$2; shift ;;
        --cpus) [ $# -ge 2 ] || die "$1: missing value"; cpus=$2; shift ;;
        -p | --partition) [ $# -ge 2 ] || die "$1: missing value"; common+=(--partition="$2"); shift ;;
        -t | --time) [ $# -ge 2 ] || die "$1: missing value"; time=$2; shift ;;
        --wait) wait=--wait ;;
        -h | --help) usage; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || die "--tasks: '$tasks' is not a positive count"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus: '$cpus' is not a positive count"
[ -z "$config" ] || [ -r "$config" ] || die "--config: cannot read '$config'"
if [ -n "$indices" ]; then
    [[ "$indices" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--indices: '$indices' is not a comma-separated list"
    for i in ${indices//,/ }; do
        [ "$i" -lt "$tasks" ] || die "--indices: $i is not below --tasks $tasks"
    done
else
    indices=0-$((tasks - 1))
fi

# The jobs read these from the environment sbatch passes on.
export HS_OUT=$out HS_SLICES=$tasks HS_CONFIG=$config
array_opts=(--parsable --array="$indices" --cpus-per-task="$cpus" "${common[@]}")
[ -z "$time" ] || array_opts+=(--time="$time")
array=$(sbatch "${array_opts[@]}" "${extra[@]}" "$here/separation.sbatch")
array=${array%%;*}
echo "array $array"
merge_rc=0
merge=$(sbatch --parsable --dependency=afterany:"$array" "${common[@]}" $wait "$here/merge.sbatch") || merge_rc=$?
echo "merge ${merge%%;*}"
exit "$merge_rc"
