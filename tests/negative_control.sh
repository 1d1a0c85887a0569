#!/bin/sh
# Negative control of the shell tests: each one is run against stand-ins for
# hypersep that must make it FAIL, so that a test that cannot fail (a status
# taken after a command substitution, an awk check that passes when its key
# is missing, a comparison of two failed runs) is found.
#   fail:  a hypersep that always fails (exit 1, one line on stderr);
#   wrong: the real hypersep with its results made wrong: in key=value lines
#          on stdout excess_loss_bits is 0.5 bits higher and every other
#          number 1% + 1 higher, the last line of stdout is dropped, and so is
#          the last line of the file named by --out (or of each CSV file in
#          the directory named by --out).
# Every test must fail against `fail`; against `wrong` every test must fail
# except those whose checks are only of refusals (exit status, message,
# nothing written), which a wrong result does not reach: cli_errors.sh and
# suite_config.sh. Not run here: install_tree.sh and torch_check.sh (they do
# not run hypersep from a path). slurm.sh starts a private Slurm cluster per
# run (as root; it skips itself otherwise) on its own ports: the ctest test
# slurm is RUN_SERIAL, so the two clusters never run at once.
# usage: negative_control.sh HYPERSEP SOURCE_DIR [MPIEXEC NPFLAG [FLAGS...]]
set -u
hs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
shift 2
mpi="$*"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0

mkdir "$tmp/fail" "$tmp/wrong"
cat >"$tmp/fail/hypersep" <<'SH'
#!/bin/sh
echo "hypersep (negative control): failing on purpose" >&2
exit 1
SH
cat >"$tmp/wrong/hypersep" <<SH
#!/bin/sh
out=\$(mktemp)
"$hs" "\$@" >"\$out"
st=\$?
awk -F= '{ line = \$0
           if (NF == 2 && \$2 ~ /^-?[0-9][0-9.]*(e[-+]?[0-9]+)?\$/)
               line = \$1 "=" (\$1 == "excess_loss_bits" ? \$2 + 0.5 : \$2 * 1.01 + 1)
           if (NR > 1) print prev
           prev = line }' "\$out"
rm -f "\$out"
target=""
prev=""
for a in "\$@"; do
    [ "\$prev" = --out ] && target=\$a
    case \$a in --out=*) target=\${a#--out=} ;; esac
    prev=\$a
done
if [ -n "\$target" ] && [ -d "\$target" ]; then
    for f in "\$target"/*.csv; do
        if [ -f "\$f" ] && [ "\$(wc -l <"\$f")" -gt 1 ]; then sed -i '\$d' "\$f"; fi
    done
elif [ -n "\$target" ] && [ -f "\$target" ]; then
    sed -i '\$d' "\$target"
fi
exit \$st
SH
chmod +x "$tmp/fail/hypersep" "$tmp/wrong/hypersep"

# control KIND NAME COMMAND...: the test must exit non-zero (77, skipped,
# counts as not run).
control() {
    kind=$1 name=$2
    shift 2
    HYPERSEP_MPI=0 OMP_NUM_THREADS=1 timeout 600 "$@" >"$tmp/log" 2>&1
    st=$?
    if [ "$st" -eq 77 ]; then
        echo "skipped: $name against the $kind stand-in (the test skipped itself: $(tail -n 1 "$tmp/log"))"
    elif [ "$st" -eq 0 ]; then
        echo "FAIL: $name passed against the $kind stand-in: it cannot detect a $kind hypersep"
        tail -n 3 "$tmp/log" | sed 's/^/    /'
        fails=$((fails + 1))
    else
        echo "ok: $name fails against the $kind stand-in (status $st)"
        passes=$((passes + 1))
    fi
}

t=$src/tests
for kind in fail wrong; do
    h=$tmp/$kind/hypersep
    for name in cli_errors cli_roundtrip test_nn_cli analysis suite_config suite_resume suite_csv suite_crash \
        full_disk suite_trainability; do
        case $kind/$name in wrong/cli_errors | wrong/suite_config) continue ;; esac
        control $kind $name.sh "$t/$name.sh" "$h"
    done
    control $kind cli_models.sh "$t/cli_models.sh" "$h" "$src"
    control $kind slurm.sh "$t/slurm.sh" "$h" "$src"
    control $kind mpi/suite_engine.sh "$t/mpi/suite_engine.sh" "$h"
    if [ -n "$mpi" ]; then
        # shellcheck disable=SC2086
        control $kind mpi/suite_grid.sh "$t/mpi/suite_grid.sh" "$h" "$t/fixtures/tiny_separation.conf" $mpi
        # shellcheck disable=SC2086
        control $kind mpi/suite_groups.sh "$t/mpi/suite_groups.sh" "$h" "$t/fixtures/tiny_deep.conf" $mpi
        for part in sample other; do
            # shellcheck disable=SC2086
            control $kind "mpi/mpi_cli.sh $part" "$t/mpi/mpi_cli.sh" $part "$h" $mpi
        done
    fi
done

echo "negative_control: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
