/* The k-HRNN's predictions on the sharded state (dkhrnn.h). */
#include "dkhrnn.h"

#include <assert.h>
#include <complex.h>
#include <string.h>

#include "combin.h"
#include "sys.h"
#include "write.h"

struct hs_dkhrnn {
    hs_hsmt cfg;
    int exact;
    hs_khrnn m;                  /* trained: the model */
    hs_dstate *st;
    hs_unitary u[HS_MAX_BASES];  /* query cell per basis index */
    uint64_t *rank;              /* [ell] scratch: distinct hyperedges */
    long *count;                 /* [ell] their multiplicities */
    hs_edge *edges;              /* [ell] those of odd multiplicity */
};

hs_dkhrnn *hs_dkhrnn_new(const hs_hsmt *cfg, const hs_khrnn *m, const hs_dstate_opts *o)
{
    assert(cfg->d == 2 && (!m || (m->n == cfg->n && m->k == cfg->k && m->d == 2)));
    hs_dkhrnn *d = hs_calloc(1, sizeof *d);
    d->cfg = *cfg;
    d->exact = m == NULL;
    if (m)
        d->m = *m;
    d->st = hs_dstate_new(cfg->n, o);
    for (int b = 0; b < cfg->nbases; b++)
        d->u[b] = m ? hs_khrnn_unitary(m, b) : hs_unitary_basis(cfg->bases[b], 2);
    const size_t ell = cfg->ell > 0 ? (size_t)cfg->ell : 1;
    d->rank = hs_alloc(ell * sizeof *d->rank);
    d->count = hs_alloc(ell * sizeof *d->count);
    d->edges = hs_alloc(ell * sizeof *d->edges);
    return d;
}

void hs_dkhrnn_set(hs_dkhrnn *d, const hs_khrnn *m)
{
    assert(!d->exact && m->n == d->cfg.n && m->k == d->cfg.k && m->nbases == d->cfg.nbases);
    d->m = *m;
    for (int b = 0; b < d->cfg.nbases; b++)
        d->u[b] = hs_khrnn_unitary(m, b);
}

void hs_dkhrnn_free(hs_dkhrnn *d)
{
    if (!d)
        return;
    hs_dstate_free(d->st);
    hs_sys_free(d->rank);
    hs_sys_free(d->count);
    hs_sys_free(d->edges);
    hs_sys_free(d);
}

/* The trained write cell of hyperedge `rank` raised to `power` on this
 * rank's slice: amp(z) *= exp(i power phi(c)), c = |T and z|, counted on the
 * local positions and on the rank bits of the slice (hs_write_qubit). */
static void write_trained(hs_dkhrnn *d, uint64_t rank, long power)
{
    hs_dstate *s = d->st;
    if (!s->len)
        return; /* an idle rank */
    int sites[64];
    hs_comb_unrank(rank, d->cfg.n, d->cfg.k, sites);
    double phi[64];
    hs_write_qubit_phases(d->cfg.k, d->m.theta, phi);
    uint64_t lmask = 0, gmask = 0;
    for (int i = 0; i < d->cfg.k; i++) {
        const int pos = s->pos_of_site[sites[i]];
        if (pos < s->n_loc)
            lmask |= 1ull << pos;
        else
            gmask |= 1ull << (pos - s->n_loc);
    }
    const int cg = __builtin_popcountll((uint64_t)s->lrank & gmask);
    hs_amp tab[64];
    for (int c = 0; c <= d->cfg.k; c++)
        tab[c] = cexp(I * (double)power * phi[c]);
    hs_amp *amp = s->amp;
    const size_t len = s->len;
    HS_PAR_FOR(hs_sys_par(len), for (size_t z = 0; z < len; z++) {
        amp[z] *= tab[cg + __builtin_popcountll(z & lmask)];
    });
}

int hs_dkhrnn_predict(hs_dkhrnn *d, const hs_seq *s, double *r)
{
    const hs_hsmt *c = &d->cfg;
    assert(s->q <= c->q && s->ell <= c->ell); /* a curriculum stage's are shorter */
    if (d->exact) {
        /* The generator's steps (dgen.c): D_w |+>^n from the odd edges. */
        size_t ne = 0;
        const size_t distinct = hs_hsmt_multiplicities(s->writes, s->ell, d->rank, d->count);
        for (size_t i = 0; i < distinct; i++)
            if (d->count[i] % 2) {
                int sites[64];
                hs_comb_unrank(d->rank[i], c->n, c->k, sites);
                uint64_t mask = 0;
                for (int j = 0; j < c->k; j++)
                    mask |= 1ull << sites[j];
                d->edges[ne++] = (hs_edge){mask, 1};
            }
        hs_dstate_reset(d->st, NULL);
        hs_dstate_write_deferred(d->st, d->edges, ne, 1);
    } else {
        hs_dstate_init_plus(d->st);
        const size_t distinct = hs_hsmt_multiplicities(s->writes, s->ell, d->rank, d->count);
        for (size_t i = 0; i < distinct; i++)
            write_trained(d, d->rank[i], d->count[i]);
    }
    for (int t = 0; t < s->q; t++) {
        hs_dstate_probs(d->st, s->sites[t], &d->u[s->basis[t]], r + (size_t)t * 2);
        if (hs_dstate_collapse(d->st, s->outcomes[t]) != 0)
            return -1;
    }
    return 0;
}
