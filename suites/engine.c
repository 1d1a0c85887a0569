/* `hypersep suite engine`: scaling of the sharded engine (dist/) with n and
 * the current MPI rank count. For each n: one write cell, one deferred write
 * layer, and query cells on a local and on a global site, each against a
 * streaming read+write pass over the rank's slice measured in the same run
 * (the memory-bandwidth reference, per rank). Every timing is STREAM style:
 * one warm-up, then `repeats` runs, each between barriers and taken as the
 * slowest rank's time; rank 0 reduces them to min/median/max and appends the
 * rows of one n to DIR/engine.csv as one atomic group. */
#include <assert.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "combin.h"
#include "comm.h"
#include "counters.h"
#include "csvlog.h"
#include "dsize.h"
#include "dstate.h"
#include "hsmt.h"
#include "opts.h"
#include "rng.h"
#include "suite.h"
#include "sys.h"

/* The CSV header; slurm/README.md documents every column. The first 7
 * columns identify a measurement group (one n of one run configuration). */
static const char header[] =
    "n,k,ell,ranks,threads,repeats,seed,operation,median_s,min_s,max_s,stream_median_s,passes,"
    "slice_amps,exchange_bytes,exchange_median_s,mem_per_rank_bytes,counters,ctr1,ctr2,ctr3,ctr4,"
    "nodes,transport,version,git_rev,host,timestamp";

static const char usage[] =
    "usage: hypersep suite engine [--n-list LIST] [--k K] [--repeats R] [--threads T]\n"
    "                             [--seed S] [--out DIR]\n"
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
    "  --out DIR      results directory (default results)\n";

enum { OP_STREAM, OP_CELL, OP_DEFER, OP_QLOCAL, OP_QGLOBAL, OP_COUNT };
static const char *op_name[OP_COUNT] = {"stream", "write_cell", "write_deferred", "query_local",
                                        "query_global"};

typedef struct {
    int n, k;
    uint64_t ell;
    hs_edge *e;
    size_t ne;
    hs_dstate *st;
    hs_rng rng;  /* outcomes: the same draws on every rank */
} bench;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *t, int r) { return r % 2 ? t[r / 2] : 0.5 * (t[r / 2 - 1] + t[r / 2]); }

/* ell = binom(n, k) uniformly drawn hyperedges, odd multiplicities kept. */
static void draw_writes(bench *b, uint64_t seed)
{
    const uint64_t M = hs_comb_binom(b->n, b->k);
    b->ell = M;
    unsigned char *odd = hs_calloc(M, 1);
    hs_rng r;
    hs_rng_init(&r, seed, (uint64_t)b->n, HS_RNG_WRITES);
    for (uint64_t t = 0; t < b->ell; t++)
        odd[hs_rng_below(&r, M)] ^= 1;
    b->e = hs_calloc(M, sizeof *b->e);
    b->ne = 0;
    for (uint64_t i = 0; i < M; i++)
        if (odd[i]) {
            int s[HS_MAX_SITES];
            hs_comb_unrank(i, b->n, b->k, s);
            uint64_t mask = 0;
            for (int j = 0; j < b->k; j++)
                mask |= 1ull << s[j];
            b->e[b->ne++] = (hs_edge){mask, 1};
        }
    hs_sys_free(odd);
}

/* Untimed set-up of operation op. */
static void setup(bench *b, int op)
{
    if (op == OP_STREAM)
        return;
    hs_dstate_reset(b->st, NULL);
    hs_dstate_write_deferred(b->st, b->e, b->ne, 1);
}

/* The timed part of op on this rank. */
static void run(bench *b, int op)
{
    hs_dstate *s = b->st;
    switch (op) {
    case OP_STREAM: {
        hs_amp *a = s->amp;
        const size_t len = s->len;
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < len; i++)
            a[i] *= 0.999999;
        break;
    }
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
        hs_dstate_probs(s, op == OP_QLOCAL ? 0 : b->n - 1, &ux, p);
        hs_dstate_collapse(s, hs_rng_pick(p, 2, hs_rng_uniform(&b->rng)));
        break;
    }
    }
}

