#!/bin/sh
# A full file system, on a small tmpfs mounted here (root only; skipped with
# exit 77 and a message when it cannot be mounted; always unmounted):
#  1. `train --save` into a file system without room for the model is
#     refused before training (exit 2, one line, no model file and no
#     temporary left), not after it;
#  2. a grid suite whose results directory fills up mid-run stops with one
#     line naming the file (exit 1), the file keeps only whole rows and no
#     temporary; with room again, --resume ends with the rows of an
#     uninterrupted run and no duplicated key.
# usage: full_disk.sh HYPERSEP
set -u
hs=$1
tmp=$(mktemp -d)
fs=$tmp/fs
mkdir "$fs"
cleanup() {
    mountpoint -q "$fs" && umount "$fs"
    rm -rf "$tmp"
}
trap cleanup EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# mount_fs SIZE: (re)mounts the tmpfs with SIZE bytes (k suffix allowed).
mount_fs() {
    if mountpoint -q "$fs"; then
        mount -o remount,size="$1" "$fs"
    else
        mount -t tmpfs -o size="$1" tmpfs "$fs"
    fi
}
if ! mount_fs 64k 2>"$tmp/mount.err"; then
    echo "full_disk: SKIPPED: cannot mount a tmpfs here ($(cat "$tmp/mount.err")); needs root"
    exit 77
fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

# 1. An LSTM with h = 64 on n = 3, k = 1 saves 136 + 4 (4h(h + E + 1) + ...)
#    bytes, over 130 KiB: more than the 64 KiB file system holds. The
#    20000 steps would take a minute: the refusal must come first.
t0=$(date +%s)
"$hs" train --model lstm --n 3 --k 1 --ell 2 --hidden 64 --steps 20000 --save "$fs/m.bin" \
    >"$tmp/out" 2>"$tmp/err"
st=$?
t1=$(date +%s)
[ "$st" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^hypersep train: --save: cannot reserve" "$tmp/err" &&
    [ ! -s "$tmp/out" ] && ok || bad "train --save on a full disk: status $st, stderr [$(cat "$tmp/err")]"
[ $((t1 - t0)) -lt 20 ] && ok || bad "train --save on a full disk answered after $((t1 - t0)) s (trained first?)"
[ -z "$(ls -A "$fs")" ] && ok || bad "train --save on a full disk left files: $(ls -A "$fs")"

# 2. The grid of models that score without training; 12 KiB hold the
#    header, models.tsv and about a dozen rows (tmpfs counts whole pages).
cat >"$tmp/grid.conf" <<'CONF'
grid = ell
also_train = none
k = 1,2
ell = 2,3,4
models = exact,presample,khrnn
eval = 20
seed = 1,2,3,4
CONF
. "$(cd "$(dirname "$0")" && pwd)/results_layout.sh"
results_layout "$hs" "$tmp/layout" || exit 1
rows() { sep_rows "$1"; }
"$hs" suite separation --config "$tmp/grid.conf" --out "$tmp/ref" >/dev/null 2>"$tmp/ref.err" ||
    { echo "FAIL: reference run: $(tail -2 "$tmp/ref.err")"; exit 1; }
rows "$tmp/ref/separation.csv" >"$tmp/ref.rows"
mount_fs 12k
"$hs" suite separation --config "$tmp/grid.conf" --out "$fs/res" >/dev/null 2>"$tmp/full.err"
st=$?
msg=$(grep -v '^separation' "$tmp/full.err")
[ "$st" -eq 1 ] && [ "$(echo "$msg" | wc -l)" -eq 1 ] &&
    echo "$msg" | grep -q "writing '$fs/res/separation.csv': No space left on device (the file is as before this group)" &&
    ok || bad "suite on a full disk: status $st (want 1), message [$msg]"
n=$(rows "$fs/res/separation.csv" | wc -l)
[ "$n" -gt 0 ] && [ "$n" -lt "$(wc -l <"$tmp/ref.rows")" ] && ok ||
    bad "suite on a full disk: $n rows (the test did not fill the disk mid-run)"
sep_whole "$fs/res/separation.csv" && ok ||
    bad "suite on a full disk: a partial row was left"
ls -A "$fs/res" | grep -q '\.tmp\.' && bad "temporaries left on the full disk: $(ls -A "$fs/res")" || ok
mount_fs 1m
"$hs" suite separation --config "$tmp/grid.conf" --out "$fs/res" --resume >/dev/null 2>"$tmp/resume.err"
st=$?
[ "$st" -eq 0 ] && ok || bad "--resume with room again: status $st: $(tail -1 "$tmp/resume.err")"
rows "$fs/res/separation.csv" | cmp -s - "$tmp/ref.rows" && ok || bad "rows after the full disk and --resume differ"
dups=$(sep_dupkeys "$fs/res/separation.csv")
[ "$dups" -eq 0 ] && ok || bad "$dups duplicated keys after the full disk"
ls -A "$fs/res" | grep -q '\.tmp\.' && bad "temporaries left after resume: $(ls -A "$fs/res")" || ok

echo "full_disk: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
