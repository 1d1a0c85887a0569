/* `hypersep suite separation` (docs/spec.md#suite-separation): how much
 * memory each model needs as the task's correlation length grows. For every
 * hyperedge order k and context length ell of the grid, n is the smallest
 * size with binom(n, k) >= ell (or a fixed n). The models come from the
 * registry (models/registry.h): the trained classical ones are trained over
 * a ladder of sizes through the one training loop with a fixed budget of
 * steps and scored on held-out sequences; the models that predict as they
 * are (the analytic ones, the k-HRNN at its exact parameters) are scored on
 * the same held-out sequences. One CSV row per (k, ell, model, size, seed);
 * at the end the smallest memory reaching excess loss <= epsilon per (k,
 * ell, model) is printed beside the lower bound binom(n,k) - 1 and the
 * quantum memory n (the summary, also DIR/separation_summary.tsv). */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combin.h"
#include "comm.h"
#include "config.h"
#include "csvlog.h"
#include "exact.h"
#include "registry.h"
#include "runner.h"
#include "schema.h"
#include "score.h"
#include "state.h"
#include "suite.h"
#include "sys.h"

/* The keys every run has; the registry adds, per trained model M, M_lr and
 * M_<hyperparameter> (a list for the size ladder). */
static const hs_config_key base_keys[] = {
    {"k", HS_CFG_INTS, 1, 8, "1,2,3", NULL, "hyperedge orders k"},
    {"ell", HS_CFG_INTS, 0, 1e6, "2,4,8,16", NULL, "context lengths ell (writes per sequence)"},
    {"n", HS_CFG_INT, 1, HS_MAX_SITES, "auto", "auto",
     "sites: auto = the smallest n with binom(n,k) >= ell (the degree-k regime), or a fixed n"},
    {"max_n", HS_CFG_INT, 1, HS_MAX_SITES, "8", NULL,
     "with n = auto, (k, ell) needing more sites are skipped (the analytic models are brute force in d^n)"},
    {"d", HS_CFG_INT, 2, 64, "2", NULL, "local dimension"},
    {"bases", HS_CFG_WORDS, 0, 0, "default", NULL,
     "query bases (Z,X,Y for d = 2; Z or chirp indices for d > 2), or default"},
    {"queries", HS_CFG_INT, 1, HS_MAX_SITES, "all", "all", "queries per sequence, or all (q = n)"},
    {"models", HS_CFG_WORDS, 0, 0, NULL, NULL, "models (tableau runs for k = 2, d = 2 only)"},
    {"steps", HS_CFG_INT, 1, 1e9, "3000", NULL, "training steps per trained configuration"},
    {"batch", HS_CFG_INT, 1, 65536, "32", NULL, "sequences per step"},
    {"eval", HS_CFG_INT, 1, 1e8, "300", NULL, "held-out sequences scored per configuration"},
    {"epsilon", HS_CFG_DOUBLE, 0, 10, "0.01", NULL, "target excess loss, bits per output"},
    {"seed", HS_CFG_INTS, 0, 9e18, "1", NULL, "seeds (task and initialisation); each is a configuration"},
};
enum { NBASE = sizeof base_keys / sizeof base_keys[0], MODELS_KEY = 7 };

/* The summary beside the results: DIR/SUMMARY. */
#define SUMMARY "separation_summary.tsv"

/* The small built-in grid's own defaults where the registry's (those of
 * `hypersep train`) would make it slower than the main job allows. */
static const struct {
    const char *key, *def;
} grid_defaults[] = {{"transformer_layers", "1"}, {"transformer_heads", "2"}};

