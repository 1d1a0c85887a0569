/* Tests of the hot qubit kernels (core/kern.c): each variant against the
 * plain loop it replaces (written here with C's complex arithmetic, one
 * amplitude or pair at a time), and the SSE2 and AVX2 variants against each
 * other, bitwise: neither reassociates nor contracts, so the same inputs give
 * the same doubles (kern.h). Buffers are random with a fixed seed; bit
 * positions, measured and next sites and block ranges cover every case of the
 * kernels (runs of at least 4, and the unit-by-unit path below that). */
#include <complex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kern.h"
#include "rng.h"
#include "state.h"

enum { NMAX = 11 };

static void fill(hs_amp *a, size_t len, uint64_t seed)
{
    hs_rng r;
    hs_rng_init(&r, seed, 0, 0);
    for (size_t i = 0; i < len; i++)
        a[i] = (hs_rng_uniform(&r) - 0.5) + I * (hs_rng_uniform(&r) - 0.5);
}

static size_t ins0(size_t x, size_t b) { return ((x & ~(b - 1)) << 1) | (x & (b - 1)); }

/* The reference sums: pair r into lane r mod 4 (hs_state_rho_add). */
static void ref_rho(const hs_amp *a, int p, size_t r0, size_t r1, double out[4])
{
    double acc[4][4] = {{0}};
    const size_t bit = (size_t)1 << p;
    for (size_t r = r0; r < r1; r++) {
        const size_t i0 = ins0(r, bit);
        hs_state_rho_add(acc, (int)(r & 3), a[i0], a[i0 | bit]);
    }
    hs_state_rho_block(acc, out);
}

/* The reference fused unit loop (core/state.c before the kernels). */
static void ref_collapse_rho(hs_amp *amp, size_t len, int pos, int top, int np, hs_amp v0, hs_amp v1, size_t u0,
                             size_t u1, double out[4])
{
    double a[4][4] = {{0}};
    const size_t half = len / 2, bp = (size_t)1 << pos, bn = (size_t)1 << np;
    const int quads = pos != top && np != pos;
    for (size_t r = u0; r < u1; r++) {
        if (pos == top) {
            const size_t i0 = ins0(r, bn), i1 = i0 | bn;
            const hs_amp n0 = v0 * amp[i0] + v1 * amp[i0 + half], n1 = v0 * amp[i1] + v1 * amp[i1 + half];
            amp[i0] = n0;
            amp[i1] = n1;
            hs_state_rho_add(a, (int)(r & 3), n0, n1);
        } else if (!quads) {
            const size_t i = ins0(r, bp);
            const hs_amp a00 = amp[i], a10 = amp[i | bp], a01 = amp[i | half], a11 = amp[i | bp | half];
            amp[i] = v0 * a00 + v1 * a10;
            amp[i | bp] = v0 * a01 + v1 * a11;
            hs_state_rho_add(a, (int)(r & 3), amp[i], amp[i | bp]);
        } else {
            const size_t lo = bp < bn ? bp : bn, hi = bp < bn ? bn : bp, x = ins0(ins0(r, lo), hi);
            const hs_amp n00 = v0 * amp[x] + v1 * amp[x | bp];
            const hs_amp n01 = v0 * amp[x | bn] + v1 * amp[x | bn | bp];
            const hs_amp n10 = v0 * amp[x | half] + v1 * amp[x | bp | half];
            const hs_amp n11 = v0 * amp[x | bn | half] + v1 * amp[x | bn | bp | half];
            amp[x] = n00;
            amp[x | bn] = n01;
            amp[x | bp] = n10;
            amp[x | bp | bn] = n11;
            hs_state_rho_add(a, (int)(r & 3), n00, n01);
            hs_state_rho_add(a, (int)(r & 3), n10, n11);
        }
    }
    hs_state_rho_block(a, out);
}

