/* `hypersep suite separation` (docs/spec.md#suite-separation): how much
 * memory each model needs. Two grids: `grid = ell` takes every hyperedge
 * order k and context length ell with n the smallest size with binom(n, k)
 * >= ell (the memory against correlation length); `grid = n` fixes k and
 * grows n with ell = ceil(ell_per_edge binom(n, k)) (the paper's regime:
 * the state dimension a model needs against binom(n, k) - 1). The models
 * come from the registry (models/registry.h): the trained classical ones are
 * trained over ladders of sizes through the one training loop (soft loss,
 * curriculum, early stopping at epsilon, a verdict per run) and scored on
 * held-out sequences; the models that predict as they are (the analytic
 * ones, the k-HRNN at its exact parameters) are scored on the same held-out
 * sequences, and those of them that also train (`also_train`, the k-HRNN)
 * are trained from random starts as well. One CSV row per configuration;
 * at the end the summary (suites/sepsum.h) per group on stdout and in
 * DIR/separation_summary.tsv. Qubit tasks with n >= shard_min_n run on the
 * sharded engine, each configuration on a group of ranks (suites/shard.h). */
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combin.h"
#include "comm.h"
#include "config.h"
#include "dkgrad.h"
#include "dsource.h"
#include "exact.h"
#include "nn_ops.h"
#include "registry.h"
#include "runner.h"
#include "schema.h"
#include "score.h"
#include "sepkeys.h"
#include "sepsum.h"
#include "shard.h"
#include "state.h"
#include "suite.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep suite separation [--config FILE] [--out DIR] [--resume] [--slice I/N]\n"
    "                                 [--threads T] [--print-config] [--print-header]\n"
    "Memory each model needs (docs/spec.md#suite-separation): against the\n"
    "correlation length (grid = ell) or n at saturated hypergraphs (grid = n).\n"
    "Trains the trained models of `hypersep models` over ladders of sizes to\n"
    "capacity (soft loss, curriculum, early stopping, a verdict per run) and scores\n"
    "them, the analytic models and the k-HRNN (exact, and trained) on held-out\n"
    "sequences; appends one row per configuration to DIR/separation.csv (columns:\n"
    "docs/formats.md), then prints per task and model the smallest size reaching\n"
    "excess loss <= epsilon (with every larger size reaching it) as TSV on stdout\n"
    "and in DIR/separation_summary.tsv. Under mpirun the configurations are\n"
    "spread over the ranks.\n"
    "  --config FILE   grid and budgets (default: built in; see --print-config)\n"
    "  --out DIR       results directory (default results)\n"
    "  --resume        skip configurations already in DIR/separation.csv\n"
    "  --slice I/N     run only slice I of N of the grid (Slurm job arrays)\n"
    "  --threads T     BLAS/OpenMP threads per rank (default 1)\n"
    "  --print-config  print the effective configuration and exit\n"
    "  --print-header  print the CSV columns (name, type, key) and exit\n"
    "  --print-grid    print the configurations (key, label, estimated relative cost)\n"
    "                  and exit\n";

typedef struct {
    int k, n, q, steps, batch, trained;
    int sharded, ranks; /* the sharded engine, on groups of `ranks` (suites/shard.h) */
    long ell;
    uint64_t seed;
    const hs_model_desc *m;
    double hp[HS_MODEL_MAX_HP], lr;
} sep_conf;

typedef struct {
    hs_config cfg;
    sep_conf *conf;
    int nconf;
    int d, nbases, bases[HS_MAX_BASES];
    char bases_text[64], loss_name[32], curr_name[32];
    int loss, curriculum, early_stop;
    long eval;
    double epsilon, advance, plateau;
    double rank_limit; /* memory per rank, the same on every rank */
    int world;         /* ranks the groups are sized for (HS_SHARD_PLAN_RANKS with --print-grid) */
    char note[2048];   /* configurations skipped, for the start of the run */
} sep_ctx;

