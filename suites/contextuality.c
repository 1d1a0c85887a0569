/* `hypersep suite contextuality` (docs/spec.md#suite-contextuality): why classical
 * models cannot compress the task. For small n and k, the latent states of
 * the first `states` sequences of HSMT(ell, n, k) (ell = binom(n,k) by
 * default) go through the linear program of baselines/context.h: is there one
 * joint distribution over every (site, basis) outcome whose marginals give
 * every query context's statistics? Infeasible (certified by the LP dual)
 * means no noncontextual model, in particular no pre-sampling model, can be
 * exact; the noncontextual fraction says how much of the statistics one can
 * reproduce. Beside it, the presample model's measured excess loss on the
 * same task. One row per (k, n, bases): DIR/contextuality.csv (columns:
 * docs/formats.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "combin.h"
#include "comm.h"
#include "config.h"
#include "context.h"
#include "exact.h"
#include "presample.h"
#include "runner.h"
#include "schema.h"
#include "suite.h"
#include "sys.h"

static const hs_config_key keys[] = {
    {"k", HS_CFG_INTS, 1, 8, "1,2,3", NULL, "hyperedge orders k"},
    {"n", HS_CFG_INTS, 1, 20, "3,4,5", NULL, "sizes n (the LP has 2^(n|B|) columns: n|B| <= 20)"},
    {"ell", HS_CFG_INT, 0, 1e6, "auto", "auto", "writes per sequence: auto = binom(n,k), or a number"},
    {"bases", HS_CFG_WORDS, 0, 0, "Z;X;Y,X;Y,Z;X", NULL,
     "basis sets to test, each ';'-separated (qubits: Z, X, Y)"},
    {"states", HS_CFG_INT, 1, 1e6, "4", NULL, "latent states (sequences 0..states-1) per configuration"},
    {"eval", HS_CFG_INT, 1, 1e8, "300", NULL, "held-out sequences scoring the presample model"},
    {"seed", HS_CFG_INT, 0, 9e18, "1", NULL, "task seed"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char usage[] =
    "usage: hypersep suite contextuality [--config FILE] [--out DIR] [--resume] [--slice I/N]\n"
    "                                    [--print-config] [--print-header]\n"
    "For small n and k, solves the noncontextuality linear program (GLPK) for the\n"
    "latent hypergraph states of the task and scores the presample (noncontextual)\n"
    "model on it; appends to DIR/contextuality.csv (columns: docs/formats.md).\n"
    "  --config FILE   grid (default: built in; see --print-config)\n"
    "  --out DIR       results directory (default results)\n"
    "  --resume        skip configurations already in DIR/contextuality.csv\n"
    "  --slice I/N     run only slice I of N of the grid (Slurm job arrays)\n"
    "  --print-config  print the effective configuration and exit\n"
    "  --print-header  print the CSV columns (name, type, key) and exit\n"
    "  --print-grid    print the configurations (key, label, estimated relative cost)\n"
    "                  and exit\n";

typedef struct {
    int k, n, set;
    long ell;
} cx_conf;

typedef struct {
    hs_config cfg;
    cx_conf *conf;
    int nconf;
    int nsets;
    int nbases[HS_CONFIG_MAX_LIST], bases[HS_CONFIG_MAX_LIST][HS_MAX_BASES];
    char names[HS_CONFIG_MAX_LIST][32];
    uint64_t seed;
} cx_ctx;

static int task(const cx_ctx *x, const cx_conf *c, hs_hsmt *t, hs_err *e)
{
    memset(t, 0, sizeof *t);
    t->n = c->n;
    t->k = c->k;
    t->d = 2;
    t->ell = c->ell;
    t->nbases = x->nbases[c->set];
    memcpy(t->bases, x->bases[c->set], sizeof t->bases);
    t->seed = x->seed;
    hs_hsmt_defaults(t);
    char err[512];
    if (hs_hsmt_validate(t, err, sizeof err) != 0)
        return hs_config_err(&x->cfg, e, "n", "k = %d, n = %d: %s", c->k, c->n, err);
    return HS_OK;
}

static int build_grid(cx_ctx *x, hs_err *e)
{
    long ks[HS_CONFIG_MAX_LIST], ns[HS_CONFIG_MAX_LIST];
    const int nk = hs_config_ints(&x->cfg, "k", ks), nn = hs_config_ints(&x->cfg, "n", ns);
    x->nsets = hs_config_words(&x->cfg, "bases", x->names);
    x->seed = (uint64_t)hs_config_int(&x->cfg, "seed");
    const long ell = hs_config_int(&x->cfg, "ell");
    for (int s = 0; s < x->nsets; s++) {
        int nb = 0;
        for (char *p = x->names[s]; p; nb++) {
            char name[32];
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            if (nb == HS_MAX_BASES || hs_hsmt_basis_parse(name, 2, &x->bases[s][nb]) != 0)
                return hs_config_err(&x->cfg, e, "bases", "'%s' in '%s' is not a qubit basis (allowed: Z, X, Y, at "
                                     "most %d per set)", name, x->names[s], HS_MAX_BASES);
            for (int j = 0; j < nb; j++)
                if (x->bases[s][j] == x->bases[s][nb])
                    return hs_config_err(&x->cfg, e, "bases", "'%s' repeats %s", x->names[s], name);
            p = end ? (char *)end + 1 : NULL;
        }
        x->nbases[s] = nb;
    }
    for (int a = 0; a < nk; a++)
        for (int b = 0; b < nn; b++)
            for (int s = 0; s < x->nsets; s++) {
                if (ns[b] < ks[a])
                    continue;
                cx_conf c = {.k = (int)ks[a], .n = (int)ns[b], .set = s};
                c.ell = ell >= 0 ? ell : (long)hs_comb_binom(c.n, c.k);
                hs_hsmt t;
                int rc = task(x, &c, &t, e);
                if (rc != HS_OK)
                    return rc;
                char err[512];
                if (hs_context_check(c.n, 2, t.bases, t.nbases, err, sizeof err) != 0)
                    return hs_config_err(&x->cfg, e, "n", "%s", err);
                x->conf = hs_realloc(x->conf, (size_t)(x->nconf + 1) * sizeof *x->conf);
                x->conf[x->nconf++] = c;
            }
    return HS_OK;
}

static void run_one(void *vctx, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    cx_ctx *x = vctx;
    const cx_conf *c = &x->conf[it->index];
    hs_hsmt t;
    if (task(x, c, &t, NULL) != HS_OK)
        hs_sys_fatal("grid task became invalid");
    const long states = hs_config_int(&x->cfg, "states"), eval = hs_config_int(&x->cfg, "eval");
    double complex *amp = hs_alloc(((size_t)1 << c->n) * sizeof *amp);
    hs_gen *g = hs_gen_new(&t);
    hs_seq s = {0};
    long infeasible = 0, undecided = 0;
    double ncf_sum = 0, ncf_min = INFINITY, ncf_max = -INFINITY, lp_s = 0;
    hs_context_result res = {0};
    char err[512];
    for (long i = 0; i < states; i++) {
        hs_gen_sequence(g, (uint64_t)i, &s);
        hs_exact_state(&t, &s, amp);
        if (hs_context_lp(c->n, 2, amp, t.bases, t.nbases, &res, NULL, err, sizeof err) != 0)
            hs_sys_fatal("contextuality LP, k = %d, n = %d, state %ld: %s", c->k, c->n, i, err);
        infeasible += res.contextual;
        undecided += !res.contextual && !res.feasible;
        ncf_sum += res.ncf;
        ncf_min = fmin(ncf_min, res.ncf);
        ncf_max = fmax(ncf_max, res.ncf);
        lp_s += res.seconds;
    }
    hs_seq_free(&s);
    hs_gen_free(g);
    hs_sys_free(amp);
    if (undecided)
        fprintf(stderr, "contextuality: k = %d, n = %d, bases %s: %ld of %ld states neither certified "
                        "noncontextual nor contextual within %g (counted as not infeasible)\n",
                c->k, c->n, x->names[c->set], undecided, states, HS_CONTEXT_TOL);
    hs_model m;
    if (hs_presample_open(&t, &m, err, sizeof err) != 0)
        hs_sys_fatal("presample model: %s", err);
    hs_score sc = {0};
    hs_run_score_model(&t, &m, HS_EVAL_FIRST, eval, &sc);
    hs_model_free(&m);
    hs_run_cat(rows, len, "%s,%.0f,%ld,%ld,%ld,%.10g,%.10g,%.10g,%.10g,%.6g,%.6g,%ld,%.3f,", it->key,
               pow(t.nbases, c->n), res.rows, res.cols, infeasible, ncf_sum / (double)states, ncf_min, ncf_max,
               sc.kl / (double)sc.outputs, hs_presample_memory_bits(&t), hs_exact_memory_bits(&t), eval, lp_s);
    hs_run_prov(run, rows, len);
    hs_run_cat(rows, len, "\n");
}

int hs_suite_contextuality(int argc, char **argv, hs_err *e)
{
    cx_ctx x = {0};
    hs_run_cli cli;
    const hs_schema *schema = hs_schema_find("contextuality");
    int rc = hs_run_parse(schema, usage, keys, 0, argc, argv, &cli, &x.cfg, e);
    if (rc != HS_OK)
        return rc;
    if ((rc = build_grid(&x, e)) != HS_OK) {
        hs_sys_free(x.conf);
        hs_config_free(&x.cfg);
        return rc;
    }
    hs_run_item *items = hs_calloc((size_t)(x.nconf ? x.nconf : 1), sizeof *items);
    for (int i = 0; i < x.nconf; i++) {
        const cx_conf *c = &x.conf[i];
        hs_run_item *it = &items[i];
        it->index = i;
        snprintf(it->key, sizeof it->key, "%d,%d,2,%s,%ld,%llu", c->k, c->n, x.names[c->set],
                 hs_config_int(&x.cfg, "states"), (unsigned long long)x.seed);
        snprintf(it->label, sizeof it->label, "k=%d n=%d bases %s", c->k, c->n, x.names[c->set]);
        /* The LP's pricing passes over 2^(n|B|) columns dominate. */
        it->cost = pow(2.0, c->n * x.nbases[c->set]) * (double)hs_config_int(&x.cfg, "states");
    }
    const hs_run_opts ro = {.schema = schema, .out = cli.out, .slice = cli.slice, .resume = cli.resume,
                            .print_grid = cli.print_grid,
                            .threads = 1};
    rc = hs_run_grid(&ro, items, x.nconf, run_one, &x, e);
    hs_sys_free(items);
    hs_sys_free(x.conf);
    hs_config_free(&x.cfg);
    return rc;
}
