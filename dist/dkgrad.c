/* The k-HRNN's loss and central-difference gradient on the sharded state
 * (dkgrad.h). */
#include "dkgrad.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dkhrnn.h"
#include "grad.h"
#include "khrnn_grad.h"
#include "score.h"
#include "sys.h"

struct hs_dkgrad {
    hs_hsmt cfg;
    hs_khrnn m;      /* the model at the parameters being evaluated */
    hs_dkhrnn *pred; /* its sharded predictions */
    int P;
    double *x1, *r, *Lp, *Lm; /* scratch: shifted parameters, predictions, losses [q] */
};

hs_dkgrad *hs_dkgrad_new(const hs_hsmt *cfg, const hs_dstate_opts *o)
{
    assert(cfg->d == 2);
    hs_dkgrad *g = hs_calloc(1, sizeof *g);
    g->cfg = *cfg;
    hs_khrnn_random(&g->m, cfg, 0); /* the shape; parameters come with each call */
    g->pred = hs_dkhrnn_new(cfg, &g->m, o);
    g->P = hs_khrnn_grad_nparams(&g->m);
    g->x1 = hs_alloc((size_t)g->P * sizeof *g->x1);
    g->r = hs_alloc((size_t)cfg->q * 2 * sizeof *g->r);
    g->Lp = hs_alloc((size_t)cfg->q * sizeof *g->Lp);
    g->Lm = hs_alloc((size_t)cfg->q * sizeof *g->Lm);
    return g;
}

void hs_dkgrad_free(hs_dkgrad *g)
{
    if (!g)
        return;
    hs_dkhrnn_free(g->pred);
    hs_sys_free(g->x1);
    hs_sys_free(g->r);
    hs_sys_free(g->Lp);
    hs_sys_free(g->Lm);
    hs_sys_free(g);
}

/* Losses L[t] (bits) of s at parameters x, predictions into r; -1 when an
 * observed outcome has probability 0. */
static int losses(hs_dkgrad *g, const double *x, const hs_seq *s, int kind, double *L, double *r)
{
    hs_khrnn_grad_set(&g->m, x);
    hs_dkhrnn_set(g->pred, &g->m);
    if (hs_dkhrnn_predict(g->pred, s, r) != 0)
        return -1;
    for (int t = 0; t < s->q; t++)
        L[t] = hs_grad_output_loss(s, r, NULL, 0, kind, t, NULL);
    return 0;
}

int hs_dkgrad_outputs(hs_dkgrad *g, const double *x, const hs_seq *s, int kind, double *L, double *r, double *dL)
{
    assert(s->q <= g->cfg.q && s->ell <= g->cfg.ell);
    const int P = g->P, q = s->q, k = g->cfg.k;
    if (losses(g, x, s, kind, L, g->r) != 0)
        return -1;
    if (r)
        memcpy(r, g->r, (size_t)q * 2 * sizeof *r);
    if (!dL)
        return 0;
    const double ell = s->ell > 1 ? (double)s->ell : 1;
    for (int j = 0; j < P; j++) {
        if (j == 0) { /* theta_0: a global phase */
            for (int t = 0; t < q; t++)
                dL[(size_t)t * P] = 0;
            continue;
        }
        const double h = j <= k ? 1e-5 / ell : 1e-5;
        memcpy(g->x1, x, (size_t)P * sizeof *x);
        g->x1[j] = x[j] + h;
        const int a = losses(g, g->x1, s, kind, g->Lp, g->r);
        g->x1[j] = x[j] - h;
        const int b = losses(g, g->x1, s, kind, g->Lm, g->r);
        for (int t = 0; t < q; t++)
            dL[(size_t)t * P + j] = a || b ? 0 : (g->Lp[t] - g->Lm[t]) / (2 * h);
    }
    return 0;
}

/* ---- as a trainable ---- */

typedef struct {
    hs_hsmt cfg;
    hs_khrnn m;
    hs_dkgrad *g;
    double *x, *L, *dL;
} tr_ctx;

static void tr_get(void *ctx, double *x) { hs_khrnn_grad_get(&((tr_ctx *)ctx)->m, x); }
static void tr_set(void *ctx, const double *x) { hs_khrnn_grad_set(&((tr_ctx *)ctx)->m, x); }

/* Mean loss per output in nats over seqs and its gradient (the training
 * loop's units), r[(i q + t) 2 + o]. */
static double tr_loss_grad(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, int kind, double *grad,
                           double *r)
{
    tr_ctx *c = ctx;
    const int P = c->g->P;
    hs_khrnn_grad_get(&c->m, c->x);
    if (grad)
        memset(grad, 0, (size_t)P * sizeof *grad);
    double total = 0;
    long outputs = 0;
    for (long i = 0; i < count; i++) {
        const int q = seqs[i].q;
        if (hs_dkgrad_outputs(c->g, c->x, &seqs[i], kind, c->L, r ? r + (size_t)i * t->q * 2 : NULL,
                              grad ? c->dL : NULL) != 0)
            return INFINITY;
        for (int u = 0; u < q; u++) {
            total += c->L[u];
            for (int j = 0; grad && j < P; j++)
                grad[j] += c->dL[(size_t)u * P + j];
        }
        outputs += q;
    }
    if (!outputs)
        return 0;
    for (int j = 0; grad && j < P; j++)
        grad[j] *= M_LN2 / (double)outputs;
    return total * M_LN2 / (double)outputs;
}

static int tr_predict(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, double *r, char *err,
                      size_t errlen)
{
    tr_ctx *c = ctx;
    hs_khrnn_grad_get(&c->m, c->x);
    for (long i = 0; i < count; i++)
        if (hs_dkgrad_outputs(c->g, c->x, &seqs[i], HS_LOSS_CE, c->L, r + (size_t)i * t->q * 2, NULL) != 0) {
            snprintf(err, errlen, "sequence %llu: the k-HRNN gives the observed outcome probability 0",
                     (unsigned long long)seqs[i].id);
            return -1;
        }
    return 0;
}

static void tr_free(void *ctx)
{
    tr_ctx *c = ctx;
    hs_dkgrad_free(c->g);
    hs_sys_free(c->x);
    hs_sys_free(c->L);
    hs_sys_free(c->dL);
    hs_sys_free(c);
}

int hs_dkgrad_trainable(const hs_hsmt *cfg, uint64_t seed, hs_trainable *tr, char *err, size_t errlen)
{
    if (cfg->d != 2) {
        snprintf(err, errlen, "k-HRNN training: d = %d, only qubits (d = 2) are supported", cfg->d);
        return -1;
    }
    tr_ctx *c = hs_calloc(1, sizeof *c);
    c->cfg = *cfg;
    hs_khrnn_random(&c->m, cfg, seed);
    c->g = hs_dkgrad_new(cfg, NULL);
    const int P = c->g->P;
    c->x = hs_alloc((size_t)P * sizeof *c->x);
    c->L = hs_alloc((size_t)cfg->q * sizeof *c->L);
    c->dL = hs_alloc((size_t)cfg->q * (size_t)P * sizeof *c->dL);
    *tr = (hs_trainable){.ctx = c, .nparams = P, .get = tr_get, .set = tr_set, .loss_grad = tr_loss_grad,
                         .predict = tr_predict, .free = tr_free};
    return 0;
}