static int trained_model(const hs_model_desc *m) { return m->cls == HS_MC_TRAINED; }

/* The task of a configuration (validated when the grid was built). */
static void task(const sep_ctx *x, const sep_conf *c, hs_hsmt *t)
{
    memset(t, 0, sizeof *t);
    t->n = c->n;
    t->k = c->k;
    t->d = x->d;
    t->q = c->q;
    t->ell = c->ell;
    t->nbases = x->nbases;
    memcpy(t->bases, x->bases, sizeof t->bases);
    t->seed = c->seed;
    hs_hsmt_defaults(t);
    char err[256];
    if (hs_hsmt_validate(t, err, sizeof err) != 0)
        hs_sys_fatal("grid task became invalid: %s", err);
}

/* The CSV's size, layers and quant_bits columns: the size hyperparameter,
 * the Transformer's blocks (1 for a recurrent model, 0 for the others), the
 * quantisation (0: float or not applicable). */
static double hp_named(const sep_conf *c, const char *name, double otherwise)
{
    for (int j = 0; j < c->m->nhp; j++)
        if (strcmp(c->m->hp[j].name, name) == 0)
            return c->hp[j];
    return otherwise;
}
static int conf_size(const sep_conf *c) { return c->m->size_hp >= 0 ? (int)c->hp[c->m->size_hp] : 0; }
static int conf_layers(const sep_conf *c) { return (int)hp_named(c, "layers", trained_model(c->m) ? 1 : 0); }
static int conf_quant(const sep_conf *c) { return (int)hp_named(c, "quant_bits", 0); }

static void add_conf(sep_ctx *x, const sep_conf *c)
{
    x->conf = hs_realloc(x->conf, (size_t)(x->nconf + 1) * sizeof *x->conf);
    x->conf[x->nconf++] = *c;
}

