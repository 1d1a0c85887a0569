/* The exact classical model: hyperedge weights plus brute force over all d^n
 * basis states (see exact.h). Every step is the plain definition: the state is
 * built amplitude by amplitude, the basis change is a dense d x d matrix per
 * fibre, outcome weights are compensated sums and conditioning is projection.
 * Slow by design; obviously correct is the point. */
#include "exact.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combin.h"
#include "sys.h"

/* A fed-back outcome whose conditional probability is below this is treated
 * as impossible: exact zeros come out of the brute force as rounding noise of
 * order 1e-30, while a genuine outcome drawn with probability < 1e-12 has
 * probability < 1e-12 of appearing in data. */
#define EXACT_TINY 1e-12

double hs_exact_memory_bits(const hs_hsmt *cfg)
{
    double weights = (double)cfg->M * log2((double)cfg->d);
    double list = (double)cfg->ell * log2((double)cfg->M);
    return list < weights ? list : weights;
}

int hs_exact_check_fit(const char *model, int n, int d, double bytes_per_state, char *err,
                       size_t errlen)
{
    const char *src;
    size_t avail = hs_sys_mem_available(&src);
    double need = pow((double)d, (double)n) * bytes_per_state;
    /* size_t indexing of d^n entries also has to work. */
    if (need <= (double)avail && need < 0x1p62)
        return 0;
    char need_s[32], avail_s[32];
    snprintf(err, errlen,
             "model %s: brute force over d^n states at n=%d, d=%d needs %s, only %s available (%s); "
             "use a smaller n",
             model, n, d, hs_sys_fmt_bytes(need, need_s, sizeof need_s),
             hs_sys_fmt_bytes((double)avail, avail_s, sizeof avail_s), src);
    return -1;
}

void hs_exact_unitary(int code, int d, double complex *u)
{
    if (code == HS_BASIS_Z) {
        for (int j = 0; j < d; j++)
            for (int k = 0; k < d; k++)
                u[j * d + k] = j == k;
        return;
    }
    /* (F^dagger C_m)_jk = d^(-1/2) omega^(-jk) exp(-i pi m k^2 / d). jk is
     * reduced mod d first so the angle stays small and accurate; k^2 mod 2d
     * likewise, since exp(-i pi m k^2 / d) has period 2d in k^2 for integer m. */
    const double s = 1.0 / sqrt((double)d);
    for (int j = 0; j < d; j++)
        for (int k = 0; k < d; k++) {
            int jk = (j * k) % d;
            int kk = (k * k) % (2 * d);
            double angle = -2.0 * M_PI * jk / d - M_PI * code * kk / d;
            u[j * d + k] = s * cexp(I * angle);
        }
}

