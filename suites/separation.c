/* `hypersep suite separation` (SPEC section 5): how much memory each model
 * needs as the task's correlation length grows. For every hyperedge order k
 * and context length ell of the grid, n is the smallest size with
 * binom(n, k) >= ell (or a fixed n); the trained classical models (LSTM, GRU,
 * Transformer) are trained over a ladder of sizes with a fixed budget of
 * steps and scored on held-out sequences; the analytic models (exact,
 * presample, tableau for k = 2) and the k-HRNN with its exact parameters are
 * scored on the same held-out sequences. One CSV row per (k, ell, model,
 * size); at the end the smallest memory reaching excess loss <= epsilon per
 * (k, ell, model) is printed beside the lower bound binom(n,k) - 1 and the
 * quantum memory n (the summary, also DIR/separation_summary.tsv). */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combin.h"
#include "comm.h"
#include "config.h"
#include "exact.h"
#include "models.h"
#include "nn.h"
#include "nn_train.h"
#include "opts.h"
#include "outfile.h"
#include "runner.h"
#include "score.h"
#include "state.h"
#include "suite.h"
#include "sys.h"

/* Columns: docs/formats.md. Key: the first 13. */
static const char header[] =
    "k,ell,n,d,bases,queries,model,size,layers,steps,batch,lr,seed,corr_length,params,memory_bits,"
    "excess_loss_bits,cross_entropy_bits,optimum_bits,tv,eval_sequences,train_seconds,eval_seconds,"
    "lower_bound_bits,quantum_bits,exact_bits,epsilon," HS_RUN_PROV_HEADER;
enum { NKEY = 13 };

static const char models_allowed[] = "lstm,gru,transformer,exact,presample,tableau,khrnn";

