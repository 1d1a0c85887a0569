/* k-HRNN forward pass with tangents: the write phase in closed form from the
 * per-z hyperedge intersection counts, the query phase on the shared tangent
 * simulator. */
#include "khrnn_grad.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "combin.h"
#include "sys.h"
#include "write.h"

int hs_khrnn_grad_nparams(const hs_khrnn *m)
{
    assert(m->d == 2);
    return m->k + 1 + 3 * m->nbases;
}

void hs_khrnn_grad_get(const hs_khrnn *m, double *x)
{
    assert(m->d == 2);
    for (int j = 0; j <= m->k; j++)
        x[j] = m->theta[j];
    for (int b = 0; b < m->nbases; b++)
        for (int a = 0; a < 3; a++)
            x[m->k + 1 + 3 * b + a] = m->angles[b][a];
}

void hs_khrnn_grad_set(hs_khrnn *m, const double *x)
{
    assert(m->d == 2);
    for (int j = 0; j <= m->k; j++)
        m->theta[j] = x[j];
    for (int b = 0; b < m->nbases; b++)
        for (int a = 0; a < 3; a++)
            m->angles[b][a] = x[m->k + 1 + 3 * b + a];
}

/* H[z * (k + 1) + c] = number of written hyperedges T (with multiplicity)
 * with |T and z| = c. Start from the multiplicities at index mask(T), degree
 * 0, and process axis i as the map from "i in T" to "z_i": z_i = 0 gathers
 * both (degree kept), z_i = 1 gathers T without i (degree kept) and T with i
 * (degree + 1). After all n axes the index is z. */
static void intersection_counts(const hs_khrnn *m, const hs_seq *s, int64_t *H)
{
    const int n = m->n, K = m->k + 1;
    const size_t N = (size_t)1 << n;
    memset(H, 0, N * (size_t)K * sizeof *H);
    for (long i = 0; i < s->ell; i++)
        H[hs_comb_unrank_mask(s->writes[i], n, m->k) * (size_t)K]++;
    for (int i = 0; i < n; i++) {
        const size_t bit = (size_t)1 << i, lowmask = bit - 1;
        HS_PAR_FOR(N >= 8192, for (size_t h = 0; h < N / 2; h++) {
            const size_t y0 = ((h & ~lowmask) << 1) | (h & lowmask), y1 = y0 | bit;
            int64_t *a0 = H + y0 * (size_t)K, *a1 = H + y1 * (size_t)K;
            /* New a1 (z_i = 1): a0 + x a1; new a0 (z_i = 0): a0 + a1. The top
             * coefficient of x a1 is dropped: |T and z| <= k always. */
            for (int c = K - 1; c >= 0; c--) {
                const int64_t lo = a0[c], hi = a1[c], shifted = c > 0 ? a1[c - 1] : 0;
                a0[c] = lo + hi;
                a1[c] = lo + shifted;
            }
        });
    }
}

/* hs_grad_forward for the k-HRNN. */
static int forward(const void *model, hs_grad_sim *sim, const hs_seq *s, double *r, double *dr)
{
    const hs_khrnn *m = model;
    const int k = m->k, K = k + 1, P = hs_khrnn_grad_nparams(m);
    assert(sim->n == m->n && (!dr || sim->nparams == P));
    hs_grad_init_plus(sim);
    const size_t N = sim->len;
    int64_t *H = hs_alloc(N * (size_t)K * sizeof *H);
    intersection_counts(m, s, H);
    /* phi[c] = sum_j theta_j K_j(c); kraw[j][c] = K_j(c) as the phase table
     * of the unit vector theta = e_j. */
    double phi[64], kraw[64][64];
    hs_write_qubit_phases(k, m->theta, phi);
    for (int j = 0; j < K; j++) {
        double e[64] = {0};
        e[j] = 1;
        hs_write_qubit_phases(k, e, kraw[j]);
    }
    const int with_tangents = dr != NULL;
    if (with_tangents)
        for (int j = 0; j < K; j++)
            hs_grad_set_live(sim, 1 + j);
    hs_amp *buf = sim->buf;
    const size_t cap = sim->cap;
    const double a = 1.0 / sqrt((double)N);
    HS_PAR_FOR(N >= 8192, for (size_t z = 0; z < N; z++) {
        const int64_t *h = H + z * (size_t)K;
        double ph = 0;
        for (int c = 0; c < K; c++)
            ph += phi[c] * (double)h[c];
        const hs_amp psi = a * cexp(I * ph);
        buf[z] = psi;
        if (with_tangents)
            for (int j = 0; j < K; j++) {
                double nj = 0;
                for (int c = 0; c < K; c++)
                    nj += kraw[j][c] * (double)h[c];
                buf[(size_t)(1 + j) * cap + z] = I * nj * psi;
            }
    });
    hs_sys_free(H);
    return hs_grad_queries(sim, s, (const double(*)[3])m->angles, K, r, dr);
}

int hs_khrnn_grad_predict(const hs_khrnn *m, const hs_seq *s, double *r, double *dr)
{
    hs_grad_sim *sim = hs_grad_new(m->n, dr ? hs_khrnn_grad_nparams(m) : 0);
    int rc = forward(m, sim, s, r, dr);
    hs_grad_free(sim);
    return rc;
}

double hs_khrnn_grad_loss(const hs_khrnn *m, const hs_hsmt *cfg, const hs_seq *seqs, long count,
                          int loss_kind, double *g, double *r)
{
    assert(cfg->n == m->n && cfg->k == m->k && cfg->d == 2);
    return hs_grad_mean_loss(forward, m, m->n, hs_khrnn_grad_nparams(m), seqs, count, loss_kind, g, r);
}

static void tr_get(const void *model, double *x) { hs_khrnn_grad_get(model, x); }
static void tr_set(void *model, const double *x) { hs_khrnn_grad_set(model, x); }
static void tr_free(void *model) { hs_sys_free(model); }

int hs_khrnn_trainable(const hs_hsmt *cfg, uint64_t seed, hs_trainable *tr, char *err, size_t errlen)
{
    if (cfg->d != 2) {
        snprintf(err, errlen, "k-HRNN training: d = %d, only qubits (d = 2) are supported", cfg->d);
        return -1;
    }
    hs_khrnn *m = hs_alloc(sizeof *m);
    hs_khrnn_random(m, cfg, seed);
    const hs_grad_model gm = {.model = m, .n = m->n, .nparams = hs_khrnn_grad_nparams(m), .fwd = forward,
                              .get = tr_get, .set = tr_set, .free_model = tr_free};
    hs_grad_trainable(&gm, tr);
    return 0;
}
