/* Trained classical models: hyperparameters, tensor tables, slabs, memory
 * accounting and dispatch to the recurrent and Transformer implementations. */
#include "nn.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "rnn.h"
#include "sys.h"
#include "transformer.h"

void hs_nn_tensor_push(hs_nn_tensor *t, int *count, size_t *off, const char *name, size_t rows,
                       size_t cols, int init, double scale)
{
    if (t) {
        hs_nn_tensor *x = &t[*count];
        memset(x, 0, sizeof *x);
        snprintf(x->name, sizeof x->name, "%s", name);
        x->off = *off;
        x->rows = rows;
        x->cols = cols;
        x->init = init;
        x->scale = scale;
    }
    *off += rows * cols;
    (*count)++;
}

const char *hs_nn_kind_name(int kind)
{
    switch (kind) {
    case HS_NN_LSTM:
        return "lstm";
    case HS_NN_GRU:
        return "gru";
    case HS_NN_TRANSFORMER:
        return "transformer";
    default:
        return "unknown";
    }
}

int hs_nn_kind_parse(const char *name)
{
    for (int k = HS_NN_LSTM; k <= HS_NN_TRANSFORMER; k++)
        if (strcmp(name, hs_nn_kind_name(k)) == 0)
            return k;
    return -1;
}

/* Sizes beyond these overflow int indexing of the batch arrays long before
 * they would fit in memory. */
#define MAX_WIDTH 65536
#define MAX_VOCAB (1 << 24)

int hs_nn_hparams_bad(const hs_nn_hparams *hp)
{
    if (hp->kind < HS_NN_LSTM || hp->kind > HS_NN_TRANSFORMER)
        return HS_NN_F_KIND;
    if (hp->vocab < 1 || hp->vocab > MAX_VOCAB)
        return HS_NN_F_VOCAB;
    if (hp->nout < 2 || hp->nout > 64)
        return HS_NN_F_NOUT;
    if (hp->quant_bits < 0 || hp->quant_bits > HS_NN_QUANT_MAX)
        return HS_NN_F_QUANT;
    if (hp->kind != HS_NN_TRANSFORMER)
        return hp->hidden < 1 || hp->hidden > MAX_WIDTH ? HS_NN_F_HIDDEN
               : hp->embed < 1 || hp->embed > MAX_WIDTH ? HS_NN_F_EMBED
                                                        : HS_NN_F_NONE;
    if (hp->d_model < 1 || hp->d_model > MAX_WIDTH)
        return HS_NN_F_DMODEL;
    if (hp->layers < 1 || hp->layers > 256)
        return HS_NN_F_LAYERS;
    if (hp->heads < 1 || hp->heads > hp->d_model || hp->d_model % hp->heads != 0)
        return HS_NN_F_HEADS;
    if (hp->max_t < 1 || hp->max_t > (1 << 20))
        return HS_NN_F_MAXT;
    return HS_NN_F_NONE;
}

int hs_nn_hparams_check(const hs_nn_hparams *hp, char *err, size_t errlen)
{
    switch (hs_nn_hparams_bad(hp)) {
    case HS_NN_F_NONE:
        return 0;
    case HS_NN_F_KIND:
        snprintf(err, errlen, "--model: kind %d is not a trained model (allowed: lstm, gru, transformer)", hp->kind);
        break;
    case HS_NN_F_VOCAB:
        snprintf(err, errlen, "--n/--k: a vocabulary of %d tokens is not supported (allowed 1..%d)", hp->vocab,
                 MAX_VOCAB);
        break;
    case HS_NN_F_NOUT:
        snprintf(err, errlen, "--d: %d outcome tokens is out of range (allowed 2..64)", hp->nout);
        break;
    case HS_NN_F_HIDDEN:
        snprintf(err, errlen, "--hidden: %d is out of range (allowed 1..%d)", hp->hidden, MAX_WIDTH);
        break;
    case HS_NN_F_EMBED:
        snprintf(err, errlen, "--embed: %d is out of range (allowed 1..%d)", hp->embed, MAX_WIDTH);
        break;
    case HS_NN_F_DMODEL:
        snprintf(err, errlen, "--d-model: %d is out of range (allowed 1..%d)", hp->d_model, MAX_WIDTH);
        break;
    case HS_NN_F_LAYERS:
        snprintf(err, errlen, "--layers: %d is out of range (allowed 1..256)", hp->layers);
        break;
    case HS_NN_F_QUANT:
        snprintf(err, errlen, "--quant-bits: %d is out of range (allowed 0..%d; 0: float)", hp->quant_bits,
                 HS_NN_QUANT_MAX);
        break;
    case HS_NN_F_HEADS:
        snprintf(err, errlen, "--heads: %d does not divide --d-model %d (allowed: a divisor of d_model)", hp->heads,
                 hp->d_model);
        break;
    default:
        snprintf(err, errlen, "--ell: sequences of %d tokens are out of range for a Transformer (allowed 1..%d)",
                 hp->max_t, 1 << 20);
        break;
    }
    return -1;
}

