/* `hypersep suite trainability` (docs/spec.md#suite-trainability): is the
 * k-HRNN efficiently trainable as n grows, where a generic circuit of the
 * same cell cost is not? Three parts, each a set of configurations:
 *  lie       the dimension of the dynamical Lie algebra of each model's
 *            cell generators (core/dla.h), beside its closed form;
 *  variance  the variance of the exact gradient over random
 *            initialisations, three readings of the loss and two
 *            initialisation widths (suites/gradvar.h), with bootstrap
 *            intervals;
 *  run       the k-HRNN and the generic ansatz trained from random starts
 *            through the one training loop with one budget, curriculum and
 *            target: a row per run (steps used, final excess, verdict
 *            reached / trap / budget) followed by its learning curve.
 * Rows: DIR/trainability.csv (columns: docs/formats.md#trainability). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combin.h"
#include "comm.h"
#include "config.h"
#include "dla.h"
#include "gradvar.h"
#include "dkgrad.h"
#include "dsource.h"
#include "registry.h"
#include "runner.h"
#include "schema.h"
#include "shard.h"
#include "state.h"
#include "suite.h"
#include "sys.h"
#include "train.h"

/* The built-in grid is the main job's share (about a minute on two cores);
 * suites/configs/trainability-machine.conf and -full.conf are the larger
 * ones. */
