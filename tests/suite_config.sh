#!/bin/sh
# Suite configuration and option validation (suites/config.c, runner.c):
# every malformed configuration ends with exit status 2, one line on stderr
# that names the offending key (or option), nothing on stdout, and no results
# file. Each case is: expected text in the message | config file contents.
# usage: suite_config.sh HYPERSEP
set -eu
hs=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0

expect_usage() { # name, expected message text, command...
    name=$1 want=$2
    shift 2
    n=$((n + 1))
    set +e
    "$@" >"$tmp/out" 2>"$tmp/err"
    st=$?
    set -e
    lines=$(wc -l <"$tmp/err")
    if [ "$st" -ne 2 ] || ! grep -qF -- "$want" "$tmp/err" || [ -s "$tmp/out" ] || [ "$lines" -ne 1 ]; then
        echo "FAIL $name: status $st (want 2), stderr [$(cat "$tmp/err")] (want one line with '$want'), stdout [$(head -c 200 "$tmp/out")]" >&2
        fails=$((fails + 1))
    fi
    # No rows in any suite's results file (not only separation.csv: the
    # cases of the other suites write theirs).
    for f in "$tmp"/res/*.csv; do
        if [ -e "$f" ] && [ "$(wc -l <"$f")" -gt 1 ]; then
            echo "FAIL $name: rows were written to $f" >&2
            fails=$((fails + 1))
        fi
    done
    rm -rf "$tmp/res"
}

conf() { # name, expected text, config lines (one argument)
    printf '%s\n' "$3" >"$tmp/c.conf"
    expect_usage "$1" "$2" "$hs" suite separation --config "$tmp/c.conf" --out "$tmp/res"
}

conf unknown_key "unknown key 'stpes'" "stpes = 10"
conf not_integer "steps: 'ten' is not an integer" "steps = ten"
conf out_of_range "steps: 0 is out of range" "steps = 0"
conf list_for_scalar "batch: '8,16' is a list" "batch = 8,16"
conf empty_value "eval: empty value" "eval ="
conf empty_item "lstm_hidden: empty item" "lstm_hidden = 4,,8"
conf repeated "key 'seed' given twice" "seed = 1
seed = 2"
conf no_equals "c.conf:2: 'k 2' is not a 'key = value' line" "# comment
k 2"
conf bad_model "models: 'rnn' is not allowed" "models = lstm,rnn"
conf bad_basis "bases: 'W' is not a basis" "bases = Z,W"
conf bad_double "epsilon: 'small' is not a number" "epsilon = small"
conf negative_ell "ell: -1 is out of range" "ell = -1,4"
conf heads "transformer_heads" "models = transformer
transformer_heads = 3
transformer_d_model = 8"
conf k_above_n "k: k = 5" "grid = ell
n = 4
k = 5
ell = 2"
conf also_train "also_train: 'lstm' is not a model" "also_train = lstm"
conf n_word "n: 'some' is not an integer" "n = some"
conf trainability_key "unknown key 'variance_n'" "variance_n = 4"
# A list may not repeat an item (each is a configuration or a model); a
# models list of eight entries (more than the seven models) is one of them.
conf models_twice "models: 'exact' is listed twice in 'exact,exact'" "models = exact,exact"
conf seed_twice "seed: '3' is listed twice in '3,3'" "seed = 3,3"
conf models_eight "models: 'lstm' is listed twice" "models = lstm,gru,transformer,exact,presample,tableau,khrnn,lstm"
conf bases_twice "bases: 'Z' is listed twice in 'Z,X,Z'" "bases = Z,X,Z"
conf bases_same "bases: '1' and '01' are the same basis" "d = 3
bases = Z,1,01"
# A model too large for memory is refused before any row, naming its key
# (an explicit limit: the message does not depend on this machine's memory).
printf 'grid = ell\nmodels = lstm\nlstm_hidden = 65536\nk = 1\nell = 2\n' >"$tmp/c.conf"
HYPERSEP_MEM_LIMIT=8G expect_usage lstm_huge "c.conf:3: lstm_hidden: k = 1, ell = 2, n = 2: --batch/--ell/model size: training needs" \
    "$hs" suite separation --config "$tmp/c.conf" --out "$tmp/res"

# The other grid suites share the parser; their own keys and cross-checks.
conft() { # suite, name, expected text, config lines
    printf '%s\n' "$4" >"$tmp/c.conf"
    expect_usage "$2" "$3" "$hs" suite "$1" --config "$tmp/c.conf" --out "$tmp/res"
}
conft trainability tr_unknown "unknown key 'ell'" "ell = 4"
conft trainability tr_model "variance_models: 'lstm' is not allowed" "variance_models = khrnn,lstm"
conft trainability tr_samples "samples: 1 is out of range" "samples = 1"
conft trainability tr_lie_n "lie_n: 11 is out of range" "lie_n = 4,11"
conft trainability tr_part "parts: 'curves' is not allowed" "parts = lie,curves"
conft trainability tr_init "variance_init: 'wide' is not allowed" "variance_init = uniform,wide"
conft trainability tr_run_n "run_n: " "run_n = 4,30"
conft trainability tr_curriculum "curriculum: 'fast' is not allowed" "curriculum = fast"
conft contextuality cx_basis "bases: 'W' in 'Z;W' is not a qubit basis" "bases = Z;W"
conft contextuality cx_repeat "bases: 'X;X' repeats X" "bases = X;X"
conft contextuality cx_size "n: " "n = 8"
conft contextuality cx_states "states: 0 is out of range" "states = 0"

expect_usage missing_file "--config: cannot read" "$hs" suite separation --config "$tmp/none.conf" --out "$tmp/res"
expect_usage bad_slice "--slice: '3/3' is not a slice" "$hs" suite separation --slice 3/3 --out "$tmp/res"
expect_usage bad_slice_text "--slice: 'a/b' is not a slice" "$hs" suite separation --slice a/b --out "$tmp/res"
expect_usage unknown_option "--bogus" "$hs" suite separation --bogus 1
expect_usage unknown_suite "unknown suite 'sepration'" "$hs" suite sepration

# A results file with another header is refused, not overwritten.
mkdir -p "$tmp/other"
echo "a,b,c" >"$tmp/other/separation.csv"
expect_usage other_header "existing file has another header" "$hs" suite separation --out "$tmp/other"
grep -qx "a,b,c" "$tmp/other/separation.csv" || { echo "FAIL other_header: file changed" >&2; fails=$((fails + 1)); }

# merge: files of different suites or headers.
mkdir -p "$tmp/m1" "$tmp/m2"
printf 'x,y\n1,2\n' >"$tmp/m1/separation.csv"
printf 'x,z\n1,2\n' >"$tmp/m2/separation.csv"
expect_usage merge_header "header differs" "$hs" suite merge --out "$tmp/mo" "$tmp/m1/separation.csv" "$tmp/m2/separation.csv"
printf 'x,y\n' >"$tmp/m2/other.csv"
expect_usage merge_name "not a suite results file" "$hs" suite merge --out "$tmp/mo" "$tmp/m2/other.csv"

# The printed default configuration is itself a valid configuration.
"$hs" suite separation --print-config >"$tmp/default.conf"
"$hs" suite separation --config "$tmp/default.conf" --print-config >"$tmp/again.conf"
grep -v '^#\|^$' "$tmp/default.conf" >"$tmp/a"
grep -v '^#\|^$' "$tmp/again.conf" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL print-config does not round-trip" >&2; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "suite_config: $fails of $n cases failed" >&2; exit 1; }
echo "suite_config: $n cases ok"
