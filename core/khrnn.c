/* The k-HRNN: parameters, forward pass over a sequence, hs_model wrapper. */
#include "khrnn.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "combin.h"
#include "rng.h"
#include "sys.h"
#include "write.h"

static void copy_shape(hs_khrnn *m, const hs_hsmt *cfg)
{
    memset(m, 0, sizeof *m);
    m->n = cfg->n;
    m->k = cfg->k;
    m->d = cfg->d;
    m->nbases = cfg->nbases;
    memcpy(m->bases, cfg->bases, sizeof m->bases);
}

void hs_khrnn_exact(hs_khrnn *m, const hs_hsmt *cfg)
{
    copy_shape(m, cfg);
    if (m->d == 2) {
        /* prod_{i in T} (1 - Z_i)/2 = 2^-k sum_S (-1)^|S| Z_S. */
        for (int j = 0; j <= m->k; j++)
            m->theta[j] = M_PI * (j % 2 ? -1.0 : 1.0) * ldexp(1.0, -m->k);
        for (int b = 0; b < m->nbases; b++) {
            /* Z: identity. X: Ry(-pi/2) has rows (1,1)/sqrt2 and -(1,-1)/sqrt2,
             * those of H up to phase. Y: Ry(-pi/2) Rz(-pi/2) has rows
             * proportional to (1,-i) and (1,i), those of H S^dagger. */
            int code = m->bases[b];
            m->angles[b][0] = 0;
            m->angles[b][1] = code == HS_BASIS_Z ? 0 : -M_PI / 2;
            m->angles[b][2] = code == 1 ? -M_PI / 2 : 0;
        }
    } else {
        m->theta[0] = 2.0 * M_PI / m->d;
        for (int b = 0; b < m->nbases; b++)
            m->chirp[b] = m->bases[b] == HS_BASIS_Z ? 0 : m->bases[b];
    }
}

void hs_khrnn_random(hs_khrnn *m, const hs_hsmt *cfg, uint64_t seed)
{
    copy_shape(m, cfg);
    hs_rng r;
    hs_rng_init(&r, seed, 0, HS_RNG_PARAMS);
    int nth = m->d == 2 ? m->k + 1 : 1;
    for (int j = 0; j < nth; j++)
        m->theta[j] = M_PI * (2.0 * hs_rng_uniform(&r) - 1.0);
    for (int b = 0; b < m->nbases; b++) {
        if (m->d == 2)
            for (int a = 0; a < 3; a++)
                m->angles[b][a] = M_PI * (2.0 * hs_rng_uniform(&r) - 1.0);
        else if (m->bases[b] != HS_BASIS_Z)
            m->chirp[b] = m->d * hs_rng_uniform(&r);
    }
}

long hs_khrnn_nparams(const hs_khrnn *m)
{
    if (m->d == 2)
        return m->k + 1 + 3L * m->nbases;
    long p = 1;
    for (int b = 0; b < m->nbases; b++)
        p += m->bases[b] != HS_BASIS_Z;
    return p;
}

hs_unitary hs_khrnn_unitary(const hs_khrnn *m, int b)
{
    if (m->d > 2)
        return m->bases[b] == HS_BASIS_Z ? (hs_unitary){.kind = HS_U_IDENTITY}
                                         : (hs_unitary){.kind = HS_U_CHIRP, .chirp = m->chirp[b]};
    /* Rz(a) Ry(b) Rz(g), Rz(x) = diag(e^{-ix/2}, e^{ix/2}),
     * Ry(y) = [[cos y/2, -sin y/2], [sin y/2, cos y/2]]. */
    double al = m->angles[b][0], be = m->angles[b][1], ga = m->angles[b][2];
    double c = cos(be / 2), s = sin(be / 2);
    hs_amp za[2] = {cexp(-I * al / 2), cexp(I * al / 2)};
    hs_amp zg[2] = {cexp(-I * ga / 2), cexp(I * ga / 2)};
    double ry[4] = {c, -s, s, c};
    hs_unitary u = {.kind = HS_U_MATRIX};
    for (int r = 0; r < 2; r++)
        for (int col = 0; col < 2; col++)
            u.m[2 * r + col] = za[r] * ry[2 * r + col] * zg[col];
    return u;
}

