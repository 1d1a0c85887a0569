/* The separation summary's decision for one group of rows. */
#include "sepsum.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "csvlog.h"
#include "opts.h"
#include "sys.h"
#include "train.h"

const char *hs_sepsum_status_name(int status)
{
    return status == HS_SEPSUM_DETERMINED ? "determined" : status == HS_SEPSUM_UNDETERMINED ? "undetermined" : "none";
}

/* One size of the ladder: its best row (least excess) and verdict. */
typedef struct {
    double size, state_dim;
    int best, verdict;
} ladder_size;

void hs_sepsum_group(const hs_sepsum_row *rows, int n, hs_sepsum_result *out)
{
    ladder_size *sz = hs_alloc((size_t)n * sizeof *sz);
    int ns = 0;
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < ns && sz[j].size != rows[i].size)
            j++;
        if (j == ns)
            sz[ns++] = (ladder_size){rows[i].size, rows[i].state_dim, i, rows[i].verdict};
        else {
            ladder_size *s = &sz[j];
            /* Passed if any seed reached; else budget if any seed was. */
            if (rows[i].verdict == HS_VERDICT_REACHED || s->verdict == HS_VERDICT_REACHED)
                s->verdict = HS_VERDICT_REACHED;
            else if (rows[i].verdict == HS_VERDICT_BUDGET)
                s->verdict = HS_VERDICT_BUDGET;
            const int better_pass = rows[i].verdict == HS_VERDICT_REACHED &&
                                    rows[s->best].verdict != HS_VERDICT_REACHED;
            const int same_class = (rows[i].verdict == HS_VERDICT_REACHED) ==
                                   (rows[s->best].verdict == HS_VERDICT_REACHED);
            if (better_pass || (same_class && rows[i].excess < rows[s->best].excess))
                s->best = i;
        }
    }
    /* Sizes by state dimension (insertion sort: ladders are short). */
    for (int i = 1; i < ns; i++)
        for (int j = i; j > 0 && sz[j].state_dim < sz[j - 1].state_dim; j--) {
            const ladder_size t = sz[j];
            sz[j] = sz[j - 1];
            sz[j - 1] = t;
        }
    int first = ns; /* the smallest size from which all larger pass */
    while (first > 0 && sz[first - 1].verdict == HS_VERDICT_REACHED)
        first--;
    out->note[0] = '\0';
    if (first == ns) {
        const ladder_size *top = &sz[ns - 1];
        out->status = HS_SEPSUM_NONE;
        out->best = -1;
        if (rows[top->best].trained)
            snprintf(out->note, sizeof out->note, "largest size %g: %s at %.3g bits", top->size,
                     hs_verdict_name(top->verdict), rows[top->best].excess);
        else
            snprintf(out->note, sizeof out->note, "not reached: %.3g bits", rows[top->best].excess);
        hs_sys_free(sz);
        return;
    }
    out->best = sz[first].best;
    out->status = HS_SEPSUM_DETERMINED;
    for (int j = first - 1; j >= 0; j--)
        if (sz[j].verdict == HS_VERDICT_BUDGET && out->status == HS_SEPSUM_DETERMINED) {
            out->status = HS_SEPSUM_UNDETERMINED;
            snprintf(out->note, sizeof out->note, "size %g below stopped on its budget at %.3g bits", sz[j].size,
                     rows[sz[j].best].excess);
        }
    for (int j = 0; j < first; j++)
        if (sz[j].verdict == HS_VERDICT_REACHED) {
            const size_t used = strlen(out->note);
            snprintf(out->note + used, sizeof out->note - used, "%snon-monotone: size %g passed, size %g did not",
                     used ? "; " : "", sz[j].size, sz[first - 1].size);
            break;
        }
    hs_sys_free(sz);
}

/* One CSV row, split in place. */
typedef struct {
    char *line;
    char *f[64];
    int nf;
} csv_row;

static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        p = strchr(p, ',');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first nkey fields joined by commas, without those at skip1, skip2. */
static void join(char **f, int nkey, int skip1, int skip2, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int j = 0; j < nkey && used < len; j++)
        if (j != skip1 && j != skip2)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", f[j]);
}

/* Rows of one key keep the latest (by timestamp, ISO-8601 UTC so string
 * order is time order; on a tie the row read last), as analysis/ reads
 * them; returns the new count (file order kept). */
static const hs_schema *sort_schema;
static const csv_row *sort_rows;

static int key_cmp(int i, int j)
{
    for (int c = 0; c < sort_schema->nkey; c++) {
        const int d = strcmp(sort_rows[i].f[c], sort_rows[j].f[c]);
        if (d)
            return d;
    }
    return 0;
}

static int by_row_key(const void *a, const void *b)
{
    const int i = *(const int *)a, j = *(const int *)b, d = key_cmp(i, j);
    return d ? d : (i > j) - (i < j);
}

