/* `hypersep bench engine`: times the engine's cells against a streaming
 * read+write pass over a state-sized array measured in the same run (the
 * memory-bandwidth reference), STREAM style: warm-up, repeats, min/median/max. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "combin.h"
#include "opts.h"
#include "rng.h"
#include "state.h"
#include "sys.h"
#include "write.h"

static const char usage[] =
    "usage: hypersep bench engine --n N [--d D] [--threads T] [--repeats R] [--seed S]\n"
    "Prints CSV rows (header first): for each operation the median, min and max\n"
    "seconds over R repeats after one warm-up, the median of a streaming\n"
    "read+write pass over a state-sized array in the same run, and their ratio\n"
    "(`passes`). Operations: stream; write_cell (one exact k=3 cell);\n"
    "write_deferred (ell = binom(n,3) random k=3 writes applied to a state);\n"
    "write_deferred_init (the same, writing D_w|+> directly, as the generator does);\n"
    "query_low / query_top (X-basis query cell on site 0 / the top site:\n"
    "distribution, sample, collapse and discard).\n"
    "  --n N        sites (default 24)\n"
    "  --d D        local dimension (default 2)\n"
    "  --threads T  OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  --repeats R  timed repeats (default 5)\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double med, min, max;
} stats;

static stats summarise(double *t, int r)
{
    qsort(t, (size_t)r, sizeof *t, cmp_double);
    stats s = {r % 2 ? t[r / 2] : 0.5 * (t[r / 2 - 1] + t[r / 2]), t[0], t[r - 1]};
    return s;
}

enum { OP_STREAM, OP_CELL, OP_DEFER, OP_DEFER_INIT, OP_QUERY_LOW, OP_QUERY_TOP, OP_COUNT };
static const char *op_name[OP_COUNT] = {"stream", "write_cell", "write_deferred",
                                        "write_deferred_init", "query_low", "query_top"};

/* One timed run of operation op; untimed set-up happens before t0. */
static double run_op(int op, hs_state *s, const hs_edge *e, size_t ne, hs_rng *rng)
{
    double t0, t1;
    int sites[3] = {0, 1, 2};
    hs_unitary ux = hs_unitary_basis(0, s->d);
    double p[64];
    switch (op) {
    case OP_STREAM: {
        hs_amp *a = s->amp;
        const size_t len = s->stride[s->n];
        t0 = hs_sys_now();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < len; i++)
            a[i] *= 0.999999;
        t1 = hs_sys_now();
        break;
    }
    case OP_CELL:
        hs_state_init_plus(s);
        t0 = hs_sys_now();
        hs_write_exact(s, sites, s->n >= 3 ? 3 : s->n, 1);
        t1 = hs_sys_now();
        break;
    case OP_DEFER:
    case OP_DEFER_INIT:
        hs_state_init_plus(s);
        t0 = hs_sys_now();
        hs_write_deferred(s, e, ne, op == OP_DEFER_INIT);
        t1 = hs_sys_now();
        break;
    default: {
        hs_write_deferred(s, e, ne, 1);
        int site = op == OP_QUERY_LOW ? 0 : s->n - 1;
        t0 = hs_sys_now();
        hs_state_probs(s, site, &ux, p);
        int o = hs_rng_pick(p, s->d, hs_rng_uniform(rng));
        hs_state_collapse(s, o);
        t1 = hs_sys_now();
        break;
    }
    }
    return t1 - t0;
}

static int bench_engine(int argc, char **argv)
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
    hs_opts_parse("bench engine", usage, opts, argc, argv);
    hs_cli_check_fit("bench engine", n, d);
    if (threads)
        omp_set_num_threads(threads);
    threads = omp_get_max_threads();

    /* ell = binom(n, 3) uniformly drawn k = 3 hyperedges, multiplicities mod d. */
    const int k = 3;
    uint64_t M = hs_comb_binom(n, k), ell = M;
    int *count = hs_calloc(M, sizeof *count);
    hs_rng rng;
    hs_rng_init(&rng, seed, 0, HS_RNG_WRITES);
    for (uint64_t t = 0; t < ell; t++)
        count[hs_rng_below(&rng, M)]++;
    hs_edge *e = hs_calloc(M, sizeof *e);
    size_t ne = 0;
    for (uint64_t r = 0; r < M; r++)
        if (count[r] % d) {
            int s3[3];
            hs_comb_unrank(r, n, k, s3);
            e[ne++] = (hs_edge){(1ull << s3[0]) | (1ull << s3[1]) | (1ull << s3[2]), count[r] % d};
        }
    hs_sys_free(count);

    hs_state *s = hs_state_new(n, d);
    hs_rng_init(&rng, seed, 0, HS_RNG_OUTCOMES);
    double *t = hs_alloc((size_t)repeats * sizeof *t);
    stats st[OP_COUNT];
    fprintf(stderr, "bench engine: n=%d d=%d threads=%d, state %.0f MiB\n", n, d, threads,
            (double)hs_state_bytes(n, d) / 1048576.0);
    for (int op = 0; op < OP_COUNT; op++) {
        run_op(op, s, e, ne, &rng); /* warm-up */
        for (int r = 0; r < repeats; r++)
            t[r] = run_op(op, s, e, ne, &rng);
        st[op] = summarise(t, repeats);
        fprintf(stderr, "  %-20s median %.4f s\n", op_name[op], st[op].med);
    }
    /* Verification after timing: the state left by the last query is normalised. */
    double norm = hs_state_norm2(s);
    if (fabs(norm - 1.0) > 1e-10)
        hs_sys_fatal("verification failed: norm %.17g after the benchmark", norm);

    printf("n,d,threads,operation,repeats,median_s,min_s,max_s,stream_median_s,passes,ell,"
           "version,git_rev,host\n");
    for (int op = 0; op < OP_COUNT; op++)
        printf("%d,%d,%d,%s,%d,%.6e,%.6e,%.6e,%.6e,%.3f,%llu,%s,%s,%s\n", n, d, threads, op_name[op],
               repeats, st[op].med, st[op].min, st[op].max, st[OP_STREAM].med,
               st[op].med / st[OP_STREAM].med, (unsigned long long)ell, HS_VERSION, HS_GIT_REV,
               hs_sys_host());
    hs_sys_free(t);
    hs_sys_free(e);
    hs_state_free(s);
    return 0;
}

int hs_cmd_bench(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs("usage: hypersep bench engine|baselines [options]   (hypersep bench engine --help)\n",
              argc < 1 ? stderr : stdout);
        return argc < 1 ? HS_EXIT_USAGE : 0;
    }
    if (strcmp(argv[0], "engine") == 0)
        return bench_engine(argc - 1, argv + 1);
    if (strcmp(argv[0], "baselines") == 0)
        return hs_cmd_bench_baselines(argc - 1, argv + 1);
    hs_opts_fail("bench", "unknown benchmark '%s' (allowed: engine, baselines)", argv[0]);
}
