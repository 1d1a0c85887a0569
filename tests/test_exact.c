/* Tests of the exact classical model: its basis matrices against the
 * definitions, its conditionals against facts of hypergraph states that hold
 * in closed form, against the generator's exact probabilities (excess loss 0),
 * its memory accounting and its refusals. */
#include <complex.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "combin.h"
#include "exact.h"
#include "hsmt.h"
#include "model.h"
#include "rng.h"
#include "score.h"

/* Brute-force conditionals of at most 2^7 or 5^3 states: each probability is
 * a compensated sum of |amplitude|^2 divided by the total, so both this model
 * and the generator stay within ~1e-15 of the truth; 1e-12 leaves room. */
#define TOL 1e-12

static hs_hsmt make_cfg(int n, int k, int d, long ell, int q, int nbases, const int *bases)
{
    hs_hsmt c = {.n = n, .k = k, .d = d, .ell = ell, .q = q, .nbases = nbases, .seed = 7};
    for (int i = 0; i < nbases; i++)
        c.bases[i] = bases[i];
    char err[256];
    int rc = hs_hsmt_validate(&c, err, sizeof err);
    assert_int_equal(rc, 0);
    return c;
}

static void test_unitary_qubit(void **state)
{
    (void)state;
    const double h = 1.0 / sqrt(2.0);
    /* H and H S^dagger = (1/sqrt 2) [[1, -i], [1, i]] written out by hand. */
    const double complex want_x[4] = {h, h, h, -h};
    const double complex want_y[4] = {h, -I * h, h, I * h};
    const double complex want_z[4] = {1, 0, 0, 1};
    double complex u[4];
    hs_exact_unitary(0, 2, u);
    for (int i = 0; i < 4; i++)
        assert_true(cabs(u[i] - want_x[i]) < 1e-15);
    hs_exact_unitary(1, 2, u);
    for (int i = 0; i < 4; i++)
        assert_true(cabs(u[i] - want_y[i]) < 1e-15);
    hs_exact_unitary(HS_BASIS_Z, 2, u);
    for (int i = 0; i < 4; i++)
        assert_true(cabs(u[i] - want_z[i]) == 0);
}

static void test_unitary_qudit_is_unitary(void **state)
{
    (void)state;
    const int ds[] = {3, 4, 5, 7};
    for (size_t di = 0; di < sizeof ds / sizeof ds[0]; di++) {
        int d = ds[di];
        for (int code = HS_BASIS_Z; code < d; code++) {
            double complex u[49];
            hs_exact_unitary(code, d, u);
            /* (U U^dagger)_jl: d products of unit-size entries, error ~d eps. */
            for (int j = 0; j < d; j++)
                for (int l = 0; l < d; l++) {
                    double complex acc = 0;
                    for (int m = 0; m < d; m++)
                        acc += u[j * d + m] * conj(u[l * d + m]);
                    assert_true(cabs(acc - (j == l)) < 1e-13);
                }
        }
    }
}

/* A hand-built sequence: writes given, queries on sites[] in bases[],
 * outcomes[] (any value; predictions do not look ahead). */
static void fill_seq(hs_seq *s, const hs_hsmt *c, const uint64_t *writes, const int *sites,
                     const int *basis, const int *outcomes)
{
    hs_seq_alloc(s, c->ell, c->q, c->d);
    for (long t = 0; t < c->ell; t++)
        s->writes[t] = writes[t];
    for (int t = 0; t < c->q; t++) {
        s->sites[t] = sites[t];
        s->basis[t] = basis[t];
        s->outcomes[t] = outcomes[t];
    }
}

/* docs/spec.md#task: measuring Z on every site but i, then basis m = 0 (X for
 * d = 2) on i gives the deterministic outcome
 *   o_i = sum over T containing i of w_T prod_{j in T, j != i} z_j  mod d,
 * while every Z outcome is uniform. For d = 2, Y on i is uniform instead. */
