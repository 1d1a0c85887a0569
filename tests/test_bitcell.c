/* Tests of the first query cell from phase bits (core/bitcell.h) against the
 * written layer: hs_write_deferred_first (the sign pass) followed by the
 * fused collapse, for every measured and next position. */
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "combin.h"
#include "rng.h"
#include "state.h"
#include "sum.h"
#include "write.h"

/* The distributions of the two paths come from the same four values per
 * output: the written path sums the 2^(n-2) pair terms by the blocked tree
 * (absolute error below (HS_SUM_BLOCK/4 + log2 blocks + 2) eps, as every
 * sum's terms add up to at most the state's norm, 1), the bit path adds at
 * most four count-times-product terms (below 8 eps). A weight combines the
 * four sums with coefficients of modulus <= 1, twice for the cross term,
 * so 4 (HS_SUM_BLOCK/4 + 64 + 8) eps bounds the difference. */
#define TOL (4.0 * (HS_SUM_BLOCK / 4 + 64 + 8) * 2.3e-16)

/* Random hyperedges of orders 1..3 on n sites, each present with
 * probability 1/2 (k <= n). */
static size_t random_edges(int n, uint64_t seed, hs_edge *e)
{
    hs_rng r;
    hs_rng_init(&r, seed, 0, HS_RNG_WRITES);
    size_t ne = 0;
    for (int k = 1; k <= 3 && k <= n; k++)
        for (uint64_t t = 0; t < hs_comb_binom(n, k); t++)
            if (hs_rng_below(&r, 2))
                e[ne++] = (hs_edge){hs_comb_unrank_mask(t, n, k), 1};
    return ne;
}

/* One first query (site, basis b, outcome o) with the next query on
 * `next` (or none, -1) on both paths; the states left must be the same
 * bits, the next distributions within TOL. out (may be NULL) gets the bit
 * path's distribution. */
static void compare(int n, const hs_edge *e, size_t ne, int site, int b, int o, int next, double *out)
{
    const hs_unitary u = hs_unitary_basis(b, 2), un = hs_unitary_basis((b + 1) % 3 - 1, 2);
    hs_state *w = hs_state_new(n, 2), *z = hs_state_new(n, 2);
    double rw[4], rz[4], pw[2], pz[2];
    hs_write_deferred_first(w, e, ne, site, rw);
    uint64_t *bits = calloc(n >= 6 ? (size_t)1 << (n - 6) : 1, sizeof *bits);
    hs_write_first_bits(z, e, ne, site, bits, rz);
    assert_memory_equal(rw, rz, sizeof rw);
    hs_state_probs_rho(w, site, &u, rw, pw);
    hs_state_probs_rho(z, site, &u, rz, pz);
    if (!(w->q_raw[o] > 0)) {
        /* An outcome of weight 0 is refused by both, the state kept. */
        assert_int_equal(next >= 0 ? hs_state_collapse_probs(z, o, next, &un, pz) : hs_state_collapse(z, o), -1);
        goto done;
    }
    if (next >= 0) {
        assert_int_equal(hs_state_collapse_probs(w, o, next, &un, pw), 0);
        assert_int_equal(hs_state_collapse_probs(z, o, next, &un, pz), 0);
        for (int k = 0; k < 2; k++)
            if (fabs(pw[k] - pz[k]) > TOL)
                fail_msg("n = %d site %d next %d: p%d %.17g (bits) against %.17g", n, site, next, k, pz[k], pw[k]);
        if (out)
            memcpy(out, pz, sizeof pz);
        assert_int_equal(z->q_pos, w->q_pos);
    } else {
        assert_int_equal(hs_state_collapse(w, o), 0);
        assert_int_equal(hs_state_collapse(z, o), 0);
    }
    assert_int_equal(z->len, w->len);
    assert_memory_equal(z->amp, w->amp, z->len * sizeof *z->amp);
    assert_memory_equal(z->pos_of_site, w->pos_of_site, sizeof z->pos_of_site);
done:
    free(bits);
    hs_state_free(w);
    hs_state_free(z);
}

/* Every measured site and every next site (and none), n = 1..10 (in-word
 * bit offsets below n = 7, word offsets above), both outcomes, the three
 * bases in turn. */
static void test_every_position(void **state)
{
    (void)state;
    hs_edge e[256];
    for (int n = 1; n <= 10; n++) {
        const size_t ne = random_edges(n, 40 + (uint64_t)n, e);
        for (int site = 0; site < n; site++)
            for (int next = -1; next < n; next++) {
                if (next == site)
                    continue;
                for (int o = 0; o < 2; o++)
                    compare(n, e, ne, site, (site + next + 3) % 3 - 1, o, next, NULL);
            }
    }
}

/* With no hyperedge every phase bit is 0 and an X query's outcome 1 has
 * weight 0: refused by both paths. */
static void test_zero_weight(void **state)
{
    (void)state;
    compare(8, NULL, 0, 3, 0, 1, 5, NULL);
}

/* At n = 18 (above the parallel threshold, several chunks of words) the
 * distribution is bitwise the same with 1 and 2 threads. */
static void test_thread_independent(void **state)
{
    (void)state;
    static hs_edge e[1200];
    const size_t ne = random_edges(18, 7, e);
    double p1[2], p2[2];
    omp_set_num_threads(1);
    compare(18, e, ne, 4, 0, 0, 9, p1);
    omp_set_num_threads(2);
    compare(18, e, ne, 4, 0, 0, 9, p2);
    assert_memory_equal(p1, p2, sizeof p1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_position),
        cmocka_unit_test(test_zero_weight),
        cmocka_unit_test(test_thread_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
