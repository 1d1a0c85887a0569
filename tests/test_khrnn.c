/* Tests of the k-HRNN: exact parameters reproduce the generator, random ones
 * do not; the exact unitaries equal U_b up to a phase per row. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hsmt.h"
#include "khrnn.h"
#include "score.h"
#include "state.h"

static hs_score score_model(const hs_hsmt *c, const hs_khrnn *m, int seqs)
{
    hs_gen *g = hs_gen_new(c);
    hs_state *st = hs_state_new(c->n, c->d);
    hs_seq s = {0};
    hs_score sc = {0};
    double r[64 * 64];
    for (int i = 0; i < seqs; i++) {
        hs_gen_sequence(g, (uint64_t)i, &s);
        double ll;
        assert_int_equal(hs_khrnn_predict(m, st, &s, r, &ll), 0);
        double ll_check = 0;
        for (int t = 0; t < s.q; t++) {
            hs_score_add(&sc, s.probs + t * c->d, r + t * c->d, c->d, s.outcomes[t]);
            ll_check += log(r[t * c->d + s.outcomes[t]]);
        }
        assert_true(fabs(ll - ll_check) < 1e-9);
    }
    hs_seq_free(&s);
    hs_state_free(st);
    hs_gen_free(g);
    return sc;
}

static void test_exact_zero_excess(void **state)
{
    (void)state;
    /* With exact parameters the model is the generator, up to rounding:
     * KL of distributions agreeing to ~1e-15 is ~1e-15 bits, far below 1e-9. */
    const int cases[][4] = {{2, 5, 1, 6}, {2, 6, 2, 15}, {2, 6, 3, 25}, {2, 7, 4, 40}, {3, 4, 2, 8}, {5, 3, 2, 6}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hs_hsmt c = {.d = cases[i][0], .n = cases[i][1], .k = cases[i][2], .ell = cases[i][3], .seed = 3};
        hs_hsmt_defaults(&c);
        char err[256];
        assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
        hs_khrnn m;
        hs_khrnn_exact(&m, &c);
        hs_score sc = score_model(&c, &m, 20);
        assert_true(fabs(sc.kl / (double)sc.outputs) < 1e-9);
        assert_true(sc.tv / (double)sc.outputs < 1e-9);
    }
}

static void test_random_positive_excess(void **state)
{
    (void)state;
    /* Random angles are a different model: its mean excess loss over 40
     * sequences is well above zero. 1e-3 bits is a loose floor: a random
     * Euler rotation alone moves X/Y statistics by O(1). */
    hs_hsmt c = {.n = 5, .k = 2, .ell = 10, .seed = 3};
    hs_hsmt_defaults(&c);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    hs_khrnn m;
    hs_khrnn_random(&m, &c, 42);
    hs_score sc = score_model(&c, &m, 40);
    assert_true(sc.kl / (double)sc.outputs > 1e-3);
    assert_int_equal(hs_khrnn_nparams(&m), 3 + 3 * 3);
}

static void test_exact_unitaries(void **state)
{
    (void)state;
    /* Rows of V_b and U_b agree up to a unit phase per row: |<row_V, row_U>| = 1. */
    hs_hsmt c = {.n = 2, .k = 1, .ell = 0};
    hs_hsmt_defaults(&c);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    hs_khrnn m;
    hs_khrnn_exact(&m, &c);
    for (int b = 0; b < 3; b++) {
        hs_unitary v = hs_khrnn_unitary(&m, b), u = hs_unitary_basis(c.bases[b], 2);
        for (int r = 0; r < 2; r++) {
            hs_amp ip = v.m[2 * r] * conj(u.m[2 * r]) + v.m[2 * r + 1] * conj(u.m[2 * r + 1]);
            assert_true(fabs(cabs(ip) - 1.0) < 1e-14);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_zero_excess),
        cmocka_unit_test(test_random_positive_excess),
        cmocka_unit_test(test_exact_unitaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
