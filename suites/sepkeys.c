/* The separation suite's configuration keys (sepkeys.h). */
#include "sepkeys.h"

#include <stdio.h>
#include <string.h>

#include "shard.h"

static int in_separation(const hs_model_desc *m) { return m->cls == HS_MC_TRAINED || m->fixed; }
static int trained_model(const hs_model_desc *m) { return m->cls == HS_MC_TRAINED; }

/* The keys every run has; the registry adds, per trainable model M, M_lr,
 * and per trained model M_<hyperparameter> (a list for the size ladder) or,
 * for a hyperparameter all of them share, one list NAME (quant_bits). */
static const hs_config_key base_keys[] = {
    {"grid", HS_CFG_WORDS, 0, 0, "n", "ell,n",
     "ell: k x ell with n = auto; n: k x n_list with ell = ceil(ell_per_edge binom(n,k))"},
    {"k", HS_CFG_INTS, 1, 30, "1,2", NULL, "hyperedge orders k (deep levels: up to n/2, binom(n,k) < 2^30)"},
    {"ell", HS_CFG_INTS, 0, 1e6, "2,4,8,16", NULL, "grid = ell: context lengths ell (writes per sequence)"},
    {"n", HS_CFG_INT, 1, HS_MAX_SITES, "auto", "auto",
     "grid = ell: sites: auto = the smallest n with binom(n,k) >= ell (the degree-k regime), or a fixed n"},
    {"n_list", HS_CFG_INTS, 1, HS_MAX_SITES, "2,3,4,5,8", NULL, "grid = n: sizes n (those with n >= k)"},
    {"ell_per_edge", HS_CFG_DOUBLE, 0.01, 1000, "1", NULL,
     "grid = n: ell = ceil(ell_per_edge binom(n,k)): 1 and more saturate the hypergraph"},
    {"max_n", HS_CFG_INT, 1, HS_MAX_SITES, "8", NULL,
     "tasks needing more sites are skipped (the analytic models are brute force in d^n)"},
    {"ell_max", HS_CFG_INT, 0, 1e9, "0", NULL,
     "grid = n: at most this many writes per sequence (0: no cap; deep levels, where binom(n,k) is astronomical)"},
    {"max_k_over_n", HS_CFG_DOUBLE, 0, 1, "1", NULL, "tasks with k > max_k_over_n n are skipped (0.5: k <= n/2)"},
    {"min_bound", HS_CFG_INT, 0, 9e18, "1", NULL, "tasks whose lower bound binom(n,k) - 1 is below this are skipped"},
    {"max_bound", HS_CFG_INT, 0, 9e18, "9", NULL,
     "tasks whose lower bound binom(n,k) - 1 is above this are skipped"},
    HS_SHARD_KEYS,
    {"d", HS_CFG_INT, 2, 64, "2", NULL, "local dimension"},
    {"bases", HS_CFG_WORDS, 0, 0, "default", NULL,
     "query bases (Z,X,Y for d = 2; Z or chirp indices for d > 2), or default"},
    {"queries", HS_CFG_INT, 1, HS_MAX_SITES, "all", "all", "queries per sequence, or all (q = n)"},
    {"models", HS_CFG_WORDS, 0, 0, NULL, NULL, "models (tableau runs for k = 2, d = 2 only)"},
    {"also_train", HS_CFG_WORDS, 0, 0, "khrnn", NULL,
     "models that predict as they are and are also trained from random starts (or none)"},
    {"steps", HS_CFG_INT, 1, 1e9, "20000", NULL, "training budget: updates per trained configuration"},
    {"batch", HS_CFG_INT, 1, 65536, "32", NULL, "sequences per update"},
    {"loss", HS_CFG_WORDS, 0, 0, "soft", "soft,hard",
     "soft: cross-entropy against the exact conditionals; hard: the sampled outcome's"},
    {"curriculum", HS_CFG_WORDS, 0, 0, "ell", "none,ell,queries,ell+queries",
     "training curriculum: context length ell_s and/or queries q_s = 1, 2, 4, .. (core/train.h)"},
    {"advance_below", HS_CFG_DOUBLE, -1, 10, "-1", NULL,
     "a curriculum stage ends once the running training excess is <= this (bits); -1: epsilon / 2"},
    {"early_stop", HS_CFG_INT, 0, 1, "1", NULL, "1: a run stops at the first log point reaching epsilon"},
    {"plateau_fraction", HS_CFG_DOUBLE, 0, 1, "0.1", NULL,
     "verdict plateau: the best held-out excess improved by less than this over the last fifth"},
    {"eval", HS_CFG_INT, 1, 1e8, "300", NULL, "held-out sequences scored per log point and configuration"},
    {"epsilon", HS_CFG_DOUBLE, 0, 10, "0.01", NULL, "target excess loss, bits per output"},
    {"seed", HS_CFG_INTS, 0, 9e18, "1", NULL, "seeds (task and initialisation); each is a configuration"},
};
enum { NBASE = sizeof base_keys / sizeof base_keys[0] };

