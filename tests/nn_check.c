/* Gradient-check helpers of the trained-model tests. */
#include "nn_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn_ops.h"
#include "rng.h"
#include "sys.h"

void nn_check_numeric(double (*f)(void *), void *ctx, hs_real *x, size_t n, double eps, double *g)
{
    for (size_t i = 0; i < n; i++) {
        const hs_real x0 = x[i];
        x[i] = x0 + eps;
        const double fp = f(ctx);
        x[i] = x0 - eps;
        const double fm = f(ctx);
        x[i] = x0;
        g[i] = (fp - fm) / (2 * eps);
    }
}

double nn_check_norm(const double *a, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * a[i];
    return sqrt(s);
}

double nn_check_relerr(const double *a, const double *b, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d += (a[i] - b[i]) * (a[i] - b[i]);
    const double na = nn_check_norm(a, n), nb = nn_check_norm(b, n);
    const double den = na > nb ? na : nb;
    return den > 0 ? sqrt(d) / den : 0;
}

void nn_check_fill(hs_real *x, size_t n, uint64_t seed, double scale)
{
    hs_rng r;
    hs_rng_init(&r, seed, 0, HS_RNG_TRAIN);
    for (size_t i = 0; i < n; i++)
        x[i] = (hs_real)(scale * (2 * hs_rng_uniform(&r) - 1));
}

void nn_check_batch_new(nn_check_batch *c, const hs_nn_hparams *hp, int B, int T, const int *pos,
                        int npos, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->net = hs_nn_new(hp);
    hs_nn_init(c->net, seed);
    c->ws = hs_nn_ws_new(c->net, B, T, pos, npos);
    c->B = B;
    c->T = T;
    c->npos = npos;
    c->tok = hs_alloc((size_t)B * T * sizeof *c->tok);
    c->target = hs_alloc((size_t)B * npos * sizeof *c->target);
    const size_t nl = (size_t)B * npos * hp->nout;
    c->logits = hs_alloc(nl * sizeof *c->logits);
    c->probs = hs_alloc(nl * sizeof *c->probs);
    c->dlogits = hs_alloc(nl * sizeof *c->dlogits);
    hs_rng r;
    hs_rng_init(&r, seed, 1, HS_RNG_TRAIN);
    for (int i = 0; i < B * T; i++)
        c->tok[i] = (uint32_t)hs_rng_below(&r, (uint64_t)hp->vocab);
    for (int i = 0; i < B * npos; i++)
        c->target[i] = (int)hs_rng_below(&r, (uint64_t)hp->nout);
}

void nn_check_batch_free(nn_check_batch *c)
{
    hs_nn_ws_free(c->ws);
    hs_nn_free(c->net);
    hs_sys_free(c->tok);
    hs_sys_free(c->target);
    hs_sys_free(c->logits);
    hs_sys_free(c->probs);
    hs_sys_free(c->dlogits);
}

double nn_check_loss(void *ctx)
{
    nn_check_batch *c = ctx;
    hs_nn_forward(c->net, c->ws, c->tok, c->B, c->logits);
    const int N = c->B * c->npos;
    return hs_nn_xent_forward(c->probs, c->logits, c->target, N, c->net->hp.nout) / N;
}

void nn_check_grad(nn_check_batch *c)
{
    hs_nn_zero_grad(c->net);
    nn_check_loss(c);
    const int N = c->B * c->npos;
    hs_nn_xent_backward(c->dlogits, c->probs, c->target, N, c->net->hp.nout, (hs_real)1 / N);
    hs_nn_backward(c->net, c->ws, c->dlogits);
}

double nn_check_model(nn_check_batch *c, double eps, double *min_norm)
{
    nn_check_grad(c);
    hs_nn *net = c->net;
    double *num = hs_alloc(net->nparams * sizeof *num), *ana = hs_alloc(net->nparams * sizeof *ana);
    for (size_t i = 0; i < net->nparams; i++)
        ana[i] = net->grads[i];
    nn_check_numeric(nn_check_loss, c, net->params, net->nparams, eps, num);
    double worst = 0;
    *min_norm = INFINITY;
    for (int i = 0; i < net->ntensors; i++) {
        const hs_nn_tensor *t = &net->tensors[i];
        const size_t n = t->rows * t->cols;
        const double e = nn_check_relerr(ana + t->off, num + t->off, n);
        const double nn = nn_check_norm(num + t->off, n);
        if (e > worst)
            worst = e;
        if (nn < *min_norm)
            *min_norm = nn;
        if (getenv("NN_CHECK_VERBOSE"))
            fprintf(stderr, "  %-12s n=%-5zu |g|=%.3e relerr=%.3e\n", t->name, n, nn, e);
    }
    hs_sys_free(num);
    hs_sys_free(ana);
    return worst;
}

int nn_check_quantised(nn_check_batch *c, int bits, double (*range)(const hs_nn_hparams *hp, int i))
{
    hs_real *st = hs_alloc((size_t)1 << 16);
    int ok = 1;
    for (int b = 0; b < c->B; b++) {
        const int n = hs_nn_boundary_state(c->net, c->ws, b, st);
        for (int i = 0; i < n; i++) {
            const double R = range(&c->net->hp, i), step = 2 * R / (double)((1 << bits) - 1);
            const double lev = ((double)st[i] + R) / step;
            ok &= fabs(lev - round(lev)) < 1e-9 && lev > -1e-9 && lev < (double)((1 << bits) - 1) + 1e-9;
        }
    }
    hs_sys_free(st);
    return ok;
}
