/* The model registry: the descriptors and their functions. */
#include "registry.h"

#include <math.h>
#include <string.h>

#include "ansatz.h"
#include "exact.h"
#include "khrnn.h"
#include "khrnn_grad.h"
#include "nn.h"
#include "nn_file.h"
#include "nn_model.h"
#include "nn_train.h"
#include "presample.h"
#include "state.h"
#include "sys.h"
#include "tableau.h"

const char *hs_model_class_name(hs_model_class c)
{
    return c == HS_MC_QUANTUM ? "quantum" : c == HS_MC_ANALYTIC ? "analytic" : "trained";
}

static double tokens(const hs_hsmt *t) { return (double)t->ell + 1 + 2.0 * t->q; }
static double dpow(const hs_hsmt *t) { return pow((double)t->d, t->n); }
static double qubits_bits(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return t->n * log2((double)t->d);
}
static double sites(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return t->n;
}
static double no_params(const hs_hsmt *t, const double *hp)
{
    (void)t;
    (void)hp;
    return 0;
}

/* Brute-force models: d^n amplitudes touched a few times per query. */
static double brute_cost(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return tokens(t) * dpow(t) * 4;
}

static int no_params_src(const char *name, const hs_model_src *src, char *err, size_t errlen)
{
    if (src && (src->params || src->load)) {
        snprintf(err, errlen, "--%s: model %s takes no parameters (omit --params and --load)",
                 src->params ? "params" : "load", name);
        return -1;
    }
    return 0;
}

/* ---- quantum models ---- */

/* The tangent simulator's memory per training thread: the state and one
 * tangent per parameter, (1 + P) 2^n amplitudes of 16 bytes. */
static int tangent_fit(const hs_hsmt *t, double P, int batch, char *err, size_t errlen)
{
    if (t->d != 2) {
        snprintf(err, errlen, "--d: %d; the trainable quantum models hold qubits (allowed: d = 2)", t->d);
        return -1;
    }
    const char *src;
    const double need = (1 + P) * pow(2.0, t->n) * 16 * (batch > 0 ? 2 : 1), avail = (double)hs_sys_mem_available(&src);
    if (need > avail) {
        char a[32], b[32];
        snprintf(err, errlen, "--n: the tangent simulator needs %s, %s is available (%s)",
                 hs_sys_fmt_bytes(need, a, sizeof a), hs_sys_fmt_bytes(avail, b, sizeof b), src);
        return -1;
    }
    return 0;
}

static double khrnn_nparams(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    hs_khrnn m;
    hs_khrnn_exact(&m, t);
    return (double)hs_khrnn_nparams(&m);
}

static int khrnn_check(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen)
{
    *bad = -1;
    if (hs_state_check_fit(t->n, t->d, err, errlen) != 0)
        return -1;
    return batch > 0 ? tangent_fit(t, khrnn_nparams(t, hp), batch, err, errlen) : 0;
}

static double khrnn_cost(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return tokens(t) * dpow(t) * 4;
}

static int khrnn_open(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err,
                      size_t errlen)
{
    (void)hp;
    if (src && src->load) {
        snprintf(err, errlen, "--load: model khrnn takes --params exact|random (omit --load)");
        return -1;
    }
    if (hs_state_check_fit(t->n, t->d, err, errlen) != 0)
        return -1;
    return hs_khrnn_open(t, src && src->params ? src->params : "exact", src ? src->seed : 1, m, err, errlen);
}

static int khrnn_trainable(const hs_hsmt *t, const double *hp, uint64_t seed, hs_trainable *tr, char *err,
                           size_t errlen)
{
    (void)hp;
    return hs_khrnn_trainable(t, seed, tr, err, errlen);
}

static double ansatz_nparams(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return 2.0 * t->k + 3.0 * t->nbases;
}

static int ansatz_check(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen)
{
    *bad = -1;
    return tangent_fit(t, ansatz_nparams(t, hp), batch, err, errlen);
}

/* Every write cell of the ansatz touches the whole state. */
static double ansatz_cost(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return ((double)t->ell * t->k + 2.0 * t->q) * dpow(t) * 4;
}

/* A trainable scored one sequence at a time: the hs_model of a trainable. */
static int tr_predict(void *ctx, const hs_hsmt *cfg, const hs_seq *s, double *r, char *err, size_t errlen)
{
    hs_trainable *tr = ctx;
    return tr->predict(tr->ctx, cfg, s, 1, r, err, errlen);
}

static void tr_free(void *ctx)
{
    hs_trainable_free(ctx);
    hs_sys_free(ctx);
}

