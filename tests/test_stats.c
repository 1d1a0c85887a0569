/* Tests of util/stats.c: quantiles on values worked out by hand, and the
 * bootstrap interval's coverage and width for the mean of normal samples,
 * where the answer is known (mean +- z sigma / sqrt(n)). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rng.h"
#include "stats.h"

/* Linear interpolation between order statistics: of {5, 1, 4, 2, 3} (sorted
 * 1..5, positions 0..4) q = 0.5 is position 2: 3; q = 0.1 is position 0.4:
 * 1.4; q = 1 is 5; one value is every quantile. */
static void test_quantile(void **state)
{
    (void)state;
    double x[5] = {5, 1, 4, 2, 3};
    assert_float_equal(hs_stats_quantile(x, 5, 0.5), 3, 1e-15);
    assert_float_equal(hs_stats_quantile(x, 5, 0.1), 1.4, 1e-15);
    assert_float_equal(hs_stats_quantile(x, 5, 1), 5, 1e-15);
    double one = 7;
    assert_float_equal(hs_stats_quantile(&one, 1, 0.3), 7, 0);
}

typedef struct {
    const double *x;
} mean_ctx;

static double mean_of(const int *idx, int n, void *ctx)
{
    const mean_ctx *c = ctx;
    double s = 0;
    for (int i = 0; i < n; i++)
        s += c->x[idx[i]];
    return s / n;
}

/* Standard normal draws (Box-Muller) from a fixed stream. */
static void normals(uint64_t seed, double *x, int n)
{
    hs_rng r;
    hs_rng_init(&r, seed, 0, HS_RNG_TRAIN);
    for (int i = 0; i < n; i++) {
        const double u = 1 - hs_rng_uniform(&r), v = hs_rng_uniform(&r);
        x[i] = sqrt(-2 * log(u)) * cos(2 * M_PI * v);
    }
}

/* 400 data sets of 200 N(0, 1) samples, 90% intervals of the mean from 500
 * resamples each. Coverage of the true mean 0: the percentile interval's is
 * close to 0.90 at n = 200 (its undercoverage is O(1/n)); over 400 sets its
 * standard error is sqrt(0.9 0.1 / 400) = 0.015, so [0.84, 0.95] is 4 and
 * 3.3 standard errors around 0.9. Mean width: 2 z_0.95 / sqrt(200) = 0.2326
 * for the exact interval; the bootstrap's is sqrt(199/200) of it, with
 * Monte-Carlo error well under 2% at 500 resamples averaged over 400 sets:
 * within 5%. */
static void test_bootstrap_mean(void **state)
{
    (void)state;
    enum { SETS = 400, N = 200 };
    double x[N];
    int covered = 0;
    double width = 0;
    for (int s = 0; s < SETS; s++) {
        normals(1000 + (uint64_t)s, x, N);
        mean_ctx c = {x};
        double lo, hi;
        hs_stats_bootstrap(N, mean_of, &c, 500, 0.9, 77 + (uint64_t)s, &lo, &hi);
        assert_true(lo <= hi);
        covered += lo <= 0 && 0 <= hi;
        width += hi - lo;
    }
    const double cov = (double)covered / SETS;
    if (cov < 0.84 || cov > 0.95)
        fail_msg("coverage %.3f outside [0.84, 0.95]", cov);
    const double want = 2 * 1.6448536 / sqrt(N) * sqrt((N - 1.0) / N);
    assert_float_equal(width / SETS, want, 0.05 * want);
}

/* The same samples and seed give the same interval; another seed another
 * one (the resamples differ). */
static void test_bootstrap_reproducible(void **state)
{
    (void)state;
    double x[50];
    normals(5, x, 50);
    mean_ctx c = {x};
    double a0, a1, b0, b1, c0, c1;
    hs_stats_bootstrap(50, mean_of, &c, 200, 0.95, 9, &a0, &a1);
    hs_stats_bootstrap(50, mean_of, &c, 200, 0.95, 9, &b0, &b1);
    hs_stats_bootstrap(50, mean_of, &c, 200, 0.95, 10, &c0, &c1);
    assert_true(a0 == b0 && a1 == b1);
    assert_true(a0 != c0 || a1 != c1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_bootstrap_mean),
        cmocka_unit_test(test_bootstrap_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
