/* Dense reference for tests: states as plain d^n vectors and every operator as
 * an explicit d^n x d^n matrix, built from the definitions in docs/spec.md#task
 * and #khrnn without any of the engine's code. Only for small d^n (<= 729). */
#ifndef HS_DENSE_REF_H
#define HS_DENSE_REF_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

typedef double complex cplx;

typedef struct {
    int n, d;
    size_t N;   /* d^n */
    cplx *psi;  /* [N], site i is digit i of the index */
} dense_state;

void dense_new(dense_state *s, int n, int d);
void dense_free(dense_state *s);
/* |+>^n */
void dense_plus(dense_state *s);
/* psi <- D psi with D the explicit diagonal matrix of the write cell of the
 * hyperedge `mask` (sites as bits) raised to `weight`: omega^(w prod z_i). */
void dense_write(dense_state *s, uint64_t mask, int weight);
/* The d x d single-site matrix of basis code b (HS_BASIS_Z or chirp m),
 * U[j * d + k]: U_Z = I, U_m = F^dagger C_m, F_jk = d^-1/2 omega^(jk). */
void dense_basis_matrix(int d, int code, cplx *U);
/* Measures `site` after applying the site matrix U: fills p[d] from the full
 * operator (I x .. x U x .. x I) and the projectors, then projects onto
 * `outcome` and renormalises. */
void dense_measure(dense_state *s, int site, const cplx *U, double *p, int outcome);

#endif