static void note(sep_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(sep_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const size_t used = strlen(x->note);
    vsnprintf(x->note + used, sizeof x->note - used, fmt, ap);
    va_end(ap);
}

/* Models the sharded engine predicts for (dist/dkhrnn.h): the exact
 * classical model and the k-HRNN (at its exact parameters, and trained:
 * dist/dkgrad.h). */
static int sharded_predictor(const hs_model_desc *m)
{
    return strcmp(m->name, "exact") == 0 || strcmp(m->name, "khrnn") == 0;
}

/* Model m's trained configurations at task t: its ladder of sizes times the
 * shared lists (quantisation); HS_EXIT_USAGE naming the key of a size that
 * does not fit. */
static int add_trained(sep_ctx *x, sep_conf c, const hs_hsmt *t, hs_err *e)
{
    const hs_config *cf = &x->cfg;
    const hs_model_desc *m = c.m;
    char err[512], key[48];
    int bad;
    c.trained = 1;
    c.steps = (int)hs_config_int(cf, "steps");
    c.batch = (int)hs_config_int(cf, "batch");
    hs_sepkeys_hp(m, -1, key, sizeof key);
    c.lr = hs_config_double(cf, key);
    /* Up to two list dimensions: the size ladder and one shared list. */
    long lists[2][HS_CONFIG_MAX_LIST];
    int nlist[2] = {1, 1}, which[2] = {-1, -1};
    for (int j = 0; trained_model(m) && j < m->nhp; j++) {
        if (m->hp[j].same_as >= 0)
            continue;
        hs_sepkeys_hp(m, j, key, sizeof key);
        const int slot = j == m->size_hp ? 0 : m->hp[j].shared ? 1 : -1;
        if (slot < 0)
            c.hp[j] = (double)hs_config_int(cf, key);
        else {
            nlist[slot] = hs_config_ints(cf, key, lists[slot]);
            which[slot] = j;
        }
    }
    for (int a = 0; a < nlist[0]; a++)
        for (int b = 0; b < nlist[1]; b++) {
            double hp[HS_MODEL_MAX_HP];
            memcpy(hp, c.hp, sizeof hp);
            if (which[0] >= 0)
                hp[which[0]] = (double)lists[0][a];
            if (which[1] >= 0)
                hp[which[1]] = (double)lists[1][b];
            hs_models_resolve(m, hp);
            /* The sharded k-HRNN holds its states as the generator does
             * (sized by the caller); the serial check is of its tangents. */
            if (!(c.sharded && sharded_predictor(m)) && m->check(t, hp, c.batch, &bad, err, sizeof err) != 0) {
                if (bad >= 0)
                    hs_sepkeys_hp(m, bad, key, sizeof key);
                return hs_config_err(cf, e, bad >= 0 ? key : "n", "k = %d, ell = %ld, n = %d: %s", c.k, c.ell, c.n,
                                     err);
            }
            sep_conf one = c;
            memcpy(one.hp, hp, sizeof hp);
            add_conf(x, &one);
        }
    return HS_OK;
}

/* The configurations of model m at task t: scored as it is (fixed models:
 * skipped, with the first reason noted once, where they do not apply) and
 * trained (trained models, and fixed ones listed in also_train). */
static int add_model(sep_ctx *x, sep_conf c, const hs_hsmt *t, int also, char *skipped, size_t skiplen,
                     hs_err *e)
{
    const hs_model_desc *m = c.m;
    char err[512];
    int bad, rc;
    hs_models_defaults(m, c.hp);
    c.sharded = hs_shard_is_sharded(&x->cfg, t);
    if (c.sharded) {
        /* The sharded predictor needs no brute force: it holds a state as
         * the generator does (trained: dist/dkgrad.h). */
        const int pred = sharded_predictor(m);
        if ((rc = hs_shard_ranks(&x->cfg, t, pred ? 2 : 1, x->rank_limit, x->world, &c.ranks, e)) != HS_OK)
            return rc;
        if (pred) {
            add_conf(x, &c);
            return also ? add_trained(x, c, t, e) : HS_OK;
        }
    }
    if (!trained_model(m)) {
        if (m->check(t, c.hp, 0, &bad, err, sizeof err) != 0) {
            if (!strstr(skipped, m->name)) {
                note(x, "separation: %s skipped where it does not apply or fit (first: k = %d, ell = %ld: %s)\n",
                     m->name, c.k, c.ell, err);
                snprintf(skipped + strlen(skipped), skiplen - strlen(skipped), "%s,", m->name);
            }
            return HS_OK;
        }
        add_conf(x, &c);
        if (!also)
            return HS_OK;
    }
    return add_trained(x, c, t, e);
}

/* The tasks of the grid: (k, ell) with n auto or fixed, or (k, n) with ell
 * saturating the hypergraph. */
static int grid_tasks(sep_ctx *x, long *ks, int *nk, long (*task_n)[HS_CONFIG_MAX_LIST],
                      long (*task_ell)[HS_CONFIG_MAX_LIST], int *ntask, hs_err *e)
{
    const hs_config *cf = &x->cfg;
    char word[4][32];
    hs_config_words(cf, "grid", word);
    const int by_n = strcmp(word[0], "n") == 0;
    long vals[HS_CONFIG_MAX_LIST];
    *nk = hs_config_ints(cf, "k", ks);
    const int nv = hs_config_ints(cf, by_n ? "n_list" : "ell", vals);
    const long fixed_n = hs_config_int(cf, "n"), max_n = hs_config_int(cf, "max_n");
    const long min_bound = hs_config_int(cf, "min_bound"), max_bound = hs_config_int(cf, "max_bound");
    const long ell_max = hs_config_int(cf, "ell_max");
    const double per_edge = hs_config_double(cf, "ell_per_edge"), k_over_n = hs_config_double(cf, "max_k_over_n");
    for (int a = 0; a < *nk; a++) {
        ntask[a] = 0;
        const int k = (int)ks[a];
        for (int b = 0; b < nv; b++) {
            long n = fixed_n, ell = vals[b];
            if (by_n) {
                n = vals[b];
                if (n < k)
                    continue;
                const double want = ceil(per_edge * (double)hs_comb_binom((int)n, k));
                ell = ell_max > 0 && want > (double)ell_max ? ell_max : (long)want;
            } else if (fixed_n <= 0)
                for (n = k > 1 ? k : 1; (double)hs_comb_binom((int)n, k) < (double)ell; n++)
                    if (n >= HS_MAX_SITES)
                        return hs_config_err(cf, e, "ell", "%ld writes need more than %d sites at k = %d", ell,
                                             HS_MAX_SITES, k);
            if (n >= k && k > k_over_n * (double)n)
                continue; /* above the levels asked for (k > n: refused below) */
            if (n > max_n) {
                note(x, "separation: k = %d, ell = %ld skipped: it needs n = %ld > max_n = %ld\n", k, ell, n, max_n);
                continue;
            }
            const double bound = n >= k ? (double)hs_comb_binom((int)n, k) - 1 : (double)min_bound;
            if (bound < (double)min_bound || bound > (double)max_bound)
                continue; /* outside the range of bounds the grid asks for (k > n: refused below) */
            task_n[a][ntask[a]] = n;
            task_ell[a][ntask[a]++] = ell;
        }
    }
    return HS_OK;
}

/* The key a task's n comes from: n_list (grid = n), n (fixed) or ell. */
static const char *task_key(const hs_config *cf)
{
    char word[4][32];
    hs_config_words(cf, "grid", word);
    return strcmp(word[0], "n") == 0 ? "n_list" : hs_config_int(cf, "n") > 0 ? "n" : "ell";
}

/* Expands the configuration into the list of configurations, checking every
 * task and model size before anything runs (HS_EXIT_USAGE naming the key). */
static int build_grid(sep_ctx *x, hs_err *e)
{
    const hs_config *cf = &x->cfg;
    long ks[HS_CONFIG_MAX_LIST], seeds[HS_CONFIG_MAX_LIST], tn[HS_CONFIG_MAX_LIST][HS_CONFIG_MAX_LIST],
        tell[HS_CONFIG_MAX_LIST][HS_CONFIG_MAX_LIST];
    int nk, ntask[HS_CONFIG_MAX_LIST];
    char words[HS_CONFIG_MAX_LIST][32], also[HS_CONFIG_MAX_LIST][32];
    const int nseed = hs_config_ints(cf, "seed", seeds);
    const long q = hs_config_int(cf, "queries");
    x->d = (int)hs_config_int(cf, "d");
    x->eval = hs_config_int(cf, "eval");
    x->rank_limit = hs_shard_rank_limit();
    x->epsilon = hs_config_double(cf, "epsilon");
    x->plateau = hs_config_double(cf, "plateau_fraction");
    x->early_stop = (int)hs_config_int(cf, "early_stop");
    const double adv = hs_config_double(cf, "advance_below");
    x->advance = adv < 0 ? x->epsilon / 2 : adv;
    hs_config_words(cf, "loss", words);
    snprintf(x->loss_name, sizeof x->loss_name, "%s", words[0]);
    x->loss = hs_loss_parse(words[0]);
    hs_config_words(cf, "curriculum", words);
    snprintf(x->curr_name, sizeof x->curr_name, "%s", words[0]);
    x->curriculum = hs_train_curriculum_parse(words[0]);
    int rc = grid_tasks(x, ks, &nk, tn, tell, ntask, e);
    if (rc != HS_OK)
        return rc;

    int nb = hs_config_words(cf, "bases", words);
    x->nbases = 0;
    if (!(nb == 1 && strcmp(words[0], "default") == 0)) {
        if (nb > HS_MAX_BASES)
            return hs_config_err(cf, e, "bases", "%d bases (allowed at most %d)", nb, HS_MAX_BASES);
        for (int i = 0; i < nb; i++)
            if (hs_hsmt_basis_parse(words[i], x->d, &x->bases[i]) != 0)
                return hs_config_err(cf, e, "bases", "'%s' is not a basis for d = %d (allowed: Z, X, Y for d = 2; "
                                     "Z or a chirp index 0..d-1 for d > 2)", words[i], x->d);
        /* Distinct as bases, not only as words ("1" and "01" at d > 2). */
        for (int i = 0; i < nb; i++)
            for (int j = 0; j < i; j++)
                if (x->bases[i] == x->bases[j])
                    return hs_config_err(cf, e, "bases", "'%s' and '%s' are the same basis (allowed: distinct "
                                         "bases)", words[j], words[i]);
        x->nbases = nb;
    }
    const int nalso = hs_config_words(cf, "also_train", also);
    for (int i = 0; i < nalso; i++) {
        const hs_model_desc *m = hs_models_find(also[i]);
        if (strcmp(also[i], "none") != 0 && (!m || !m->fixed || !hs_models_is_trainable(m)))
            return hs_config_err(cf, e, "also_train", "'%s' is not a model that predicts as it is and trains "
                                 "(allowed: khrnn, or none)", also[i]);
    }
    const int nm = hs_config_words(cf, "models", words);
    char skipped[256] = "";
    for (int a = 0; a < nk; a++)
        for (int b = 0; b < ntask[a]; b++)
            for (int s = 0; s < nseed; s++) {
                sep_conf c = {.k = (int)ks[a], .n = (int)tn[a][b], .ell = tell[a][b], .seed = (uint64_t)seeds[s]};
                c.q = q > 0 ? (int)q : c.n;
                hs_hsmt t = {.n = c.n, .k = c.k, .d = x->d, .q = c.q, .ell = c.ell, .nbases = x->nbases,
                             .seed = c.seed};
                memcpy(t.bases, x->bases, sizeof t.bases);
                hs_hsmt_defaults(&t);
                char err[512];
                /* Bases and d were checked above; what is left depends on
                 * k, q and n (from n_list, fixed, or from ell). */
                if (hs_hsmt_validate(&t, err, sizeof err) != 0)
                    return hs_config_err(cf, e, c.k > c.n ? "k" : q > c.n ? "queries" : task_key(cf),
                                         "k = %d, ell = %ld, n = %d: %s", c.k, c.ell, c.n, err);
                /* A sharded task needs only a group's share (checked
                 * with ranks_per_config when the grid is built). */
                if (!hs_shard_is_sharded(cf, &t) && hs_state_check_fit(t.n, t.d, err, sizeof err) != 0)
                    return hs_config_err(cf, e, "max_n", "%s", err);
                if (x->nbases == 0) {
                    x->nbases = t.nbases;
                    memcpy(x->bases, t.bases, sizeof x->bases);
                }
                for (int i = 0; i < nm; i++) {
                    c.m = hs_models_find(words[i]);
                    int is_also = 0;
                    for (int j = 0; j < nalso; j++)
                        is_also |= strcmp(also[j], words[i]) == 0;
                    if ((rc = add_model(x, c, &t, is_also, skipped, sizeof skipped, e)) != HS_OK)
                        return rc;
                }
            }
    for (int i = 0; i < x->nbases; i++) {
        char b[16];
        snprintf(x->bases_text + strlen(x->bases_text), sizeof x->bases_text - strlen(x->bases_text), "%s%s",
                 i ? ";" : "", hs_hsmt_basis_name(x->bases[i], x->d, b, sizeof b));
    }
    return HS_OK;
}

/* "step:excess;..." of a curve, the CSV's `curve` column. */
static void curve_text(const hs_train_result *res, char **rows, size_t *len)
{
    for (int i = 0; i < res->npoints; i++)
        hs_run_cat(rows, len, "%s%ld:%.4g", i ? ";" : "", res->curve[i].step, res->curve[i].excess_bits);
}

static void run_one(void *vctx, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    sep_ctx *x = vctx;
    const sep_conf *c = &x->conf[it->index];
    const hs_model_desc *m = c->m;
    hs_hsmt t;
    task(x, c, &t);
    char err[512];
    hs_score sc = {0};
    double train_s = 0, eval_s, mem = m->memory_bits(&t, c->hp);
    hs_train_result res = {.steps_used = 0};
    const char *verdict;
    const double t0 = hs_sys_now();
    hs_dsource *src = c->sharded ? hs_dsource_new(NULL) : NULL;
    if (c->trained) {
        hs_trainable tr;
        if ((c->sharded && sharded_predictor(m) ? hs_dkgrad_trainable(&t, c->seed, &tr, err, sizeof err)
                                                : m->trainable(&t, c->hp, c->seed, &tr, err, sizeof err)) != 0)
            hs_sys_fatal("%s: %s", m->name, err);
        hs_train_opts o = hs_models_train_opts(m);
        o.source = src ? hs_dsource_iface(src) : NULL;
        o.steps = c->steps;
        o.batch = c->batch;
        o.lr = c->lr;
        o.loss = x->loss;
        o.curriculum = x->curriculum;
        o.advance_below = x->advance;
        o.target = x->early_stop ? x->epsilon : 0;
        o.eval = x->eval;
        o.every = 0;
        if (hs_train_run(&tr, &t, &o, &res, err, sizeof err) != 0)
            hs_sys_fatal("%s training, %s: %s", m->name, it->label, err);
        hs_trainable_free(&tr);
        sc = res.held;
        train_s = res.seconds;
        eval_s = hs_sys_now() - t0 - train_s;
        verdict = hs_verdict_name(hs_train_verdict(res.curve, res.npoints, c->steps, x->epsilon, x->plateau));
    } else if (c->sharded && sharded_predictor(m)) {
        hs_dkhrnn *pred = hs_dkhrnn_new(&t, NULL, NULL);
        hs_shard_score(&t, pred, NULL, HS_EVAL_FIRST, x->eval, &sc);
        hs_dkhrnn_free(pred);
        eval_s = hs_sys_now() - t0;
        verdict = sc.kl / (double)sc.outputs <= x->epsilon ? "reached" : "missed";
    } else {
        hs_model model;
        const hs_model_src msrc = {.params = m->trainable_model ? "exact" : NULL, .seed = c->seed};
        if (m->open(&t, c->hp, &msrc, &model, err, sizeof err) != 0)
            hs_sys_fatal("%s: %s", m->name, err);
        if (c->sharded)
            hs_shard_score(&t, NULL, &model, HS_EVAL_FIRST, x->eval, &sc);
        else
            hs_run_score_model(&t, &model, HS_EVAL_FIRST, x->eval, &sc);
        mem = model.memory_bits;
        hs_model_free(&model);
        eval_s = hs_sys_now() - t0;
        verdict = sc.kl / (double)sc.outputs <= x->epsilon ? "reached" : "missed";
    }
    hs_dsource_free(src);
    const double o = (double)sc.outputs, log2d = log2((double)t.d);
    char alt[32] = "";
    if (m->alt_state_dim)
        snprintf(alt, sizeof alt, "%.6g", m->alt_state_dim(&t, c->hp));
    hs_run_cat(rows, len,
               "%s,%s,%ld,%.0f,%.6g,%.6g,%s,%.10g,%.10g,%.10g,%.10g,%ld,%.3f,%.3f,%ld,%s,%.6g,%.6g,%.6g,%.6g,%.6g,",
               it->key, c->trained ? "trained" : "fixed", t.ell + 2L * t.q, m->nparams(&t, c->hp), mem,
               m->state_dim(&t, c->hp), alt, sc.kl / o, sc.ce / o, sc.opt / o, sc.tv / o, x->eval, train_s, eval_s,
               res.steps_used, verdict, ((double)t.M - 1) * log2d, (double)t.M - 1, t.n * log2d,
               hs_exact_memory_bits(&t), x->epsilon);
    curve_text(&res, rows, len);
    hs_run_cat(rows, len, ",");
    hs_run_prov(run, rows, len);
    hs_run_cat(rows, len, "\n");
}

int hs_suite_separation(int argc, char **argv, hs_err *e)
{
    sep_ctx x = {0};
    hs_sepkeys K;
    hs_sepkeys_build(&K);
    hs_run_cli cli;
    const hs_schema *S = hs_schema_find("separation");
    int rc = hs_run_parse(S, usage, K.keys, 1, argc, argv, &cli, &x.cfg, e);
    if (rc != HS_OK)
        return rc;
    x.world = cli.print_grid ? HS_SHARD_PLAN_RANKS : hs_comm_size();
    if ((rc = build_grid(&x, e)) != HS_OK) {
        hs_sys_free(x.conf);
        hs_config_free(&x.cfg);
        return rc;
    }
    hs_nn_blas_threads(cli.threads);
    omp_set_num_threads(cli.threads);

    hs_run_item *items = hs_calloc((size_t)(x.nconf ? x.nconf : 1), sizeof *items);
    for (int i = 0; i < x.nconf; i++) {
        const sep_conf *c = &x.conf[i];
        hs_run_item *it = &items[i];
        it->index = i;
        it->ranks = c->sharded ? c->ranks : 1;
        snprintf(it->key, sizeof it->key, "%d,%ld,%d,%d,%s,%d,%s,%d,%d,%d,%d,%.6g,%llu,%s,%d,%s", c->k, c->ell, c->n,
                 x.d, x.bases_text, c->q, c->m->name, conf_size(c), conf_layers(c), c->steps, c->batch, c->lr,
                 (unsigned long long)c->seed, c->trained ? x.loss_name : "", conf_quant(c),
                 c->trained ? x.curr_name : "");
        char size[32] = "", quant[16] = "";
        hs_models_size_label(c->m, c->hp, size + 1, sizeof size - 1);
        if (size[1])
            size[0] = ' ';
        if (conf_quant(c))
            snprintf(quant, sizeof quant, " b=%d", conf_quant(c));
        snprintf(it->label, sizeof it->label, "k=%d ell=%ld n=%d %s%s%s%s seed=%llu", c->k, c->ell, c->n, c->m->name,
                 c->trained && !trained_model(c->m) ? " (trained)" : "", size[1] ? size : "", quant,
                 (unsigned long long)c->seed);
        hs_hsmt t;
        task(&x, c, &t);
        /* Training work: updates x batch x a sequence's share; a quantum
         * model carries a tangent per parameter. Early stopping makes the
         * large sizes cheaper than this. */
        const double tangents = c->m->cls == HS_MC_QUANTUM ? 1 + c->m->nparams(&t, c->hp) : 1;
        it->cost = c->m->cost(&t, c->hp) * (c->trained ? (double)c->steps * c->batch * tangents : (double)x.eval);
    }
    const hs_run_opts ro = {.schema = S, .out = cli.out, .slice = cli.slice, .resume = cli.resume,
                            .print_grid = cli.print_grid,
                            .threads = cli.threads, .note = x.note, .summary = HS_SEPSUM_FILE};
    rc = hs_run_grid(&ro, items, x.nconf, run_one, &x, e);
    if (rc == HS_OK && hs_comm_rank() == 0) {
        const char **keys = hs_alloc((size_t)(x.nconf ? x.nconf : 1) * sizeof *keys);
        for (int i = 0; i < x.nconf; i++)
            keys[i] = items[i].key;
        char path[4200];
        hs_run_csv_path(&ro, path, sizeof path);
        rc = hs_sepsum_write(path, S, keys, x.nconf, cli.out, e);
        hs_sys_free(keys);
    }
    hs_comm_barrier();
    hs_sys_free(items);
    hs_sys_free(x.conf);
    hs_config_free(&x.cfg);
    return rc;
}