static const char usage[] =
    "usage: hypersep suite separation [--config FILE] [--out DIR] [--resume] [--slice I/N]\n"
    "                                 [--threads T] [--print-config] [--print-header]\n"
    "Memory needed against correlation length (docs/spec.md#suite-separation).\n"
    "Trains the trained models of `hypersep models` over ladders of sizes for every\n"
    "(k, ell) of the grid and scores them, the analytic models and the k-HRNN on\n"
    "held-out sequences; appends one row per configuration to DIR/separation.csv\n"
    "(columns: docs/formats.md), then prints the smallest memory reaching excess\n"
    "loss <= epsilon per (k, ell, model) as TSV on stdout and in\n"
    "DIR/separation_summary.tsv. Under mpirun the configurations are spread over\n"
    "the ranks.\n"
    "  --config FILE   grid and budgets (default: built in; see --print-config)\n"
    "  --out DIR       results directory (default results)\n"
    "  --resume        skip configurations already in DIR/separation.csv\n"
    "  --slice I/N     run only slice I of N of the grid (Slurm job arrays)\n"
    "  --threads T     BLAS/OpenMP threads per rank (default 1)\n"
    "  --print-config  print the effective configuration and exit\n"
    "  --print-header  print the CSV columns (name, type, key) and exit\n";

/* The key table and the storage of its generated names and defaults. */
typedef struct {
    hs_config_key keys[HS_CONFIG_MAX_KEYS];
    char names[HS_CONFIG_MAX_KEYS][48], defs[HS_CONFIG_MAX_KEYS][32], help[HS_CONFIG_MAX_KEYS][96];
    char models[256];
    int n;
} sep_keys;

typedef struct {
    int k, n, q, steps, batch;
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
    char bases_text[64];
    long eval;
    double epsilon;
    char note[2048]; /* configurations skipped, for the start of the run */
} sep_ctx;

static int in_separation(const hs_model_desc *m) { return m->cls == HS_MC_TRAINED || m->fixed; }
static int trained_here(const hs_model_desc *m) { return m->cls == HS_MC_TRAINED; }

static void hp_key(const hs_model_desc *m, int j, char *buf, size_t len)
{
    snprintf(buf, len, "%s_%s", m->name, j < 0 ? "lr" : m->hp[j].name);
}

static void add_key(sep_keys *K, const char *name, hs_config_type type, double min, double max, const char *def,
                    const char *help)
{
    const int i = K->n++;
    snprintf(K->names[i], sizeof K->names[i], "%s", name);
    snprintf(K->defs[i], sizeof K->defs[i], "%s", def);
    snprintf(K->help[i], sizeof K->help[i], "%s", help);
    for (size_t g = 0; g < sizeof grid_defaults / sizeof grid_defaults[0]; g++)
        if (strcmp(name, grid_defaults[g].key) == 0)
            snprintf(K->defs[i], sizeof K->defs[i], "%s", grid_defaults[g].def);
    K->keys[i] = (hs_config_key){K->names[i], type, min, max, K->defs[i], NULL, K->help[i]};
}

static void build_keys(sep_keys *K)
{
    memset(K, 0, sizeof *K);
    hs_models_names(K->models, sizeof K->models, in_separation);
    for (int i = 0; i < NBASE; i++)
        K->keys[K->n++] = base_keys[i];
    K->keys[MODELS_KEY].def = K->keys[MODELS_KEY].words = K->models;
    for (int i = 0; i < hs_models_count(); i++) {
        const hs_model_desc *m = hs_models_at(i);
        if (!trained_here(m))
            continue;
        char name[48], def[32], help[96];
        hp_key(m, -1, name, sizeof name);
        snprintf(def, sizeof def, "%.6g", m->train.lr);
        snprintf(help, sizeof help, "peak learning rate of %s", m->name);
        add_key(K, name, HS_CFG_DOUBLE, 1e-9, 10, def, help);
        for (int j = 0; j < m->nhp; j++) {
            const hs_hparam *h = &m->hp[j];
            if (h->same_as >= 0)
                continue; /* derived: not a grid dimension */
            hp_key(m, j, name, sizeof name);
            snprintf(def, sizeof def, "%.15g", h->def);
            snprintf(help, sizeof help, "%s %s%s", m->name, h->help, j == m->size_hp ? " (the size ladder)" : "");
            add_key(K, name, j == m->size_hp ? HS_CFG_INTS : HS_CFG_INT, h->min, h->max,
                    j == m->size_hp && h->ladder ? h->ladder : def, help);
        }
    }
    K->keys[K->n] = (hs_config_key){NULL, 0, 0, 0, NULL, NULL, NULL};
}

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

