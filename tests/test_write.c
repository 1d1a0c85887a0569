/* Tests of the write cells: deferred equals one by one, writes commute,
 * parameterised cells at the exact angles equal the exact cell, and the
 * engine's D_w|+> equals the dense reference. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "combin.h"
#include "dense_ref.h"
#include "hsmt.h"
#include "rng.h"
#include "state.h"
#include "stream.h"
#include "sum.h"
#include "write.h"

/* Each amplitude is a product of at most a few dozen unit phases times
 * d^(-n/2): rounding stays near 1e-15, well inside 1e-12. */
#define TOL 1e-12

static double max_diff(const hs_state *a, const hs_state *b)
{
    assert_int_equal(a->len, b->len);
    double m = 0;
    for (size_t i = 0; i < a->len; i++)
        m = fmax(m, cabs(a->amp[i] - b->amp[i]));
    return m;
}

/* ne random hyperedges of order k with multiplicities 1..2d. */
static size_t random_edges(int n, int k, int d, uint64_t seed, hs_edge *e, int sites[][8], size_t ne)
{
    hs_rng r;
    hs_rng_init(&r, seed, 0, HS_RNG_WRITES);
    uint64_t M = hs_comb_binom(n, k);
    for (size_t i = 0; i < ne; i++) {
        hs_comb_unrank(hs_rng_below(&r, M), n, k, sites[i]);
        uint64_t mask = 0;
        for (int j = 0; j < k; j++)
            mask |= 1ull << sites[i][j];
        e[i] = (hs_edge){mask, 1 + (int)hs_rng_below(&r, (uint64_t)(2 * d))};
    }
    return ne;
}

static void test_deferred_equals_cells(void **state)
{
    (void)state;
    const int cases[][3] = {{2, 7, 1}, {2, 9, 3}, {2, 10, 4}, {2, 3, 3}, {3, 6, 2}, {3, 5, 3}, {5, 4, 2}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int d = cases[c][0], n = cases[c][1], k = cases[c][2];
        hs_edge e[40];
        int sites[40][8];
        size_t ne = random_edges(n, k, d, 31 + c, e, sites, 40);
        hs_state *a = hs_state_new(n, d), *b = hs_state_new(n, d), *f = hs_state_new(n, d);
        for (size_t i = 0; i < ne; i++)
            hs_write_exact(a, sites[i], k, e[i].weight);
        /* Deferred form takes weights mod d, applied to an existing state and
         * written from |+> directly. */
        for (size_t i = 0; i < ne; i++)
            e[i].weight %= d;
        hs_write_deferred(b, e, ne, 0);
        hs_write_deferred(f, e, ne, 1);
        assert_true(max_diff(a, b) < TOL);
        assert_true(max_diff(a, f) < TOL);
        hs_state_free(a);
        hs_state_free(b);
        hs_state_free(f);
    }
}

/* Above HS_STREAM_MIN amplitudes |+>^n is written with streaming stores
 * (stream.h; n = 20 is 2^20 amplitudes, and the path is on unless
 * HYPERSEP_STREAM=0): every amplitude is exactly 2^-10, and the layer
 * applied in place to it equals D_w|+> written from |+> directly. */
static void test_streaming_writes(void **state)
{
    (void)state;
    const int n = 20, k = 3;
    assert_true(((size_t)1 << n) >= HS_STREAM_MIN);
    hs_edge e[40];
    int sites[40][8];
    size_t ne = random_edges(n, k, 2, 77, e, sites, 40);
    for (size_t i = 0; i < ne; i++)
        e[i].weight %= 2;
    hs_state *a = hs_state_new(n, 2), *b = hs_state_new(n, 2);
    hs_state_init_plus(a);
    for (size_t i = 0; i < a->len; i++)
        if (creal(a->amp[i]) != 0x1p-10 || cimag(a->amp[i]) != 0)
            fail_msg("|+> amplitude %zu is %.17g%+.17gi, not 2^-10", i, creal(a->amp[i]), cimag(a->amp[i]));
    hs_write_deferred(a, e, ne, 0);
    hs_write_deferred(b, e, ne, 1);
    /* Equal values (the in-place flip also turns the imaginary 0 into -0). */
    for (size_t i = 0; i < a->len; i++)
        if (creal(a->amp[i]) != creal(b->amp[i]) || cimag(a->amp[i]) != cimag(b->amp[i]))
            fail_msg("amplitude %zu: %.17g%+.17gi in place, %.17g%+.17gi from |+>", i, creal(a->amp[i]),
                     cimag(a->amp[i]), creal(b->amp[i]), cimag(b->amp[i]));
    hs_state_free(a);
    hs_state_free(b);
}

