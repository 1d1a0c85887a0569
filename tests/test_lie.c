/* Tests of the Lie-algebra closure (core/lie.c, core/dla.c) on cases worked out by hand:
 * the Pauli product table, su(2) from {X, Z}, commuting Z-strings (their
 * independent count), {X1, X2, Z1 Z2} on two qubits (dimension 6, below),
 * su(4) from single-qubit X, Z and one Z Z, and the tolerance that decides
 * when a rounding-level remainder is not a new direction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products), cmocka_unit_test(test_su2), cmocka_unit_test(test_commuting),
        cmocka_unit_test(test_two_qubit), cmocka_unit_test(test_su4), cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
