/* The qudit (d > 2) query cell without a basis change of the state: the
 * site's d x d reduced density matrix, the outcome weights of a basis from it,
 * and the collapse that applies the measured row of the basis change while it
 * discards the site, fused with the next site's matrix. A sequence then pays
 * one pass per query after the first (the qudit counterpart of the qubit
 * kernels of core/kern.h). The FFTW basis change (core/qudit.h) stays the
 * unfused path that tests compare this one with, and the first query's
 * (core/hsmt.c says why).
 *
 * Kernels on plain buffers, laid out as core/state.h's: index z = sum_p z_p
 * d^p. A reduced density matrix is d*d doubles: rho[a*d + a] = sum |x_a|^2,
 * and for a < b rho[a*d + b] = Re sum x_a conj(x_b), rho[b*d + a] = Im of it.
 * Sums run over fixed blocks of HS_QCELL_BLOCK units combined by hs_sum_tree:
 * the same bits for every thread count. The collapse loops are compiled for
 * the x86-64 baseline and for AVX2 and chosen as core/kern.h's variants are
 * (HYPERSEP_SIMD), with the same bits. */
#ifndef HS_QCELL_H
#define HS_QCELL_H

#include <stddef.h>

#include "state.h"

/* Units (groups of d outputs, or d inputs) per summation block. */
#define HS_QCELL_BLOCK ((size_t)1024)

/* The collapse of one query: output(r) = sum_j c[j] psi(r with the digit at
 * pos = j), j < d, which applies a row of U (digit < 0), or, when the basis
 * change is already applied, output(r) = c[0] psi(r with digit at pos =
 * digit) (digit >= 0); the site at the top position moves into position pos
 * (core/state.h's discard). np is the position, in the state left, of the
 * site whose matrix is summed from the outputs, or -1 for none. */
typedef struct {
    int d, pos, top, np;
    int digit;
    hs_amp c[64];
} hs_qcell;

/* Row o of the basis change u at dimension d (d > 2): row[j] = U_oj, with
 * U_m = F^dagger C_m as core/qudit.c applies it (its DFT sign and scaling). */
void hs_qcell_row(const hs_unitary *u, int d, int o, hs_amp *row);
/* w[o] = (U rho U^dagger)_oo, clamped at 0, for o < d. */
void hs_qcell_weights(const double *rho, int d, const hs_unitary *u, double *w);
/* The matrix of the digit at position p of a buffer of len amplitudes
 * (len a power of d), into root[d*d]. */
void hs_qcell_rho_root(const hs_amp *amp, size_t len, int d, int p, double *root);
/* The collapse q on a buffer of len amplitudes, in place; the d^top outputs
 * are the state left. With q->np >= 0, root[d*d] gets the matrix of the
 * digit at np of that state. */
void hs_qcell_collapse(hs_amp *amp, size_t len, const hs_qcell *q, double *root);

#endif