int hs_khrnn_predict(const hs_khrnn *m, hs_state *st, const hs_seq *s, double *r, double *loglik)
{
    assert(st->n == m->n && st->d == m->d);
    hs_state_init_plus(st);
    /* Write cells commute: apply each distinct hyperedge once, raised to its
     * multiplicity (not reduced mod d: trained angles are not periodic). */
    size_t cap = s->ell > 0 ? (size_t)s->ell : 1;
    uint64_t *rank = hs_alloc(cap * sizeof *rank);
    long *count = hs_alloc(cap * sizeof *count);
    size_t distinct = hs_hsmt_multiplicities(s->writes, s->ell, rank, count);
    for (size_t i = 0; i < distinct; i++) {
        int sites[64];
        hs_comb_unrank(rank[i], m->n, m->k, sites);
        if (m->d == 2)
            hs_write_qubit(st, sites, m->k, m->theta, count[i]);
        else
            hs_write_qudit(st, sites, m->k, m->theta[0], count[i]);
    }
    hs_sys_free(rank);
    hs_sys_free(count);

    /* Each collapse yields the next prediction in the same pass
     * (hs_state_collapse_probs), as in the generator. */
    double ll = 0;
    if (s->q > 0) {
        const hs_unitary v = hs_khrnn_unitary(m, s->basis[0]);
        hs_state_probs(st, s->sites[0], &v, r);
    }
    for (int t = 0; t < s->q; t++) {
        double *rt = r + (size_t)t * m->d;
        ll += log(rt[s->outcomes[t]]);
        int rc;
        if (t + 1 < s->q) {
            const hs_unitary v = hs_khrnn_unitary(m, s->basis[t + 1]);
            rc = hs_state_collapse_probs(st, s->outcomes[t], s->sites[t + 1], &v, rt + m->d);
        } else {
            rc = hs_state_collapse(st, s->outcomes[t]);
        }
        if (rc != 0)
            return -1;
    }
    if (loglik)
        *loglik = ll;
    return 0;
}

typedef struct {
    hs_khrnn m;
    hs_state *st;
} khrnn_ctx;

static int ctx_predict(void *ctx, const hs_hsmt *cfg, const hs_seq *s, double *r, char *err,
                       size_t errlen)
{
    (void)cfg;
    khrnn_ctx *c = ctx;
    if (hs_khrnn_predict(&c->m, c->st, s, r, NULL) != 0) {
        snprintf(err, errlen, "sequence %llu: the k-HRNN gives the observed outcome probability 0",
                 (unsigned long long)s->id);
        return -1;
    }
    return 0;
}

static void ctx_free(void *ctx)
{
    khrnn_ctx *c = ctx;
    hs_state_free(c->st);
    hs_sys_free(c);
}

int hs_khrnn_open(const hs_hsmt *cfg, const char *params, uint64_t seed, hs_model *out, char *err,
                  size_t errlen)
{
    khrnn_ctx *c = hs_calloc(1, sizeof *c);
    if (strcmp(params, "exact") == 0)
        hs_khrnn_exact(&c->m, cfg);
    else if (strcmp(params, "random") == 0)
        hs_khrnn_random(&c->m, cfg, seed);
    else {
        hs_sys_free(c);
        snprintf(err, errlen, "--params: '%s' is not a parameter set (allowed: exact, random)", params);
        return -1;
    }
    c->st = hs_state_new(cfg->n, cfg->d);
    *out = (hs_model){.name = "khrnn",
                      .ctx = c,
                      .predict = ctx_predict,
                      .free = ctx_free,
                      .memory_bits = cfg->n * log2((double)cfg->d),
                      .params = hs_khrnn_nparams(&c->m)};
    return 0;
}