/* The CSV's size and layers columns: the size hyperparameter, and the
 * Transformer's blocks (1 for a recurrent model, 0 without training). */
static int conf_size(const sep_conf *c) { return c->m->size_hp >= 0 ? (int)c->hp[c->m->size_hp] : 0; }
static int conf_layers(const sep_conf *c)
{
    for (int j = 0; j < c->m->nhp; j++)
        if (strcmp(c->m->hp[j].name, "layers") == 0)
            return (int)c->hp[j];
    return trained_here(c->m) ? 1 : 0;
}

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

/* The configurations of model m at task t (sizes of its ladder). */
static int add_model(sep_ctx *x, sep_conf c, const hs_hsmt *t, char *skipped, size_t skiplen, hs_err *e)
{
    const hs_config *cf = &x->cfg;
    const hs_model_desc *m = c.m;
    char err[512], key[48];
    int bad;
    hs_models_defaults(m, c.hp);
    if (!trained_here(m)) {
        /* A model that does not apply here (tableau beyond k = 2) is
         * skipped, with the first reason noted once. */
        if (m->check(t, c.hp, 0, &bad, err, sizeof err) != 0) {
            if (!strstr(skipped, m->name)) {
                note(x, "separation: %s skipped where it does not apply or fit (first: k = %d, ell = %ld: %s)\n",
                     m->name, c.k, c.ell, err);
                snprintf(skipped + strlen(skipped), skiplen - strlen(skipped), "%s,", m->name);
            }
            return HS_OK;
        }
        add_conf(x, &c);
        return HS_OK;
    }
    c.steps = (int)hs_config_int(cf, "steps");
    c.batch = (int)hs_config_int(cf, "batch");
    hp_key(m, -1, key, sizeof key);
    c.lr = hs_config_double(cf, key);
    long ladder[HS_CONFIG_MAX_LIST];
    int nladder = 1;
    for (int j = 0; j < m->nhp; j++) {
        if (m->hp[j].same_as >= 0)
            continue;
        hp_key(m, j, key, sizeof key);
        if (j == m->size_hp)
            nladder = hs_config_ints(cf, key, ladder);
        else
            c.hp[j] = (double)hs_config_int(cf, key);
    }
    for (int z = 0; z < nladder; z++) {
        if (m->size_hp >= 0)
            c.hp[m->size_hp] = (double)ladder[z];
        double hp[HS_MODEL_MAX_HP];
        memcpy(hp, c.hp, sizeof hp);
        hs_models_resolve(m, hp);
        if (m->check(t, hp, c.batch, &bad, err, sizeof err) != 0) {
            if (bad >= 0)
                hp_key(m, bad, key, sizeof key);
            return hs_config_err(cf, e, bad >= 0 ? key : "ell", "k = %d, ell = %ld, n = %d: %s", c.k, c.ell, c.n,
                                 err);
        }
        memcpy(c.hp, hp, sizeof hp);
        add_conf(x, &c);
    }
    return HS_OK;
}

/* Expands the configuration into the list of configurations, checking every
 * task and model size before anything runs (HS_EXIT_USAGE naming the key). */
