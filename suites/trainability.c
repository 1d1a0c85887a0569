/* `hypersep suite trainability` (docs/spec.md#suite-trainability): does the k-HRNN
 * stay trainable as n grows, where a generic circuit of the same cell cost
 * does not?
 *  (a) variance: for each model (k-HRNN, generic layered ansatz:
 *      core/ansatz.h), k and n, the exact gradient of the expected
 *      cross-entropy on a fixed batch of HSMT sequences at `samples` random
 *      initialisations; the variance over initialisations of each partial
 *      derivative, averaged over the write-cell parameters (k-HRNN:
 *      theta_1..theta_k, leaving out theta_0, a global phase whose
 *      derivative is identically 0; ansatz: phi_0..phi_2k-1) and separately
 *      over the query-cell parameters. A barren plateau shows as variance
 *      decaying exponentially in n.
 *  (b) curve: the k-HRNN trained by Adam from random starts (several seeds)
 *      on fresh sequences, held-out excess loss against step.
 * Rows: DIR/trainability.csv (columns: docs/formats.md). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "ansatz.h"
#include "combin.h"
#include "comm.h"
#include "config.h"
#include "khrnn_grad.h"
#include "registry.h"
#include "runner.h"
#include "schema.h"
#include "state.h"
#include "suite.h"
#include "sys.h"
#include "train.h"

static const hs_config_key keys[] = {
    {"variance_k", HS_CFG_INTS, 1, 8, "2,3", NULL, "hyperedge orders of the gradient-variance part"},
    {"variance_n", HS_CFG_INTS, 1, 24, "4,6,8,10,12", NULL, "sizes n of the gradient-variance part"},
    {"variance_ell", HS_CFG_INT, 0, 1e6, "auto", "auto", "writes per sequence: auto = binom(n,k), or a number"},
    {"variance_models", HS_CFG_WORDS, 0, 0, "khrnn,ansatz", "khrnn,ansatz",
     "models: khrnn and the generic layered ansatz"},
    {"variance_queries", HS_CFG_INT, 1, HS_MAX_SITES, "1", "all",
     "queries per sequence of the variance part, or all (q = n): the first query acts on the full "
     "n-site state, later ones on ever smaller post-measurement states"},
    {"samples", HS_CFG_INT, 2, 1e7, "100", NULL, "random initialisations per (model, k, n)"},
    {"variance_batch", HS_CFG_INT, 1, 1e6, "4", NULL, "sequences of the loss whose gradient is taken"},
    {"curve_k", HS_CFG_INTS, 1, 8, "2,3", NULL, "hyperedge orders of the training curves"},
    {"curve_n", HS_CFG_INTS, 1, 24, "5", NULL, "sizes n of the training curves"},
    {"curve_ell", HS_CFG_INT, 0, 1e6, "auto", "auto", "writes per sequence: auto = binom(n,k), or a number"},
    {"curve_seeds", HS_CFG_INTS, 0, 9e18, "1,2,3", NULL, "random starts (one training run each)"},
    {"steps", HS_CFG_INT, 0, 1e9, "3000", NULL, "Adam updates per training run"},
    {"batch", HS_CFG_INT, 1, 1e6, "16", NULL, "sequences per update"},
    {"curriculum", HS_CFG_INT, 0, 1, "1", NULL,
     "1: context-length curriculum ell_s = 1, 2, 4, .., ell (core/train.h); 0: ell throughout"},
    {"lr", HS_CFG_DOUBLE, 1e-9, 10, "0.05", NULL, "peak Adam step size (cosine decay to lr/100)"},
    {"eval", HS_CFG_INT, 1, 1e8, "100", NULL, "held-out sequences per logged step"},
    {"seed", HS_CFG_INT, 0, 9e18, "1", NULL, "task seed (sequences; initialisations derive from it)"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char usage[] =
    "usage: hypersep suite trainability [--config FILE] [--out DIR] [--resume] [--slice I/N]\n"
    "                                   [--threads T] [--print-config] [--print-header]\n"
    "Gradient variance over random initialisations against n for the k-HRNN and a\n"
    "generic layered ansatz, and k-HRNN training curves from random starts\n"
    "(docs/spec.md#suite-trainability). Appends to DIR/trainability.csv (columns:\n"
    "docs/formats.md).\n"
    "  --config FILE   grid and budgets (default: built in; see --print-config)\n"
    "  --out DIR       results directory (default results)\n"
    "  --resume        skip configurations already in DIR/trainability.csv\n"
    "  --slice I/N     run only slice I of N of the grid (Slurm job arrays)\n"
    "  --threads T     OpenMP threads per rank (default 1)\n"
    "  --print-config  print the effective configuration and exit\n"
    "  --print-header  print the CSV columns (name, type, key) and exit\n"
    "  --print-grid    print the configurations (key, label, estimated relative cost)\n"
    "                  and exit\n";

typedef struct {
    int curve, ansatz, k, n, q;
    long ell;
    uint64_t seed; /* curves: the random start */
} tr_conf;

