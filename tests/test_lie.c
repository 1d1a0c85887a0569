/* Tests of the Lie-algebra closure (core/lie.c, core/dla.c) on cases worked out by hand:
 * the Pauli product table, su(2) from {X, Z}, commuting Z-strings (their
 * independent count), {X1, X2, Z1 Z2} on two qubits (dimension 6, below),
 * su(4) from single-qubit X, Z and one Z Z, and the tolerance that decides
 * when a rounding-level remainder is not a new direction; and the models'
 * algebras (core/dla.c) against a dense reference: the generators built as
 * 2^n x 2^n matrices from the cells' definitions (not from dla.c's Pauli
 * lists), closed under commutators with a rank test on the matrices. */
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
#include "dla.h"
#include "lie.h"

/* Pauli string from a word over I, X, Y, Z (qubit 0 first). */
static hs_pauli P(const char *w)
{
    hs_pauli p = {0, 0};
    for (int j = 0; w[j]; j++) {
        if (w[j] == 'X' || w[j] == 'Y')
            p.x |= 1u << j;
        if (w[j] == 'Z' || w[j] == 'Y')
            p.z |= 1u << j;
    }
    return p;
}

/* Dimension of the algebra of single-term generators w[0..n) on nq qubits. */
static long dim_of(int nq, const char **w, int ng)
{
    hs_pauli p[16];
    double c[16];
    hs_lie_gen g[16];
    for (int i = 0; i < ng; i++) {
        p[i] = P(w[i]);
        c[i] = 1;
        g[i] = (hs_lie_gen){1, &p[i], &c[i]};
    }
    long d = -1;
    char err[128];
    assert_int_equal(hs_lie_dimension(nq, g, ng, 100000, 1e-9, &d, err, sizeof err), 0);
    return d;
}

/* XY = iZ, YZ = iX, ZX = iY (phase 1), the reverse orders -i (phase 3),
 * XX = I (phase 0); on two qubits (X X)(Y Y) = (iZ)(iZ) = -Z Z (phase 2). */
static void test_products(void **state)
{
    (void)state;
    hs_pauli c;
    assert_int_equal(hs_pauli_mul(P("X"), P("Y"), 1, &c), 1);
    assert_true(c.x == P("Z").x && c.z == P("Z").z);
    assert_int_equal(hs_pauli_mul(P("Y"), P("Z"), 1, &c), 1);
    assert_true(c.x == P("X").x && c.z == P("X").z);
    assert_int_equal(hs_pauli_mul(P("Z"), P("X"), 1, &c), 1);
    assert_int_equal(hs_pauli_mul(P("Y"), P("X"), 1, &c), 3);
    assert_int_equal(hs_pauli_mul(P("X"), P("X"), 1, &c), 0);
    assert_true(c.x == 0 && c.z == 0);
    assert_int_equal(hs_pauli_mul(P("XX"), P("YY"), 2, &c), 2);
    assert_true(c.x == P("ZZ").x && c.z == P("ZZ").z);
}

/* One qubit, {X, Z}: [X, Z] gives Y, and X, Y, Z span su(2): 3. */
static void test_su2(void **state)
{
    (void)state;
    const char *w[] = {"X", "Z"};
    assert_int_equal(dim_of(1, w, 2), 3);
}

/* Commuting Z-strings generate only their span: 4 independent strings on 3
 * qubits give 4; sums count by rank: {Z1 + Z2, Z1 - Z2, Z1} span 2. */
static void test_commuting(void **state)
{
    (void)state;
    const char *w[] = {"ZII", "IZI", "ZZI", "IIZ"};
    assert_int_equal(dim_of(3, w, 4), 4);
    const hs_pauli p[2] = {P("ZI"), P("IZ")};
    const double plus[2] = {1, 1}, minus[2] = {1, -1}, one[1] = {1};
    const hs_lie_gen g[3] = {{2, p, plus}, {2, p, minus}, {1, p, one}};
    long d;
    char err[128];
    assert_int_equal(hs_lie_dimension(2, g, 3, 100, 1e-9, &d, err, sizeof err), 0);
    assert_int_equal(d, 2);
}