static const hs_config_key keys[] = {
    {"parts", HS_CFG_WORDS, 0, 0, "lie,variance,run", "lie,variance,run", "the parts to run"},
    {"lie_k", HS_CFG_INTS, 1, 8, "1,2,3", NULL, "hyperedge orders of the Lie-algebra part"},
    {"lie_n", HS_CFG_INTS, 1, 10, "2,3,4,5,6,7,8", NULL, "sizes n of the Lie-algebra part (at most 10)"},
    {"lie_models", HS_CFG_WORDS, 0, 0, "khrnn_write,khrnn_all,ansatz", "khrnn_write,khrnn_all,ansatz",
     "generator sets: the k-HRNN's write cells, with its query rotations, the generic ansatz's cells"},
    {"lie_max_dim", HS_CFG_INT, 1, 2e6, "70000", NULL,
     "largest algebra computed, in basis elements (4^8 = 65536: 40 MB, 3 s; 4^9: 120 MB, 11 s)"},
    {"variance_k", HS_CFG_INTS, 1, 8, "2,3", NULL, "hyperedge orders of the gradient-variance part"},
    {"variance_n", HS_CFG_INTS, 1, 24, "4,6,8", NULL, "sizes n of the gradient-variance part"},
    {"variance_ell", HS_CFG_INT, 0, 1e6, "auto", "auto", "writes per sequence: auto = binom(n,k), or a number"},
    {"variance_models", HS_CFG_WORDS, 0, 0, "khrnn,ansatz", "khrnn,ansatz",
     "models: khrnn and the generic layered ansatz"},
    {"variance_ansatz_max_n", HS_CFG_INT, 1, 24, "24", NULL, "largest n of the generic ansatz's variance rows"},
    {"variance_init", HS_CFG_WORDS, 0, 0, "uniform,small", "uniform,small",
     "initialisations: every angle uniform over [-pi, pi), or over [-small_width, small_width]"},
    {"small_width", HS_CFG_DOUBLE, 1e-6, 3.14159, "0.1", NULL, "half-width of the small initialisation, radians"},
    {"samples", HS_CFG_INT, 2, 1e7, "200", NULL, "random initialisations per variance configuration"},
    {"variance_batch", HS_CFG_INT, 1, 1e6, "4", NULL, "sequences of the loss whose gradient is taken"},
    {"bootstrap", HS_CFG_INT, 2, 1e6, "1000", NULL, "bootstrap resamples of the 95% intervals"},
    {"run_ansatz_max_n", HS_CFG_INT, 1, 24, "24", NULL,
     "largest n of the generic ansatz's runs (its cost grows like binom(n,k) 2^n per sequence)"},
    {"run_k", HS_CFG_INTS, 1, 8, "2,3", NULL, "hyperedge orders of the training runs"},
    {"run_n", HS_CFG_INTS, 1, 24, "4,5", NULL, "sizes n of the training runs"},
    {"run_ell", HS_CFG_INT, 0, 1e6, "auto", "auto", "writes per sequence: auto = binom(n,k), or a number"},
    {"run_models", HS_CFG_WORDS, 0, 0, "khrnn,ansatz", "khrnn,ansatz", "models trained from random starts"},
    {"run_seeds", HS_CFG_INTS, 0, 9e18, "1,2,3,4,5,6,7,8", NULL, "random starts (one training run each)"},
    {"steps", HS_CFG_INTS, 1, 1e9, "10000", NULL,
     "training budgets (updates per run); each is a configuration, to show the verdicts do not depend on it"},
    {"batch", HS_CFG_INT, 1, 1e6, "16", NULL, "sequences per update"},
    {"lr", HS_CFG_DOUBLES, 1e-9, 10, "0.05", NULL,
     "peak step sizes (warm-up, cosine decay: core/train.h); each is a configuration, for every model"},
    {"loss", HS_CFG_WORDS, 0, 0, "soft", "soft,hard",
     "soft: cross-entropy against the exact conditionals; hard: the sampled outcome's"},
    {"curriculum", HS_CFG_WORDS, 0, 0, "ell", "none,ell,queries,ell+queries",
     "training curriculum: context length ell_s and/or queries q_s = 1, 2, 4, .. (core/train.h)"},
    {"epsilon", HS_CFG_DOUBLE, 0, 10, "0.01", NULL, "target excess loss (bits per output); runs stop there"},
    {"plateau_fraction", HS_CFG_DOUBLE, 0, 1, "0.1", NULL,
     "verdict trap: the best held-out excess improved by less than this over the last fifth"},
    {"eval", HS_CFG_INT, 1, 1e8, "200", NULL, "held-out sequences per log point"},
    {"seed", HS_CFG_INT, 0, 9e18, "1", NULL, "task seed (sequences; the variance initialisations derive from it)"},
    HS_SHARD_KEYS,
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char usage[] =
    "usage: hypersep suite trainability [--config FILE] [--out DIR] [--resume] [--slice I/N]\n"
    "                                   [--threads T] [--print-config] [--print-header] [--print-grid]\n"
    "Is the k-HRNN trainable where a generic ansatz is not? The dimension of each\n"
    "model's dynamical Lie algebra; the gradient variance over random\n"
    "initialisations against n (three readings of the loss, two initialisation\n"
    "widths, bootstrap intervals); training from random starts with one loop and\n"
    "budget: the runs reaching epsilon, their steps, the traps\n"
    "(docs/spec.md#suite-trainability). Appends to DIR/trainability.csv\n"
    "(columns: docs/formats.md#trainability).\n"
    "  --config FILE   grid and budgets (default: built in; see --print-config)\n"
    "  --out DIR       results directory (default results)\n"
    "  --resume        skip configurations already in DIR/trainability.csv\n"
    "  --slice I/N     run only slice I of N of the grid (Slurm job arrays)\n"
    "  --threads T     OpenMP threads per rank (default 1)\n"
    "  --print-config  print the effective configuration and exit\n"
    "  --print-header  print the CSV columns (name, type, key) and exit\n"
    "  --print-grid    print the configurations (key, label, estimated relative cost)\n"
    "                  and exit\n";

enum { PART_LIE, PART_VARIANCE, PART_RUN };

typedef struct {
    int part;
    int ansatz;   /* variance, run: the model */
    int dla;      /* lie: the generator set (HS_DLA_*) */
    int small;    /* variance: the small initialisation */
    int k, n, q;
    long ell;
    uint64_t seed; /* run: the random start */
    long steps;    /* run: the budget */
    double lr;     /* run: the peak step size */
    int sharded, ranks; /* the sharded engine on groups of `ranks` (suites/shard.h) */
} tr_conf;

typedef struct {
    hs_config cfg;
    tr_conf *conf;
    int nconf;
    uint64_t seed;
    int loss, curriculum;
    double rank_limit; /* memory per rank, the same on every rank */
    int world;         /* ranks the groups are sized for (HS_SHARD_PLAN_RANKS with --print-grid) */
    char note[512];    /* what the grid leaves out, for the start of the run */
} tr_ctx;

static const char *model_name(const tr_conf *c)
{
    return c->part == PART_LIE ? (c->dla == HS_DLA_ANSATZ ? "ansatz" : "khrnn") : c->ansatz ? "ansatz" : "khrnn";
}

/* The task of a configuration (q = n: every site is queried), validated
 * (which also derives its hyperedge count); 0 or -1 with the message. */
static int task(const tr_ctx *x, const tr_conf *c, hs_hsmt *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->n = c->n;
    t->k = c->k;
    t->d = 2;
    t->ell = c->ell;
    t->q = c->q;
    t->seed = x->seed;
    hs_hsmt_defaults(t);
    return hs_hsmt_validate(t, err, errlen);
}

/* The task of a configuration of the grid (checked when it was built). */
static void grid_task(const tr_ctx *x, const tr_conf *c, hs_hsmt *t)
{
    char err[512];
    if (task(x, c, t, err, sizeof err) != 0)
        hs_sys_fatal("a task of the grid became invalid: %s", err);
}

static int add(tr_ctx *x, tr_conf c, const char *n_key, const char *ell_key, hs_err *e)
{
    const long ell = ell_key ? hs_config_int(&x->cfg, ell_key) : -1;
    c.ell = ell >= 0 ? ell : (long)hs_comb_binom(c.n, c.k);
    c.q = c.part == PART_LIE ? 0 : c.n;
    char err[512];
    if (c.part != PART_LIE) {
        hs_hsmt t;
        if (task(x, &c, &t, err, sizeof err) != 0)
            return hs_config_err(&x->cfg, e, n_key, "k = %d, n = %d: %s", c.k, c.n, err);
        c.sharded = hs_shard_is_sharded(&x->cfg, &t);
        if (c.sharded && c.ansatz) {
            /* Its write cells act on every site: on global ones each would
             * need an exchange; it runs on one rank, up to the serial limit. */
            if (!x->note[0])
                snprintf(x->note, sizeof x->note, "trainability: the ansatz left out at n >= shard_min_n (first: "
                         "k = %d, n = %d): it does not run on the sharded engine\n", c.k, c.n);
            return HS_OK;
        }
        if (c.sharded) {
            /* Runs hold the source's and the model's states; the variance
             * part one at a time. */
            const int rc = hs_shard_ranks(&x->cfg, &t, c.part == PART_RUN ? 2 : 1, x->rank_limit, x->world,
                                          &c.ranks, e);
            if (rc != HS_OK)
                return rc;
        } else if (hs_state_check_fit(c.n, 2, err, sizeof err) != 0)
            return hs_config_err(&x->cfg, e, n_key, "%s", err);
    }
    if (c.part != PART_LIE && c.ansatz &&
        c.n > hs_config_int(&x->cfg, c.part == PART_RUN ? "run_ansatz_max_n" : "variance_ansatz_max_n"))
        return HS_OK;
    x->conf = hs_realloc(x->conf, (size_t)(x->nconf + 1) * sizeof *x->conf);
    x->conf[x->nconf++] = c;
    return HS_OK;
}

static int has_word(char (*w)[32], int n, const char *word)
{
    for (int i = 0; i < n; i++)
        if (strcmp(w[i], word) == 0)
            return 1;
    return 0;
}

static int build_grid(tr_ctx *x, hs_err *e)
{
    const hs_config *cf = &x->cfg;
    long ks[HS_CONFIG_MAX_LIST], ns[HS_CONFIG_MAX_LIST], seeds[HS_CONFIG_MAX_LIST];
    char parts[HS_CONFIG_MAX_LIST][32], w[HS_CONFIG_MAX_LIST][32], inits[HS_CONFIG_MAX_LIST][32];
    x->seed = (uint64_t)hs_config_int(cf, "seed");
    x->rank_limit = hs_shard_rank_limit();
    hs_config_words(cf, "loss", w);
    x->loss = hs_loss_parse(w[0]);
    hs_config_words(cf, "curriculum", w);
    x->curriculum = hs_train_curriculum_parse(w[0]);
    const int np = hs_config_words(cf, "parts", parts);
    int rc = HS_OK;
    if (has_word(parts, np, "lie")) {
        const int nk = hs_config_ints(cf, "lie_k", ks), nn = hs_config_ints(cf, "lie_n", ns);
        const int nm = hs_config_words(cf, "lie_models", w);
        for (int m = 0; m < nm; m++)
            for (int a = 0; a < nk; a++)
                for (int b = 0; b < nn && rc == HS_OK; b++)
                    if (ns[b] >= ks[a])
                        rc = add(x, (tr_conf){.part = PART_LIE, .dla = hs_dla_parse(w[m]), .k = (int)ks[a],
                                              .n = (int)ns[b]},
                                 "lie_n", NULL, e);
    }
    if (has_word(parts, np, "variance")) {
        const int nk = hs_config_ints(cf, "variance_k", ks), nn = hs_config_ints(cf, "variance_n", ns);
        const int nm = hs_config_words(cf, "variance_models", w), ni = hs_config_words(cf, "variance_init", inits);
        for (int m = 0; m < nm; m++)
            for (int i = 0; i < ni; i++)
                for (int a = 0; a < nk; a++)
                    for (int b = 0; b < nn && rc == HS_OK; b++)
                        if (ns[b] >= ks[a])
                            rc = add(x, (tr_conf){.part = PART_VARIANCE, .ansatz = strcmp(w[m], "ansatz") == 0,
                                                  .small = strcmp(inits[i], "small") == 0, .k = (int)ks[a],
                                                  .n = (int)ns[b]},
                                     "variance_n", "variance_ell", e);
    }
    if (has_word(parts, np, "run")) {
        const int nk = hs_config_ints(cf, "run_k", ks), nn = hs_config_ints(cf, "run_n", ns);
        const int nm = hs_config_words(cf, "run_models", w), nseed = hs_config_ints(cf, "run_seeds", seeds);
        long budgets[HS_CONFIG_MAX_LIST];
        double lrs[HS_CONFIG_MAX_LIST];
        const int nb = hs_config_ints(cf, "steps", budgets), nl = hs_config_doubles(cf, "lr", lrs);
        for (int m = 0; m < nm; m++)
            for (int a = 0; a < nk; a++)
                for (int b = 0; b < nn; b++)
                    for (int u = 0; u < nb; u++)
                        for (int l = 0; l < nl; l++)
                            for (int s = 0; s < nseed && rc == HS_OK; s++)
                                if (ns[b] >= ks[a])
                                    rc = add(x,
                                             (tr_conf){.part = PART_RUN, .ansatz = strcmp(w[m], "ansatz") == 0,
                                                       .k = (int)ks[a], .n = (int)ns[b], .seed = (uint64_t)seeds[s],
                                                       .steps = budgets[u], .lr = lrs[l]},
                                             "run_n", "run_ell", e);
    }
    return rc;
}

/* Part lie: one row. */
static void lie(tr_ctx *x, const tr_conf *c, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    const double t0 = hs_sys_now();
    long dim;
    char err[512];
    if (hs_dla_dimension(c->dla, c->n, c->k, hs_config_int(&x->cfg, "lie_max_dim"), &dim, err, sizeof err) != 0)
        hs_sys_fatal("%s (raise lie_max_dim, or leave this n out of lie_n)", err);
    /* After the key: 13 empty columns (samples .. verdict). */
    hs_run_cat(rows, len, "%s,,,,,,,,,,,,,,%ld,%.17g,%.3f,", it->key, dim, hs_dla_expected(c->dla, c->n, c->k),
               hs_sys_now() - t0);
    hs_run_prov(run, rows, len);
    hs_run_cat(rows, len, "\n");
}

/* The key of a variance row of reading a (the item key is reading first's). */
static void variance_key(const tr_ctx *x, const tr_conf *c, int a, char *buf, size_t len)
{
    snprintf(buf, len, "variance,%s,%d,%d,%ld,%d,%s,%s,%llu,,,", model_name(c), c->k, c->n, c->ell, c->q,
             hs_gradvar_reading_name(a), c->small ? "small" : "uniform", (unsigned long long)x->seed);
}

/* Part variance: one row per reading, written as one group. */
static void variance(tr_ctx *x, const tr_conf *c, hs_run *run, char **rows, size_t *len)
{
    hs_hsmt t;
    grid_task(x, c, &t);
    const hs_gradvar_opts o = {.ansatz = c->ansatz,
                               .width = c->small ? hs_config_double(&x->cfg, "small_width") : M_PI,
                               .samples = hs_config_int(&x->cfg, "samples"),
                               .batch = hs_config_int(&x->cfg, "variance_batch"),
                               .boot_reps = (int)hs_config_int(&x->cfg, "bootstrap"),
                               .level = 0.95,
                               .seed = x->seed * UINT64_C(1000003) + (c->small ? 1 : 0),
                               .stop = hs_run_stopping};
    hs_gradvar_reading R[HS_GV_READINGS];
    int P;
    char err[512];
    const double t0 = hs_sys_now();
    const int rc = c->sharded ? hs_gradvar_measure_sharded(&t, &o, R, &P) : hs_gradvar_measure(&t, &o, R, &P, err,
                                                                                                sizeof err);
    if (rc < 0)
        hs_sys_fatal("%s, k = %d, n = %d: %s", model_name(c), c->k, c->n,
                     c->sharded ? "a fed-back outcome has model probability 0 at some initialisation" : err);
    if (rc > 0)
        return; /* a stop signal: no rows */
    const double secs = hs_sys_now() - t0;
    for (int a = 0; a < HS_GV_READINGS; a++) {
        char key[256];
        variance_key(x, c, a, key, sizeof key);
        hs_run_cat(rows, len, "%s,%ld,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,,,,,,%.3f,", key, o.samples,
                   P, R[a].var_write, R[a].lo_write, R[a].hi_write, R[a].var_query, R[a].lo_query, R[a].hi_query,
                   R[a].abs_mean, R[a].loss, secs);
        hs_run_prov(run, rows, len);
        hs_run_cat(rows, len, "\n");
    }
}

/* The curve rows of a run, collected while it trains (the run row, which
 * needs the verdict, goes first). */
typedef struct {
    const char *prefix; /* the key up to step */
    hs_run *run;
    char *rows;
    size_t len;
    int P;
    double t0;
} curve_log;

static void log_step(void *vctx, long step, double excess, double loss)
{
    curve_log *L = vctx;
    hs_run_cat(&L->rows, &L->len, "%s%ld,,%d,,,,,,,,%.10g,%.10g,,,,,%.3f,", L->prefix, step, L->P, loss, excess,
               hs_sys_now() - L->t0);
    hs_run_prov(L->run, &L->rows, &L->len);
    hs_run_cat(&L->rows, &L->len, "\n");
}

/* Part run: one training run from random start c->seed, through the one
 * training loop with the models' shared defaults (models/registry.c) and
 * the suite's budget, loss, curriculum and target. */
static void train_run(tr_ctx *x, const tr_conf *c, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    hs_hsmt t;
    grid_task(x, c, &t);
    const hs_model_desc *m = hs_models_find(model_name(c));
    hs_trainable tr;
    char err[512], prefix[256];
    if ((c->sharded ? hs_dkgrad_trainable(&t, c->seed, &tr, err, sizeof err)
                    : m->trainable(&t, NULL, c->seed, &tr, err, sizeof err)) != 0)
        hs_sys_fatal("%s, k = %d, n = %d: %s", m->name, c->k, c->n, err);
    hs_dsource *src = c->sharded ? hs_dsource_new(NULL) : NULL;
    snprintf(prefix, sizeof prefix, "curve,%s,%d,%d,%ld,%d,all,uniform,%llu,%ld,%.6g,", m->name, c->k, c->n, c->ell,
             c->q, (unsigned long long)c->seed, c->steps, c->lr);
    curve_log L = {prefix, run, NULL, 0, (int)tr.nparams, hs_sys_now()};
    const double epsilon = hs_config_double(&x->cfg, "epsilon");
    hs_train_opts o = hs_models_train_opts(m);
    o.steps = c->steps;
    o.batch = (int)hs_config_int(&x->cfg, "batch");
    o.lr = c->lr;
    o.loss = x->loss;
    o.curriculum = x->curriculum;
    o.advance_below = epsilon / 2;
    o.target = epsilon;
    o.eval = hs_config_int(&x->cfg, "eval");
    o.every = 0;
    o.log = log_step;
    o.log_ctx = &L;
    o.source = src ? hs_dsource_iface(src) : NULL;
    hs_train_result res;
    if (hs_train_run(&tr, &t, &o, &res, err, sizeof err) != 0)
        hs_sys_fatal("%s training, %s: %s", m->name, it->label, err);
    hs_trainable_free(&tr);
    hs_dsource_free(src);
    const int v = hs_train_verdict(res.curve, res.npoints, o.steps, epsilon,
                                   hs_config_double(&x->cfg, "plateau_fraction"));
    /* The training loop's plateau is this suite's trap: the held-out loss
     * flattened above epsilon from this start (not a barren plateau). */
    const char *verdict = v == HS_VERDICT_PLATEAU ? "trap" : hs_verdict_name(v);
    if (!hs_run_stopping()) {
        /* After the key: samples empty, params, 7 empty gradient columns. */
        hs_run_cat(rows, len, "%s,,%ld,,,,,,,,%.10g,%.10g,%ld,%s,,,%.3f,", it->key, tr.nparams, res.loss_bits,
                   res.excess_bits, res.steps_used, verdict, res.seconds);
        hs_run_prov(run, rows, len);
        hs_run_cat(rows, len, "\n%s", L.rows ? L.rows : "");
    }
    free(L.rows); /* grown by hs_run_cat: plain realloc */
}

static void run_one(void *vctx, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    tr_ctx *x = vctx;
    const tr_conf *c = &x->conf[it->index];
    if (c->part == PART_LIE)
        lie(x, c, it, run, rows, len);
    else if (c->part == PART_VARIANCE)
        variance(x, c, run, rows, len);
    else
        train_run(x, c, it, run, rows, len);
}

/* Estimated cost, in seconds on one core of the development machine (the
 * constants fitted to the built-in grid's measured times; only ratios
 * matter to the slices and the ETA). The tangent simulator carries 1 + P
 * vectors of 2^n amplitudes through each cell: the k-HRNN's writes are one
 * transform, the ansatz applies 2k rotations and a CZ ladder per write;
 * each sequence also has a fixed cost worth about 5e4 amplitude
 * operations. A run is charged its whole budget (early stopping makes the
 * runs that reach epsilon cheaper). The Lie closure took dim^1.5 x 1e-7 s
 * at n = 7..9. */
static double cost(const tr_ctx *x, const tr_conf *c)
{
    const double amps = pow(2.0, c->n), P = 2.0 * c->k + 9, seq = 5e4;
    const double per_seq = amps * P * (c->ansatz ? (double)c->ell * (2 * c->k + 1) + c->n : c->n + c->k) + seq;
    if (c->part == PART_LIE) {
        const double dim = c->dla == HS_DLA_KHRNN_WRITE ? hs_dla_expected(c->dla, c->n, c->k) : pow(4.0, c->n);
        return 1e-7 * pow(dim, 1.5) + 1e-4;
    }
    if (c->part == PART_VARIANCE)
        return 1.6e-9 * per_seq * (double)hs_config_int(&x->cfg, "samples") *
               (double)hs_config_int(&x->cfg, "variance_batch");
    return 6e-10 * per_seq *
           ((double)c->steps * (double)hs_config_int(&x->cfg, "batch") + 30 * (double)hs_config_int(&x->cfg, "eval"));
}

static void item(const tr_ctx *x, const tr_conf *c, hs_run_item *it)
{
    const char *m = model_name(c);
    it->ranks = c->sharded ? c->ranks : 1;
    if (c->part == PART_LIE) {
        const char *reading = c->dla == HS_DLA_KHRNN_WRITE ? "write" : "all";
        snprintf(it->key, sizeof it->key, "lie,%s,%d,%d,%ld,0,%s,,0,,,", m, c->k, c->n, c->ell, reading);
        snprintf(it->label, sizeof it->label, "lie %s k=%d n=%d", hs_dla_name(c->dla), c->k, c->n);
    } else if (c->part == PART_VARIANCE) {
        variance_key(x, c, HS_GV_FIRST, it->key, sizeof it->key);
        snprintf(it->label, sizeof it->label, "variance %s k=%d n=%d init=%s", m, c->k, c->n,
                 c->small ? "small" : "uniform");
    } else {
        snprintf(it->key, sizeof it->key, "run,%s,%d,%d,%ld,%d,all,uniform,%llu,%ld,%.6g,", m, c->k, c->n, c->ell,
                 c->q, (unsigned long long)c->seed, c->steps, c->lr);
        snprintf(it->label, sizeof it->label, "run %s k=%d n=%d steps=%ld lr=%g seed=%llu", m, c->k, c->n, c->steps,
                 c->lr, (unsigned long long)c->seed);
    }
    it->cost = cost(x, c);
}

int hs_suite_trainability(int argc, char **argv, hs_err *e)
{
    tr_ctx x = {0};
    hs_run_cli cli;
    const hs_schema *schema = hs_schema_find("trainability");
    int rc = hs_run_parse(schema, usage, keys, 1, argc, argv, &cli, &x.cfg, e);
    if (rc != HS_OK)
        return rc;
    x.world = cli.print_grid ? HS_SHARD_PLAN_RANKS : hs_comm_size();
    if ((rc = build_grid(&x, e)) != HS_OK) {
        hs_sys_free(x.conf);
        hs_config_free(&x.cfg);
        return rc;
    }
    omp_set_num_threads(cli.threads);
    hs_run_item *items = hs_calloc((size_t)(x.nconf ? x.nconf : 1), sizeof *items);
    for (int i = 0; i < x.nconf; i++) {
        items[i].index = i;
        item(&x, &x.conf[i], &items[i]);
    }
    const hs_run_opts ro = {.schema = schema, .out = cli.out, .slice = cli.slice, .resume = cli.resume,
                            .print_grid = cli.print_grid, .threads = cli.threads, .note = x.note};
    rc = hs_run_grid(&ro, items, x.nconf, run_one, &x, e);
    hs_sys_free(items);
    hs_sys_free(x.conf);
    hs_config_free(&x.cfg);
    return rc;
}