static int ansatz_open(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err,
                       size_t errlen)
{
    if (src && ((src->params && strcmp(src->params, "random") != 0) || src->load)) {
        snprintf(err, errlen, "--params: the ansatz has no exact parameters (allowed: --params random)");
        return -1;
    }
    if (tangent_fit(t, ansatz_nparams(t, hp), 0, err, errlen) != 0)
        return -1;
    hs_trainable *tr = hs_alloc(sizeof *tr);
    if (hs_ansatz_trainable(t, src ? src->seed : 1, tr, err, errlen) != 0) {
        hs_sys_free(tr);
        return -1;
    }
    *m = (hs_model){.name = "ansatz", .ctx = tr, .predict = tr_predict, .free = tr_free,
                    .memory_bits = qubits_bits(t, hp), .params = (long)ansatz_nparams(t, hp)};
    return 0;
}

static int ansatz_trainable(const hs_hsmt *t, const double *hp, uint64_t seed, hs_trainable *tr, char *err,
                            size_t errlen)
{
    (void)hp;
    return hs_ansatz_trainable(t, seed, tr, err, errlen);
}

/* ---- analytic classical models ---- */

static int exact_check(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen)
{
    (void)hp;
    (void)batch;
    *bad = -1;
    return hs_exact_check_fit("exact", t->n, t->d, 16, err, errlen);
}
static double exact_bits(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return hs_exact_memory_bits(t);
}
static double exact_state(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return (double)t->M;
}
static int exact_open(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err,
                      size_t errlen)
{
    (void)hp;
    return no_params_src("exact", src, err, errlen) ? -1 : hs_exact_open(t, m, err, errlen);
}

static int presample_check(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen)
{
    (void)hp;
    (void)batch;
    *bad = -1;
    return hs_exact_check_fit("presample", t->n, t->d, 24, err, errlen);
}
static double presample_bits(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return hs_presample_memory_bits(t);
}
static double presample_state(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return (double)t->n * t->nbases;
}
static int presample_open(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err,
                          size_t errlen)
{
    (void)hp;
    return no_params_src("presample", src, err, errlen) ? -1 : hs_presample_open(t, m, err, errlen);
}

static int tableau_check(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen)
{
    (void)hp;
    (void)batch;
    *bad = -1;
    if (t->k != 2 || t->d != 2) {
        snprintf(err, errlen, "model tableau needs k=2 and d=2 (a graph state), got k=%d d=%d; use exact or "
                 "presample", t->k, t->d);
        return -1;
    }
    return 0;
}
static double tableau_bits(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return hs_tableau_memory_bits(t);
}
/* Updates of 2n + 1 rows of n-bit words per query. */
static double tableau_cost(const hs_hsmt *t, const double *hp)
{
    (void)hp;
    return tokens(t) * (2.0 * t->n + 1) * t->n;
}
static int tableau_open(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err,
                        size_t errlen)
{
    (void)hp;
    return no_params_src("tableau", src, err, errlen) ? -1 : hs_tableau_open(t, m, err, errlen);
}

/* ---- trained classical models ---- */

/* The network hyperparameters of values hp for task t. Recurrent models:
 * hp = {hidden, embed (0: = hidden), quant_bits}; the Transformer:
 * {d_model, layers, heads, quant_bits}. max_t is the task's sequence
 * length. */
static hs_nn_hparams nn_hparams(int kind, const hs_hsmt *t, const double *hp)
{
    const double T = tokens(t);
    const uint64_t vocab = hs_hsmt_vocab(t);
    hs_nn_hparams h = {.kind = kind, .nout = t->d, .vocab = vocab > (1u << 30) ? -1 : (int)vocab,
                       .max_t = T > (1 << 20) ? -1 : (int)T};
    if (kind == HS_NN_TRANSFORMER) {
        h.d_model = (int)hp[0];
        h.layers = (int)hp[1];
        h.heads = (int)hp[2];
        h.quant_bits = (int)hp[3];
    } else {
        h.hidden = (int)hp[0];
        h.embed = hp[1] > 0 ? (int)hp[1] : h.hidden;
        h.quant_bits = (int)hp[2];
    }
    return h;
}