/* Two qubits, {X1, X2, Z1 Z2}: [X1, Z1 Z2] ~ Y1 Z2, [X2, Z1 Z2] ~ Z1 Y2,
 * [X2, Y1 Z2] ~ Y1 Y2 (= [X1, Z1 Y2] up to sign), and every further
 * commutator with a generator falls back into {X1, X2, Z1 Z2, Y1 Z2,
 * Z1 Y2, Y1 Y2} ([Z1 Z2, Y1 Y2] = 0: two anticommuting factors). So the
 * algebra has dimension 6 (it is so(4) = su(2) + su(2), far below su(4)'s
 * 15). */
static void test_two_qubit(void **state)
{
    (void)state;
    const char *w[] = {"XI", "IX", "ZZ"};
    assert_int_equal(dim_of(2, w, 3), 6);
}

/* X and Z on both qubits and Z1 Z2: all of su(4), 4^2 - 1 = 15. */
static void test_su4(void **state)
{
    (void)state;
    const char *w[] = {"XI", "ZI", "IX", "IZ", "ZZ"};
    assert_int_equal(dim_of(2, w, 5), 15);
}

/* The tolerance: Z1 (1 + 1e-13) after Z1 is the same direction up to a
 * rounding-level remainder (relative 1e-13), not counted at tol 1e-9;
 * a tolerance below the remainder (1e-15) counts it. */
