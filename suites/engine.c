/* `hypersep suite engine`: scaling of the sharded engine (dist/) with n and
 * the current MPI rank count. For each n: one write cell, one deferred write
 * layer, and query cells on a local and on a global site, each against a
 * streaming read+write pass over the rank's slice measured in the same run
 * (the memory-bandwidth reference, per rank). Every timing goes through the
 * benchmark harness (util/bench.h): one warm-up, then `repeats` runs, each
 * between barriers and taken as the slowest rank's time; rank 0 appends the
 * min/median/max of one n to DIR/engine.csv as one atomic group (columns:
 * suites/schema.c, documented in slurm/README.md). */
#include <assert.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "combin.h"
#include "comm.h"
#include "counters.h"
#include "csvlog.h"
#include "dsize.h"
#include "dstate.h"
#include "hsmt.h"
#include "kern.h"
#include "opts.h"
#include "rng.h"
#include "schema.h"
#include "suite.h"
#include "sys.h"
#include "version.h"

static const char usage[] =
    "usage: hypersep suite engine [--n-list LIST] [--k K] [--repeats R] [--threads T]\n"
    "                             [--seed S] [--out DIR] [--print-header]\n"
    "Times the sharded qubit engine for each n and the current rank count (run it\n"
    "under mpirun/srun for P > 1 ranks) and appends rows to DIR/engine.csv; a\n"
    "rerun skips the n already measured with the same k, ranks, threads, repeats\n"
    "and seed. Operations (one row each):\n"
    "  stream          read+write pass over the rank's slice: the bandwidth reference\n"
    "  write_cell      one exact k-site write cell (diagonal, no communication)\n"
    "  write_deferred  one deferred layer: ell = binom(n,k) random writes as D_w|+>\n"
    "  query_local     X-basis query cell on a local site: distribution, sample,\n"
    "                  collapse and discard\n"
    "  query_global    the same on a global site, with its pairwise exchange (P > 1)\n"
    "Columns: see slurm/README.md. passes = median_s / stream_median_s.\n"
    "  --n-list LIST  comma-separated n (default 20,22,24)\n"
    "  --k K          hyperedge order of the writes (default 3)\n"
    "  --repeats R    timed repeats after one warm-up (default 5)\n"
    "  --threads T    OpenMP threads per rank (default: OMP_NUM_THREADS or all cores)\n"
    "  --seed S       seed of the writes and outcomes (default 1)\n"
    "  --out DIR      results directory (default results)\n"
    "  --print-header print the CSV columns (name, type, key) and exit\n";

enum { OP_STREAM, OP_CELL, OP_DEFER, OP_QLOCAL, OP_QGLOBAL, OP_COUNT };
static const char *op_name[OP_COUNT] = {"stream", "write_cell", "write_deferred", "query_local",
                                        "query_global"};

typedef struct {
    int n, k, op;
    uint64_t ell;
    hs_edge *e;
    size_t ne;
    hs_dstate *st;
    hs_rng rng;             /* outcomes: the same draws on every rank */
    int repeat;             /* of the timed run in progress (set by after) */
    double *exch;           /* [repeats] the slowest rank's exchange time */
    double ctr[HS_CTR_MAX]; /* summed over the timed runs of this rank */
    double exch_bytes;      /* per rank, of the last repeat */
} bench;

/* Untimed set-up of the operation: a freshly written state for the cells. */
static void setup(void *ctx)
{
    bench *b = ctx;
    if (b->op == OP_STREAM)
        return;
    hs_dstate_reset(b->st, NULL);
    hs_dstate_write_deferred(b->st, b->e, b->ne, 1);
}

/* The timed part of the operation on this rank. */
static void run(void *ctx)
{
    bench *b = ctx;
    hs_dstate *s = b->st;
    switch (b->op) {
    case OP_STREAM:
        hs_bench_stream(s->amp, s->len);
        break;
    case OP_CELL: {
        int sites[HS_MAX_SITES];
        for (int j = 0; j < b->k; j++)
            sites[j] = j;
        hs_dstate_write_exact(s, sites, b->k, 1);
        break;
    }
    case OP_DEFER:
        hs_dstate_write_deferred(s, b->e, b->ne, 1);
        break;
    default: {
        /* Local: site 0 (position 0); global: site n-1 (the top rank bit). */
        const hs_unitary ux = hs_unitary_basis(0, 2);
        double p[2];
        hs_dstate_probs(s, b->op == OP_QLOCAL ? 0 : b->n - 1, &ux, p);
        hs_dstate_collapse(s, hs_rng_pick(p, 2, hs_rng_uniform(&b->rng)));
        break;
    }
    }
}

/* Around each timed run: all ranks start together; counters. */
static void before(void *ctx)
{
    (void)ctx;
    hs_comm_barrier();
    hs_ctr_start();
}

static void after(void *ctx, int repeat)
{
    bench *b = ctx;
    hs_ctr_stop(b->ctr);
    b->repeat = repeat;
    if (b->op == OP_QGLOBAL)
        b->exch_bytes = b->st->last_bytes;
}

