/* The sharded generator as a sequence source (dsource.h). */
#include "dsource.h"

#include <assert.h>
#include <string.h>

#include "dgen.h"
#include "sys.h"

struct hs_dsource {
    hs_dstate_opts opts;
    hs_hsmt cfg;      /* the task of gen */
    hs_dgen *gen;     /* NULL until the first draw */
    hs_seq_source iface;
};

static void iface_draw(void *ctx, const hs_hsmt *cfg, uint64_t first, long count, hs_seq *seqs)
{
    hs_dsource_draw(ctx, cfg, first, count, seqs);
}

hs_dsource *hs_dsource_new(const hs_dstate_opts *o)
{
    hs_dsource *s = hs_calloc(1, sizeof *s);
    if (o)
        s->opts = *o;
    s->iface = (hs_seq_source){.ctx = s, .draw = iface_draw};
    return s;
}

void hs_dsource_free(hs_dsource *s)
{
    if (!s)
        return;
    hs_dgen_free(s->gen);
    hs_sys_free(s);
}

/* Whether two tasks draw the same sequences. */
static int same_task(const hs_hsmt *a, const hs_hsmt *b)
{
    return a->n == b->n && a->k == b->k && a->d == b->d && a->ell == b->ell && a->q == b->q && a->seed == b->seed &&
           a->nbases == b->nbases && memcmp(a->bases, b->bases, (size_t)a->nbases * sizeof *a->bases) == 0;
}

void hs_dsource_draw(hs_dsource *s, const hs_hsmt *cfg, uint64_t first, long count, hs_seq *seqs)
{
    assert(cfg->d == 2);
    if (!s->gen || !same_task(&s->cfg, cfg)) {
        /* Collective on every rank alike: the calls come in the same order. */
        hs_dgen_free(s->gen);
        s->gen = hs_dgen_new(cfg, &s->opts);
        s->cfg = *cfg;
    }
    for (long i = 0; i < count; i++)
        hs_dgen_sequence(s->gen, first + (uint64_t)i, &seqs[i]);
}

const hs_seq_source *hs_dsource_iface(hs_dsource *s) { return &s->iface; }
