/* `hypersep bench engine`: times the engine's cells against a streaming
 * read+write pass over a state-sized array measured in the same run (the
 * memory-bandwidth reference), STREAM style: warm-up, repeats, min/median/max. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cmds.h"
#include "combin.h"
#include "kern.h"
#include "hsmt.h"
#include "opts.h"
#include "rng.h"
#include "state.h"
#include "sys.h"
#include "version.h"
#include "write.h"

static const char usage[] =
    "usage: hypersep bench engine --n N [--d D] [--threads T] [--repeats R] [--seed S]\n"
    "Prints CSV rows (header first): for each operation the median, min and max\n"
    "seconds over R repeats after one warm-up, the median of a streaming\n"
    "read+write pass over a state-sized array in the same run, and their ratio\n"
    "(`passes`). Operations: stream; read_only and write_only (one-way passes,\n"
    "the floors of a query and of a layer written from |+>); write_cell (one\n"
    "exact k=3 cell);\n"
    "write_deferred (ell = binom(n,3) random k=3 writes applied to a state);\n"
    "write_deferred_init (the same, writing D_w|+> directly, as the generator does);\n"
    "query_low / query_top (X-basis query cell on site 0 / the top site:\n"
    "distribution, sample, collapse and discard); query_fused_low /\n"
    "query_fused_top (the collapse of a pending query on site 1 with the next\n"
    "query's distribution, site 0 / the top site, in one pass: the cost of\n"
    "each query after the first in a sequence; for d > 2 the collapse applies\n"
    "a row of U, as in a sequence); query_fused_mid (the\n"
    "same for sites n/2 and n/3, a typical pair); trajectory (a whole HSMT\n"
    "sequence of the generator: k = 3, ell = binom(n,3), q = n queries in\n"
    "Z/X/Y, a new sequence per run; its state is allocated after the others\n"
    "are freed).\n"
    "  --n N        sites (default 24)\n"
    "  --d D        local dimension (default 2)\n"
    "  --threads T  OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  --repeats R  timed repeats (default 5)\n";

enum { OP_STREAM, OP_READ, OP_WRITE, OP_CELL, OP_DEFER, OP_DEFER_INIT, OP_QUERY_LOW, OP_QUERY_TOP, OP_FUSED_LOW,
       OP_FUSED_TOP, OP_FUSED_MID, OP_TRAJ, OP_COUNT };
static const char *op_name[OP_COUNT] = {"stream",    "read_only",   "write_only",  "write_cell",
                                        "write_deferred", "write_deferred_init", "query_low", "query_top",
                                        "query_fused_low", "query_fused_top", "query_fused_mid", "trajectory"};

typedef struct {
    int op;
    hs_state *s;
    const hs_edge *e;
    size_t ne;
    hs_rng *rng;
    hs_gen *gen;    /* OP_TRAJ */
    hs_seq seq;     /* OP_TRAJ: the last sequence drawn */
    uint64_t index; /* OP_TRAJ: the next sequence */
    double sink;    /* OP_READ: keeps the sum */
} bench_op;

/* query_fused_mid: the pending query's site and the next one, both inside
 * the state (a typical pair of a sequence, away from the kernels' paths
 * for sites 0 and 1). */
static int mid_site(int n) { return n / 2; }
static int mid_next(int n) { return n / 3 != n / 2 ? n / 3 : 0; }

/* Untimed state preparation of each operation. */
static void setup(void *ctx)
{
    bench_op *b = ctx;
    if (b->op == OP_STREAM || b->op == OP_READ || b->op == OP_WRITE || b->op == OP_TRAJ)
        return;
    hs_state_init_plus(b->s);
    if (b->op >= OP_QUERY_LOW)
        hs_write_deferred(b->s, b->e, b->ne, 1);
    if (b->op == OP_FUSED_LOW || b->op == OP_FUSED_TOP || b->op == OP_FUSED_MID) {
        /* The pending query (site 1, or mid_site; X basis) whose collapse is
         * timed with the next query's distribution. */
        const hs_unitary ux = hs_unitary_basis(0, b->s->d);
        double p[64];
        hs_state_probs_deferred(b->s, b->op == OP_FUSED_MID ? mid_site(b->s->n) : 1, &ux, p);
    }
}

static void run(void *ctx)
{
    bench_op *b = ctx;
    hs_state *s = b->s;
    switch (b->op) {
    case OP_STREAM:
        hs_bench_stream(s->amp, s->stride[s->n]);
        break;
    case OP_READ:
        b->sink += hs_bench_read(s->amp, s->stride[s->n]);
        break;
    case OP_WRITE:
        hs_bench_write(s->amp, s->stride[s->n], 0.5);
        break;
    case OP_TRAJ:
        hs_gen_sequence(b->gen, b->index++, &b->seq);
        break;
    case OP_CELL: {
        const int sites[3] = {0, 1, 2};
        hs_write_exact(s, sites, s->n >= 3 ? 3 : s->n, 1);
        break;
    }
    case OP_DEFER:
    case OP_DEFER_INIT:
        hs_write_deferred(s, b->e, b->ne, b->op == OP_DEFER_INIT);
        break;
    case OP_FUSED_LOW:
    case OP_FUSED_TOP:
    case OP_FUSED_MID: {
        /* Collapse of site 1 with the distribution of site 0 or of the top
         * site (n - 1, which then moves into position 1), or of mid_site
         * with mid_next, in one pass. */
        const hs_unitary ux = hs_unitary_basis(0, s->d);
        double p[64];
        const int o = s->q_raw[0] > 0 ? 0 : 1;
        const int next = b->op == OP_FUSED_LOW ? 0 : b->op == OP_FUSED_TOP ? s->n - 1 : mid_next(s->n);
        if (hs_state_collapse_probs(s, o, next, &ux, p) != 0)
            hs_sys_fatal("bench engine: fused query: outcome of weight 0");
        break;
    }
    default: {
        const hs_unitary ux = hs_unitary_basis(0, s->d);
        double p[64];
        hs_state_probs(s, b->op == OP_QUERY_LOW ? 0 : s->n - 1, &ux, p);
        hs_state_collapse(s, hs_rng_pick(p, s->d, hs_rng_uniform(b->rng)));
        break;
    }
    }
}