typedef struct {
    hs_config cfg;
    tr_conf *conf;
    int nconf;
    uint64_t seed;
} tr_ctx;

/* The task of a configuration; HS_EXIT_USAGE naming the key when the
 * generator refuses it (at grid-building time). */
static int task(const tr_ctx *x, const tr_conf *c, hs_hsmt *t, hs_err *e)
{
    memset(t, 0, sizeof *t);
    t->n = c->n;
    t->k = c->k;
    t->d = 2;
    t->ell = c->ell;
    t->q = c->q;
    t->seed = x->seed;
    hs_hsmt_defaults(t);
    char err[512];
    if (hs_hsmt_validate(t, err, sizeof err) != 0)
        return hs_config_err(&x->cfg, e, c->curve ? "curve_n" : c->q > c->n ? "variance_queries" : "variance_n",
                             "k = %d, n = %d: %s", c->k, c->n, err);
    return HS_OK;
}

static int add(tr_ctx *x, tr_conf c, const char *ell_key, hs_err *e)
{
    const long ell = hs_config_int(&x->cfg, ell_key), q = hs_config_int(&x->cfg, "variance_queries");
    c.ell = ell >= 0 ? ell : (long)hs_comb_binom(c.n, c.k);
    c.q = c.curve || q < 0 ? c.n : (int)q;
    hs_hsmt t;
    int rc = task(x, &c, &t, e);
    if (rc != HS_OK)
        return rc;
    char err[512];
    if (hs_state_check_fit(c.n, 2, err, sizeof err) != 0)
        return hs_config_err(&x->cfg, e, c.curve ? "curve_n" : "variance_n", "%s", err);
    x->conf = hs_realloc(x->conf, (size_t)(x->nconf + 1) * sizeof *x->conf);
    x->conf[x->nconf++] = c;
    return HS_OK;
}

static int build_grid(tr_ctx *x, hs_err *e)
{
    long ks[HS_CONFIG_MAX_LIST], ns[HS_CONFIG_MAX_LIST], seeds[HS_CONFIG_MAX_LIST];
    char models[HS_CONFIG_MAX_LIST][32];
    x->seed = (uint64_t)hs_config_int(&x->cfg, "seed");
    int nk = hs_config_ints(&x->cfg, "variance_k", ks), nn = hs_config_ints(&x->cfg, "variance_n", ns);
    int nm = hs_config_words(&x->cfg, "variance_models", models), rc = HS_OK;
    for (int m = 0; m < nm; m++)
        for (int a = 0; a < nk; a++)
            for (int b = 0; b < nn && rc == HS_OK; b++)
                if (ns[b] >= ks[a])
                    rc = add(x, (tr_conf){.ansatz = strcmp(models[m], "ansatz") == 0, .k = (int)ks[a], .n = (int)ns[b]},
                             "variance_ell", e);
    nk = hs_config_ints(&x->cfg, "curve_k", ks);
    nn = hs_config_ints(&x->cfg, "curve_n", ns);
    const int ns_ = hs_config_ints(&x->cfg, "curve_seeds", seeds);
    for (int a = 0; a < nk; a++)
        for (int b = 0; b < nn; b++)
            for (int s = 0; s < ns_ && rc == HS_OK; s++)
                if (ns[b] >= ks[a])
                    rc = add(x, (tr_conf){.curve = 1, .k = (int)ks[a], .n = (int)ns[b], .seed = (uint64_t)seeds[s]},
                             "curve_ell", e);
    return rc;
}

