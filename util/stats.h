/* Statistics the suites report with their numbers: the percentile
 * bootstrap interval of a statistic of independent samples (Efron and
 * Tibshirani, "An Introduction to the Bootstrap", ch. 13), reproducible:
 * the resamples come from the counter-based stream (seed, HS_RNG_BOOTSTRAP),
 * so the interval depends on the samples and the seed only. */
#ifndef HS_STATS_H
#define HS_STATS_H

#include <stdint.h>

/* A statistic of the samples idx[0..n) (indices into the caller's data,
 * with repeats in a resample). */
typedef double (*hs_stats_fn)(const int *idx, int n, void *ctx);

/* The statistic over `reps` resamples of n >= 2 samples drawn with
 * replacement; *lo and *hi the (1 - level) / 2 and (1 + level) / 2
 * quantiles of those values (linear interpolation between order
 * statistics), level in (0, 1), reps >= 2. */
void hs_stats_bootstrap(int n, hs_stats_fn stat, void *ctx, int reps, double level, uint64_t seed, double *lo,
                        double *hi);

/* The q-quantile (q in [0, 1]) of x[0..n), n >= 1, by linear interpolation
 * between the order statistics (x is sorted in place). */
double hs_stats_quantile(double *x, int n, double q);

#endif
