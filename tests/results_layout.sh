# Sourced by the shell tests that read separation results files: the layout
# from the binary under test, so a test follows the schema (suites/schema.c)
# instead of hard-coding column counts.
# results_layout HYPERSEP FILE: sets nf (columns) and nkey (key columns) from
#   `suite separation --print-header`, saved in FILE; fails (status 1, a
#   message) when that output is missing or implausible.
# sep_rows CSV: the columns of a suite's results file that are a function
#   of the configuration (all but the times, the columns named *seconds, and
#   the provenance from slice on), sorted; for any suite's CSV.
# sep_whole CSV: every line has nf fields and there is a row.
# sep_dupkeys CSV: the number of keys written twice.
# sep_fake_rows FIRST COUNT: COUNT rows of distinct keys (ell = FIRST + i),
#   nf fields each, for the merge tests.
results_layout() {
    "$1" suite separation --print-header >"$2"
    _st=$?
    nf=$(tail -n +2 "$2" | wc -l)
    nkey=$(awk -F'\t' '$3 == "yes"' "$2" | wc -l)
    if [ "$_st" -ne 0 ] || [ "$nf" -lt 20 ] || [ "$nkey" -lt 10 ]; then
        echo "FAIL: suite separation --print-header: status $_st, $nf columns, $nkey key columns"
        return 1
    fi
}
sep_rows() {
    awk -F, 'NR == 1 { last = NF
                       for (i = 1; i <= NF; i++) {
                           if ($i == "slice" && last == NF) last = i - 1
                           drop[i] = ($i ~ /seconds$/) }
                       next }
             { out = ""; for (i = 1; i <= last; i++) if (!drop[i]) out = out $i ","; print out }' "$1" | sort
}
sep_whole() { awk -F, -v nf="$nf" 'NF != nf { bad = 1 } END { exit bad || NR < 2 }' "$1"; }
sep_dupkeys() { tail -n +2 "$1" | cut -d, -f1-"$nkey" | sort | uniq -d | wc -l; }
sep_fake_rows() {
    awk -v first="$1" -v count="$2" -v nf="$nf" -v nkey="$nkey" 'BEGIN { for (i = 0; i < count; i++) {
        printf "1,%d,4,2,Z;X;Y,4,lstm,%d,1,40,8,0.01,%d", first + i, i % 7, i
        for (c = 14; c <= nkey; c++) printf ",0"
        for (c = nkey + 1; c <= nf; c++) printf ",%g", c * 0.5
        printf "\n" } }'
}