/* The small built-in grid's own defaults where the registry's (those of
 * `hypersep train`) would make it slower than the main job allows. */
static const struct {
    const char *key, *def;
} grid_defaults[] = {{"transformer_layers", "1"}, {"transformer_heads", "2"}, {"lstm_hidden", "2,4,8,16,32"},
                     {"gru_hidden", "2,4,8,16,32"}};

/* The built-in grid's models: the Transformer needs more than the main
 * job's minutes at these budgets (docs/results; the full grid has it). */
static const char main_models[] = "lstm,gru,exact,presample,tableau,khrnn";

void hs_sepkeys_hp(const hs_model_desc *m, int j, char *buf, size_t len)
{
    if (j >= 0 && m->hp[j].shared)
        snprintf(buf, len, "%s", m->hp[j].name);
    else
        snprintf(buf, len, "%s_%s", m->name, j < 0 ? "lr" : m->hp[j].name);
}

static int has_key(const hs_sepkeys *K, const char *name)
{
    for (int i = 0; i < K->n; i++)
        if (strcmp(K->keys[i].key, name) == 0)
            return 1;
    return 0;
}

static void add_key(hs_sepkeys *K, const char *name, hs_config_type type, double min, double max, const char *def,
                    const char *help)
{
    if (has_key(K, name))
        return; /* a shared hyperparameter: one key for every model */
    const int i = K->n++;
    snprintf(K->names[i], sizeof K->names[i], "%s", name);
    snprintf(K->defs[i], sizeof K->defs[i], "%s", def);
    snprintf(K->help[i], sizeof K->help[i], "%s", help);
    for (size_t g = 0; g < sizeof grid_defaults / sizeof grid_defaults[0]; g++)
        if (strcmp(name, grid_defaults[g].key) == 0)
            snprintf(K->defs[i], sizeof K->defs[i], "%s", grid_defaults[g].def);
    K->keys[i] = (hs_config_key){K->names[i], type, min, max, K->defs[i], NULL, K->help[i]};
}

void hs_sepkeys_build(hs_sepkeys *K)
{
    memset(K, 0, sizeof *K);
    hs_models_names(K->models, sizeof K->models, in_separation);
    for (int i = 0; i < NBASE; i++) {
        K->keys[K->n] = base_keys[i];
        if (strcmp(base_keys[i].key, "models") == 0) { /* the registry's models */
            K->keys[K->n].words = K->models;
            K->keys[K->n].def = main_models;
        }
        K->n++;
    }
    for (int i = 0; i < hs_models_count(); i++) {
        const hs_model_desc *m = hs_models_at(i);
        if (!hs_models_is_trainable(m))
            continue;
        char name[48], def[32], help[112];
        hs_sepkeys_hp(m, -1, name, sizeof name);
        snprintf(def, sizeof def, "%.6g", m->train.lr);
        snprintf(help, sizeof help, "peak learning rate of %s", m->name);
        add_key(K, name, HS_CFG_DOUBLE, 1e-9, 10, def, help);
        for (int j = 0; trained_model(m) && j < m->nhp; j++) {
            const hs_hparam *h = &m->hp[j];
            if (h->same_as >= 0)
                continue; /* derived: not a grid dimension */
            hs_sepkeys_hp(m, j, name, sizeof name);
            const int list = j == m->size_hp || h->shared;
            snprintf(def, sizeof def, "%.15g", h->def);
            snprintf(help, sizeof help, "%s%s %s%s", h->shared ? "" : m->name, h->shared ? "" : ":", h->help,
                     list ? " (a list: a grid dimension)" : "");
            add_key(K, name, list ? HS_CFG_INTS : HS_CFG_INT, h->min, h->max,
                    j == m->size_hp && h->ladder ? h->ladder : def, help);
        }
    }
    K->keys[K->n] = (hs_config_key){NULL, 0, 0, 0, NULL, NULL, NULL};
}