/* Part (a): one row. */
static void variance(tr_ctx *x, const tr_conf *c, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    hs_hsmt t;
    if (task(x, c, &t, NULL) != HS_OK)
        hs_sys_fatal("grid task became invalid");
    const long B = hs_config_int(&x->cfg, "variance_batch"), S = hs_config_int(&x->cfg, "samples");
    hs_seq *seqs = hs_calloc((size_t)B, sizeof *seqs);
    hs_gen *g = hs_gen_new(&t);
    for (long i = 0; i < B; i++)
        hs_gen_sequence(g, (uint64_t)i, &seqs[i]);
    hs_gen_free(g);
    hs_khrnn km;
    hs_ansatz am;
    hs_khrnn_random(&km, &t, 0);
    hs_ansatz_random(&am, &t, 0);
    const int P = c->ansatz ? hs_ansatz_nparams(&am) : hs_khrnn_grad_nparams(&km);
    /* Write-cell parameters [w0, w1), query-cell parameters [w1, P). */
    const int w0 = c->ansatz ? 0 : 1, w1 = c->ansatz ? 2 * c->k : c->k + 1;
    double *gr = hs_alloc((size_t)P * sizeof *gr), *mean = hs_calloc((size_t)P, sizeof *mean);
    double *m2 = hs_calloc((size_t)P, sizeof *m2);
    double loss = 0, absmean = 0;
    const double t0 = hs_sys_now();
    long s;
    for (s = 0; s < S && !hs_run_stopping(); s++) {
        /* Initialisation s: its own PARAMS stream, distinct per task seed. */
        const uint64_t init = x->seed * UINT64_C(1000003) + (uint64_t)s;
        double l;
        if (c->ansatz) {
            hs_ansatz_random(&am, &t, init);
            l = hs_ansatz_grad_loss(&am, &t, seqs, B, HS_LOSS_CE, gr, NULL);
        } else {
            hs_khrnn_random(&km, &t, init);
            l = hs_khrnn_grad_loss(&km, &t, seqs, B, HS_LOSS_CE, gr, NULL);
        }
        loss += l;
        /* Welford's update: mean and sum of squared deviations. */
        for (int j = 0; j < P; j++) {
            const double dlt = gr[j] - mean[j];
            mean[j] += dlt / (double)(s + 1);
            m2[j] += dlt * (gr[j] - mean[j]);
        }
        for (int j = w0; j < w1; j++)
            absmean += fabs(gr[j]);
    }
    double vw = 0, vq = 0;
    for (int j = w0; j < w1; j++)
        vw += m2[j] / (double)(S - 1);
    for (int j = w1; j < P; j++)
        vq += m2[j] / (double)(S - 1);
    if (s == S) { /* else a stop signal came: no row */
        hs_run_cat(rows, len, "%s,%ld,%d,%.10g,%.10g,%.10g,%.10g,,%.3f,", it->key, S, P, vw / (w1 - w0),
                   P > w1 ? vq / (P - w1) : 0.0, absmean / ((double)S * (w1 - w0)), loss / (double)S,
                   hs_sys_now() - t0);
        hs_run_prov(run, rows, len);
        hs_run_cat(rows, len, "\n");
    }
    for (long i = 0; i < B; i++)
        hs_seq_free(&seqs[i]);
    hs_sys_free(seqs);
    hs_sys_free(gr);
    hs_sys_free(mean);
    hs_sys_free(m2);
}

typedef struct {
    const tr_conf *c;
    hs_run *run;
    char **rows;
    size_t *len;
    long eval;
    int P;
    double t0;
} curve_log;

static void log_step(void *vctx, long step, double excess, double loss)
{
    curve_log *L = vctx;
    const tr_conf *c = L->c;
    hs_run_cat(L->rows, L->len, "curve,khrnn,%d,%d,%ld,%d,%llu,%ld,%ld,%d,,,,%.10g,%.10g,%.3f,", c->k, c->n,
               c->ell, c->q, (unsigned long long)c->seed, step, L->eval, L->P, loss, excess, hs_sys_now() - L->t0);
    hs_run_prov(L->run, L->rows, L->len);
    hs_run_cat(L->rows, L->len, "\n");
}

/* Part (b): the rows of one training run (the k-HRNN through the one
 * training loop, with its registry defaults but the suite's budget),
 * written as one group. */