/* The variants this CPU runs (generic always). */
static int variants(const hs_kern **k)
{
    char err[160];
    int m = 0;
    for (int l = 0; l < HS_KERN_LEVELS; l++)
        if (hs_kern_supported(l)) {
            assert_int_equal(hs_kern_select(hs_kern_name(l), err, sizeof err), 0);
            k[m++] = hs_kern_get();
            assert_int_equal(k[m - 1]->level, l);
        }
    assert_int_equal(hs_kern_select("auto", err, sizeof err), 0);
    return m;
}

/* Ranges [r0, r1) of a pass of `units` (a multiple of 4 when >= 4): whole,
 * a block at an odd multiple of 4, and a short tail. */
static int ranges(size_t units, size_t r[3][2])
{
    r[0][0] = 0;
    r[0][1] = units;
    if (units < 16)
        return 1;
    r[1][0] = 4;
    r[1][1] = units / 2 + 4;
    r[2][0] = units - 8;
    r[2][1] = units;
    return 3;
}

/* Sums along every bit of buffers of 2^1 .. 2^NMAX amplitudes equal the
 * plain loop's, bitwise, for every variant and range. */
static void test_rho(void **state)
{
    (void)state;
    const hs_kern *k[HS_KERN_LEVELS];
    const int m = variants(k);
    hs_amp *a = malloc(sizeof(hs_amp) << NMAX);
    for (int n = 1; n <= NMAX; n++) {
        const size_t len = (size_t)1 << n;
        fill(a, len, 100 + (uint64_t)n);
        for (int p = 0; p < n; p++) {
            size_t rg[3][2];
            const int nr = ranges(len / 2, rg);
            for (int j = 0; j < nr; j++) {
                double want[4], got[4];
                ref_rho(a, p, rg[j][0], rg[j][1], want);
                for (int v = 0; v < m; v++) {
                    k[v]->rho(a, p, rg[j][0], rg[j][1], got);
                    assert_memory_equal(got, want, sizeof want);
                }
            }
        }
    }
    free(a);
}

/* rho_pairs over two runs equals the plain sums of the pairs. */
static void test_rho_pairs(void **state)
{
    (void)state;
    const hs_kern *k[HS_KERN_LEVELS];
    const int m = variants(k);
    enum { M = 4096 };
    hs_amp *x = malloc(2 * M * sizeof *x);
    fill(x, 2 * M, 7);
    for (size_t len = 4; len <= M; len *= 4) {
        double acc[4][4] = {{0}}, want[4], got[4];
        for (size_t i = 0; i < len; i++)
            hs_state_rho_add(acc, (int)(i & 3), x[i], x[M + i]);
        hs_state_rho_block(acc, want);
        for (int v = 0; v < m; v++) {
            k[v]->rho_pairs(x, x + M, len, got);
            assert_memory_equal(got, want, sizeof want);
        }
    }
    free(x);
}

/* combine in place (o = x0, and o = x1) and out of place equals
 * v0 x0 + v1 x1 computed with complex arithmetic. */
static void test_combine(void **state)
{
    (void)state;
    const hs_kern *k[HS_KERN_LEVELS];
    const int m = variants(k);
    enum { M = 1000 };
    hs_amp *x = malloc(2 * M * sizeof *x), *want = malloc(M * sizeof *want), *o = malloc(2 * M * sizeof *o);
    fill(x, 2 * M, 8);
    const hs_amp v0 = 0.3 - 0.7 * I, v1 = -1.1 + 0.2 * I;
    for (size_t i = 0; i < M; i++)
        want[i] = v0 * x[i] + v1 * x[M + i];
    for (int v = 0; v < m; v++)
        for (int mode = 0; mode < 3; mode++) {
            memcpy(o, x, 2 * M * sizeof *o);
            hs_amp *dst = mode == 0 ? o : mode == 1 ? o + M : malloc(M * sizeof *dst);
            k[v]->combine(dst, o, o + M, M, v0, v1);
            assert_memory_equal(dst, want, M * sizeof *want);
            if (mode == 2)
                free(dst);
        }
    free(x);
    free(want);
    free(o);
}