static void check_parity_fact(int n, int k, int d, long ell, uint64_t seed)
{
    const int bases[] = {HS_BASIS_Z, 0, 1};
    hs_hsmt c = make_cfg(n, k, d, ell, n, 3, bases);
    hs_rng rng;
    hs_rng_init(&rng, seed, 0, HS_RNG_WRITES);
    uint64_t writes[256];
    int w[256] = {0}; /* multiplicities mod d by colex rank */
    assert_true(ell <= 256 && c.M <= 256);
    for (long t = 0; t < ell; t++) {
        writes[t] = hs_rng_below(&rng, c.M);
        w[writes[t]] = (w[writes[t]] + 1) % d;
    }
    hs_model m;
    char err[256];
    assert_int_equal(hs_exact_open(&c, &m, err, sizeof err), 0);
    double r[64 * 8];
    for (int i = 0; i < n; i++) {
        int sites[64], basis[64], out[64], z[64] = {0};
        int q = 0;
        for (int j = 0; j < n; j++)
            if (j != i) {
                sites[q] = j;
                basis[q] = 0; /* index of Z in bases[] */
                z[j] = out[q] = (int)hs_rng_below(&rng, (uint64_t)d);
                q++;
            }
        int want = 0;
        for (uint64_t e = 0; e < c.M; e++) {
            int T[16], has = 0, prod = w[e];
            hs_comb_unrank(e, n, k, T);
            for (int a = 0; a < k; a++) {
                if (T[a] == i)
                    has = 1;
                else
                    prod = prod * z[T[a]] % d;
            }
            if (has)
                want = (want + prod) % d;
        }
        sites[q] = i;
        out[q] = want;
        for (int last = 1; last <= (d == 2 ? 2 : 1); last++) {
            basis[q] = last; /* X (m = 0), then Y for d = 2 */
            hs_seq s = {0};
            fill_seq(&s, &c, writes, sites, basis, out);
            assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
            for (int t = 0; t < n - 1; t++)
                for (int o = 0; o < d; o++)
                    assert_true(fabs(r[t * d + o] - 1.0 / d) < TOL);
            for (int o = 0; o < d; o++) {
                double expect = last == 1 ? (o == want) : 0.5;
                assert_true(fabs(r[(n - 1) * d + o] - expect) < TOL);
            }
            hs_seq_free(&s);
        }
    }
    hs_model_free(&m);
}

static void test_parity_fact(void **state)
{
    (void)state;
    check_parity_fact(6, 2, 2, 9, 1);
    check_parity_fact(6, 3, 2, 30, 2);
    check_parity_fact(5, 4, 2, 7, 3);
    check_parity_fact(4, 2, 3, 10, 4);
    check_parity_fact(4, 3, 5, 12, 5);
}

/* The generator's probabilities are exact (computed by the core engine, an
 * independent implementation): the exact model must reproduce every
 * conditional and score excess loss 0. */
static void test_matches_generator(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1}, chirp[] = {HS_BASIS_Z, 0, 1, 2};
    const struct {
        int n, k, d;
        long ell;
        int q, nb;
        const int *bases;
    } cases[] = {
        {6, 2, 2, 10, 6, 3, xyz}, {7, 3, 2, 40, 7, 3, xyz}, {5, 1, 2, 3, 5, 3, xyz},
        {6, 2, 2, 12, 3, 2, xyz}, {5, 3, 2, 0, 5, 3, xyz},  {4, 2, 3, 8, 4, 4, chirp},
        {3, 2, 5, 6, 3, 3, chirp}, {4, 4, 2, 5, 4, 3, xyz},
    };
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        hs_hsmt c = make_cfg(cases[ci].n, cases[ci].k, cases[ci].d, cases[ci].ell, cases[ci].q,
                             cases[ci].nb, cases[ci].bases);
        c.seed = 100 + ci;
        hs_gen *g = hs_gen_new(&c);
        hs_model m;
        char err[256];
        assert_int_equal(hs_exact_open(&c, &m, err, sizeof err), 0);
        hs_seq s = {0};
        hs_score sc = {0};
        double r[64 * 8];
        for (uint64_t i = 0; i < 20; i++) {
            hs_gen_sequence(g, i, &s);
            assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
            for (int t = 0; t < c.q * c.d; t++)
                assert_true(fabs(r[t] - s.probs[t]) < TOL);
            for (int t = 0; t < c.q; t++)
                hs_score_add(&sc, s.probs + t * c.d, r + t * c.d, c.d, s.outcomes[t]);
        }
        assert_int_equal(sc.outputs, 20 * c.q);
        /* KL(p||r) ~ sum (p - r)^2 / p ln 2 for r near p, and terms with
         * p ~ 1e-30 contribute p log(p/r) ~ 1e-30 * 100: far below 1e-12. */
        assert_true(fabs(sc.kl / (double)sc.outputs) < TOL);
        assert_true(sc.tv / (double)sc.outputs < TOL);
        hs_seq_free(&s);
        hs_model_free(&m);
        hs_gen_free(g);
    }
}