static int nn_check(int kind, const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen)
{
    const hs_nn_hparams h = nn_hparams(kind, t, hp);
    const int f = hs_nn_hparams_bad(&h);
    *bad = f == HS_NN_F_HIDDEN || f == HS_NN_F_DMODEL ? 0 : f == HS_NN_F_EMBED || f == HS_NN_F_LAYERS ? 1
           : f == HS_NN_F_HEADS ? 2 : f == HS_NN_F_QUANT ? (kind == HS_NN_TRANSFORMER ? 3 : 2) : -1;
    if (hs_nn_hparams_check(&h, err, errlen) != 0)
        return -1;
    /* Training: parameters, gradients, optimiser state and a batch's
     * activations; scoring: one sequence's activations. */
    const double need = batch > 0 ? hs_nntrain_bytes(&h, t, batch)
                                  : 2.0 * (double)hs_nn_nparams(&h) * sizeof(hs_real) +
                                        hs_nn_ws_bytes(&h, 1, (int)tokens(t), t->q);
    const char *src;
    const double avail = (double)hs_sys_mem_available(&src);
    if (need > avail) {
        char a[32], b[32];
        *bad = 0;
        snprintf(err, errlen, "--batch/--ell/model size: %s needs %s (parameters, optimiser state, activations), "
                 "%s is available (%s)", batch > 0 ? "training" : "scoring", hs_sys_fmt_bytes(need, a, sizeof a),
                 hs_sys_fmt_bytes(avail, b, sizeof b), src);
        return -1;
    }
    return 0;
}

static double nn_state(int kind, const hs_hsmt *t, const double *hp)
{
    const hs_nn_hparams h = nn_hparams(kind, t, hp);
    return hs_nn_state_dim(&h, t->ell);
}

static double nn_bits(int kind, const hs_hsmt *t, const double *hp)
{
    const hs_nn_hparams h = nn_hparams(kind, t, hp);
    return hs_nn_memory_bits(&h, t->ell);
}

/* The Transformer's width over its layers, L d_model. */
static double transformer_width(const hs_hsmt *t, const double *hp)
{
    (void)t;
    return hp[0] * hp[1];
}

static double nn_nparams(int kind, const hs_hsmt *t, const double *hp)
{
    const hs_nn_hparams h = nn_hparams(kind, t, hp);
    return (double)hs_nn_nparams(&h);
}

static int nn_open(const char *name, const hs_hsmt *t, const hs_model_src *src, hs_model *m, char *err,
                   size_t errlen)
{
    if (src && src->params) {
        snprintf(err, errlen, "--params: model %s takes its parameters from --load FILE (omit --params)", name);
        return -1;
    }
    return hs_nnmodel_open(name, src ? src->load : NULL, t, m, err, errlen);
}

static int nn_trainable(int kind, const hs_hsmt *t, const double *hp, uint64_t seed, hs_trainable *tr)
{
    const hs_nn_hparams h = nn_hparams(kind, t, hp);
    hs_nn *net = hs_nn_new(&h);
    hs_nn_init(net, seed);
    hs_nntrain_trainable(net, tr);
    return 0;
}

/* The three network kinds share the functions above through these. */
#define NN_FUNCS(pre, KIND)                                                                                   \
    static int pre##_check(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen) \
    {                                                                                                         \
        return nn_check(KIND, t, hp, batch, bad, err, errlen);                                                \
    }                                                                                                         \
    static double pre##_state(const hs_hsmt *t, const double *hp) { return nn_state(KIND, t, hp); }           \
    static double pre##_bits(const hs_hsmt *t, const double *hp) { return nn_bits(KIND, t, hp); }             \
    static double pre##_nparams(const hs_hsmt *t, const double *hp) { return nn_nparams(KIND, t, hp); }       \
    static double pre##_cost(const hs_hsmt *t, const double *hp) { return 3 * tokens(t) * nn_nparams(KIND, t, hp); } \
    static int pre##_open(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err, \
                          size_t errlen)                                                                      \
    {                                                                                                         \
        (void)hp;                                                                                             \
        return nn_open(#pre, t, src, m, err, errlen);                                                         \
    }                                                                                                         \
    static int pre##_trainable(const hs_hsmt *t, const double *hp, uint64_t seed, hs_trainable *tr, char *err, \
                               size_t errlen)                                                                 \
    {                                                                                                         \
        (void)err;                                                                                            \
        (void)errlen;                                                                                         \
        return nn_trainable(KIND, t, hp, seed, tr);                                                           \
    }
NN_FUNCS(lstm, HS_NN_LSTM)
NN_FUNCS(gru, HS_NN_GRU)
NN_FUNCS(transformer, HS_NN_TRANSFORMER)

static size_t nn_file_bytes(const hs_trainable *tr) { return hs_nnfile_bytes(hs_nntrain_net(tr)); }
static int nn_write(const hs_trainable *tr, const hs_hsmt *t, uint64_t steps, FILE *f)
{
    return hs_nnfile_write(f, hs_nntrain_net(tr), t, steps);
}

#define QUANT_HP                                                                                              \
    {"quant_bits", "b", 0, HS_NN_QUANT_MAX, 0, -1, 1, NULL,                                                  \
     "bits per state unit at the context boundary, straight-through (0: float, 32 bits)"}
