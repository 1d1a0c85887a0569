/* Tests of the pre-sampling (noncontextual) model: exact where no
 * contextuality is involved (one basis, or k = 1), and a loss of exactly the
 * size the analysis predicts on the smallest contextual cases (k = 2 and
 * k = 3 with the default bases). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hsmt.h"
#include "model.h"
#include "presample.h"
#include "score.h"

/* Brute-force posteriors over at most 2^6 or 3^4 outcome strings, compared
 * with the generator's exact probabilities: both sides are within ~1e-15 of
 * the truth. */
#define TOL 1e-12

static hs_hsmt make_cfg(int n, int k, int d, long ell, int q, int nbases, const int *bases,
                        uint64_t seed)
{
    hs_hsmt c = {.n = n, .k = k, .d = d, .ell = ell, .q = q, .nbases = nbases, .seed = seed};
    for (int i = 0; i < nbases; i++)
        c.bases[i] = bases[i];
    char err[256];
    int rc = hs_hsmt_validate(&c, err, sizeof err);
    assert_int_equal(rc, 0);
    return c;
}

/* Every prediction equals the generator's conditional on `nseq` sequences. */
static void check_exact_on(const hs_hsmt *c, int nseq)
{
    hs_gen *g = hs_gen_new(c);
    hs_model m;
    char err[256];
    assert_int_equal(hs_presample_open(c, &m, err, sizeof err), 0);
    hs_seq s = {0};
    double r[64 * 8];
    for (int i = 0; i < nseq; i++) {
        hs_gen_sequence(g, (uint64_t)i, &s);
        assert_int_equal(m.predict(m.ctx, c, &s, r, err, sizeof err), 0);
        for (int t = 0; t < c->q * c->d; t++)
            assert_true(fabs(r[t] - s.probs[t]) < TOL);
    }
    hs_seq_free(&s);
    hs_model_free(&m);
    hs_gen_free(g);
}

/* One basis: all queries commute, the sequential statistics are the joint
 * distribution P_b itself, and the model is exact. */
static void test_single_basis_is_exact(void **state)
{
    (void)state;
    const int z[] = {HS_BASIS_Z}, x[] = {0}, y[] = {1};
    hs_hsmt a = make_cfg(5, 2, 2, 8, 5, 1, x, 11);
    check_exact_on(&a, 30);
    hs_hsmt b = make_cfg(5, 2, 2, 8, 5, 1, y, 12);
    check_exact_on(&b, 30);
    hs_hsmt c = make_cfg(5, 3, 2, 8, 5, 1, z, 13);
    check_exact_on(&c, 10);
    hs_hsmt d = make_cfg(6, 3, 2, 20, 6, 1, x, 14);
    check_exact_on(&d, 30);
    hs_hsmt e = make_cfg(4, 2, 3, 10, 4, 1, y, 15); /* d = 3, chirp m = 1 */
    check_exact_on(&e, 30);
    hs_hsmt f = make_cfg(6, 2, 2, 6, 2, 1, y, 16); /* q < n */
    check_exact_on(&f, 30);
}

/* k = 1: the state is a product state, outcomes on distinct sites are
 * independent in every basis, so conditioning on nothing but the same basis
 * loses nothing. */
static void test_product_state_is_exact(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1}, chirp[] = {HS_BASIS_Z, 0, 1, 2};
    hs_hsmt a = make_cfg(5, 1, 2, 7, 5, 3, xyz, 21);
    check_exact_on(&a, 30);
    hs_hsmt b = make_cfg(4, 1, 3, 9, 4, 4, chirp, 22);
    check_exact_on(&b, 30);
}

/* The two-site graph state CZ|++> (n = 2, k = 2, ell = 1: the one edge is
 * always written) has stabilizers XZ, ZX and YY. The first answer is uniform
 * for truth and model alike. The second is deterministic for the basis pairs
 * (Z, X), (X, Z) and (Y, Y), uniform otherwise; the model matches it for
 * (Y, Y) (same basis: its Y table holds the correlation) but says 1/2 for
 * (Z, X) and (X, Z). So a sequence's excess is exactly 1 bit when its bases
 * are {Z, X} and 0 otherwise, and its expected value is 2/9 bit per sequence,
 * 1/9 bit per output. */
