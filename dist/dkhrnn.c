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
    uint64_t *lmask;             /* [ell] trained: local positions of each */
    hs_amp *tab;                 /* [ell][k + 1] trained: factor by overlap */
    uint8_t popc[1 << 12];       /* popcount of 12-bit values (WRITE_BITS) */
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
    if (m) {
        d->lmask = hs_alloc(ell * sizeof *d->lmask);
        d->tab = hs_alloc(ell * (size_t)(cfg->k + 1) * sizeof *d->tab);
        for (size_t v = 0; v < sizeof d->popc; v++)
            d->popc[v] = (uint8_t)__builtin_popcountll(v);
    }
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
    hs_sys_free(d->lmask);
    hs_sys_free(d->tab);
    hs_sys_free(d);
}

/* Amplitudes per block of the trained write pass: 2^12 (64 KiB, in L2
 * while every hyperedge's factors are applied to it), aligned, so an
 * overlap |T and z| is the block's share (one popcount per block) plus
 * that of z's low 12 bits, from a table: the default x86-64 build has no
 * popcnt instruction, and libgcc's popcount took a third of the pass. */
#define WRITE_BITS 12
#define WRITE_BLOCK ((size_t)1 << WRITE_BITS)

/* The trained write cells of the `ne` distinct hyperedges d->rank[e], each
 * raised to its multiplicity d->count[e], on this rank's slice: amp(z) *=
 * exp(i count phi(c)), c = |T and z|, counted on the local positions and
 * on the rank bits of the slice (hs_write_qubit). One pass over the slice
 * in blocks, applying the hyperedges in order to each block: every
 * amplitude gets the same products in the same order as one pass per
 * hyperedge gave (bitwise; test_dshard's dumps were compared), at the
 * memory traffic of one pass. */
static void write_trained(hs_dkhrnn *d, size_t ne)
{
    hs_dstate *s = d->st;
    if (!s->len || !ne)
        return; /* an idle rank, or no writes */
    const int k = d->cfg.k;
    double phi[64];
    hs_write_qubit_phases(k, d->m.theta, phi);
    for (size_t e = 0; e < ne; e++) {
        int sites[64];
        hs_comb_unrank(d->rank[e], d->cfg.n, k, sites);
        uint64_t lmask = 0, gmask = 0;
        for (int i = 0; i < k; i++) {
            const int pos = s->pos_of_site[sites[i]];
            if (pos < s->n_loc)
                lmask |= 1ull << pos;
            else
                gmask |= 1ull << (pos - s->n_loc);
        }
        /* The rank bits' share of c folded into the table: tab[e][c_local]. */
        const int cg = __builtin_popcountll((uint64_t)s->lrank & gmask);
        d->lmask[e] = lmask;
        for (int c = 0; c <= k; c++)
            d->tab[e * (size_t)(k + 1) + (size_t)c] = c + cg <= k ? cexp(I * (double)d->count[e] * phi[c + cg]) : 1;
    }
    hs_amp *amp = s->amp;
    const size_t len = s->len, nblk = (len + WRITE_BLOCK - 1) / WRITE_BLOCK;
    const uint64_t *lm = d->lmask;
    const hs_amp *tab = d->tab;
    const uint8_t *pc = d->popc;
    HS_PAR_FOR(hs_sys_par(len), for (size_t b = 0; b < nblk; b++) {
        const size_t z0 = b * WRITE_BLOCK, z1 = z0 + WRITE_BLOCK < len ? z0 + WRITE_BLOCK : len;
        for (size_t e = 0; e < ne; e++) {
            const hs_amp *t = tab + e * (size_t)(k + 1) + __builtin_popcountll(z0 & lm[e]);
            const size_t m = (size_t)lm[e] & (WRITE_BLOCK - 1);
            /* The product written out: C's complex `*=` tests every
             * result for NaN (Annex G's recovery through __muldc3); this
             * loop never meets one, and the two roundings are the same
             * (7% of the pass at n = 24, measured once). Stored through
             * the (re, im) doubles a complex is laid out as (C11 6.2.5),
             * not CMPLX, which Clang 14 with glibc lacks. */
            double *w = (double *)amp;
            for (size_t z = z0; z < z1; z++) {
                const hs_amp f = t[pc[z & m]];
                const double ar = w[2 * z], ai = w[2 * z + 1], fr = creal(f), fi = cimag(f);
                w[2 * z] = ar * fr - ai * fi;
                w[2 * z + 1] = ar * fi + ai * fr;
            }
        }
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
            if (d->count[i] % 2)
                d->edges[ne++] = (hs_edge){hs_comb_unrank_mask(d->rank[i], c->n, c->k), 1};
        hs_dstate_reset(d->st, NULL);
        hs_dstate_write_deferred_first(d->st, d->edges, ne, s->sites[0], &d->u[s->basis[0]], r);
    } else {
        hs_dstate_init_plus(d->st);
        write_trained(d, hs_hsmt_multiplicities(s->writes, s->ell, d->rank, d->count));
        hs_dstate_probs(d->st, s->sites[0], &d->u[s->basis[0]], r);
    }
    for (int t = 0; t < s->q; t++) {
        const int rc = t + 1 < s->q ? hs_dstate_collapse_probs(d->st, s->outcomes[t], s->sites[t + 1],
                                                               &d->u[s->basis[t + 1]], r + (size_t)(t + 1) * 2)
                                    : hs_dstate_collapse(d->st, s->outcomes[t]);
        if (rc != 0)
            return -1;
    }
    return 0;
}
