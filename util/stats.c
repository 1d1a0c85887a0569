/* Percentile bootstrap intervals and quantiles (util/stats.h). */
#include "stats.h"

#include <assert.h>
#include <stdlib.h>

#include "rng.h"
#include "sys.h"

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double hs_stats_quantile(double *x, int n, double q)
{
    assert(n >= 1 && q >= 0 && q <= 1);
    qsort(x, (size_t)n, sizeof *x, by_value);
    const double pos = q * (n - 1);
    const int i = (int)pos;
    return i + 1 < n ? x[i] + (pos - i) * (x[i + 1] - x[i]) : x[n - 1];
}

void hs_stats_bootstrap(int n, hs_stats_fn stat, void *ctx, int reps, double level, uint64_t seed, double *lo,
                        double *hi)
{
    assert(n >= 2 && reps >= 2 && level > 0 && level < 1);
    int *idx = hs_alloc((size_t)n * sizeof *idx);
    double *v = hs_alloc((size_t)reps * sizeof *v);
    for (int r = 0; r < reps; r++) {
        /* Resample r: its own stream index, whatever reps is. */
        hs_rng g;
        hs_rng_init(&g, seed, (uint64_t)r, HS_RNG_BOOTSTRAP);
        for (int i = 0; i < n; i++)
            idx[i] = (int)hs_rng_below(&g, (uint64_t)n);
        v[r] = stat(idx, n, ctx);
    }
    *lo = hs_stats_quantile(v, reps, (1 - level) / 2);
    *hi = hs_stats_quantile(v, reps, (1 + level) / 2);
    hs_sys_free(idx);
    hs_sys_free(v);
}