static void test_writes_commute(void **state)
{
    (void)state;
    for (int d = 2; d <= 3; d++) {
        const int n = 7, k = 3;
        hs_edge e[30];
        int sites[30][8];
        random_edges(n, k, d, 77 + (uint64_t)d, e, sites, 30);
        hs_state *a = hs_state_new(n, d), *b = hs_state_new(n, d);
        for (int i = 0; i < 30; i++)
            hs_write_exact(a, sites[i], k, e[i].weight);
        for (int i = 29; i >= 0; i--)
            hs_write_exact(b, sites[i], k, e[i].weight);
        assert_true(max_diff(a, b) < TOL);
        /* Parameterised cells commute too (they are diagonal). */
        double theta[4] = {0.3, -1.1, 0.7, 2.0};
        if (d == 2) {
            hs_write_qubit(a, sites[0], k, theta, 2);
            hs_write_qubit(a, sites[1], k, theta, 1);
            hs_write_qubit(b, sites[1], k, theta, 1);
            hs_write_qubit(b, sites[0], k, theta, 2);
        } else {
            hs_write_qudit(a, sites[0], k, 0.9, 2);
            hs_write_qudit(a, sites[1], k, -0.4, 1);
            hs_write_qudit(b, sites[1], k, -0.4, 1);
            hs_write_qudit(b, sites[0], k, 0.9, 2);
        }
        assert_true(max_diff(a, b) < TOL);
        hs_state_free(a);
        hs_state_free(b);
    }
}

static void test_exact_angles(void **state)
{
    (void)state;
    /* theta_j = pi (-1)^j 2^-k turns G_T(theta) into the C^(k-1)Z of T;
     * theta = 2 pi / d turns the qudit cell into the exact cell. */
    for (int k = 1; k <= 4; k++) {
        double theta[5];
        for (int j = 0; j <= k; j++)
            theta[j] = M_PI * (j % 2 ? -1 : 1) * ldexp(1.0, -k);
        int sites[4] = {1, 2, 4, 5};
        hs_state *a = hs_state_new(6, 2), *b = hs_state_new(6, 2);
        hs_write_exact(a, sites, k, 3);
        hs_write_qubit(b, sites, k, theta, 3);
        /* phi(c) = pi 2^-k prod_{i in T} (1 - (-1)^z_i) = pi prod z_i exactly:
         * no global phase to remove. */
        assert_true(max_diff(a, b) < TOL);
        hs_state_free(a);
        hs_state_free(b);
    }
    for (int d = 3; d <= 5; d += 2) {
        int sites[3] = {0, 2, 3};
        hs_state *a = hs_state_new(4, d), *b = hs_state_new(4, d);
        hs_write_exact(a, sites, 3, 2);
        hs_write_qudit(b, sites, 3, 2 * M_PI / d, 2);
        assert_true(max_diff(a, b) < TOL);
        hs_state_free(a);
        hs_state_free(b);
    }
}

static void test_deferred_vs_dense(void **state)
{
    (void)state;
    const int cases[][3] = {{2, 6, 3}, {3, 5, 2}, {5, 4, 3}};
    for (int c = 0; c < 3; c++) {
        int d = cases[c][0], n = cases[c][1], k = cases[c][2];
        hs_edge e[12];
        int sites[12][8];
        random_edges(n, k, d, 5 + (uint64_t)c, e, sites, 12);
        dense_state ds;
        dense_new(&ds, n, d);
        dense_plus(&ds);
        for (int i = 0; i < 12; i++) {
            dense_write(&ds, e[i].mask, e[i].weight);
            e[i].weight %= d;
        }
        hs_state *s = hs_state_new(n, d);
        hs_write_deferred(s, e, 12, 1);
        for (size_t z = 0; z < ds.N; z++)
            assert_true(cabs(ds.psi[z] - s->amp[z]) < TOL);
        dense_free(&ds);
        hs_state_free(s);
    }
}

static void test_anf_bits(void **state)
{
    (void)state;
    /* f(z) = XOR over odd-weight edges contained in z, directly. */
    const int sizes[5] = {1, 5, 6, 7, 12};
    for (int c = 0; c < 5; c++) {
        int n = sizes[c];
        hs_edge e[20];
        int sites[20][8];
        int k = n < 3 ? n : 3;
        random_edges(n, k, 2, 99 + (uint64_t)n, e, sites, 20);
        size_t words = n >= 6 ? (size_t)1 << (n - 6) : 1;
        uint64_t *bits = calloc(words, sizeof *bits);
        hs_write_anf_bits(n, e, 20, bits);
        for (uint64_t z = 0; z < (1ull << n); z++) {
            int f = 0;
            for (int i = 0; i < 20; i++)
                f ^= ((z & e[i].mask) == e[i].mask) & e[i].weight;
            assert_int_equal((int)(bits[z >> 6] >> (z & 63) & 1), f);
        }
        free(bits);
    }
}