static void test_two_site_graph_loses_one_bit(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    hs_hsmt c = make_cfg(2, 2, 2, 1, 2, 3, xyz, 31);
    hs_gen *g = hs_gen_new(&c);
    hs_model m;
    char err[256];
    assert_int_equal(hs_presample_open(&c, &m, err, sizeof err), 0);
    hs_seq s = {0};
    hs_score total = {0};
    double r[4];
    const int N = 900;
    int count = 0;
    for (int i = 0; i < N; i++) {
        hs_gen_sequence(g, (uint64_t)i, &s);
        assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
        hs_score sc = {0};
        for (int t = 0; t < 2; t++)
            hs_score_add(&sc, s.probs + 2 * t, r + 2 * t, 2, s.outcomes[t]);
        int b0 = c.bases[s.basis[0]], b1 = c.bases[s.basis[1]];
        int zx = (b0 == HS_BASIS_Z && b1 == 0) || (b0 == 0 && b1 == HS_BASIS_Z);
        count += zx;
        /* The generator's deterministic rows are 1 and 0 up to ~1e-16. */
        assert_true(fabs(sc.kl - (zx ? 1.0 : 0.0)) < 1e-9);
        hs_score_merge(&total, &sc);
    }
    /* count ~ Binomial(900, 2/9): mean 200, sd 12.5; 5 sd either side. */
    const double mean = N * 2.0 / 9.0, sd = sqrt(N * (2.0 / 9.0) * (7.0 / 9.0));
    assert_true(fabs(count - mean) < 5 * sd);
    /* Hence the excess per output is count / 2N >= 137.5 / 1800 > 0.07. */
    assert_true(total.kl / (double)total.outputs > 0.07);
    hs_seq_free(&s);
    hs_model_free(&m);
    hs_gen_free(g);
}

/* One hyperedge on three sites (n = k = 3, ell = 1): |psi> = CCZ|+++>. If the
 * bases are Z, Z, X in that order, the last site c is in Z^(z_a z_b)|+>, so
 * its X answer is z_a z_b, deterministic. The model has no earlier X answer
 * and predicts the X marginal of c, a mixture of |+> (3/4) and |-> (1/4):
 * r = (3/4, 1/4), an excess of log2(4/3) or 2 bits. A sequence has that basis
 * pattern with probability 1/27; among 300 sequences none has it with
 * probability (26/27)^300 < 2e-5. */
static void test_hyperedge_loses(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    hs_hsmt c = make_cfg(3, 3, 2, 1, 3, 3, xyz, 41);
    hs_gen *g = hs_gen_new(&c);
    hs_model m;
    char err[256];
    assert_int_equal(hs_presample_open(&c, &m, err, sizeof err), 0);
    hs_seq s = {0};
    hs_score total = {0};
    double r[6];
    int hits = 0;
    for (int i = 0; i < 300; i++) {
        hs_gen_sequence(g, (uint64_t)i, &s);
        assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
        hs_score last = {0};
        for (int t = 0; t < 3; t++) {
            hs_score sc = {0};
            hs_score_add(&sc, s.probs + 2 * t, r + 2 * t, 2, s.outcomes[t]);
            hs_score_merge(&total, &sc);
            if (t == 2)
                last = sc;
        }
        if (c.bases[s.basis[0]] == HS_BASIS_Z && c.bases[s.basis[1]] == HS_BASIS_Z &&
            c.bases[s.basis[2]] == 0) {
            hits++;
            assert_true(fabs(r[4] - 0.75) < TOL && fabs(r[5] - 0.25) < TOL);
            assert_true(fabs(s.probs[4] - (1 - s.outcomes[2])) < TOL);
            assert_true(last.kl > log2(4.0 / 3.0) - 1e-9);
        }
    }
    assert_true(hits >= 1);
    assert_true(total.kl > log2(4.0 / 3.0) - 1e-9);
    hs_seq_free(&s);
    hs_model_free(&m);
    hs_gen_free(g);
}

static void test_memory_bits(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    /* n |B| ceil(log2 d): 7 * 3 * 1, 7 * 3 * 2 (d = 3 and d = 4), 7 * 3 * 3. */
    const int d[] = {2, 3, 4, 5}, bits[] = {21, 42, 42, 63};
    for (int i = 0; i < 4; i++) {
        hs_hsmt c = make_cfg(7, 2, d[i], 10, 7, 3, xyz, 1);
        assert_true(hs_presample_memory_bits(&c) == bits[i]);
    }
    hs_hsmt c = make_cfg(5, 2, 2, 10, 5, 2, xyz, 1);
    hs_model m;
    char err[256];
    assert_int_equal(hs_presample_open(&c, &m, err, sizeof err), 0);
    assert_true(m.memory_bits == 10.0);
    assert_int_equal(m.params, 0);
    assert_string_equal(m.name, "presample");
    hs_model_free(&m);
}

static void test_refuses_what_does_not_fit(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    /* 2^16 states of 24 bytes need 1.5 MiB; 2^10 need 24 KiB. */
    setenv("HYPERSEP_MEM_LIMIT", "1M", 1);
    hs_hsmt big = make_cfg(16, 2, 2, 10, 16, 3, xyz, 1);
    hs_model m;
    char err[256] = "";
    assert_int_equal(hs_presample_open(&big, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "presample"));
    assert_non_null(strstr(err, "n=16"));
    hs_hsmt small = make_cfg(10, 2, 2, 10, 10, 3, xyz, 1);
    assert_int_equal(hs_presample_open(&small, &m, err, sizeof err), 0);
    hs_model_free(&m);
    unsetenv("HYPERSEP_MEM_LIMIT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_basis_is_exact),
        cmocka_unit_test(test_product_state_is_exact),
        cmocka_unit_test(test_two_site_graph_loses_one_bit),
        cmocka_unit_test(test_hyperedge_loses),
        cmocka_unit_test(test_memory_bits),
        cmocka_unit_test(test_refuses_what_does_not_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