int hs_nn_ntensors(const hs_nn_hparams *hp)
{
    return hp->kind == HS_NN_TRANSFORMER ? hs_transformer_tensors(hp, NULL) : hs_rnn_tensors(hp, NULL);
}

void hs_nn_tensor_table(const hs_nn_hparams *hp, hs_nn_tensor *t)
{
    if (hp->kind == HS_NN_TRANSFORMER)
        hs_transformer_tensors(hp, t);
    else
        hs_rnn_tensors(hp, t);
}

size_t hs_nn_nparams(const hs_nn_hparams *hp)
{
    int n = hs_nn_ntensors(hp);
    hs_nn_tensor *t = hs_alloc((size_t)n * sizeof *t);
    hs_nn_tensor_table(hp, t);
    size_t total = t[n - 1].off + t[n - 1].rows * t[n - 1].cols;
    hs_sys_free(t);
    return total;
}

double hs_nn_state_dim(const hs_nn_hparams *hp, long ell)
{
    switch (hp->kind) {
    case HS_NN_LSTM:
        return 2.0 * hp->hidden;
    case HS_NN_GRU:
        return hp->hidden;
    default:
        return 2.0 * hp->layers * (double)hp->d_model * (double)(ell + 1);
    }
}

double hs_nn_memory_bits(const hs_nn_hparams *hp, long ell)
{
    return (hp->quant_bits ? hp->quant_bits : 32.0) * hs_nn_state_dim(hp, ell);
}

hs_nn *hs_nn_new(const hs_nn_hparams *hp)
{
    hs_nn *net = hs_calloc(1, sizeof *net);
    net->hp = *hp;
    net->ntensors = hs_nn_ntensors(hp);
    net->tensors = hs_alloc((size_t)net->ntensors * sizeof *net->tensors);
    hs_nn_tensor_table(hp, net->tensors);
    const hs_nn_tensor *last = &net->tensors[net->ntensors - 1];
    net->nparams = last->off + last->rows * last->cols;
    net->params = hs_calloc(net->nparams, sizeof *net->params);
    net->grads = hs_calloc(net->nparams, sizeof *net->grads);
    return net;
}

void hs_nn_free(hs_nn *net)
{
    if (!net)
        return;
    hs_sys_free(net->params);
    hs_sys_free(net->grads);
    hs_sys_free(net->tensors);
    hs_sys_free(net);
}

void hs_nn_init(hs_nn *net, uint64_t seed)
{
    hs_rng rng;
    hs_rng_init(&rng, seed, 0, HS_RNG_PARAMS);
    for (int i = 0; i < net->ntensors; i++) {
        const hs_nn_tensor *t = &net->tensors[i];
        hs_real *p = net->params + t->off;
        const size_t n = t->rows * t->cols;
        for (size_t j = 0; j < n; j++) {
            double v;
            switch (t->init) {
            case HS_NN_INIT_ZERO:
                v = 0;
                break;
            case HS_NN_INIT_ONE:
                v = 1;
                break;
            case HS_NN_INIT_UNIFORM:
                v = t->scale * (2 * hs_rng_uniform(&rng) - 1);
                break;
            default: {
                /* Box-Muller; 1 - u lies in (0, 1], so the logarithm is finite. */
                double u1 = 1 - hs_rng_uniform(&rng), u2 = hs_rng_uniform(&rng);
                v = t->scale * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
                break;
            }
            }
            p[j] = (hs_real)v;
        }
    }
    if (net->hp.kind == HS_NN_LSTM)
        hs_rnn_init_forget(&net->hp, net->params);
}