static void test_tolerance(void **state)
{
    (void)state;
    const hs_pauli p[2] = {P("ZI"), P("IZ")};
    const double a[2] = {1, 0}, b[2] = {1 + 1e-13, 1e-13};
    const hs_lie_gen g[2] = {{2, p, a}, {2, p, b}};
    long d;
    char err[128];
    assert_int_equal(hs_lie_dimension(2, g, 2, 100, 1e-9, &d, err, sizeof err), 0);
    assert_int_equal(d, 1);
    assert_int_equal(hs_lie_dimension(2, g, 2, 100, 1e-15, &d, err, sizeof err), 0);
    assert_int_equal(d, 2);
    /* A basis limit is refused with a message. */
    const char *w[] = {"XI", "ZI", "IX", "IZ", "ZZ"};
    hs_pauli q[5];
    double c[5];
    hs_lie_gen h[5];
    for (int i = 0; i < 5; i++) {
        q[i] = P(w[i]);
        c[i] = 1;
        h[i] = (hs_lie_gen){1, &q[i], &c[i]};
    }
    assert_int_equal(hs_lie_dimension(2, h, 5, 10, 1e-9, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 10"));
}

/* The models' algebras (core/dla.c). The k-HRNN's write cells are
 * diagonal, so their algebra is the span of the cell Hamiltonians: with at
 * least two sites outside a hyperedge (n >= k + 2) every Z-string of weight
 * <= k is in it (theta_k's Hamiltonian of T is Z_T itself, and the lower
 * sums separate by inclusion-exclusion), sum_{j <= k} binom(n, j); with a
 * single hyperedge (n = k) only its k + 1 symmetric sums: k + 1. The ansatz
 * at k = 1 has no CZ: a product of n su(2)'s, 3n; at k = 2 it is all of
 * su(2^n), 4^n - 1. */
static void test_models(void **state)
{
    (void)state;
    long d;
    char err[128];
    for (int k = 1; k <= 3; k++)
        for (int n = k + 2; n <= 6; n++) {
            assert_int_equal(hs_dla_dimension(HS_DLA_KHRNN_WRITE, n, k, 100000, &d, err, sizeof err), 0);
            assert_true((double)d == hs_dla_expected(HS_DLA_KHRNN_WRITE, n, k));
        }
    assert_int_equal(hs_dla_dimension(HS_DLA_KHRNN_WRITE, 3, 3, 100000, &d, err, sizeof err), 0);
    assert_int_equal(d, 4);
    assert_int_equal(hs_dla_dimension(HS_DLA_ANSATZ, 4, 1, 100000, &d, err, sizeof err), 0);
    assert_int_equal(d, 12);
    assert_int_equal(hs_dla_dimension(HS_DLA_ANSATZ, 4, 2, 100000, &d, err, sizeof err), 0);
    assert_int_equal(d, 255);
    assert_int_equal(hs_dla_parse("khrnn_all"), HS_DLA_KHRNN_ALL);
    assert_int_equal(hs_dla_parse("lstm"), -1);
}

/* ---- dense reference ----
 * Matrices of i H on N = 2^n amplitudes (bit j of an index is qubit j), as
 * 2 N^2 reals (real and imaginary parts): the trace inner product Re tr(A^+
 * B) is the dot product of these vectors, so a rank in them is the rank of
 * the matrices. */
enum { DMAX_N = 16, DMAX_BASIS = 256 };

typedef struct {
    int N, len; /* len = 2 N^2 */
    double *basis[DMAX_BASIS]; /* orthonormal */
    int dim;
} dense_alg;

/* Adds A (len reals) when it keeps a component above 1e-9 of its norm after
 * Gram-Schmidt (twice, for rounding) against the basis: 1 if added. The
 * entries here are small integers times products of them, so a dependent
 * matrix leaves ~1e-15 of its norm and an independent one at least ~1e-3. */
static int dense_add(dense_alg *a, const double *A)
{
    double *v = malloc((size_t)a->len * sizeof *v), n0 = 0, n1 = 0;
    assert_non_null(v);
    memcpy(v, A, (size_t)a->len * sizeof *v);
    for (int i = 0; i < a->len; i++)
        n0 += v[i] * v[i];
    for (int pass = 0; pass < 2; pass++)
        for (int b = 0; b < a->dim; b++) {
            double dot = 0;
            for (int i = 0; i < a->len; i++)
                dot += a->basis[b][i] * v[i];
            for (int i = 0; i < a->len; i++)
                v[i] -= dot * a->basis[b][i];
        }
    for (int i = 0; i < a->len; i++)
        n1 += v[i] * v[i];
    if (n0 == 0 || sqrt(n1) <= 1e-9 * sqrt(n0)) {
        free(v);
        return 0;
    }
    assert_true(a->dim < DMAX_BASIS);
    for (int i = 0; i < a->len; i++)
        v[i] /= sqrt(n1);
    a->basis[a->dim++] = v;
    return 1;
}

/* [A, B] of two matrices given as reals (complex N x N, row-major). */
static void dense_commutator(int N, const double *A, const double *B, double *C)
{
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            double complex s = 0;
            for (int m = 0; m < N; m++) {
                const double complex a1 = A[2 * (r * N + m)] + I * A[2 * (r * N + m) + 1];
                const double complex b1 = B[2 * (m * N + c)] + I * B[2 * (m * N + c) + 1];
                const double complex b2 = B[2 * (r * N + m)] + I * B[2 * (r * N + m) + 1];
                const double complex a2 = A[2 * (m * N + c)] + I * A[2 * (m * N + c) + 1];
                s += a1 * b1 - b2 * a2;
            }
            C[2 * (r * N + c)] = creal(s);
            C[2 * (r * N + c) + 1] = cimag(s);
        }
}

/* The dimension of the algebra generated by gens[0..ng) (each len reals):
 * the span of the generators, then every basis element commuted with every
 * generator until nothing new appears. */
static int dense_dimension(int N, double **gens, int ng)
{
    dense_alg a = {.N = N, .len = 2 * N * N};
    double *C = malloc((size_t)a.len * sizeof *C);
    assert_non_null(C);
    for (int g = 0; g < ng; g++)
        dense_add(&a, gens[g]);
    for (int b = 0; b < a.dim; b++)
        for (int g = 0; g < ng; g++) {
            dense_commutator(N, a.basis[b], gens[g], C);
            dense_add(&a, C);
        }
    const int d = a.dim;
    for (int b = 0; b < a.dim; b++)
        free(a.basis[b]);
    free(C);
    return d;
}

/* i times a diagonal Hamiltonian h[N]. */
static double *dense_diag(int N, const double *h)
{
    double *A = calloc((size_t)(2 * N * N), sizeof *A);
    assert_non_null(A);
    for (int z = 0; z < N; z++)
        A[2 * (z * N + z) + 1] = h[z];
    return A;
}

/* i Y or i Z on qubit q: Y|0> = i|1>, Y|1> = -i|0>; Z|z> = (-1)^z |z>. */
static double *dense_site(int N, int q, char which)
{
    double *A = calloc((size_t)(2 * N * N), sizeof *A);
    assert_non_null(A);
    for (int z = 0; z < N; z++) {
        const int bit = (z >> q) & 1;
        if (which == 'Z')
            A[2 * (z * N + z) + 1] = bit ? -1 : 1;
        else /* row z ^ (1 << q), column z: Y entry +-i, times i: -+1 */
            A[2 * ((z ^ (1 << q)) * N + z)] = bit ? 1 : -1;
    }
    return A;
}

/* The dense generators of model `which` on n qubits at order k, from the
 * definitions: a k-HRNN write of hyperedge T multiplies |z> by exp(i sum_j
 * theta_j K_j(|T and z|)) with K_j(c) = sum over j-subsets S of T of
 * (-1)^|S and z| (docs/spec.md#khrnn), so theta_j's Hamiltonian is that
 * diagonal; the query cells add Rz and Ry on every site; the ansatz has Ry,
 * Rz on every site and a CZ between sites adjacent in a hyperedge's sorted
 * ladder, whose Hamiltonian |11><11| on (a, b) is taken without its trace
 * (minus 1/4: a global phase, which no other ansatz generator has). */
static int dense_model_gens(int which, int n, int k, double **gens)
{
    const int N = 1 << n;
    int ng = 0;
    double h[DMAX_N];
    const uint64_t M = hs_comb_binom(n, k);
    int adj[8][8] = {{0}};
    for (uint64_t r = 0; r < M; r++) {
        int s[64];
        hs_comb_unrank(r, n, k, s);
        unsigned T = 0;
        for (int a = 0; a < k; a++)
            T |= 1u << s[a];
        for (int a = 0; a + 1 < k; a++)
            adj[s[a]][s[a + 1]] = 1;
        if (which == HS_DLA_ANSATZ)
            continue;
        for (int j = 0; j <= k; j++) {
            for (int z = 0; z < N; z++) {
                h[z] = 0;
                for (unsigned S = 0; S < 1u << n; S++)
                    if ((S & ~T) == 0 && __builtin_popcount(S) == j)
                        h[z] += __builtin_popcount(S & (unsigned)z) % 2 ? -1 : 1;
            }
            gens[ng++] = dense_diag(N, h);
        }
    }
    if (which != HS_DLA_KHRNN_WRITE)
        for (int q = 0; q < n; q++) {
            gens[ng++] = dense_site(N, q, 'Z');
            gens[ng++] = dense_site(N, q, 'Y');
        }
    if (which == HS_DLA_ANSATZ)
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
                if (adj[a][b]) {
                    for (int z = 0; z < N; z++)
                        h[z] = (((z >> a) & 1) && ((z >> b) & 1) ? 1 : 0) - 0.25;
                    gens[ng++] = dense_diag(N, h);
                }
    return ng;
}

/* Every model, n = 2..4 (the universal algebras to n = 3, and the ansatz
 * at n = 4, k = 2: 255 dimensions), every k <= n: the Pauli closure of
 * core/dla.c gives the dimension the dense closure gives. */
static void test_models_dense(void **state)
{
    (void)state;
    double *gens[512];
    for (int which = 0; which < HS_DLA_COUNT; which++)
        for (int n = 2; n <= 4; n++)
            for (int k = 1; k <= n; k++) {
                if (n == 4 && which != HS_DLA_KHRNN_WRITE && !(which == HS_DLA_ANSATZ && k == 2))
                    continue;
                const int ng = dense_model_gens(which, n, k, gens);
                const int want = dense_dimension(1 << n, gens, ng);
                for (int g = 0; g < ng; g++)
                    free(gens[g]);
                long d = -1;
                char err[128];
                assert_int_equal(hs_dla_dimension(which, n, k, 100000, &d, err, sizeof err), 0);
                if (d != want)
                    fail_msg("%s n = %d k = %d: Pauli closure %ld, dense %d", hs_dla_name(which), n, k, d, want);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products), cmocka_unit_test(test_su2), cmocka_unit_test(test_commuting),
        cmocka_unit_test(test_two_qubit), cmocka_unit_test(test_su4), cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_models), cmocka_unit_test(test_models_dense),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