/* F for bit p (pairs (z, z | 2^p) whose phase bits differ) equals a count
 * over the bits one by one, for sizes below, at and above a word and every
 * p. */
static void test_sign_flips(void **state)
{
    (void)state;
    const int sizes[6] = {1, 3, 5, 6, 7, 12};
    for (int c = 0; c < 6; c++) {
        const int n = sizes[c], k = n < 3 ? n : 3;
        hs_edge e[20];
        int sites[20][8];
        random_edges(n, k, 2, 7 + (uint64_t)n, e, sites, 20);
        const size_t words = n >= 6 ? (size_t)1 << (n - 6) : 1;
        uint64_t *bits = calloc(words, sizeof *bits);
        hs_write_anf_bits(n, e, 20, bits);
        for (int p = 0; p < n; p++) {
            uint64_t want = 0;
            for (uint64_t z = 0; z < (1ull << n); z++)
                if (!(z >> p & 1))
                    want += (bits[z >> 6] >> (z & 63) & 1) != (bits[(z | 1ull << p) >> 6] >> ((z | 1ull << p) & 63) & 1);
            assert_true(hs_write_sign_flips(bits, n, p) == want);
        }
        free(bits);
    }
}

/* The layer with the first query's sums leaves the state bitwise as
 * hs_write_deferred from |+> does, and its sums agree with the pass over the
 * state (hs_state_rho_root) within that sum's error bound: terms of size a^2
 * = 1/N, N/2 per sum (total 1/2 in absolute value), relative error at most
 * (HS_SUM_BLOCK/4 + log2 blocks + 2) eps with at most 8 blocks at n = 14;
 * the products here add one rounding each. */
static void test_deferred_first(void **state)
{
    (void)state;
    const int sizes[4] = {2, 6, 11, 14};
    for (int c = 0; c < 4; c++) {
        const int n = sizes[c], k = n < 3 ? n : 3;
        hs_edge e[40];
        int sites[40][8];
        random_edges(n, k, 2, 31 + (uint64_t)n, e, sites, 40);
        hs_state *a = hs_state_new(n, 2), *b = hs_state_new(n, 2);
        hs_write_deferred(a, e, 40, 1);
        const double tol = (HS_SUM_BLOCK / 4.0 + 3 + 2 + 2) * 2.3e-16 * 0.5;
        for (int site = 0; site < n; site++) {
            double rho[4], want[4];
            hs_write_deferred_first(b, e, 40, site, rho);
            assert_memory_equal(a->amp, b->amp, a->len * sizeof *a->amp);
            hs_state_rho_root(a->amp, a->len, site, HS_SUM_BLOCK, want);
            for (int j = 0; j < 4; j++)
                assert_true(fabs(rho[j] - want[j]) <= tol);
        }
        hs_state_free(a);
        hs_state_free(b);
    }
}

/* The flip visiting only the amplitudes with every bit of m set equals the
 * plain loop over all amplitudes, bitwise, for every mask of n = 7 and a few
 * of n = 16 (runs longer than its chunk). */
static void test_flip_mask(void **state)
{
    (void)state;
    const int ns[2] = {7, 16};
    for (int c = 0; c < 2; c++) {
        const size_t len = (size_t)1 << ns[c];
        hs_amp *in = malloc(len * sizeof *in), *want = malloc(len * sizeof *want), *got = malloc(len * sizeof *got);
        for (size_t z = 0; z < len; z++)
            in[z] = (double)z + 0.5 * I;
        const uint64_t masks16[5] = {0, 1, 0x7, 0xE000, 0x8421};
        const size_t nm = c ? 5 : len;
        for (size_t t = 0; t < nm; t++) {
            const uint64_t m = c ? masks16[t] : t;
            for (size_t z = 0; z < len; z++)
                want[z] = (z & m) == m ? -in[z] : in[z];
            memcpy(got, in, len * sizeof *in);
            hs_write_flip_mask(got, len, m);
            assert_memory_equal(got, want, len * sizeof *want);
        }
        free(in);
        free(want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deferred_equals_cells),
        cmocka_unit_test(test_streaming_writes),
        cmocka_unit_test(test_writes_commute),
        cmocka_unit_test(test_exact_angles),
        cmocka_unit_test(test_deferred_vs_dense),
        cmocka_unit_test(test_anf_bits),
        cmocka_unit_test(test_sign_flips),
        cmocka_unit_test(test_flip_mask),
        cmocka_unit_test(test_deferred_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