typedef struct {
    double t[3];           /* median, min, max of the slowest rank per repeat */
    double exch_bytes;     /* per rank, per repeat */
    double exch_med;       /* median over repeats of the slowest rank's exchange time */
    double ctr[HS_CTR_MAX];/* per repeat, summed over ranks and threads */
} result;

static result measure(bench *b, int op, int repeats)
{
    result res = {{0}, 0, 0, {0}};
    double *t = hs_alloc((size_t)repeats * sizeof *t), *x = hs_alloc((size_t)repeats * sizeof *x);
    setup(b, op);
    run(b, op); /* warm-up */
    for (int r = 0; r < repeats; r++) {
        setup(b, op);
        hs_comm_barrier();
        hs_ctr_start();
        double t0 = hs_sys_now();
        run(b, op);
        double dt[2] = {hs_sys_now() - t0, b->st->last_seconds};
        hs_ctr_stop(res.ctr);
        if (op == OP_QGLOBAL)
            res.exch_bytes = b->st->last_bytes;
        hs_comm_max(dt, 2);
        t[r] = dt[0];
        x[r] = op == OP_QGLOBAL ? dt[1] : 0;
    }
    hs_comm_sum(res.ctr, HS_CTR_MAX);
    for (int i = 0; i < HS_CTR_MAX; i++)
        res.ctr[i] /= repeats;
    qsort(t, (size_t)repeats, sizeof *t, cmp_double);
    qsort(x, (size_t)repeats, sizeof *x, cmp_double);
    res.t[0] = median_sorted(t, repeats);
    res.t[1] = t[0];
    res.t[2] = t[repeats - 1];
    res.exch_med = median_sorted(x, repeats);
    hs_sys_free(t);
    hs_sys_free(x);
    return res;
}