/* The built-in default is the small grid of the README's main command. */
static const hs_config_key keys[] = {
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
    {"models", HS_CFG_WORDS, 0, 0, models_allowed, models_allowed,
     "models (tableau runs for k = 2, d = 2 only)"},
    {"lstm_hidden", HS_CFG_INTS, 1, 65536, "4,8,16,32,64", NULL, "LSTM hidden sizes h (memory 2h floats)"},
    {"gru_hidden", HS_CFG_INTS, 1, 65536, "4,8,16,32,64", NULL, "GRU hidden sizes h (memory h floats)"},
    {"transformer_d_model", HS_CFG_INTS, 1, 65536, "8,16,32", NULL,
     "Transformer widths (memory 2 L d_model (ell+1) floats)"},
    {"transformer_layers", HS_CFG_INT, 1, 64, "1", NULL, "Transformer blocks L"},
    {"transformer_heads", HS_CFG_INT, 1, 1024, "2", NULL, "attention heads (dividing every width)"},
    {"steps", HS_CFG_INT, 1, 1e9, "3000", NULL, "training steps per trained configuration"},
    {"batch", HS_CFG_INT, 1, 65536, "32", NULL, "sequences per step"},
    {"lr_rnn", HS_CFG_DOUBLE, 1e-9, 10, "0.01", NULL, "peak learning rate of LSTM and GRU"},
    {"lr_transformer", HS_CFG_DOUBLE, 1e-9, 10, "0.001", NULL, "peak learning rate of the Transformer"},
    {"eval", HS_CFG_INT, 1, 1e8, "300", NULL, "held-out sequences scored per configuration"},
    {"epsilon", HS_CFG_DOUBLE, 0, 10, "0.01", NULL, "target excess loss, bits per output"},
    {"seed", HS_CFG_INTS, 0, 9e18, "1", NULL, "seeds (task and initialisation); each is a configuration"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char usage[] =
    "usage: hypersep suite separation [--config FILE] [--out DIR] [--resume] [--slice I/N]\n"
    "                                 [--threads T] [--print-config]\n"
    "Memory needed against correlation length (SPEC section 5). Trains LSTM, GRU and\n"
    "Transformer over ladders of sizes for every (k, ell) of the grid and scores them,\n"
    "the analytic models and the k-HRNN on held-out sequences; appends one row per\n"
    "configuration to DIR/separation.csv (columns: docs/formats.md), then prints the\n"
    "smallest memory reaching excess loss <= epsilon per (k, ell, model) as TSV on\n"
    "stdout and in DIR/separation_summary.tsv. Under mpirun the configurations are\n"
    "spread over the ranks.\n"
    "  --config FILE   grid and budgets (default: built in; see --print-config)\n"
    "  --out DIR       results directory (default results)\n"
    "  --resume        skip configurations already in DIR/separation.csv\n"
    "  --slice I/N     run only slice I of N of the grid (Slurm job arrays)\n"
    "  --threads T     BLAS/OpenMP threads per rank (default 1)\n"
    "  --print-config  print the effective configuration and exit\n";

typedef struct {
    int k, n, q, model, size, layers, steps, batch;
    long ell;
    uint64_t seed;
    double lr;
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

enum { M_LSTM, M_GRU, M_TF, M_EXACT, M_PRESAMPLE, M_TABLEAU, M_KHRNN, M_COUNT };
static const char *model_name[M_COUNT] = {"lstm", "gru", "transformer", "exact", "presample", "tableau", "khrnn"};

static int model_parse(const char *s)
{
    for (int i = 0; i < M_COUNT; i++)
        if (strcmp(s, model_name[i]) == 0)
            return i;
    return -1;
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
}

static hs_nn_hparams hparams(const hs_hsmt *t, const sep_conf *c)
{
    const double T = (double)t->ell + 1 + 2.0 * t->q;
    hs_nn_hparams hp = {.kind = c->model == M_LSTM ? HS_NN_LSTM : c->model == M_GRU ? HS_NN_GRU : HS_NN_TRANSFORMER,
                        .nout = t->d, .hidden = c->size, .embed = c->size, .d_model = c->size,
                        .layers = c->layers, .heads = 0, .max_t = (int)T};
    hp.vocab = (int)hs_hsmt_vocab(t);
    return hp;
}

static void add_conf(sep_ctx *x, sep_conf c)
{
    x->conf = hs_realloc(x->conf, (size_t)(x->nconf + 1) * sizeof *x->conf);
    x->conf[x->nconf++] = c;
}

/* Expands the configuration file into the list of configurations, checking
 * every task and model size before anything runs (exit 2 naming the key). */
static void build_grid(sep_ctx *x)
{
    const hs_config *cf = &x->cfg;
    long ks[HS_CONFIG_MAX_LIST], ells[HS_CONFIG_MAX_LIST], seeds[HS_CONFIG_MAX_LIST];
    long sizes[3][HS_CONFIG_MAX_LIST];
    char words[HS_CONFIG_MAX_LIST][32];
    const int nk = hs_config_ints(cf, "k", ks), nell = hs_config_ints(cf, "ell", ells);
    const int nseed = hs_config_ints(cf, "seed", seeds);
    int nsize[3] = {hs_config_ints(cf, "lstm_hidden", sizes[0]), hs_config_ints(cf, "gru_hidden", sizes[1]),
                    hs_config_ints(cf, "transformer_d_model", sizes[2])};
    const long fixed_n = hs_config_int(cf, "n"), q = hs_config_int(cf, "queries");
    const int layers = (int)hs_config_int(cf, "transformer_layers");
    const int heads = (int)hs_config_int(cf, "transformer_heads");
    x->d = (int)hs_config_int(cf, "d");
    x->eval = hs_config_int(cf, "eval");
    x->epsilon = hs_config_double(cf, "epsilon");

    int nb = hs_config_words(cf, "bases", words);
    x->nbases = 0;
    if (!(nb == 1 && strcmp(words[0], "default") == 0)) {
        if (nb > HS_MAX_BASES)
            hs_config_fail(cf, "bases", "%d bases (allowed at most %d)", nb, HS_MAX_BASES);
        for (int i = 0; i < nb; i++)
            if (hs_hsmt_basis_parse(words[i], x->d, &x->bases[i]) != 0)
                hs_config_fail(cf, "bases", "'%s' is not a basis for d = %d (allowed: Z, X, Y for d = 2; "
                               "Z or a chirp index 0..d-1 for d > 2)", words[i], x->d);
        x->nbases = nb;
    }
    int models[M_COUNT], nm = hs_config_words(cf, "models", words);
    for (int i = 0; i < nm; i++)
        models[i] = model_parse(words[i]);

    for (int a = 0; a < nk; a++)
        for (int b = 0; b < nell; b++)
            for (int s = 0; s < nseed; s++) {
                sep_conf c = {.k = (int)ks[a], .ell = ells[b], .seed = (uint64_t)seeds[s]};
                if (fixed_n > 0)
                    c.n = (int)fixed_n;
                else
                    for (c.n = c.k > 1 ? c.k : 1; (double)hs_comb_binom(c.n, c.k) < (double)c.ell; c.n++)
                        if (c.n >= HS_MAX_SITES)
                            hs_config_fail(cf, "ell", "%ld writes need more than %d sites at k = %d", c.ell,
                                           HS_MAX_SITES, c.k);
                if (fixed_n <= 0 && c.n > hs_config_int(cf, "max_n")) {
                    snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note),
                             "separation: k = %d, ell = %ld skipped: it needs n = %d > max_n = %ld\n", c.k, c.ell,
                             c.n, hs_config_int(cf, "max_n"));
                    continue;
                }
                c.q = q > 0 ? (int)q : c.n;
                hs_hsmt t;
                task(x, &c, &t);
                char err[512];
                if (hs_hsmt_validate(&t, err, sizeof err) != 0)
                    hs_config_fail(cf, c.k > c.n ? "k" : "queries", "k = %d, ell = %ld, n = %d: %s", c.k, c.ell,
                                   c.n, err);
                if (hs_state_check_fit(t.n, t.d, err, sizeof err) != 0)
                    hs_config_fail(cf, fixed_n > 0 ? "n" : "ell", "%s", err);
                if (x->nbases == 0) {
                    x->nbases = t.nbases;
                    memcpy(x->bases, t.bases, sizeof x->bases);
                }
                for (int m = 0; m < nm; m++) {
                    c.model = models[m];
                    c.size = c.layers = c.steps = c.batch = 0;
                    c.lr = 0;
                    if (c.model == M_TABLEAU && (c.k != 2 || x->d != 2))
                        continue;
                    if (c.model > M_TF) {
                        add_conf(x, c);
                        continue;
                    }
                    const int which = c.model;
                    c.layers = c.model == M_TF ? layers : 1;
                    c.steps = (int)hs_config_int(cf, "steps");
                    c.batch = (int)hs_config_int(cf, "batch");
                    c.lr = hs_config_double(cf, c.model == M_TF ? "lr_transformer" : "lr_rnn");
                    static const char *size_key[3] = {"lstm_hidden", "gru_hidden", "transformer_d_model"};
                    for (int z = 0; z < nsize[which]; z++) {
                        c.size = (int)sizes[which][z];
                        hs_nn_hparams hp = hparams(&t, &c);
                        hp.heads = heads;
                        if (hs_nn_hparams_check(&hp, err, sizeof err) != 0)
                            hs_config_fail(cf, c.model == M_TF ? "transformer_heads" : size_key[which], "%s",
                                           err);
                        add_conf(x, c);
                    }
                }
            }
    for (int i = 0; i < x->nbases; i++) {
        char b[16];
        snprintf(x->bases_text + strlen(x->bases_text), sizeof x->bases_text - strlen(x->bases_text), "%s%s",
                 i ? ";" : "", hs_hsmt_basis_name(x->bases[i], x->d, b, sizeof b));
    }
}

static void run_one(void *vctx, const hs_run_item *it, hs_run *run, char **rows, size_t *len)
{
    sep_ctx *x = vctx;
    const sep_conf *c = &x->conf[it->index];
    hs_hsmt t;
    task(x, c, &t);
    char err[512];
    if (hs_hsmt_validate(&t, err, sizeof err) != 0)
        hs_sys_fatal("grid task became invalid: %s", err);
    hs_score sc = {0};
    double train_s = 0, eval_s, mem;
    long params;
    double t0 = hs_sys_now();
    if (c->model <= M_TF) {
        hs_nn_hparams hp = hparams(&t, c);
        hp.heads = (int)hs_config_int(&x->cfg, "transformer_heads");
        hs_nn *net = hs_nn_new(&hp);
        hs_nn_init(net, c->seed);
        const hs_nntrain_opts to = {.steps = c->steps, .batch = c->batch, .lr = c->lr, .weight_decay = 0,
                                    .clip = 1, .progress = 0};
        hs_nntrain_result res;
        hs_nntrain_run(net, &t, &to, &res);
        train_s = res.seconds;
        t0 = hs_sys_now();
        hs_nntrain_eval(net, &t, HS_NNTRAIN_EVAL_FIRST, x->eval, c->batch, &sc);
        mem = hs_nn_memory_bits(&hp, t.ell);
        params = (long)net->nparams;
        hs_nn_free(net);
    } else {
        hs_model m;
        const hs_model_opts mo = {.params = c->model == M_KHRNN ? "exact" : NULL, .seed = c->seed};
        if (hs_models_open(model_name[c->model], &t, &mo, &m, err, sizeof err) != 0)
            hs_sys_fatal("%s: %s", model_name[c->model], err);
        hs_run_score_model(&t, &m, HS_NNTRAIN_EVAL_FIRST, x->eval, &sc);
        mem = m.memory_bits;
        params = m.params;
        hs_model_free(&m);
    }
    eval_s = hs_sys_now() - t0;
    const double o = (double)sc.outputs, log2d = log2((double)t.d);
    hs_run_cat(rows, len, "%s,%ld,%ld,%.6g,%.10g,%.10g,%.10g,%.10g,%ld,%.3f,%.3f,%.6g,%.6g,%.6g,%.6g,", it->key,
               t.ell + 2L * t.q, params, mem, sc.kl / o, sc.ce / o, sc.opt / o, sc.tv / o, x->eval, train_s,
               eval_s, ((double)t.M - 1) * log2d, t.n * log2d, hs_exact_memory_bits(&t), x->epsilon);
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
static void summary(const sep_ctx *x, const hs_run_opts *o, const hs_run_item *items)
{
    char path[4200];
    hs_run_csv_path(o, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        hs_sys_fatal("reading '%s' for the summary", path);
    /* best[i]: the row of configuration i (NULL: not in the file). */
    double *mem = hs_alloc((size_t)x->nconf * sizeof *mem), *exc = hs_alloc((size_t)x->nconf * sizeof *exc);
    for (int i = 0; i < x->nconf; i++)
        mem[i] = exc[i] = NAN;
    char line[8192];
    if (!fgets(line, sizeof line, f))
        hs_sys_fatal("'%s' has no header", path);
    while (fgets(line, sizeof line, f)) {
        char *fl[64];
        line[strcspn(line, "\n")] = '\0';
        if (split(line, fl, 64) < 17)
            continue;
        char key[256] = "";
        for (int j = 0; j < NKEY; j++)
            snprintf(key + strlen(key), sizeof key - strlen(key), "%s%s", j ? "," : "", fl[j]);
        for (int i = 0; i < x->nconf; i++)
            if (strcmp(items[i].key, key) == 0) {
                mem[i] = strtod(fl[15], NULL);
                exc[i] = strtod(fl[16], NULL);
            }
    }
    fclose(f);
    char spath[4200];
    snprintf(spath, sizeof spath, "%s/separation_summary.tsv", o->out);
    FILE *out = hs_out_open("suite separation", spath);
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
            if (o2->k != c->k || o2->ell != c->ell || o2->model != c->model)
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
        char err[256];
        hs_hsmt_validate(&t, err, sizeof err);
        const double log2d = log2((double)t.d);
        char buf[512], m[64] = "none", sz[32] = "", ex[32] = "";
        if (best >= 0) {
            snprintf(m, sizeof m, "%.6g", mem[best]);
            snprintf(sz, sizeof sz, "%d", x->conf[best].size);
            snprintf(ex, sizeof ex, "%.4g", exc[best]);
        }
        snprintf(buf, sizeof buf, "%d\t%ld\t%d\t%ld\t%s\t%s\t%s\t%s\t%.6g\t%.6g\t%.6g\n", c->k, c->ell, c->n,
                 c->ell + 2L * c->q, model_name[c->model], m, sz, ex, ((double)t.M - 1) * log2d, t.n * log2d,
                 hs_exact_memory_bits(&t));
        fputs(buf, out);
        fputs(buf, stdout);
    }
    hs_out_commit(out);
    fflush(stdout);
    hs_sys_free(mem);
    hs_sys_free(exc);
}

int hs_suite_separation(int argc, char **argv)
{
    sep_ctx x = {0};
    hs_run_cli cli;
    if (hs_run_parse("separation", usage, keys, 1, argc, argv, &cli, &x.cfg))
        return 0;
    build_grid(&x);
    openblas_set_num_threads(cli.threads);
    omp_set_num_threads(cli.threads);

    hs_run_item *items = hs_calloc((size_t)(x.nconf ? x.nconf : 1), sizeof *items);
    for (int i = 0; i < x.nconf; i++) {
        const sep_conf *c = &x.conf[i];
        hs_run_item *it = &items[i];
        it->index = i;
        snprintf(it->key, sizeof it->key, "%d,%ld,%d,%d,%s,%d,%s,%d,%d,%d,%d,%.6g,%llu", c->k, c->ell, c->n, x.d,
                 x.bases_text, c->q, model_name[c->model], c->size, c->layers, c->steps, c->batch, c->lr,
                 (unsigned long long)c->seed);
        char size[32] = "";
        if (c->size)
            snprintf(size, sizeof size, " size=%d", c->size);
        snprintf(it->label, sizeof it->label, "k=%d ell=%ld n=%d %s%s seed=%llu", c->k, c->ell, c->n,
                 model_name[c->model], size, (unsigned long long)c->seed);
        /* Work estimate: training and evaluation tokens times the
         * parameters they touch; analytic models by their d^n brute force. */
        const double T = (double)c->ell + 1 + 2.0 * c->q;
        hs_hsmt t;
        task(&x, c, &t);
        char err[256];
        hs_hsmt_validate(&t, err, sizeof err);
        if (c->model <= M_TF) {
            hs_nn_hparams hp = hparams(&t, c);
            hp.heads = (int)hs_config_int(&x.cfg, "transformer_heads");
            it->cost = (double)c->steps * c->batch * T * (double)hs_nn_nparams(&hp) * 3;
        } else {
            it->cost = (double)x.eval * T * pow((double)x.d, c->n) * 4;
        }
    }
    const hs_run_opts ro = {.suite = "separation", .header = header, .nkey = NKEY, .out = cli.out,
                            .slice = cli.slice, .resume = cli.resume, .threads = cli.threads,
                            .note = x.note};
    int rc = hs_run_grid(&ro, items, x.nconf, run_one, &x);
    if (rc == 0 && hs_comm_rank() == 0)
        summary(&x, &ro, items);
    hs_comm_barrier();
    hs_sys_free(items);
    hs_sys_free(x.conf);
    hs_config_free(&x.cfg);
    return rc;
}
