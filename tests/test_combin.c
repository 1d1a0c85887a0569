/* Tests of binomials and colex ranking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "combin.h"

static void test_binom(void **state)
{
    (void)state;
    /* Against Pascal's triangle. */
    uint64_t row[64] = {1};
    for (int n = 1; n <= 62; n++) {
        for (int k = n; k >= 1; k--)
            row[k] += row[k - 1];
        for (int k = 0; k <= n; k++)
            assert_int_equal(hs_comb_binom(n, k), row[k]);
    }
    assert_int_equal(hs_comb_binom(3, 4), 0);
    assert_int_equal(hs_comb_binom(200, 100), UINT64_MAX);
}

static void test_rank_colex(void **state)
{
    (void)state;
    /* Enumerate k-subsets of {0..n-1} in colex order (compare largest element
     * first): ranks must be 0, 1, 2, ... and unrank must invert rank, its
     * mask form giving back the bitmask. */
    for (int n = 1; n <= 10; n++)
        for (int k = 1; k <= n; k++) {
            uint64_t expect = 0;
            for (uint64_t m = 0; m < (1ull << n); m++) {
                /* Bitmask order restricted to popcount k is colex order. */
                if (__builtin_popcountll(m) != k)
                    continue;
                int s[16], j = 0;
                for (int i = 0; i < n; i++)
                    if (m >> i & 1)
                        s[j++] = i;
                assert_int_equal(hs_comb_rank(s, k), expect);
                int u[16];
                hs_comb_unrank(expect, n, k, u);
                for (int i = 0; i < k; i++)
                    assert_int_equal(u[i], s[i]);
                assert_int_equal(hs_comb_unrank_mask(expect, n, k), m);
                expect++;
            }
            assert_int_equal(expect, hs_comb_binom(n, k));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binom),
        cmocka_unit_test(test_rank_colex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