void hs_nn_zero_grad(hs_nn *net) { memset(net->grads, 0, net->nparams * sizeof *net->grads); }

const hs_nn_tensor *hs_nn_find(const hs_nn *net, const char *name)
{
    for (int i = 0; i < net->ntensors; i++)
        if (strcmp(net->tensors[i].name, name) == 0)
            return &net->tensors[i];
    return NULL;
}

struct hs_nn_ws {
    int kind, B, T;
    hs_rnn_ws *rnn;
    hs_transformer_ws *tf;
};

hs_nn_ws *hs_nn_ws_new(const hs_nn *net, int B, int T, const int *pos, int npos)
{
    /* Batch arrays are indexed by int rows of B T (callers check memory
     * first, which bounds B T far below this). */
    assert(B >= 1 && T >= 1 && npos >= 1 && (double)B * T * 4 < 2147483647.0);
    for (int j = 0; j < npos; j++)
        assert(pos[j] >= 0 && pos[j] < T && (j == 0 || pos[j] > pos[j - 1]));
    hs_nn_ws *ws = hs_calloc(1, sizeof *ws);
    ws->kind = net->hp.kind;
    ws->B = B;
    ws->T = T;
    if (ws->kind == HS_NN_TRANSFORMER) {
        assert(T <= net->hp.max_t);
        ws->tf = hs_transformer_ws_new(&net->hp, B, T, pos, npos);
    } else
        ws->rnn = hs_rnn_ws_new(&net->hp, B, T, pos, npos);
    return ws;
}

void hs_nn_ws_free(hs_nn_ws *ws)
{
    if (!ws)
        return;
    hs_rnn_ws_free(ws->rnn);
    hs_transformer_ws_free(ws->tf);
    hs_sys_free(ws);
}

int hs_nn_ws_tokens(const hs_nn_ws *ws) { return ws->T; }

double hs_nn_ws_bytes(const hs_nn_hparams *hp, int B, int T, int npos)
{
    return hp->kind == HS_NN_TRANSFORMER ? hs_transformer_ws_bytes(hp, B, T, npos)
                                         : hs_rnn_ws_bytes(hp, B, T, npos);
}

void hs_nn_forward(const hs_nn *net, hs_nn_ws *ws, const uint32_t *tok, int B, hs_real *logits)
{
    assert(ws->kind == net->hp.kind && B >= 1 && B <= ws->B);
    for (size_t i = 0; i < (size_t)B * ws->T; i++)
        assert(tok[i] < (uint32_t)net->hp.vocab);
    if (ws->tf)
        hs_transformer_forward(&net->hp, net->params, ws->tf, tok, B, logits);
    else
        hs_rnn_forward(&net->hp, net->params, ws->rnn, tok, B, logits);
}

int hs_nn_boundary_state(const hs_nn *net, const hs_nn_ws *ws, int b, hs_real *out)
{
    return ws->tf ? hs_transformer_boundary_state(&net->hp, ws->tf, b, out)
                  : hs_rnn_boundary_state(&net->hp, ws->rnn, b, out);
}

void hs_nn_backward(hs_nn *net, hs_nn_ws *ws, const hs_real *dlogits)
{
    assert(ws->kind == net->hp.kind);
    if (ws->tf)
        hs_transformer_backward(&net->hp, net->params, net->grads, ws->tf, dlogits);
    else
        hs_rnn_backward(&net->hp, net->params, net->grads, ws->rnn, dlogits);
}