/* The collapse below the top bit equals the plain group loop. */
static void test_collapse(void **state)
{
    (void)state;
    const hs_kern *k[HS_KERN_LEVELS];
    const int m = variants(k);
    const size_t cap = (size_t)1 << NMAX;
    hs_amp *in = malloc(cap * sizeof *in), *want = malloc(cap * sizeof *want), *got = malloc(cap * sizeof *got);
    const hs_amp v0 = 0.6 + 0.1 * I, v1 = -0.2 + 0.75 * I;
    for (int n = 2; n <= NMAX; n++) {
        const size_t len = (size_t)1 << n, half = len / 2, groups = len / 4;
        fill(in, len, 200 + (uint64_t)n);
        for (int p = 0; p < n - 1; p++) {
            const size_t bit = (size_t)1 << p;
            memcpy(want, in, len * sizeof *in);
            for (size_t g = 0; g < groups; g++) {
                const size_t i = ins0(g, bit);
                const hs_amp a00 = want[i], a10 = want[i | bit], a01 = want[i | half], a11 = want[i | bit | half];
                want[i] = v0 * a00 + v1 * a10;
                want[i | bit] = v0 * a01 + v1 * a11;
            }
            for (int v = 0; v < m; v++) {
                memcpy(got, in, len * sizeof *in);
                /* In two ranges split at an odd point: groups are independent. */
                k[v]->collapse(got, len, p, v0, v1, 0, groups / 2 + (groups > 2));
                k[v]->collapse(got, len, p, v0, v1, groups / 2 + (groups > 2), groups);
                assert_memory_equal(got, want, len * sizeof *want);
            }
        }
    }
    free(in);
    free(want);
    free(got);
}

/* The fused collapse-and-sums equals the plain unit loop, amplitudes and
 * sums, for every measured position (top or not), every next position of
 * the state it leaves, and every range. */
static void test_collapse_rho(void **state)
{
    (void)state;
    const hs_kern *k[HS_KERN_LEVELS];
    const int m = variants(k);
    const size_t cap = (size_t)1 << NMAX;
    hs_amp *in = malloc(cap * sizeof *in), *want = malloc(cap * sizeof *want), *got = malloc(cap * sizeof *got);
    const hs_amp v0 = -0.45 + 0.3 * I, v1 = 0.8 - 0.05 * I;
    for (int n = 2; n <= NMAX; n++) {
        const size_t len = (size_t)1 << n, half = len / 2;
        const int top = n - 1;
        fill(in, len, 300 + (uint64_t)n);
        for (int pos = 0; pos < n; pos++)
            for (int np = 0; np < n - 1; np++) {
                const int quads = pos != top && np != pos;
                const size_t units = quads ? half / 4 : half / 2;
                if (units == 0)
                    continue;
                size_t rg[3][2];
                const int nr = ranges(units, rg);
                for (int j = 0; j < nr; j++) {
                    double sw[4], sg[4];
                    memcpy(want, in, len * sizeof *in);
                    ref_collapse_rho(want, len, pos, top, np, v0, v1, rg[j][0], rg[j][1], sw);
                    for (int v = 0; v < m; v++) {
                        memcpy(got, in, len * sizeof *in);
                        k[v]->collapse_rho(got, len, pos, top, np, v0, v1, rg[j][0], rg[j][1], sg);
                        assert_memory_equal(sg, sw, sizeof sw);
                        assert_memory_equal(got, want, len * sizeof *want);
                    }
                }
            }
    }
    free(in);
    free(want);
    free(got);
}

/* The sign pass equals the plain loop (bit z of the words flips amplitude
 * z, or sets it to +-a), bitwise, over whole words, a ragged tail and a
 * range starting inside a word. */
