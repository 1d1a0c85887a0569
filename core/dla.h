/* The generators of the quantum models' cells, and the dimension of the
 * dynamical Lie algebra they generate on n qubits (core/lie.h;
 * docs/spec.md#lie-algebra), for the trainability suite:
 *   HS_DLA_KHRNN_WRITE  the k-HRNN's write cells: for every hyperedge T and
 *                       every j <= k, the Hamiltonian sum_{S subset T,
 *                       |S| = j} Z_S that theta_j multiplies (j = 0: the
 *                       identity). All diagonal: the algebra is their span,
 *                       expected sum_{j <= k} binom(n, j);
 *   HS_DLA_KHRNN_ALL    the same with the query cells' rotations, Z_s and
 *                       Y_s on every site (V_b = Rz Ry Rz);
 *   HS_DLA_ANSATZ       the generic ansatz (core/ansatz.h): Y_i and Z_i on
 *                       every site (its Ry, Rz and the query rotations), and
 *                       for every pair (a, b) adjacent in some hyperedge's
 *                       CZ ladder the CZ's generator Z_a Z_b - Z_a - Z_b. */
#ifndef HS_DLA_H
#define HS_DLA_H

#include <stddef.h>

enum { HS_DLA_KHRNN_WRITE, HS_DLA_KHRNN_ALL, HS_DLA_ANSATZ, HS_DLA_COUNT };

/* "khrnn_write", "khrnn_all", "ansatz" and back (-1 for other names). */
const char *hs_dla_name(int which);
int hs_dla_parse(const char *name);

/* The closed form the measurement is compared with: sum_{j <= k}
 * binom(n, j) for the write cells; for the others the dimension of the
 * algebra they generate when universal, u(2^n) = 4^n with the identity
 * (k-HRNN, all cells) or su(2^n) = 4^n - 1 (ansatz), and for k = 1, where
 * no cell couples two sites, 3n + 1 and 3n (a product of su(2)'s). */
double hs_dla_expected(int which, int n, int k);

/* The measured dimension into *dim (hs_lie_dimension, tolerance 1e-9).
 * Returns 0, or -1 with a message (n out of 1..10, k out of 1..n, or more
 * than max_dim basis elements). */
int hs_dla_dimension(int which, int n, int k, long max_dim, long *dim, char *err, size_t errlen);

#endif