/* Parses "20,22,24" into n[]; exits 2 naming the bad entry. */
static int parse_list(const char *list, int *n, int max)
{
    int cnt = 0;
    const char *p = list;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || v < 3 || v > 59)
            hs_opts_fail("suite engine", "--n-list: '%s' is not a list of n in 3..59 (e.g. 20,22,24)", list);
        if (cnt == max)
            hs_opts_fail("suite engine", "--n-list: more than %d entries in '%s'", max, list);
        n[cnt++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (!cnt)
        hs_opts_fail("suite engine", "--n-list: '%s' names no n", list);
    return cnt;
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

/* Rank 0: the rows of one n, appended as one group. */
static void append_rows(hs_csv *csv, const bench *b, const run_config *c, const result *res,
                        int has_global, size_t slice)
{
    size_t cap = 8192, len = 0;
    char *rows = hs_alloc(cap), ts[32];
    iso_time(ts, sizeof ts);
    const int nodes = c->ranks / hs_comm_node_ranks();
    const unsigned long long mem = hs_dsize_rank_bytes(b->n, c->ranks, NULL);
    const double stream = res[OP_STREAM].t[0];
    for (int op = 0; op < OP_COUNT; op++) {
        if (op == OP_QGLOBAL && !has_global)
            continue;
        const result *r = &res[op];
        char ctr[HS_CTR_MAX][32] = {"", "", "", ""};
        for (int i = 0; i < c->nctr; i++)
            snprintf(ctr[i], sizeof ctr[i], "%.6g", r->ctr[i]);
        len += (size_t)snprintf(rows + len, cap - len,
                                "%d,%d,%llu,%d,%d,%d,%llu,%s,%.6e,%.6e,%.6e,%.6e,%.4f,%zu,%.0f,%.6e,%llu,"
                                "%s,%s,%s,%s,%s,%d,%s,%s,%s,%s,%s\n",
                                b->n, c->k, (unsigned long long)b->ell, c->ranks, c->threads, c->repeats,
                                (unsigned long long)c->seed, op_name[op], r->t[0], r->t[1], r->t[2], stream,
                                r->t[0] / stream, slice, r->exch_bytes, r->exch_med, mem, hs_ctr_names(),
                                ctr[0], ctr[1], ctr[2], ctr[3], nodes, hs_comm_kind(), HS_VERSION, HS_GIT_REV,
                                hs_sys_host(), ts);
        assert(len < cap);
    }
    hs_csv_append(csv, rows);
    fprintf(stderr, "suite engine: n=%d: %d rows appended to %s\n", b->n, OP_COUNT - !has_global,
            hs_csv_path(csv));
    hs_sys_free(rows);
}

int hs_suite_engine(int argc, char **argv)
{
    const char *nlist = "20,22,24", *out = "results";
    int k = 3, repeats = 5, threads = 0;
    uint64_t seed = 1;
    hs_opt opts[] = {
        {"n-list", HS_OPT_STR, &nlist, 0, 0, 0},
        {"k", HS_OPT_INT, &k, 1, 6, 0},
        {"repeats", HS_OPT_INT, &repeats, 1, 1000, 0},
        {"threads", HS_OPT_INT, &threads, 1, 4096, 0},
        {"seed", HS_OPT_U64, &seed, 0, 1.8e19, 0},
        {"out", HS_OPT_STR, &out, 0, 0, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    hs_opts_parse("suite engine", usage, opts, argc, argv);
    int ns[64];
    const int nn = parse_list(nlist, ns, 64);
    for (int i = 0; i < nn; i++)
        if (k > ns[i])
            hs_opts_fail("suite engine", "--k: %d is larger than n=%d in --n-list (allowed 1..n)", k, ns[i]);
    if (threads)
        omp_set_num_threads(threads);
    threads = omp_get_max_threads();
    const int P = hs_comm_size(), me = hs_comm_rank();
    for (int i = 0; i < nn; i++)
        hs_dsize_require_fit("suite engine", ns[i], NULL);

    /* Rank 0 owns the file and decides which n are already measured. */
    hs_csv *csv = NULL;
    int done[64] = {0};
    if (me == 0) {
        char err[512];
        csv = hs_csv_open(out, "engine.csv", header, 7, err, sizeof err);
        if (!csv)
            hs_opts_fail("suite engine", "%s", err);
        for (int i = 0; i < nn; i++) {
            char key[256];
            snprintf(key, sizeof key, "%d,%d,%llu,%d,%d,%d,%llu", ns[i], k,
                     (unsigned long long)hs_comb_binom(ns[i], k), P, threads, repeats,
                     (unsigned long long)seed);
            done[i] = hs_csv_has(csv, key);
        }
    }
    hs_comm_bcast(done, sizeof done, 0);
    const run_config run_cfg = {k, P, threads, repeats, hs_ctr_init(), seed};

    for (int i = 0; i < nn; i++) {
        if (done[i]) {
            if (me == 0)
                fprintf(stderr, "suite engine: n=%d already in %s, skipped\n", ns[i], hs_csv_path(csv));
            continue;
        }
        bench b = {.n = ns[i], .k = k};
        draw_writes(&b, seed);
        b.st = hs_dstate_new(b.n, NULL);
        hs_rng_init(&b.rng, seed, (uint64_t)b.n, HS_RNG_OUTCOMES);
        const int has_global = b.st->p_act > 0;
        const size_t slice = b.st->len;
        if (me == 0)
            fprintf(stderr, "suite engine: n=%d ranks=%d threads=%d, slice %.0f MiB per rank\n", b.n, P,
                    threads, (double)b.st->len * sizeof(hs_amp) / 1048576.0);
        result res[OP_COUNT];
        for (int op = 0; op < OP_COUNT; op++) {
            if (op == OP_QGLOBAL && !has_global)
                continue;
            res[op] = measure(&b, op, repeats);
            if (me == 0)
                fprintf(stderr, "  %-15s median %.4e s (%.2f streaming passes)\n", op_name[op], res[op].t[0],
                        res[op].t[0] / res[OP_STREAM].t[0]);
        }
        /* The state left by the last query is normalised, or timings are void. */
        double norm = hs_dstate_norm2(b.st);
        if (fabs(norm - 1.0) > 1e-10)
            hs_sys_fatal("verification failed: norm %.17g after the n=%d measurements", norm, b.n);
        if (me == 0)
            append_rows(csv, &b, &run_cfg, res, has_global, slice);
        hs_dstate_free(b.st);
        hs_sys_free(b.e);
    }
    hs_csv_close(csv);
    return 0;
}
