/* Classical models as trainables: token batches, forward/backward, hard and
 * soft cross-entropy, float <-> double parameter vectors. */
#include "nn_train.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "nn_model.h"
#include "nn_ops.h"
#include "sys.h"

/* Sequences per forward pass when predicting (held-out scores). */
#define PREDICT_CHUNK 64

typedef struct {
    hs_nn *net;
    hs_nn_ws *ws;    /* activations for up to B sequences of T tokens, q queries */
    int B, T, q;
    uint32_t *tok;   /* [B T] */
    int *target;     /* [B q] */
    double *p;       /* [B q d] */
    hs_real *logits, *probs, *dlogits; /* [B q d] */
} nn_tr;

double hs_nntrain_bytes(const hs_nn_hparams *hp, const hs_hsmt *cfg, int batch)
{
    const double P = (double)hs_nn_nparams(hp), T = (double)(cfg->ell + 1 + 2L * cfg->q);
    return P * (2.0 * sizeof(hs_real) + 4.0 * sizeof(double)) +
           hs_nn_ws_bytes(hp, batch, (int)T, cfg->q) + (double)batch * T * 8;
}

static void free_buffers(nn_tr *c)
{
    hs_nn_ws_free(c->ws);
    hs_sys_free(c->tok);
    hs_sys_free(c->target);
    hs_sys_free(c->p);
    hs_sys_free(c->logits);
    hs_sys_free(c->probs);
    hs_sys_free(c->dlogits);
}

/* Activations and buffers for batches of up to B sequences of T tokens and
 * q queries (kept when they already fit). */
static void ensure(nn_tr *c, int B, int T, int q, int d)
{
    if (c->ws && B <= c->B && T == c->T && q == c->q)
        return;
    free_buffers(c);
    int *pos = hs_alloc((size_t)q * sizeof *pos);
    const hs_seq shape = {.ell = T - 1 - 2L * q, .q = q};
    for (int t = 0; t < q; t++)
        pos[t] = (int)hs_hsmt_query_pos(&shape, t);
    c->ws = hs_nn_ws_new(c->net, B, T, pos, q);
    hs_sys_free(pos);
    c->B = B;
    c->T = T;
    c->q = q;
    const size_t N = (size_t)B * q;
    c->tok = hs_alloc((size_t)B * T * sizeof *c->tok);
    c->target = hs_alloc(N * sizeof *c->target);
    c->p = hs_alloc(N * d * sizeof *c->p);
    c->logits = hs_alloc(N * d * sizeof *c->logits);
    c->probs = hs_alloc(N * d * sizeof *c->probs);
    c->dlogits = hs_alloc(N * d * sizeof *c->dlogits);
}

/* Rows 0 .. count - 1 of the batch buffers from seqs. */
static void fill(nn_tr *c, const hs_hsmt *t, const hs_seq *seqs, long count)
{
    const int T = (int)(t->ell + 1 + 2L * t->q), q = t->q, d = t->d;
    ensure(c, (int)count, T, q, d);
    for (long i = 0; i < count; i++) {
        assert(hs_hsmt_seq_tokens(&seqs[i]) == (size_t)T && seqs[i].q == q);
        hs_hsmt_tokens(t, &seqs[i], c->tok + (size_t)i * T);
        memcpy(c->target + (size_t)i * q, seqs[i].outcomes, (size_t)q * sizeof *c->target);
        memcpy(c->p + (size_t)i * q * d, seqs[i].probs, (size_t)q * d * sizeof *c->p);
    }
}

static void get(void *ctx, double *x)
{
    const hs_nn *net = ((nn_tr *)ctx)->net;
    for (size_t i = 0; i < net->nparams; i++)
        x[i] = (double)net->params[i];
}

static void set(void *ctx, const double *x)
{
    hs_nn *net = ((nn_tr *)ctx)->net;
    for (size_t i = 0; i < net->nparams; i++)
        net->params[i] = (hs_real)x[i];
}

/* Mean over the N = count q outputs, in nats; gradients of the same. */
static double loss_grad(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, int kind, double *g,
                        double *r)
{
    nn_tr *c = ctx;
    hs_nn *net = c->net;
    fill(c, t, seqs, count);
    const int N = (int)count * t->q, d = t->d;
    hs_nn_zero_grad(net);
    hs_nn_forward(net, c->ws, c->tok, (int)count, c->logits);
    const hs_real scale = (hs_real)1 / (hs_real)N;
    double loss;
    if (kind == HS_LOSS_CE) {
        loss = hs_nn_xent_soft_forward(c->probs, c->logits, c->p, N, d);
        hs_nn_xent_soft_backward(c->dlogits, c->probs, c->p, N, d, scale);
    } else {
        loss = hs_nn_xent_forward(c->probs, c->logits, c->target, N, d);
        hs_nn_xent_backward(c->dlogits, c->probs, c->target, N, d, scale);
    }
    hs_nn_backward(net, c->ws, c->dlogits);
    for (size_t i = 0; i < net->nparams; i++)
        g[i] = (double)net->grads[i];
    if (r)
        for (size_t i = 0; i < (size_t)N * d; i++)
            r[i] = (double)c->probs[i];
    return loss / N;
}

static int predict(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, double *r, char *err,
                   size_t errlen)
{
    (void)err;
    (void)errlen;
    nn_tr *c = ctx;
    const int d = t->d, q = t->q;
    for (long done = 0; done < count;) {
        const long n = count - done < PREDICT_CHUNK ? count - done : PREDICT_CHUNK;
        fill(c, t, seqs + done, n);
        hs_nn_forward(c->net, c->ws, c->tok, (int)n, c->logits);
        for (long i = 0; i < n * q; i++)
            hs_nnmodel_softmax(c->logits + (size_t)i * d, d, r + ((size_t)done * q + (size_t)i) * d);
        done += n;
    }
    return 0;
}

static void tr_free(void *ctx)
{
    nn_tr *c = ctx;
    free_buffers(c);
    hs_nn_free(c->net);
    hs_sys_free(c);
}

void hs_nntrain_trainable(hs_nn *net, hs_trainable *tr)
{
    nn_tr *c = hs_calloc(1, sizeof *c);
    c->net = net;
    *tr = (hs_trainable){.ctx = c, .nparams = (long)net->nparams, .get = get, .set = set,
                         .loss_grad = loss_grad, .predict = predict, .free = tr_free};
}

hs_nn *hs_nntrain_net(const hs_trainable *tr) { return ((const nn_tr *)tr->ctx)->net; }
