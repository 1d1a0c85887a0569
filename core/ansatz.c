/* The generic layered ansatz (definition in ansatz.h): parameters, forward
 * pass with tangents on the shared simulator (core/grad.h). */
#include "ansatz.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "combin.h"
#include "rng.h"
#include "sys.h"

void hs_ansatz_random(hs_ansatz *a, const hs_hsmt *cfg, uint64_t seed)
{
    assert(cfg->d == 2 && cfg->k <= HS_MAX_SITES);
    memset(a, 0, sizeof *a);
    a->n = cfg->n;
    a->k = cfg->k;
    a->nbases = cfg->nbases;
    memcpy(a->bases, cfg->bases, sizeof a->bases);
    hs_rng r;
    hs_rng_init(&r, seed, 1, HS_RNG_PARAMS);
    for (int i = 0; i < 2 * a->k; i++)
        a->phi[i] = M_PI * (2.0 * hs_rng_uniform(&r) - 1.0);
    for (int b = 0; b < a->nbases; b++)
        for (int e = 0; e < 3; e++)
            a->angles[b][e] = M_PI * (2.0 * hs_rng_uniform(&r) - 1.0);
}

int hs_ansatz_nparams(const hs_ansatz *a) { return 2 * a->k + 3 * a->nbases; }

void hs_ansatz_get(const hs_ansatz *a, double *x)
{
    for (int i = 0; i < 2 * a->k; i++)
        x[i] = a->phi[i];
    for (int b = 0; b < a->nbases; b++)
        for (int e = 0; e < 3; e++)
            x[2 * a->k + 3 * b + e] = a->angles[b][e];
}

void hs_ansatz_set(hs_ansatz *a, const double *x)
{
    for (int i = 0; i < 2 * a->k; i++)
        a->phi[i] = x[i];
    for (int b = 0; b < a->nbases; b++)
        for (int e = 0; e < 3; e++)
            a->angles[b][e] = x[2 * a->k + 3 * b + e];
}

/* u = Rz(z) Ry(y) (Ry first) and its derivatives du[0] by y, du[1] by z. */
static void ry_then_rz(double y, double z, hs_amp u[4], hs_amp du[2][4])
{
    const double c = cos(y / 2), s = sin(y / 2);
    const double ry[4] = {c, -s, s, c};
    const double dry[4] = {-0.5 * s, -0.5 * c, 0.5 * c, -0.5 * s};
    const hs_amp rz[2] = {cexp(-I * z / 2), cexp(I * z / 2)};
    const hs_amp drz[2] = {-0.5 * I * rz[0], 0.5 * I * rz[1]};
    for (int e = 0; e < 4; e++) {
        u[e] = rz[e / 2] * ry[e];
        du[0][e] = rz[e / 2] * dry[e];
        du[1][e] = drz[e / 2] * ry[e];
    }
}

/* hs_grad_forward for the ansatz. */
static int forward(const void *model, hs_grad_sim *sim, const hs_seq *s, double *r, double *dr)
{
    const hs_ansatz *a = model;
    const int k = a->k;
    assert(sim->n == a->n && (!dr || sim->nparams == hs_ansatz_nparams(a)));
    hs_grad_init_plus(sim);
    /* The k fused single-site gates of the write cell, the same for every
     * cell: gate j carries parameters 2j and 2j + 1. */
    hs_amp u[HS_MAX_SITES][4], du[HS_MAX_SITES][2][4];
    for (int j = 0; j < k; j++)
        ry_then_rz(a->phi[2 * j], a->phi[2 * j + 1], u[j], du[j]);
    for (long i = 0; i < s->ell; i++) {
        int sites[64];
        hs_comb_unrank(s->writes[i], a->n, k, sites);
        for (int j = 0; j < k; j++) {
            const int param[2] = {2 * j, 2 * j + 1};
            hs_grad_gate(sim, sites[j], u[j], dr ? 2 : 0, param, (const hs_amp(*)[4])du[j]);
        }
        hs_grad_cz_ladder(sim, sites, k);
    }
    return hs_grad_queries(sim, s, (const double(*)[3])a->angles, 2 * k, r, dr);
}

int hs_ansatz_predict(const hs_ansatz *a, const hs_seq *s, double *r)
{
    return hs_ansatz_grad_predict(a, s, r, NULL);
}

int hs_ansatz_grad_predict(const hs_ansatz *a, const hs_seq *s, double *r, double *dr)
{
    hs_grad_sim *sim = hs_grad_new(a->n, dr ? hs_ansatz_nparams(a) : 0);
    int rc = forward(a, sim, s, r, dr);
    hs_grad_free(sim);
    return rc;
}

double hs_ansatz_grad_loss(const hs_ansatz *a, const hs_hsmt *cfg, const hs_seq *seqs, long count,
                           int loss_kind, double *g, double *r)
{
    assert(cfg->n == a->n && cfg->k == a->k && cfg->d == 2);
    return hs_grad_mean_loss(forward, a, a->n, hs_ansatz_nparams(a), seqs, count, loss_kind, g, r);
}

static void tr_get(const void *model, double *x) { hs_ansatz_get(model, x); }
static void tr_set(void *model, const double *x) { hs_ansatz_set(model, x); }
static void tr_free(void *model) { hs_sys_free(model); }

int hs_ansatz_trainable(const hs_hsmt *cfg, uint64_t seed, hs_trainable *tr, char *err, size_t errlen)
{
    if (cfg->d != 2) {
        snprintf(err, errlen, "ansatz training: d = %d, only qubits (d = 2) are supported", cfg->d);
        return -1;
    }
    hs_ansatz *a = hs_alloc(sizeof *a);
    hs_ansatz_random(a, cfg, seed);
    const hs_grad_model gm = {.model = a, .n = a->n, .nparams = hs_ansatz_nparams(a), .fwd = forward,
                              .get = tr_get, .set = tr_set, .free_model = tr_free};
    hs_grad_trainable(&gm, tr);
    return 0;
}