#define RNN_HP(ladder)                                                                                       \
    {{"hidden", "h", 1, 65536, 64, -1, 0, ladder, "hidden size h"},                                          \
     {"embed", "embed", 1, 65536, 0, 0, 0, NULL, "token embedding width (default: = hidden)"}, QUANT_HP}
#define RNN_TRAIN {.lr = 0.01, .lr_floor = 0.1, .clip = 1, .warmup = HS_TRAIN_WARMUP_AUTO, .batch = 32, \
                   .curriculum = 0, .loss = HS_LOSS_CE}

static const hs_model_desc models[] = {
    {.name = "lstm", .cls = HS_MC_TRAINED, .help = "LSTM", .color = "#1f77b4", .memory = "2 h x 32 (x b quantised)",
     .state = "2 h", .nhp = 3, .hp = RNN_HP("4,8,16,32,64"), .size_hp = 0, .trainable_model = 1,
     .train = RNN_TRAIN, .check = lstm_check, .memory_bits = lstm_bits, .state_dim = lstm_state,
     .nparams = lstm_nparams, .cost = lstm_cost, .open = lstm_open, .trainable = lstm_trainable,
     .file_bytes = nn_file_bytes, .write = nn_write},
    {.name = "gru", .cls = HS_MC_TRAINED, .help = "GRU", .color = "#ff7f0e", .memory = "h x 32 (x b quantised)",
     .state = "h",
     .nhp = 3, .hp = RNN_HP("4,8,16,32,64"), .size_hp = 0, .trainable_model = 1, .train = RNN_TRAIN,
     .check = gru_check, .memory_bits = gru_bits, .state_dim = gru_state, .nparams = gru_nparams,
     .cost = gru_cost, .open = gru_open, .trainable = gru_trainable,
     .file_bytes = nn_file_bytes, .write = nn_write},
    {.name = "transformer", .cls = HS_MC_TRAINED, .help = "decoder-only Transformer, learned positions",
     .color = "#2ca02c", .memory = "2 L d_model (ell + 1) x 32 (x b quantised; KV cache)",
     .state = "2 L d_model (ell + 1); alt L d_model",
     .nhp = 4,
     .hp = {{"d_model", "d_model", 1, 65536, 64, -1, 0, "8,16,32", "width d_model"},
            {"layers", "L", 1, 256, 2, -1, 0, NULL, "blocks L"},
            {"heads", "heads", 1, 65536, 4, -1, 0, NULL, "attention heads, dividing d_model"}, QUANT_HP},
     .size_hp = 0, .trainable_model = 1,
     .train = {.lr = 0.001, .lr_floor = 0.1, .clip = 1, .warmup = HS_TRAIN_WARMUP_AUTO, .batch = 32,
               .curriculum = 0, .loss = HS_LOSS_CE},
     .check = transformer_check, .memory_bits = transformer_bits, .state_dim = transformer_state,
     .alt_state_dim = transformer_width,
     .nparams = transformer_nparams, .cost = transformer_cost, .open = transformer_open,
     .trainable = transformer_trainable, .file_bytes = nn_file_bytes, .write = nn_write},
    {.name = "exact", .cls = HS_MC_ANALYTIC, .help = "brute force over d^n amplitudes: the classical upper bound",
     .color = "#d62728", .memory = "min(M log2 d, ell log2 M)", .state = "M weights", .size_hp = -1, .fixed = 1,
     .check = exact_check, .memory_bits = exact_bits, .state_dim = exact_state, .nparams = no_params,
     .cost = brute_cost, .open = exact_open},
    {.name = "presample", .cls = HS_MC_ANALYTIC, .help = "noncontextual: outcomes fixed per site and basis",
     .color = "#8c564b", .memory = "n |B| ceil(log2 d)", .state = "n |B| outcomes", .size_hp = -1, .fixed = 1,
     .check = presample_check, .memory_bits = presample_bits, .state_dim = presample_state,
     .nparams = no_params, .cost = brute_cost, .open = presample_open},
    {.name = "tableau", .cls = HS_MC_ANALYTIC, .help = "stabilizer tableau of the graph state (k = 2, d = 2)",
     .color = "#e377c2", .memory = "2n (2n + 1)", .state = "2n (2n + 1) bits", .size_hp = -1, .fixed = 1,
     .check = tableau_check, .memory_bits = tableau_bits, .state_dim = tableau_bits, .nparams = no_params,
     .cost = tableau_cost, .open = tableau_open},
    {.name = "khrnn", .cls = HS_MC_QUANTUM, .help = "the k-HRNN: hypergraph-state recurrent network",
     .color = "#9467bd", .memory = "n log2 d (qubits)", .state = "n sites", .size_hp = -1, .fixed = 1,
     .trainable_model = 1,
     .train = {.lr = 0.05, .lr_floor = 0.01, .clip = 0, .warmup = 0, .batch = 16, .curriculum = 1,
               .loss = HS_LOSS_NLL, .stage_lr_sqrt = 1},
     .check = khrnn_check, .memory_bits = qubits_bits, .state_dim = sites, .nparams = khrnn_nparams,
     .cost = khrnn_cost, .open = khrnn_open, .trainable = khrnn_trainable},
    {.name = "ansatz", .cls = HS_MC_QUANTUM, .help = "generic layered ansatz (Ry/Rz + CZ ladder write cells)",
     .color = "#7f7f7f", .memory = "n log2 d (qubits)", .state = "n sites", .size_hp = -1, .fixed = 0,
     .trainable_model = 1,
     .train = {.lr = 0.05, .lr_floor = 0.01, .clip = 0, .warmup = 0, .batch = 16, .curriculum = 1,
               .loss = HS_LOSS_NLL, .stage_lr_sqrt = 1},
     .check = ansatz_check, .memory_bits = qubits_bits, .state_dim = sites, .nparams = ansatz_nparams,
     .cost = ansatz_cost, .open = ansatz_open, .trainable = ansatz_trainable},
};