static void test_memory_bits(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    /* M = binom(10, 3) = 120: the weights (120 bits) are shorter than 1000
     * writes; 5 writes of log2(120) bits are shorter than the weights. */
    hs_hsmt a = make_cfg(10, 3, 2, 1000, 10, 3, xyz);
    assert_true(fabs(hs_exact_memory_bits(&a) - 120.0) < 1e-12);
    hs_hsmt b = make_cfg(10, 3, 2, 5, 10, 3, xyz);
    assert_true(fabs(hs_exact_memory_bits(&b) - 5.0 * log2(120.0)) < 1e-12);
    /* d = 3: M = binom(5, 2) = 10 weights of log2(3) bits. */
    hs_hsmt c = make_cfg(5, 2, 3, 100, 5, 3, xyz);
    assert_true(fabs(hs_exact_memory_bits(&c) - 10.0 * log2(3.0)) < 1e-12);
    hs_model m;
    char err[256];
    assert_int_equal(hs_exact_open(&c, &m, err, sizeof err), 0);
    assert_true(m.memory_bits == hs_exact_memory_bits(&c));
    assert_int_equal(m.params, 0);
    assert_string_equal(m.name, "exact");
    hs_model_free(&m);
}

static void test_refuses_what_does_not_fit(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    /* 2^20 amplitudes need 16 MiB; 2^10 need 16 KiB. */
    setenv("HYPERSEP_MEM_LIMIT", "1M", 1);
    hs_hsmt big = make_cfg(20, 2, 2, 10, 20, 3, xyz);
    hs_model m;
    char err[256] = "";
    assert_int_equal(hs_exact_open(&big, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "n=20"));
    assert_non_null(strstr(err, "HYPERSEP_MEM_LIMIT"));
    hs_hsmt small = make_cfg(10, 2, 2, 10, 10, 3, xyz);
    assert_int_equal(hs_exact_open(&small, &m, err, sizeof err), 0);
    hs_model_free(&m);
    unsetenv("HYPERSEP_MEM_LIMIT");
}

/* Two sites joined by one edge: after Z on site 0 gives 0, X on site 1 is
 * certain to give 0, so a fed-back 1 is impossible and must be reported. */
static void test_impossible_outcome(void **state)
{
    (void)state;
    const int xyz[] = {HS_BASIS_Z, 0, 1};
    hs_hsmt c = make_cfg(2, 2, 2, 1, 2, 3, xyz);
    const uint64_t writes[] = {0};
    const int sites[] = {0, 1}, basis[] = {0, 1}, out[] = {0, 1};
    hs_seq s = {0};
    fill_seq(&s, &c, writes, sites, basis, out);
    hs_model m;
    char err[256] = "";
    assert_int_equal(hs_exact_open(&c, &m, err, sizeof err), 0);
    double r[4];
    assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), -1);
    assert_non_null(strstr(err, "query 1"));
    s.outcomes[1] = 0;
    assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
    assert_true(fabs(r[2] - 1.0) < TOL && fabs(r[3]) < TOL);
    hs_seq_free(&s);
    hs_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unitary_qubit),
        cmocka_unit_test(test_unitary_qudit_is_unitary),
        cmocka_unit_test(test_parity_fact),
        cmocka_unit_test(test_matches_generator),
        cmocka_unit_test(test_memory_bits),
        cmocka_unit_test(test_refuses_what_does_not_fit),
        cmocka_unit_test(test_impossible_outcome),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