static int latest_per_key(csv_row *rows, int n, const hs_schema *S)
{
    const int ts = hs_schema_col(S, "timestamp");
    int *idx = hs_alloc((size_t)(n ? n : 1) * sizeof *idx);
    unsigned char *drop = hs_calloc((size_t)(n ? n : 1), 1);
    for (int i = 0; i < n; i++)
        idx[i] = i;
    sort_schema = S;
    sort_rows = rows;
    qsort(idx, (size_t)n, sizeof *idx, by_row_key);
    for (int a = 0; a < n;) {
        int b = a + 1, keep = idx[a];
        while (b < n && key_cmp(idx[a], idx[b]) == 0)
            b++;
        /* idx[a..b) are in file order: a later row wins ties. */
        for (int c = a + 1; c < b; c++)
            if (strcmp(rows[idx[c]].f[ts], rows[keep].f[ts]) >= 0)
                keep = idx[c];
        for (int c = a; c < b; c++)
            drop[idx[c]] = idx[c] != keep;
        a = b;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (drop[i])
            hs_sys_free(rows[i].line);
        else
            rows[m++] = rows[i];
    }
    hs_sys_free(idx);
    hs_sys_free(drop);
    return m;
}

static int verdict_of(const char *v)
{
    return strcmp(v, "reached") == 0 ? HS_VERDICT_REACHED : strcmp(v, "budget") == 0 ? HS_VERDICT_BUDGET
                                                                                      : HS_VERDICT_PLATEAU;
}

int hs_sepsum_write(const char *csv_path, const hs_schema *S, const char *const *keys, int nkeys, const char *dir,
                    hs_err *e)
{
    const int c_size = hs_schema_col(S, "size"), c_seed = hs_schema_col(S, "seed");
    const int c_sd = hs_schema_col(S, "state_dim"), c_exc = hs_schema_col(S, "excess_loss_bits");
    const int c_ver = hs_schema_col(S, "verdict"), c_mem = hs_schema_col(S, "memory_bits");
    const int c_fit = hs_schema_col(S, "fit");
    FILE *f = fopen(csv_path, "r");
    if (!f)
        hs_sys_fatal("reading '%s' for the summary", csv_path);
    /* This grid's keys, sorted for look-up (keys NULL: every row). */
    const char **sorted = hs_alloc((size_t)(nkeys ? nkeys : 1) * sizeof *sorted);
    if (keys)
        memcpy(sorted, keys, (size_t)nkeys * sizeof *keys);
    qsort(sorted, keys ? (size_t)nkeys : 0, sizeof *sorted, by_key);
    csv_row *rows = NULL;
    int nrows = 0;
    char buf[16384], key[1024];
    if (!fgets(buf, sizeof buf, f))
        hs_sys_fatal("'%s' has no header", csv_path);
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        csv_row r = {.line = hs_alloc(strlen(buf) + 1)};
        strcpy(r.line, buf);
        r.nf = split(r.line, r.f, 64);
        join(r.f, r.nf < S->nkey ? r.nf : S->nkey, -1, -1, key, sizeof key);
        const char *kp = key;
        if (r.nf != S->ncols || (keys && !bsearch(&kp, sorted, (size_t)nkeys, sizeof *sorted, by_key))) {
            hs_sys_free(r.line);
            continue;
        }
        rows = hs_realloc(rows, (size_t)(nrows + 1) * sizeof *rows);
        rows[nrows++] = r;
    }
    fclose(f);
    hs_sys_free(sorted);
    nrows = latest_per_key(rows, nrows, S);

    /* Built in memory, then written under the lock of DIR (a writer killed
     * meanwhile leaves a temporary that the next open of the results file
     * removes). */
    char *text = NULL, err[512];
    size_t tlen = 0;
    FILE *out = open_memstream(&text, &tlen);
    if (!out)
        hs_sys_fatal("open_memstream for the summary");
    static const char head[] = "k\tell\tn\tcorr_length\tmodel\tfit\tquant_bits\tmin_size\tmin_state_dim\t"
                               "min_memory_bits\texcess_loss_bits\tstatus\tnote\tlower_bound_dim\tlower_bound_bits\t"
                               "quantum_bits\texact_bits\n";
    fputs(head, out);
    fputs(head, stdout);
    /* Groups in the order of the grid's keys (or of the rows): a group is
     * summarised at its first key. */
    char **rowkeys = NULL;
    if (!keys) {
        nkeys = nrows;
        rowkeys = hs_alloc((size_t)(nrows ? nrows : 1) * sizeof *rowkeys);
        for (int i = 0; i < nrows; i++) {
            char kb[1024];
            join(rows[i].f, S->nkey, -1, -1, kb, sizeof kb);
            rowkeys[i] = hs_alloc(strlen(kb) + 1);
            strcpy(rowkeys[i], kb);
        }
        keys = (const char *const *)rowkeys;
    }
    char **done = hs_alloc((size_t)(nkeys ? nkeys : 1) * sizeof *done);
    int ndone = 0;
    hs_sepsum_row *g = hs_alloc((size_t)(nrows ? nrows : 1) * sizeof *g);
    int *gi = hs_alloc((size_t)(nrows ? nrows : 1) * sizeof *gi);
    for (int k = 0; k < nkeys; k++) {
        char kb[1024], *kf[64];
        snprintf(kb, sizeof kb, "%s", keys[k]);
        const int nkf = split(kb, kf, 64);
        char group[1024];
        join(kf, nkf, c_size, c_seed, group, sizeof group);
        int seen = 0;
        for (int j = 0; j < ndone && !seen; j++)
            seen = strcmp(done[j], group) == 0;
        if (seen)
            continue;
        done[ndone] = hs_alloc(strlen(group) + 1);
        strcpy(done[ndone++], group);
        int ng = 0;
        for (int i = 0; i < nrows; i++) {
            char rg[1024];
            join(rows[i].f, S->nkey, c_size, c_seed, rg, sizeof rg);
            if (strcmp(rg, group) != 0)
                continue;
            gi[ng] = i;
            g[ng++] = (hs_sepsum_row){strtod(rows[i].f[c_size], NULL), strtod(rows[i].f[c_sd], NULL),
                                      strtod(rows[i].f[c_exc], NULL), verdict_of(rows[i].f[c_ver]),
                                      strcmp(rows[i].f[c_fit], "trained") == 0};
        }
        if (ng == 0)
            continue; /* not computed (another slice) */
        hs_sepsum_result sr;
        hs_sepsum_group(g, ng, &sr);
        char **r0 = rows[gi[0]].f, line[2048], mins[32] = "", mind[32] = "", minm[32] = "", exc[32] = "";
        if (sr.best >= 0) {
            char **b = rows[gi[sr.best]].f;
            snprintf(mins, sizeof mins, "%s", b[c_size]);
            snprintf(mind, sizeof mind, "%s", b[c_sd]);
            snprintf(minm, sizeof minm, "%s", b[c_mem]);
            snprintf(exc, sizeof exc, "%.4g", strtod(b[c_exc], NULL));
        }
        snprintf(line, sizeof line, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
                 r0[hs_schema_col(S, "k")], r0[hs_schema_col(S, "ell")], r0[hs_schema_col(S, "n")],
                 r0[hs_schema_col(S, "corr_length")], r0[hs_schema_col(S, "model")], r0[hs_schema_col(S, "fit")],
                 r0[hs_schema_col(S, "quant_bits")], mins, mind, minm, exc, hs_sepsum_status_name(sr.status),
                 sr.note, r0[hs_schema_col(S, "lower_bound_dim")], r0[hs_schema_col(S, "lower_bound_bits")],
                 r0[hs_schema_col(S, "quantum_bits")], r0[hs_schema_col(S, "exact_bits")]);
        fputs(line, out);
        fputs(line, stdout);
    }
    for (int j = 0; j < ndone; j++)
        hs_sys_free(done[j]);
    hs_sys_free(done);
    for (int i = 0; rowkeys && i < nrows; i++)
        hs_sys_free(rowkeys[i]);
    hs_sys_free(rowkeys);
    hs_sys_free(g);
    hs_sys_free(gi);
    for (int i = 0; i < nrows; i++)
        hs_sys_free(rows[i].line);
    hs_sys_free(rows);
    fflush(stdout);
    if (fclose(out) != 0)
        hs_sys_fatal("writing the summary in memory");
    const int rc = hs_csv_replace_beside(dir, HS_SEPSUM_FILE, text, tlen, err, sizeof err);
    free(text); /* from open_memstream: plain malloc */
    if (rc != 0)
        return hs_err_set(e, HS_EXIT_FAILURE, "hypersep suite separation: summary: %s", err);
    return HS_OK;
}