enum { NMODELS = sizeof models / sizeof models[0] };

int hs_models_count(void) { return NMODELS; }
const hs_model_desc *hs_models_at(int i) { return i >= 0 && i < NMODELS ? &models[i] : NULL; }

const hs_model_desc *hs_models_find(const char *name)
{
    for (int i = 0; i < NMODELS; i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}

int hs_models_is_trainable(const hs_model_desc *m) { return m->trainable_model; }

void hs_models_names(char *buf, size_t len, int (*filter)(const hs_model_desc *))
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < NMODELS && used < len; i++)
        if (!filter || filter(&models[i]))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", models[i].name);
}

void hs_models_defaults(const hs_model_desc *m, double *hp)
{
    for (int i = 0; i < m->nhp; i++)
        hp[i] = m->hp[i].def;
}

void hs_models_resolve(const hs_model_desc *m, double *hp)
{
    for (int i = 0; i < m->nhp; i++)
        if (hp[i] == 0 && m->hp[i].same_as >= 0)
            hp[i] = hp[m->hp[i].same_as];
}

hs_train_opts hs_models_train_opts(const hs_model_desc *m)
{
    const hs_train_defaults *d = &m->train;
    return (hs_train_opts){.batch = d->batch, .lr = d->lr, .warmup = d->warmup, .lr_floor = d->lr_floor,
                           .clip = d->clip, .loss = d->loss, .curriculum = d->curriculum,
                           .stage_lr_sqrt = d->stage_lr_sqrt, .eval = 1, .every = -1};
}

void hs_models_size_label(const hs_model_desc *m, const double *hp, char *buf, size_t len)
{
    if (m->size_hp < 0)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%s=%.0f", m->hp[m->size_hp].label, hp[m->size_hp]);
}

void hs_models_option(const hs_hparam *h, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", h->name);
    for (char *p = buf + 2; *p; p++)
        if (*p == '_')
            *p = '-';
}

void hs_models_print(FILE *out)
{
    fputs("model\tclass\ttrainable\tfixed\tcolor\tsize\tsize_label\thyperparameters\tmemory_bits\tstate_dim\t"
          "description\n", out);
    for (int i = 0; i < NMODELS; i++) {
        const hs_model_desc *m = &models[i];
        char hp[512] = "";
        size_t used = 0;
        for (int j = 0; j < m->nhp; j++) {
            const hs_hparam *h = &m->hp[j];
            char def[48];
            if (h->same_as >= 0)
                snprintf(def, sizeof def, "%s", m->hp[h->same_as].name);
            else
                snprintf(def, sizeof def, "%.15g", h->def);
            used += (size_t)snprintf(hp + used, sizeof hp - used, "%s%s=%s (%.15g..%.15g)", j ? "; " : "", h->name,
                                     def, h->min, h->max);
        }
        const hs_hparam *size = m->size_hp >= 0 ? &m->hp[m->size_hp] : NULL;
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m->name, hs_model_class_name(m->cls),
                m->trainable_model ? "yes" : "no", m->fixed ? "yes" : "no", m->color, size ? size->name : "-",
                size ? size->label : "-", used ? hp : "-", m->memory, m->state, m->help);
    }
}