/* A repeat's time, and its exchange time, are the slowest rank's. */
static double reduce(void *ctx, double seconds)
{
    bench *b = ctx;
    double t[2] = {seconds, b->op == OP_QGLOBAL ? b->st->last_seconds : 0};
    hs_comm_max(t, 2);
    b->exch[b->repeat] = t[1];
    return t[0];
}

typedef struct {
    hs_bench_stats t;       /* the slowest rank's seconds per repeat */
    double exch_bytes;      /* per rank, per repeat */
    double exch_med;        /* median over repeats of the slowest rank's exchange time */
    double ctr[HS_CTR_MAX]; /* per repeat, summed over ranks and threads */
} result;

static result measure(bench *b, int op, int repeats)
{
    result res = {.exch_bytes = 0};
    b->op = op;
    b->exch = hs_calloc((size_t)repeats, sizeof *b->exch);
    memset(b->ctr, 0, sizeof b->ctr);
    b->exch_bytes = 0;
    const hs_bench h = {.name = op_name[op], .warmup = 1, .repeats = repeats, .ctx = b, .setup = setup,
                        .run = run, .before = before, .after = after, .reduce = reduce};
    hs_bench_time(&h, &res.t);
    hs_comm_sum(b->ctr, HS_CTR_MAX);
    for (int i = 0; i < HS_CTR_MAX; i++)
        res.ctr[i] = b->ctr[i] / repeats;
    hs_bench_stats x;
    hs_bench_summarise(b->exch, repeats, &x);
    res.exch_med = x.med;
    res.exch_bytes = b->exch_bytes;
    hs_sys_free(b->exch);
    return res;
}

/* Parses "20,22,24" into n[] (count in *cnt); HS_EXIT_USAGE naming the
 * list. */