static const char summary_usage[] =
    "usage: hypersep suite summary [--out DIR]\n"
    "The separation summary (the smallest passing size per task and model, with\n"
    "its status) of every row of DIR/separation.csv, for instance after `suite\n"
    "merge`: TSV on stdout and in DIR/separation_summary.tsv (docs/formats.md).\n"
    "  --out DIR   results directory (default results)\n";

int hs_suite_summary(int argc, char **argv, hs_err *e)
{
    const char *dir = "results";
    hs_opt opts[] = {{"out", HS_OPT_STR, &dir, 0, 0, 0}, {NULL, 0, NULL, 0, 0, 0}};
    int rc = hs_opts_parse("suite summary", summary_usage, opts, argc, argv, e);
    if (rc != HS_OK || hs_comm_rank() != 0)
        return rc;
    char path[4200];
    snprintf(path, sizeof path, "%s/separation.csv", dir);
    const hs_schema *S = hs_schema_find("separation");
    char header[2048], line[2048];
    hs_schema_header(S, header, sizeof header);
    FILE *f = fopen(path, "r");
    if (!f)
        return hs_err_usage(e, "suite summary", "cannot read '%s' (%s)", path, strerror(errno));
    const int ok = fgets(line, sizeof line, f) && strncmp(line, header, strlen(header)) == 0 &&
                   line[strlen(header)] == '\n';
    fclose(f);
    if (!ok)
        return hs_err_usage(e, "suite summary", "%s: not a separation results file of this version (another "
                            "header)", path);
    return hs_sepsum_write(path, S, NULL, 0, dir, e);
}