static void curve(tr_ctx *x, const tr_conf *c, hs_run *run, char **rows, size_t *len)
{
    hs_hsmt t;
    if (task(x, c, &t, NULL) != HS_OK)
        hs_sys_fatal("grid task became invalid");
    const hs_model_desc *m = hs_models_find("khrnn");
    hs_trainable tr;
    char err[512];
    if (m->trainable(&t, NULL, c->seed, &tr, err, sizeof err) != 0)
        hs_sys_fatal("k-HRNN, k = %d, n = %d: %s", c->k, c->n, err);
    curve_log L = {c, run, rows, len, hs_config_int(&x->cfg, "eval"), (int)tr.nparams, hs_sys_now()};
    hs_train_opts o = hs_models_train_opts(m);
    o.steps = hs_config_int(&x->cfg, "steps");
    o.batch = (int)hs_config_int(&x->cfg, "batch");
    o.lr = hs_config_double(&x->cfg, "lr");
    o.curriculum = hs_config_int(&x->cfg, "curriculum") ? HS_CURRICULUM_ELL : 0;
    o.eval = L.eval;
    o.every = 0;
    o.log = log_step;
    o.log_ctx = &L;
    hs_train_result res;
    if (hs_train_run(&tr, &t, &o, &res, err, sizeof err) != 0)
        hs_sys_fatal("k-HRNN training, k = %d, n = %d, seed %llu: %s", c->k, c->n, (unsigned long long)c->seed,
                     err);
    hs_trainable_free(&tr);
}

static void run_one(void *vctx, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    tr_ctx *x = vctx;
    const tr_conf *c = &x->conf[it->index];
    if (c->curve)
        curve(x, c, run, rows, len);
    else
        variance(x, c, it, run, rows, len);
}

int hs_suite_trainability(int argc, char **argv, hs_err *e)
{
    tr_ctx x = {0};
    hs_run_cli cli;
    const hs_schema *schema = hs_schema_find("trainability");
    int rc = hs_run_parse(schema, usage, keys, 1, argc, argv, &cli, &x.cfg, e);
    if (rc != HS_OK)
        return rc;
    if ((rc = build_grid(&x, e)) != HS_OK) {
        hs_sys_free(x.conf);
        hs_config_free(&x.cfg);
        return rc;
    }
    omp_set_num_threads(cli.threads);
    hs_run_item *items = hs_calloc((size_t)(x.nconf ? x.nconf : 1), sizeof *items);
    const double S = (double)hs_config_int(&x.cfg, "samples"), B = (double)hs_config_int(&x.cfg, "variance_batch");
    const double steps = (double)hs_config_int(&x.cfg, "steps"), tb = (double)hs_config_int(&x.cfg, "batch");
    for (int i = 0; i < x.nconf; i++) {
        const tr_conf *c = &x.conf[i];
        hs_run_item *it = &items[i];
        it->index = i;
        /* Cost: state passes. Ansatz cells each touch the whole state
         * (2k + 3|B| tangents), the k-HRNN's writes are one transform; each
         * sequence also has a fixed cost (drawing it, scoring), worth about
         * `seq` amplitude operations on this machine. */
        const double amps = pow(2.0, c->n), P = 2.0 * c->k + 9, seq = 5e4;
        if (c->curve) {
            snprintf(it->key, sizeof it->key, "curve,khrnn,%d,%d,%ld,%d,%llu,0", c->k, c->n, c->ell, c->q,
                     (unsigned long long)c->seed);
            snprintf(it->label, sizeof it->label, "curve k=%d n=%d ell=%ld seed=%llu", c->k, c->n, c->ell,
                     (unsigned long long)c->seed);
            it->cost = (amps * P * (c->n + c->k) + seq) * (steps * tb + 30 * (double)hs_config_int(&x.cfg, "eval"));
        } else {
            const char *m = c->ansatz ? "ansatz" : "khrnn";
            snprintf(it->key, sizeof it->key, "variance,%s,%d,%d,%ld,%d,%llu,", m, c->k, c->n, c->ell, c->q,
                     (unsigned long long)x.seed);
            snprintf(it->label, sizeof it->label, "variance %s k=%d n=%d ell=%ld q=%d", m, c->k, c->n, c->ell,
                     c->q);
            it->cost = (amps * P * (c->ansatz ? (double)c->ell * c->k + c->n : c->n + c->k) + seq) * S * B;
        }
    }
    const hs_run_opts ro = {.schema = schema, .out = cli.out, .slice = cli.slice, .resume = cli.resume,
                            .print_grid = cli.print_grid,
                            .threads = cli.threads};
    rc = hs_run_grid(&ro, items, x.nconf, run_one, &x, e);
    hs_sys_free(items);
    hs_sys_free(x.conf);
    hs_config_free(&x.cfg);
    return rc;
}
