/* The distributed HSMT generator: hs_gen_sequence's steps (core/hsmt.c) with
 * the sharded state in place of the serial one. Every rank draws the same
 * random numbers, so no step broadcasts anything. */
#include "dgen.h"

#include <assert.h>

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

    /* Steps 1 and 3: writes, query sites and bases. */
    size_t ne = hs_hsmt_draw(c, index, s, g->rank, g->count, g->edges);
    /* 2. D_w |+>^n, each rank its slice. */
    hs_dstate_reset(g->st, NULL);
    hs_dstate_write_deferred_first(g->st, g->edges, ne, s->sites[0], &g->ub[s->basis[0]], s->probs);

    /* 4. Born-rule outcomes: every rank has the same p and the same draw. */
    hs_rng ro;
    hs_rng_init(&ro, c->seed, index, HS_RNG_OUTCOMES);
    for (int t = 0; t < c->q; t++) {
        double *p = s->probs + (size_t)t * 2;
        int o = hs_rng_pick(p, 2, hs_rng_uniform(&ro));
        s->outcomes[t] = o;
        /* The collapse yields the next query's distribution (in the same
         * pass where it can: hs_dstate_collapse_probs). */
        int rc = t + 1 < c->q ? hs_dstate_collapse_probs(g->st, o, s->sites[t + 1], &g->ub[s->basis[t + 1]], p + 2)
                              : hs_dstate_collapse(g->st, o);
        assert(rc == 0);
        (void)rc;
    }
}