static int parse_list(const char *list, int *n, int max, int *cnt, hs_err *e)
{
    *cnt = 0;
    for (const char *p = list; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || v < 3 || v > 59)
            return hs_err_usage(e, "suite engine", "--n-list: '%s' is not a list of n in 3..59 (e.g. 20,22,24)",
                                list);
        if (*cnt == max)
            return hs_err_usage(e, "suite engine", "--n-list: more than %d entries in '%s'", max, list);
        n[(*cnt)++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (!*cnt)
        return hs_err_usage(e, "suite engine", "--n-list: '%s' names no n", list);
    return HS_OK;
}

static void iso_time(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* What identifies a run besides n (the first CSV columns) and its counters. */
typedef struct {
    int k, ranks, threads, repeats, nctr;
    uint64_t seed;
} run_config;

/* Rank 0: the rows of one n, appended as one group. HS_OK, or the status of
 * a failed append with its message in e. */
static int append_rows(hs_csv *csv, const bench *b, const run_config *c, const result *res, int has_global,
                       size_t slice, hs_err *e)
{
    size_t cap = 8192, len = 0;
    char *rows = hs_alloc(cap), ts[32];
    iso_time(ts, sizeof ts);
    const int nodes = c->ranks / hs_comm_node_ranks();
    const unsigned long long mem = hs_dsize_rank_bytes(b->n, c->ranks, NULL);
    const double stream = res[OP_STREAM].t.med;
    for (int op = 0; op < OP_COUNT; op++) {
        if (op == OP_QGLOBAL && !has_global)
            continue;
        const result *r = &res[op];
        char ctr[HS_CTR_MAX][32] = {"", "", "", ""};
        for (int i = 0; i < c->nctr; i++)
            snprintf(ctr[i], sizeof ctr[i], "%.6g", r->ctr[i]);
        len += (size_t)snprintf(rows + len, cap - len,
                                "%d,%d,%llu,%d,%d,%d,%llu,%s,%.6e,%.6e,%.6e,%.6e,%.4f,%zu,%.0f,%.6e,%llu,"
                                "%s,%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s\n",
                                b->n, c->k, (unsigned long long)b->ell, c->ranks, c->threads, c->repeats,
                                (unsigned long long)c->seed, op_name[op], r->t.med, r->t.min, r->t.max, stream,
                                r->t.med / stream, slice, r->exch_bytes, r->exch_med, mem, hs_ctr_names(), ctr[0],
                                ctr[1], ctr[2], ctr[3], nodes, hs_comm_kind(), hs_kern_name(hs_kern_get()->level),
                                hs_version, hs_git_rev,
                                hs_sys_host(), ts);
        assert(len < cap);
    }
    char err[768];
    int usage;
    const int bad = hs_csv_append(csv, rows, NULL, &usage, err, sizeof err);
    hs_sys_free(rows);
    if (bad)
        return hs_err_set(e, usage ? HS_EXIT_USAGE : HS_EXIT_FAILURE, "hypersep suite engine: %s", err);
    fprintf(stderr, "suite engine: n=%d: %d rows appended to %s\n", b->n, OP_COUNT - !has_global,
            hs_csv_path(csv));
    return HS_OK;
}

int hs_suite_engine(int argc, char **argv, hs_err *e)
{
    const char *nlist = "20,22,24", *out = "results";
    int k = 3, repeats = 5, threads = 0, print_header = 0;
    uint64_t seed = 1;
    hs_opt opts[] = {
        {"n-list", HS_OPT_STR, &nlist, 0, 0, 0},
        {"k", HS_OPT_INT, &k, 1, 6, 0},
        {"repeats", HS_OPT_INT, &repeats, 1, 1000, 0},
        {"threads", HS_OPT_INT, &threads, 1, 4096, 0},
        {"seed", HS_OPT_U64, &seed, 0, 1.8e19, 0},
        {"out", HS_OPT_STR, &out, 0, 0, 0},
        {"print-header", HS_OPT_FLAG, &print_header, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    const hs_schema *schema = hs_schema_find("engine");
    int ns[64], nn;
    int rc = hs_opts_parse("suite engine", usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    if (print_header) {
        if (hs_comm_rank() == 0)
            hs_schema_print(schema, stdout);
        return HS_DONE;
    }
    if ((rc = parse_list(nlist, ns, 64, &nn, e)) != HS_OK)
        return rc;
    for (int i = 0; i < nn; i++)
        if (k > ns[i])
            return hs_err_usage(e, "suite engine", "--k: %d is larger than n=%d in --n-list (allowed 1..n)", k,
                                ns[i]);
    if (threads)
        omp_set_num_threads(threads);
    threads = omp_get_max_threads();
    const int P = hs_comm_size(), me = hs_comm_rank();
    char err[512];
    for (int i = 0; i < nn; i++)
        if (hs_dsize_check_fit(ns[i], NULL, err, sizeof err) != 0)
            return hs_err_usage(e, "suite engine", "%s", err);

    /* Rank 0 owns the file and decides which n are already measured (a rerun
     * always resumes, so a torn last line is dropped: suites/csvlog.h); every
     * rank learns of a failure to open it before the collective work. */
    hs_csv *csv = NULL;
    int done[64] = {0};
    double failed = 0;
    if (me == 0) {
        char header[2048];
        hs_schema_header(schema, header, sizeof header);
        csv = hs_csv_open(out, "engine.csv", header, schema->ncols, schema->nkey, 1, NULL, err, sizeof err);
        if (!csv)
            failed = hs_err_usage(e, "suite engine", "%s", err);
        for (int i = 0; csv && i < nn; i++) {
            char key[256];
            snprintf(key, sizeof key, "%d,%d,%llu,%d,%d,%d,%llu", ns[i], k,
                     (unsigned long long)hs_comb_binom(ns[i], k), P, threads, repeats, (unsigned long long)seed);
            done[i] = hs_csv_has(csv, key);
        }
    }
    hs_comm_max(&failed, 1);
    if (failed)
        return HS_EXIT_USAGE;
    hs_comm_bcast(done, sizeof done, 0);
    const run_config run_cfg = {k, P, threads, repeats, hs_ctr_init(), seed};

    for (int i = 0; i < nn; i++) {
        if (done[i]) {
            if (me == 0)
                fprintf(stderr, "suite engine: n=%d already in %s, skipped\n", ns[i], hs_csv_path(csv));
            continue;
        }
        bench b = {.n = ns[i], .k = k, .ell = hs_comb_binom(ns[i], k)};
        b.e = hs_calloc(b.ell, sizeof *b.e);
        b.ne = hs_bench_writes(b.n, k, 2, b.ell, seed, b.e);
        b.st = hs_dstate_new(b.n, NULL);
        hs_rng_init(&b.rng, seed, (uint64_t)b.n, HS_RNG_OUTCOMES);
        const int has_global = b.st->p_act > 0;
        const size_t slice = b.st->len;
        if (me == 0)
            fprintf(stderr, "suite engine: n=%d ranks=%d threads=%d, slice %.0f MiB per rank\n", b.n, P, threads,
                    (double)b.st->len * sizeof(hs_amp) / 1048576.0);
        result res[OP_COUNT];
        for (int op = 0; op < OP_COUNT; op++) {
            if (op == OP_QGLOBAL && !has_global)
                continue;
            res[op] = measure(&b, op, repeats);
            if (me == 0)
                fprintf(stderr, "  %-15s median %.4e s (%.2f streaming passes)\n", op_name[op], res[op].t.med,
                        res[op].t.med / res[OP_STREAM].t.med);
        }
        /* The state left by the last query is normalised, or timings are void. */
        double norm = hs_dstate_norm2(b.st);
        if (fabs(norm - 1.0) > 1e-10)
            hs_sys_fatal("verification failed: norm %.17g after the n=%d measurements", norm, b.n);
        int arc = me == 0 ? append_rows(csv, &b, &run_cfg, res, has_global, slice, e) : HS_OK;
        hs_dstate_free(b.st);
        hs_sys_free(b.e);
        /* Every rank stops after a failed append (rank 0 has the message). */
        double st = arc;
        hs_comm_max(&st, 1);
        if (st != HS_OK) {
            hs_csv_close(csv);
            return me == 0 ? arc : (int)st;
        }
    }
    hs_csv_close(csv);
    return HS_OK;
}
