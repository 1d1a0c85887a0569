/* The pre-sampling (noncontextual) classical model: per-basis joint outcome
 * distributions by brute force, and posteriors given the earlier answers in
 * the same basis (see presample.h). */
#include "presample.h"

#include <assert.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>

#include "exact.h"
#include "sys.h"

/* Posterior probabilities below this count as zero: see EXACT_TINY in
 * exact.c for why rounding noise and genuine probabilities separate there. */
#define PRESAMPLE_TINY 1e-12

double hs_presample_memory_bits(const hs_hsmt *cfg)
{
    return (double)cfg->n * cfg->nbases * ceil(log2((double)cfg->d));
}

typedef struct {
    int n, d;
    size_t len;            /* d^n */
    double complex *amp;   /* [len] scratch: U_b^(x n) D_w |+>^n */
    double *prob;          /* [len] P_b, zeroed where inconsistent with answers */
    double complex *u;     /* [nbases][d * d] */
} presample_ctx;

/* w[o] = sum over outcome strings z with z_site = o of p[z], compensated. */
static void marginal(const presample_ctx *c, const double *p, int site, double *w)
{
    size_t stride = 1;
    for (int i = 0; i < site; i++)
        stride *= (size_t)c->d;
    double comp[64];
    for (int o = 0; o < c->d; o++)
        w[o] = comp[o] = 0;
    for (size_t z = 0; z < c->len; z++) {
        int o = (int)((z / stride) % (size_t)c->d);
        double t = w[o] + p[z];
        comp[o] += fabs(w[o]) >= fabs(p[z]) ? (w[o] - t) + p[z] : (p[z] - t) + w[o];
        w[o] = t;
    }
    for (int o = 0; o < c->d; o++)
        w[o] += comp[o];
}

static int presample_predict(void *vctx, const hs_hsmt *cfg, const hs_seq *s, double *r,
                             char *err, size_t errlen)
{
    presample_ctx *c = vctx;
    const int n = c->n, d = c->d;
    assert(cfg->n == n && cfg->d == d && s->d == d);
    /* Predictions in basis b depend only on the queries in basis b, so each
     * basis is handled in one pass over the sequence. */
    for (int b = 0; b < cfg->nbases; b++) {
        int used = 0;
        for (int t = 0; t < s->q; t++)
            used |= s->basis[t] == b;
        if (!used)
            continue;
        hs_exact_state(cfg, s, c->amp);
        for (int i = 0; i < n; i++)
            hs_exact_apply(n, d, c->amp, i, c->u + (size_t)b * d * d);
        for (size_t z = 0; z < c->len; z++)
            c->prob[z] = creal(c->amp[z]) * creal(c->amp[z]) + cimag(c->amp[z]) * cimag(c->amp[z]);
        for (int t = 0; t < s->q; t++) {
            if (s->basis[t] != b)
                continue;
            const int site = s->sites[t], o = s->outcomes[t];
            assert(site >= 0 && site < n && o >= 0 && o < d);
            double w[64], total = 0;
            marginal(c, c->prob, site, w);
            for (int j = 0; j < d; j++)
                total += w[j];
            for (int j = 0; j < d; j++)
                r[(size_t)t * d + j] = w[j] / total;
            if (r[(size_t)t * d + o] < PRESAMPLE_TINY) {
                snprintf(err, errlen,
                         "model presample: sequence %llu, query %d: outcome %d has probability %.3g "
                         "given the earlier answers in the same basis",
                         (unsigned long long)s->id, t, o, r[(size_t)t * d + o]);
                return -1;
            }
            /* Condition the table on this answer. */
            size_t stride = 1;
            for (int i = 0; i < site; i++)
                stride *= (size_t)d;
            for (size_t z = 0; z < c->len; z++)
                if ((int)((z / stride) % (size_t)d) != o)
                    c->prob[z] = 0;
        }
    }
    return 0;
}

static void presample_free(void *vctx)
{
    presample_ctx *c = vctx;
    if (!c)
        return;
    hs_sys_free(c->amp);
    hs_sys_free(c->prob);
    hs_sys_free(c->u);
    hs_sys_free(c);
}

int hs_presample_open(const hs_hsmt *cfg, hs_model *m, char *err, size_t errlen)
{
    if (hs_exact_check_fit("presample", cfg->n, cfg->d, sizeof(double complex) + sizeof(double),
                           err, errlen) != 0)
        return -1;
    presample_ctx *c = hs_calloc(1, sizeof *c);
    c->n = cfg->n;
    c->d = cfg->d;
    c->len = 1;
    for (int i = 0; i < cfg->n; i++)
        c->len *= (size_t)cfg->d;
    c->amp = hs_alloc(c->len * sizeof *c->amp);
    c->prob = hs_alloc(c->len * sizeof *c->prob);
    c->u = hs_alloc((size_t)cfg->nbases * cfg->d * cfg->d * sizeof *c->u);
    for (int b = 0; b < cfg->nbases; b++)
        hs_exact_unitary(cfg->bases[b], cfg->d, c->u + (size_t)b * cfg->d * cfg->d);
    *m = (hs_model){
        .name = "presample",
        .ctx = c,
        .predict = presample_predict,
        .free = presample_free,
        .memory_bits = hs_presample_memory_bits(cfg),
        .params = 0,
    };
    return 0;
}