static void test_signs(void **state)
{
    (void)state;
    const hs_kern *k[HS_KERN_LEVELS];
    const int m = variants(k);
    enum { L = 1000 };
    uint64_t bits[(L + 63) / 64];
    hs_rng r;
    hs_rng_init(&r, 17, 0, 0);
    for (size_t w = 0; w < sizeof bits / sizeof *bits; w++)
        bits[w] = hs_rng_u64(&r);
    hs_amp *in = malloc(L * sizeof *in), *want = malloc(L * sizeof *want), *got = malloc(L * sizeof *got);
    fill(in, L, 18);
    const double a = 0.03125;
    static const size_t rg[3][2] = {{0, 640}, {0, L}, {37, 901}};
    /* stream (non-temporal stores from |+>) needs the 32-byte alignment of
     * the state's buffers: got has 64. */
    hs_amp *got64 = aligned_alloc(64, (L + 4) * sizeof *got64), *got16 = got64 + 1;
    for (int plus = 0; plus < 2; plus++)
        for (int j = 0; j < 3; j++) {
            memcpy(want, in, L * sizeof *in);
            for (size_t z = rg[j][0]; z < rg[j][1]; z++) {
                const int b = (int)(bits[z / 64] >> (z % 64) & 1);
                want[z] = plus ? (b ? -a : a) : (b ? -want[z] : want[z]);
            }
            for (int v = 0; v < m; v++)
                for (int stream = 0; stream < 2; stream++) {
                    memcpy(got64, in, L * sizeof *in);
                    k[v]->signs(got64, bits, rg[j][0], rg[j][1], plus, stream, a);
                    assert_memory_equal(got64, want, L * sizeof *want);
                }
            /* A buffer 16 bytes off 32-byte alignment takes ordinary
             * stores (a streaming one there would fault). */
            memcpy(got16, in, L * sizeof *in);
            k[m - 1]->signs(got16, bits, rg[j][0], rg[j][1], plus, 1, a);
            assert_memory_equal(got16, want, L * sizeof *want);
        }
    free(got64);
    free(in);
    free(want);
    free(got);
}

/* Selection: unknown names are refused with a message naming the value and
 * the allowed ones, and leave the selection as it was; NULL reads
 * HYPERSEP_SIMD; a variant the CPU lacks is refused by name. */
static void test_select(void **state)
{
    (void)state;
    char err[160] = "";
    assert_int_equal(hs_kern_select("generic", err, sizeof err), 0);
    assert_int_equal(hs_kern_select("sse9", err, sizeof err), -1);
    assert_non_null(strstr(err, "sse9"));
    assert_non_null(strstr(err, "generic, avx2, auto"));
    assert_int_equal(hs_kern_get()->level, HS_KERN_GENERIC);
    assert_int_equal(setenv("HYPERSEP_SIMD", "bogus", 1), 0);
    assert_int_equal(hs_kern_select(NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "HYPERSEP_SIMD=bogus"));
    assert_int_equal(setenv("HYPERSEP_SIMD", "generic", 1), 0);
    assert_int_equal(hs_kern_select(NULL, err, sizeof err), 0);
    assert_int_equal(hs_kern_get()->level, HS_KERN_GENERIC);
    assert_int_equal(unsetenv("HYPERSEP_SIMD"), 0);
    assert_int_equal(hs_kern_select(NULL, err, sizeof err), 0);
    const int want = hs_kern_supported(HS_KERN_AVX2) ? HS_KERN_AVX2 : HS_KERN_GENERIC;
    assert_int_equal(hs_kern_get()->level, want);
    if (!hs_kern_supported(HS_KERN_AVX2)) {
        assert_int_equal(hs_kern_select("avx2", err, sizeof err), -1);
        assert_non_null(strstr(err, "does not run avx2"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rho),          cmocka_unit_test(test_rho_pairs),    cmocka_unit_test(test_combine),
        cmocka_unit_test(test_collapse),     cmocka_unit_test(test_collapse_rho), cmocka_unit_test(test_signs),
        cmocka_unit_test(test_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