static size_t ipow(int d, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len *= (size_t)d;
    return len;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void hs_exact_state(const hs_hsmt *cfg, const hs_seq *s, double complex *amp)
{
    const int n = cfg->n, d = cfg->d, k = cfg->k;
    /* Distinct hyperedges with weight w_T = multiplicity mod d != 0:
     * edge e has sites es[e * k .. e * k + k - 1] and weight ew[e]. */
    size_t ell = (size_t)s->ell;
    uint64_t *sorted = hs_alloc((ell ? ell : 1) * sizeof *sorted);
    memcpy(sorted, s->writes, ell * sizeof *sorted);
    qsort(sorted, ell, sizeof *sorted, cmp_u64);
    int *es = hs_alloc((ell ? ell : 1) * (size_t)k * sizeof *es);
    int *ew = hs_alloc((ell ? ell : 1) * sizeof *ew);
    size_t ne = 0;
    for (size_t t = 0; t < ell;) {
        size_t u = t;
        while (u < ell && sorted[u] == sorted[t])
            u++;
        int w = (int)((u - t) % (size_t)d);
        if (w) {
            hs_comb_unrank(sorted[t], n, k, es + ne * (size_t)k);
            ew[ne++] = w;
        }
        t = u;
    }

    /* <z| D_w |+>^n = d^(-n/2) omega^(sum_T w_T prod_{i in T} z_i). */
    double complex omega[64];
    for (int j = 0; j < d; j++)
        omega[j] = cexp(I * 2.0 * M_PI * j / d);
    const size_t len = ipow(d, n);
    const double norm = 1.0 / sqrt((double)len);
    int digit[HS_MAX_SITES] = {0};
    for (size_t z = 0; z < len; z++) {
        int e = 0;
        for (size_t j = 0; j < ne; j++) {
            int prod = ew[j];
            for (int i = 0; i < k; i++)
                prod = prod * digit[es[j * (size_t)k + (size_t)i]] % d;
            e = (e + prod) % d;
        }
        amp[z] = norm * omega[e];
        /* Odometer: digit[i] = z_i of the next z. */
        for (int i = 0; i < n && ++digit[i] == d; i++)
            digit[i] = 0;
    }
    hs_sys_free(sorted);
    hs_sys_free(es);
    hs_sys_free(ew);
}

void hs_exact_apply(int n, int d, double complex *amp, int site, const double complex *u)
{
    const size_t len = ipow(d, n), stride = ipow(d, site);
    double complex in[64];
    /* Fibre: the d amplitudes that differ only in z_site, base + j * stride,
     * for every base with z_site = 0. */
    for (size_t base = 0; base < len; base++) {
        if ((base / stride) % (size_t)d != 0)
            continue;
        for (int j = 0; j < d; j++)
            in[j] = amp[base + (size_t)j * stride];
        for (int j = 0; j < d; j++) {
            double complex acc = 0;
            for (int m = 0; m < d; m++)
                acc += u[j * d + m] * in[m];
            amp[base + (size_t)j * stride] = acc;
        }
    }
}

void hs_exact_weights(int n, int d, const double complex *amp, int site, double *w)
{
    const size_t len = ipow(d, n), stride = ipow(d, site);
    double comp[64];
    for (int o = 0; o < d; o++)
        w[o] = comp[o] = 0;
    /* Neumaier's compensated summation, one accumulator per outcome. */
    for (size_t z = 0; z < len; z++) {
        int o = (int)((z / stride) % (size_t)d);
        double x = creal(amp[z]) * creal(amp[z]) + cimag(amp[z]) * cimag(amp[z]);
        double t = w[o] + x;
        comp[o] += fabs(w[o]) >= fabs(x) ? (w[o] - t) + x : (x - t) + w[o];
        w[o] = t;
    }
    for (int o = 0; o < d; o++)
        w[o] += comp[o];
}

void hs_exact_project(int n, int d, double complex *amp, int site, int o)
{
    const size_t len = ipow(d, n), stride = ipow(d, site);
    for (size_t z = 0; z < len; z++)
        if ((int)((z / stride) % (size_t)d) != o)
            amp[z] = 0;
}

typedef struct {
    int n, d;
    double complex *amp;                      /* [d^n] */
    double complex *u;                        /* [nbases][d * d] */
} exact_ctx;

static int exact_predict(void *vctx, const hs_hsmt *cfg, const hs_seq *s, double *r, char *err,
                         size_t errlen)
{
    exact_ctx *c = vctx;
    const int n = c->n, d = c->d;
    assert(cfg->n == n && cfg->d == d && s->d == d);
    hs_exact_state(cfg, s, c->amp);
    for (int t = 0; t < s->q; t++) {
        const int site = s->sites[t], b = s->basis[t], o = s->outcomes[t];
        assert(site >= 0 && site < n && b >= 0 && b < cfg->nbases && o >= 0 && o < d);
        hs_exact_apply(n, d, c->amp, site, c->u + (size_t)b * d * d);
        double w[64], total = 0;
        hs_exact_weights(n, d, c->amp, site, w);
        for (int j = 0; j < d; j++)
            total += w[j];
        for (int j = 0; j < d; j++)
            r[(size_t)t * d + j] = w[j] / total;
        if (r[(size_t)t * d + o] < EXACT_TINY) {
            snprintf(err, errlen,
                     "model exact: sequence %llu, query %d: outcome %d has probability %.3g "
                     "(impossible given the writes and earlier outcomes)",
                     (unsigned long long)s->id, t, o, r[(size_t)t * d + o]);
            return -1;
        }
        hs_exact_project(n, d, c->amp, site, o);
    }
    return 0;
}

static void exact_free(void *vctx)
{
    exact_ctx *c = vctx;
    if (!c)
        return;
    hs_sys_free(c->amp);
    hs_sys_free(c->u);
    hs_sys_free(c);
}

int hs_exact_open(const hs_hsmt *cfg, hs_model *m, char *err, size_t errlen)
{
    if (hs_exact_check_fit("exact", cfg->n, cfg->d, sizeof(double complex), err, errlen) != 0)
        return -1;
    exact_ctx *c = hs_calloc(1, sizeof *c);
    c->n = cfg->n;
    c->d = cfg->d;
    c->amp = hs_alloc(ipow(cfg->d, cfg->n) * sizeof *c->amp);
    c->u = hs_alloc((size_t)cfg->nbases * cfg->d * cfg->d * sizeof *c->u);
    for (int b = 0; b < cfg->nbases; b++)
        hs_exact_unitary(cfg->bases[b], cfg->d, c->u + (size_t)b * cfg->d * cfg->d);
    *m = (hs_model){
        .name = "exact",
        .ctx = c,
        .predict = exact_predict,
        .free = exact_free,
        .memory_bits = hs_exact_memory_bits(cfg),
        .params = 0,
    };
    return 0;
}