static int bench_engine(int argc, char **argv, hs_err *e)
{
    int n = 24, d = 2, threads = 0, repeats = 5;
    uint64_t seed = 1;
    hs_opt opts[] = {
        {"n", HS_OPT_INT, &n, 3, 62, 0},
        {"d", HS_OPT_INT, &d, 2, 64, 0},
        {"threads", HS_OPT_INT, &threads, 1, 4096, 0},
        {"repeats", HS_OPT_INT, &repeats, 1, 1000, 0},
        {"seed", HS_OPT_U64, &seed, 0, 1.8e19, 0},
        {NULL, 0, NULL, 0, 0, 0},
    };
    int rc = hs_opts_parse("bench engine", usage, opts, argc, argv, e);
    if (rc != HS_OK || (rc = hs_cli_check_fit("bench engine", n, d, e)) != HS_OK)
        return rc;
    if (threads)
        omp_set_num_threads(threads);
    threads = omp_get_max_threads();

    /* ell = binom(n, 3) uniformly drawn k = 3 hyperedges, multiplicities mod d. */
    const int k = 3;
    const uint64_t ell = hs_comb_binom(n, k);
    hs_edge *edges = hs_calloc(ell, sizeof *edges);
    const size_t ne = hs_bench_writes(n, k, d, ell, seed, edges);
    hs_state *s = hs_state_new(n, d);
    hs_rng rng;
    hs_rng_init(&rng, seed, 0, HS_RNG_OUTCOMES);
    hs_bench_stats st[OP_COUNT];
    const char *kernels = hs_kern_name(hs_kern_get()->level);
    fprintf(stderr, "bench engine: n=%d d=%d threads=%d, state %.0f MiB, %s kernels, clock tick %.3g s\n", n, d,
            threads, (double)hs_state_bytes(n, d) / 1048576.0, kernels, hs_bench_tick());
    double norm = 1;
    for (int op = 0; op < OP_COUNT; op++) {
        bench_op b = {.op = op, .s = s, .e = edges, .ne = ne, .rng = &rng};
        if (op == OP_TRAJ) {
            /* Verification after timing of the cell benchmarks: the state
             * left by the last query is normalised; then its memory goes to
             * the generator's state. */
            norm = hs_state_norm2(s);
            hs_state_free(s);
            s = NULL;
            hs_hsmt t = {.n = n, .k = k, .d = d, .ell = (long)ell, .q = n, .seed = seed};
            hs_hsmt_defaults(&t);
            char err[256];
            if (hs_hsmt_validate(&t, err, sizeof err) != 0)
                hs_sys_fatal("bench engine: trajectory task: %s", err); /* n, d were checked */
            b.gen = hs_gen_new(&t);
        }
        const hs_bench h = {.name = op_name[op], .warmup = 1, .repeats = repeats, .ctx = &b, .setup = setup,
                            .run = run};
        hs_bench_time(&h, &st[op]);
        fprintf(stderr, "  %-20s median %.4f s\n", op_name[op], st[op].med);
        if (op == OP_TRAJ) {
            /* Verification: every conditional of the last sequence sums to 1. */
            for (int u = 0; u < b.seq.q; u++) {
                double sum = 0;
                for (int o = 0; o < d; o++)
                    sum += b.seq.probs[(size_t)u * d + (size_t)o];
                if (fabs(sum - 1.0) > 1e-12)
                    hs_sys_fatal("verification failed: query %d's probabilities sum to %.17g", u, sum);
            }
            hs_seq_free(&b.seq);
            hs_gen_free(b.gen);
        }
    }
    if (fabs(norm - 1.0) > 1e-10)
        hs_sys_fatal("verification failed: norm %.17g after the benchmark", norm);

    printf("n,d,threads,operation,repeats,median_s,min_s,max_s,stream_median_s,passes,ell,kernels,"
           "version,git_rev,host\n");
    for (int op = 0; op < OP_COUNT; op++)
        printf("%d,%d,%d,%s,%d,%.6e,%.6e,%.6e,%.6e,%.3f,%llu,%s,%s,%s,%s\n", n, d, threads, op_name[op], repeats,
               st[op].med, st[op].min, st[op].max, st[OP_STREAM].med, st[op].med / st[OP_STREAM].med,
               (unsigned long long)ell, kernels, hs_version, hs_git_rev, hs_sys_host());
    hs_sys_free(edges);
    hs_state_free(s);
    return HS_OK;
}

int hs_cmd_bench(int argc, char **argv, hs_err *e)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs("usage: hypersep bench engine|baselines [options]   (hypersep bench engine --help)\n",
              argc < 1 ? stderr : stdout);
        return argc < 1 ? HS_EXIT_USAGE : HS_DONE;
    }
    if (strcmp(argv[0], "engine") == 0)
        return bench_engine(argc - 1, argv + 1, e);
    if (strcmp(argv[0], "baselines") == 0)
        return hs_cmd_bench_baselines(argc - 1, argv + 1, e);
    return hs_err_usage(e, "bench", "unknown benchmark '%s' (allowed: engine, baselines)", argv[0]);
}