static int build_grid(sep_ctx *x, hs_err *e)
{
    const hs_config *cf = &x->cfg;
    long ks[HS_CONFIG_MAX_LIST], ells[HS_CONFIG_MAX_LIST], seeds[HS_CONFIG_MAX_LIST];
    char words[HS_CONFIG_MAX_LIST][32];
    const int nk = hs_config_ints(cf, "k", ks), nell = hs_config_ints(cf, "ell", ells);
    const int nseed = hs_config_ints(cf, "seed", seeds);
    const long fixed_n = hs_config_int(cf, "n"), q = hs_config_int(cf, "queries");
    x->d = (int)hs_config_int(cf, "d");
    x->eval = hs_config_int(cf, "eval");
    x->epsilon = hs_config_double(cf, "epsilon");

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
    const int nm = hs_config_words(cf, "models", words);
    char skipped[256] = "";
    for (int a = 0; a < nk; a++)
        for (int b = 0; b < nell; b++)
            for (int s = 0; s < nseed; s++) {
                sep_conf c = {.k = (int)ks[a], .ell = ells[b], .seed = (uint64_t)seeds[s]};
                if (fixed_n > 0)
                    c.n = (int)fixed_n;
                else
                    for (c.n = c.k > 1 ? c.k : 1; (double)hs_comb_binom(c.n, c.k) < (double)c.ell; c.n++)
                        if (c.n >= HS_MAX_SITES)
                            return hs_config_err(cf, e, "ell", "%ld writes need more than %d sites at k = %d",
                                                 c.ell, HS_MAX_SITES, c.k);
                if (fixed_n <= 0 && c.n > hs_config_int(cf, "max_n")) {
                    if (s == 0)
                        note(x, "separation: k = %d, ell = %ld skipped: it needs n = %d > max_n = %ld\n", c.k, c.ell,
                             c.n, hs_config_int(cf, "max_n"));
                    continue;
                }
                c.q = q > 0 ? (int)q : c.n;
                hs_hsmt t = {.n = c.n, .k = c.k, .d = x->d, .q = c.q, .ell = c.ell, .nbases = x->nbases,
                             .seed = c.seed};
                memcpy(t.bases, x->bases, sizeof t.bases);
                hs_hsmt_defaults(&t);
                char err[512];
                /* Bases and d were checked above; what is left depends on
                 * k, q and n (fixed, or from ell). */
                if (hs_hsmt_validate(&t, err, sizeof err) != 0)
                    return hs_config_err(cf, e, c.k > c.n ? "k" : c.q > c.n ? "queries" : fixed_n > 0 ? "n" : "ell",
                                         "k = %d, ell = %ld, n = %d: %s", c.k, c.ell, c.n, err);
                if (hs_state_check_fit(t.n, t.d, err, sizeof err) != 0)
                    return hs_config_err(cf, e, fixed_n > 0 ? "n" : "ell", "%s", err);
                if (x->nbases == 0) {
                    x->nbases = t.nbases;
                    memcpy(x->bases, t.bases, sizeof x->bases);
                }
                for (int i = 0; i < nm; i++) {
                    c.m = hs_models_find(words[i]);
                    int rc = add_model(x, c, &t, skipped, sizeof skipped, e);
                    if (rc != HS_OK)
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
    const double t0 = hs_sys_now();
    if (trained_here(m)) {
        hs_trainable tr;
        if (m->trainable(&t, c->hp, c->seed, &tr, err, sizeof err) != 0)
            hs_sys_fatal("%s: %s", m->name, err);
        const hs_train_opts to = {.steps = c->steps, .batch = c->batch, .lr = c->lr, .warmup = m->train.warmup,
                                  .lr_floor = m->train.lr_floor, .clip = m->train.clip, .loss = m->train.loss,
                                  .curriculum = m->train.curriculum, .eval = x->eval, .every = -1};
        hs_train_result res;
        if (hs_train_run(&tr, &t, &to, &res, err, sizeof err) != 0)
            hs_sys_fatal("%s training, %s: %s", m->name, it->label, err);
        hs_trainable_free(&tr);
        sc = res.held;
        train_s = res.seconds;
        eval_s = hs_sys_now() - t0 - train_s;
    } else {
        hs_model model;
        const hs_model_src src = {.params = m->trainable_model ? "exact" : NULL, .seed = c->seed};
        if (m->open(&t, c->hp, &src, &model, err, sizeof err) != 0)
            hs_sys_fatal("%s: %s", m->name, err);
        hs_run_score_model(&t, &model, HS_EVAL_FIRST, x->eval, &sc);
        mem = model.memory_bits;
        hs_model_free(&model);
        eval_s = hs_sys_now() - t0;
    }
    const double o = (double)sc.outputs, log2d = log2((double)t.d);
    hs_run_cat(rows, len, "%s,%ld,%.0f,%.6g,%.10g,%.10g,%.10g,%.10g,%ld,%.3f,%.3f,%.6g,%.6g,%.6g,%.6g,", it->key,
               t.ell + 2L * t.q, m->nparams(&t, c->hp), mem, sc.kl / o, sc.ce / o, sc.opt / o, sc.tv / o, x->eval,
               train_s, eval_s, ((double)t.M - 1) * log2d, t.n * log2d, hs_exact_memory_bits(&t), x->epsilon);
    hs_run_prov(run, rows, len);
    hs_run_cat(rows, len, "\n");
}

/* Splits one CSV line in place into at most max fields. */
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

/* The smallest memory reaching epsilon per (k, ell, model) of this grid,
 * from every matching row of the CSV (this run's and earlier ones'). */
static int summary(const sep_ctx *x, const hs_run_opts *o, const hs_run_item *items, hs_err *e)
{
    const hs_schema *S = o->schema;
    const int col_mem = hs_schema_col(S, "memory_bits"), col_exc = hs_schema_col(S, "excess_loss_bits");
    char path[4200];
    hs_run_csv_path(o, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        hs_sys_fatal("reading '%s' for the summary", path);
    /* The row of configuration i (NAN: not in the file). */
    double *mem = hs_alloc((size_t)(x->nconf ? x->nconf : 1) * sizeof *mem);
    double *exc = hs_alloc((size_t)(x->nconf ? x->nconf : 1) * sizeof *exc);
    for (int i = 0; i < x->nconf; i++)
        mem[i] = exc[i] = NAN;
    char line[8192];
    if (!fgets(line, sizeof line, f))
        hs_sys_fatal("'%s' has no header", path);
    while (fgets(line, sizeof line, f)) {
        char *fl[64];
        line[strcspn(line, "\n")] = '\0';
        if (split(line, fl, 64) != S->ncols)
            continue;
        char key[256] = "";
        for (int j = 0; j < S->nkey; j++)
            snprintf(key + strlen(key), sizeof key - strlen(key), "%s%s", j ? "," : "", fl[j]);
        for (int i = 0; i < x->nconf; i++)
            if (strcmp(items[i].key, key) == 0) {
                mem[i] = strtod(fl[col_mem], NULL);
                exc[i] = strtod(fl[col_exc], NULL);
            }
    }
    fclose(f);
    /* Built in memory, then written under the lock of DIR (the next open
     * of the results file removes temporaries left by a killed writer). */
    char *text = NULL, err[512];
    size_t tlen = 0;
    FILE *out = open_memstream(&text, &tlen);
    if (!out)
        hs_sys_fatal("open_memstream: out of memory");
    const char *head = "k\tell\tn\tcorr_length\tmodel\tmin_memory_bits\tsize\texcess_loss_bits\tlower_bound_bits\t"
                       "quantum_bits\texact_bits\n";
    fputs(head, out);
    fputs(head, stdout);
    /* One line per (k, ell, model), in grid order, over every seed: a size
     * counts when any seed reached epsilon (as analysis/ reads it). */
    for (int i = 0; i < x->nconf; i++) {
        const sep_conf *c = &x->conf[i];
        int first = 1, best = -1;
        for (int j = 0; j < x->nconf; j++) {
            const sep_conf *o2 = &x->conf[j];
            if (o2->k != c->k || o2->ell != c->ell || o2->m != c->m)
                continue;
            if (j < i)
                first = 0;
            if (!isnan(exc[j]) && exc[j] <= x->epsilon && (best < 0 || mem[j] < mem[best]))
                best = j;
        }
        if (!first)
            continue;
        hs_hsmt t;
        task(x, c, &t);
        const double log2d = log2((double)t.d);
        char buf[512], mb[64] = "none", sz[32] = "", ex[32] = "";
        if (best >= 0) {
            snprintf(mb, sizeof mb, "%.6g", mem[best]);
            snprintf(sz, sizeof sz, "%d", conf_size(&x->conf[best]));
            snprintf(ex, sizeof ex, "%.4g", exc[best]);
        }
        snprintf(buf, sizeof buf, "%d\t%ld\t%d\t%ld\t%s\t%s\t%s\t%s\t%.6g\t%.6g\t%.6g\n", c->k, c->ell, c->n,
                 c->ell + 2L * c->q, c->m->name, mb, sz, ex, ((double)t.M - 1) * log2d, t.n * log2d,
                 hs_exact_memory_bits(&t));
        fputs(buf, out);
        fputs(buf, stdout);
    }
    hs_sys_free(mem);
    hs_sys_free(exc);
    fflush(stdout);
    fclose(out);
    const int rc = hs_csv_replace_beside(o->out, SUMMARY, text, tlen, err, sizeof err);
    free(text); /* from open_memstream: plain malloc */
    if (rc != 0)
        return hs_err_set(e, HS_EXIT_FAILURE, "hypersep suite separation: summary: %s", err);
    return HS_OK;
}

int hs_suite_separation(int argc, char **argv, hs_err *e)
{
    sep_ctx x = {0};
    sep_keys K;
    build_keys(&K);
    hs_run_cli cli;
    const hs_schema *S = hs_schema_find("separation");
    int rc = hs_run_parse(S, usage, K.keys, 1, argc, argv, &cli, &x.cfg, e);
    if (rc != HS_OK)
        return rc;
    if ((rc = build_grid(&x, e)) != HS_OK) {
        hs_sys_free(x.conf);
        hs_config_free(&x.cfg);
        return rc;
    }
    openblas_set_num_threads(cli.threads);
    omp_set_num_threads(cli.threads);

    hs_run_item *items = hs_calloc((size_t)(x.nconf ? x.nconf : 1), sizeof *items);
    for (int i = 0; i < x.nconf; i++) {
        const sep_conf *c = &x.conf[i];
        hs_run_item *it = &items[i];
        it->index = i;
        snprintf(it->key, sizeof it->key, "%d,%ld,%d,%d,%s,%d,%s,%d,%d,%d,%d,%.6g,%llu", c->k, c->ell, c->n, x.d,
                 x.bases_text, c->q, c->m->name, conf_size(c), conf_layers(c), c->steps, c->batch, c->lr,
                 (unsigned long long)c->seed);
        char size[32] = "";
        hs_models_size_label(c->m, c->hp, size + 1, sizeof size - 1);
        if (size[1])
            size[0] = ' ';
        snprintf(it->label, sizeof it->label, "k=%d ell=%ld n=%d %s%s seed=%llu", c->k, c->ell, c->n, c->m->name,
                 size[1] ? size : "", (unsigned long long)c->seed);
        hs_hsmt t;
        task(&x, c, &t);
        it->cost = c->m->cost(&t, c->hp) * (trained_here(c->m) ? (double)c->steps * c->batch : (double)x.eval);
    }
    const hs_run_opts ro = {.schema = S, .out = cli.out, .slice = cli.slice, .resume = cli.resume,
                            .threads = cli.threads, .note = x.note, .summary = SUMMARY};
    rc = hs_run_grid(&ro, items, x.nconf, run_one, &x, e);
    if (rc == HS_OK && hs_comm_rank() == 0)
        rc = summary(&x, &ro, items, e);
    hs_comm_barrier();
    hs_sys_free(items);
    hs_sys_free(x.conf);
    hs_config_free(&x.cfg);
    return rc;
}
