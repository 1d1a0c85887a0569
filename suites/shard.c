/* Sharded configurations of the grid suites (shard.h). */
#include "shard.h"

#include <math.h>
#include <stdio.h>

#include "comm.h"
#include "dsize.h"
#include "dsource.h"
#include "sys.h"

double hs_shard_rank_limit(void) { return hs_dsize_rank_limit(NULL); }

int hs_shard_is_sharded(const hs_config *cf, const hs_hsmt *t)
{
    return t->d == 2 && t->n >= hs_config_int(cf, "shard_min_n");
}

int hs_shard_ranks(const hs_config *cf, const hs_hsmt *t, double states, double limit, int world, int *ranks,
                   hs_err *e)
{
    const long fixed = hs_config_int(cf, "ranks_per_config");
    char need_s[32], lim_s[32];
    if (fixed > 0) {
        if (fixed & (fixed - 1))
            return hs_config_err(cf, e, "ranks_per_config", "%ld is not a power of two (allowed: auto, 1, 2, 4, ...)",
                                 fixed);
        const double need = states * (double)hs_dsize_rank_bytes(t->n, (int)fixed, NULL);
        if (need > limit || need == 0)
            return hs_config_err(cf, e, "ranks_per_config",
                                 "%ld: k = %d, n = %d needs %s per rank over %ld ranks, only %s per rank "
                                 "(allowed: more ranks per configuration, or auto)",
                                 fixed, t->k, t->n, hs_sys_fmt_bytes(need, need_s, sizeof need_s), fixed,
                                 hs_sys_fmt_bytes(limit, lim_s, sizeof lim_s));
        *ranks = (int)fixed;
        return HS_OK;
    }
    for (int g = 1; g <= world && (t->n >= 60 || (uint64_t)g <= (uint64_t)1 << t->n); g *= 2) {
        const double need = states * (double)hs_dsize_rank_bytes(t->n, g, NULL);
        if (need > 0 && need <= limit) {
            *ranks = g;
            return HS_OK;
        }
        if (2 * g > world) {
            return hs_config_err(cf, e, "n", "k = %d, n = %d needs %s per rank even over all %d ranks, only %s per "
                                 "rank (allowed: more ranks, or a smaller n)",
                                 t->k, t->n, hs_sys_fmt_bytes(need, need_s, sizeof need_s), world,
                                 hs_sys_fmt_bytes(limit, lim_s, sizeof lim_s));
        }
    }
    return hs_config_err(cf, e, "n", "k = %d, n = %d: more ranks than amplitudes", t->k, t->n);
}

void hs_shard_score(const hs_hsmt *t, hs_dkhrnn *pred, hs_model *m, uint64_t first, long count, hs_score *sc)
{
    hs_dsource *src = hs_dsource_new(NULL);
    hs_seq s = {0};
    double *r = hs_alloc((size_t)t->q * 2 * sizeof *r);
    char err[512];
    for (long i = 0; i < count; i++) {
        hs_dsource_draw(src, t, first + (uint64_t)i, 1, &s);
        if (pred ? hs_dkhrnn_predict(pred, &s, r) != 0 : m->predict(m->ctx, t, &s, r, err, sizeof err) != 0)
            hs_sys_fatal("%s on sequence %llu: %s", pred ? "sharded model" : m->name,
                         (unsigned long long)(first + (uint64_t)i),
                         pred ? "an observed outcome has model probability 0" : err);
        for (int u = 0; u < s.q; u++)
            hs_score_add(sc, s.probs + (size_t)u * 2, r + (size_t)u * 2, 2, s.outcomes[u]);
    }
    hs_sys_free(r);
    hs_seq_free(&s);
    hs_dsource_free(src);
}
