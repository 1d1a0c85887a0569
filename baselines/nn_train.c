/* Training loop of the classical models: batches of fresh generator
 * sequences, cross-entropy on the query positions, AdamW; and batched
 * evaluation against the exact conditionals. */
#include "nn_train.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nn_model.h"
#include "nn_ops.h"
#include "optim.h"
#include "sys.h"

/* A batch in model form: every sequence of cfg has T = ell + 1 + 2q tokens
 * and its queries at the same positions. */
typedef struct {
    int B, T, q, d;
    int *pos;      /* [q] */
    uint32_t *tok; /* [B T] */
    int *target;   /* [B q] sampled outcomes */
    double *p;     /* [B q d] exact conditionals */
    hs_seq seq;
    hs_gen *gen;
} batch;

static void batch_new(batch *b, const hs_hsmt *cfg, int B)
{
    memset(b, 0, sizeof *b);
    b->B = B;
    b->q = cfg->q;
    b->d = cfg->d;
    b->T = (int)(cfg->ell + 1 + 2L * cfg->q);
    b->pos = hs_alloc((size_t)b->q * sizeof *b->pos);
    const hs_seq shape = {.ell = cfg->ell, .q = cfg->q, .d = cfg->d};
    for (int t = 0; t < b->q; t++)
        b->pos[t] = (int)hs_hsmt_query_pos(&shape, t);
    b->tok = hs_alloc((size_t)B * b->T * sizeof *b->tok);
    b->target = hs_alloc((size_t)B * b->q * sizeof *b->target);
    b->p = hs_alloc((size_t)B * b->q * b->d * sizeof *b->p);
    b->gen = hs_gen_new(cfg);
}

static void batch_free(batch *b)
{
    hs_sys_free(b->pos);
    hs_sys_free(b->tok);
    hs_sys_free(b->target);
    hs_sys_free(b->p);
    hs_seq_free(&b->seq);
    hs_gen_free(b->gen);
}

/* Sequences first .. first + n - 1 into rows 0 .. n - 1. */
static void batch_fill(batch *b, const hs_hsmt *cfg, uint64_t first, int n)
{
    assert(n <= b->B);
    for (int i = 0; i < n; i++) {
        hs_gen_sequence(b->gen, first + (uint64_t)i, &b->seq);
        assert(hs_hsmt_seq_tokens(&b->seq) == (size_t)b->T);
        hs_hsmt_tokens(cfg, &b->seq, b->tok + (size_t)i * b->T);
        memcpy(b->target + (size_t)i * b->q, b->seq.outcomes, (size_t)b->q * sizeof *b->target);
        memcpy(b->p + (size_t)i * b->q * b->d, b->seq.probs, (size_t)b->q * b->d * sizeof *b->p);
    }
}

double hs_nntrain_lr(double lr, long s, long S)
{
    const long W = S / 10 < 100 ? S / 10 : 100;
    if (s < W)
        return lr * (double)(s + 1) / (double)W;
    const double u = (double)(s - W) / (double)(S - W);
    return lr * (0.1 + 0.45 * (1 + cos(M_PI * u)));
}

void hs_nntrain_run(hs_nn *net, const hs_hsmt *cfg, const hs_nntrain_opts *o, hs_nntrain_result *res)
{
    const int B = o->batch, d = cfg->d;
    batch b;
    batch_new(&b, cfg, B);
    const int N = B * b.q;
    assert((uint64_t)o->steps * (uint64_t)B <= HS_NNTRAIN_EVAL_FIRST);
    hs_nn_ws *ws = hs_nn_ws_new(net, B, b.T, b.pos, b.q);
    hs_adamw opt;
    hs_adamw_init(&opt, net->nparams, o->weight_decay, o->clip);
    hs_real *logits = hs_alloc((size_t)N * d * sizeof *logits);
    hs_real *probs = hs_alloc((size_t)N * d * sizeof *probs);
    hs_real *dlogits = hs_alloc((size_t)N * d * sizeof *dlogits);
    double *r = hs_alloc((size_t)d * sizeof *r);

    /* Scores of the training batches: since the last progress line, and
     * over the last tenth of training (the result). */
    hs_score win = {0}, tail = {0};
    const long tail_from = o->steps - (o->steps / 10 > 0 ? o->steps / 10 : 1);
    const double t0 = hs_sys_now();
    double last = t0;
    for (long s = 0; s < o->steps; s++) {
        batch_fill(&b, cfg, (uint64_t)s * (uint64_t)B, B);
        hs_nn_zero_grad(net);
        hs_nn_forward(net, ws, b.tok, B, logits);
        hs_nn_xent_forward(probs, logits, b.target, N, d);
        hs_nn_xent_backward(dlogits, probs, b.target, N, d, (hs_real)1 / (hs_real)N);
        hs_nn_backward(net, ws, dlogits);
        hs_adamw_step(&opt, net->params, net->grads, hs_nntrain_lr(o->lr, s, o->steps));

        hs_score cur = {0};
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < d; c++)
                r[c] = probs[(size_t)i * d + c];
            hs_score_add(&cur, b.p + (size_t)i * d, r, d, b.target[i]);
        }
        hs_score_merge(&win, &cur);
        if (s >= tail_from)
            hs_score_merge(&tail, &cur);
        const double now = hs_sys_now();
        if (o->progress && (now - last >= 1.0 || s + 1 == o->steps)) {
            const double el = now - t0, rate = (double)(s + 1) * B * b.T / el;
            fprintf(stderr, "train: step %ld/%ld loss %.4f bits excess %.4f bits %.0f tok/s ETA %.0f s\n",
                    s + 1, o->steps, win.nll / (double)win.outputs, win.kl / (double)win.outputs, rate,
                    el / (double)(s + 1) * (double)(o->steps - s - 1));
            win = (hs_score){0};
            last = now;
        }
    }
    res->seconds = hs_sys_now() - t0;
    res->tokens_per_s = (double)o->steps * B * b.T / res->seconds;
    res->loss_bits = tail.nll / (double)tail.outputs;
    res->excess_bits = tail.kl / (double)tail.outputs;

    hs_sys_free(logits);
    hs_sys_free(probs);
    hs_sys_free(dlogits);
    hs_sys_free(r);
    hs_adamw_free(&opt);
    hs_nn_ws_free(ws);
    batch_free(&b);
}

void hs_nntrain_eval(const hs_nn *net, const hs_hsmt *cfg, uint64_t first, long count, int batch_size,
                     hs_score *sc)
{
    batch b;
    batch_new(&b, cfg, batch_size);
    const int d = cfg->d;
    hs_nn_ws *ws = hs_nn_ws_new(net, batch_size, b.T, b.pos, b.q);
    hs_real *logits = hs_alloc((size_t)batch_size * b.q * d * sizeof *logits);
    double *r = hs_alloc((size_t)d * sizeof *r);
    for (long done = 0; done < count;) {
        const int n = count - done < batch_size ? (int)(count - done) : batch_size;
        batch_fill(&b, cfg, first + (uint64_t)done, n);
        hs_nn_forward(net, ws, b.tok, n, logits);
        for (int i = 0; i < n * b.q; i++) {
            hs_nnmodel_softmax(logits + (size_t)i * d, d, r);
            hs_score_add(sc, b.p + (size_t)i * d, r, d, b.target[i]);
        }
        done += n;
    }
    hs_sys_free(logits);
    hs_sys_free(r);
    hs_nn_ws_free(ws);
    batch_free(&b);
}
