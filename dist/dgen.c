/* The distributed HSMT generator: hs_gen_sequence's steps (core/hsmt.c) with
 * the sharded state in place of the serial one. Every rank draws the same
 * random numbers, so no step broadcasts anything. */
#include "dgen.h"

#include <assert.h>
#include <string.h>

#include "combin.h"
#include "rng.h"
#include "sys.h"

struct hs_dgen {
    hs_hsmt cfg;
    hs_dstate *st;
    uint64_t *rank;               /* [ell] scratch: distinct hyperedges */
    long *count;                  /* [ell] scratch: their multiplicities */
    hs_edge *edges;               /* [ell] those of odd multiplicity */
    hs_unitary ub[HS_MAX_BASES];  /* U_b per basis index */
};

hs_dgen *hs_dgen_new(const hs_hsmt *cfg, const hs_dstate_opts *o)
{
    assert(cfg->d == 2);
    hs_dgen *g = hs_calloc(1, sizeof *g);
    g->cfg = *cfg;
    g->st = hs_dstate_new(cfg->n, o);
    size_t ell = cfg->ell > 0 ? (size_t)cfg->ell : 1;
    g->rank = hs_calloc(ell, sizeof *g->rank);
    g->count = hs_calloc(ell, sizeof *g->count);
    g->edges = hs_calloc(ell, sizeof *g->edges);
    for (int b = 0; b < cfg->nbases; b++)
        g->ub[b] = hs_unitary_basis(cfg->bases[b], 2);
    return g;
}

void hs_dgen_free(hs_dgen *g)
{
    if (!g)
        return;
    hs_dstate_free(g->st);
    hs_sys_free(g->rank);
    hs_sys_free(g->count);
    hs_sys_free(g->edges);
    hs_sys_free(g);
}

hs_dstate *hs_dgen_state(hs_dgen *g) { return g->st; }

void hs_dgen_sequence(hs_dgen *g, uint64_t index, hs_seq *s)
{
    const hs_hsmt *c = &g->cfg;
    if (!s->writes || s->ell != c->ell || s->q != c->q || s->d != c->d)
        hs_seq_alloc(s, c->ell, c->q, c->d);
    s->id = index;

    /* 1. Writes and their multiplicities mod 2. */
    hs_rng rw;
    hs_rng_init(&rw, c->seed, index, HS_RNG_WRITES);
    for (long t = 0; t < c->ell; t++)
        s->writes[t] = hs_rng_below(&rw, c->M);
    size_t distinct = hs_hsmt_multiplicities(s->writes, c->ell, g->rank, g->count);
    size_t ne = 0;
    for (size_t i = 0; i < distinct; i++)
        if (g->count[i] % 2) {
            int sites[HS_MAX_SITES];
            hs_comb_unrank(g->rank[i], c->n, c->k, sites);
            uint64_t mask = 0;
            for (int j = 0; j < c->k; j++)
                mask |= 1ull << sites[j];
            g->edges[ne++] = (hs_edge){mask, 1};
        }
    /* 2. D_w |+>^n, each rank its slice. */
    hs_dstate_reset(g->st, NULL);
    hs_dstate_write_deferred(g->st, g->edges, ne, 1);

    /* 3. Queries: partial Fisher-Yates over the sites, a basis for each. */
    hs_rng rq;
    hs_rng_init(&rq, c->seed, index, HS_RNG_QUERIES);
    int perm[HS_MAX_SITES];
    for (int i = 0; i < c->n; i++)
        perm[i] = i;
    for (int t = 0; t < c->q; t++) {
        int j = t + (int)hs_rng_below(&rq, (uint64_t)(c->n - t));
        int tmp = perm[t];
        perm[t] = perm[j];
        perm[j] = tmp;
        s->sites[t] = perm[t];
        s->basis[t] = (int)hs_rng_below(&rq, (uint64_t)c->nbases);
    }

    /* 4. Born-rule outcomes: every rank has the same p and the same draw. */
    hs_rng ro;
    hs_rng_init(&ro, c->seed, index, HS_RNG_OUTCOMES);
    for (int t = 0; t < c->q; t++) {
        double *p = s->probs + (size_t)t * 2;
        hs_dstate_probs(g->st, s->sites[t], &g->ub[s->basis[t]], p);
        int o = hs_rng_pick(p, 2, hs_rng_uniform(&ro));
        s->outcomes[t] = o;
        int rc = hs_dstate_collapse(g->st, o);
        assert(rc == 0);
        (void)rc;
    }
}
