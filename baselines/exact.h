/* The exact classical model (docs/spec.md#classical): the classical upper bound. It
 * keeps the hyperedge weights w in Z_d^M and computes every conditional p_t by
 * brute force over the d^n basis states, straight from the definitions of
 * docs/spec.md#task and independently of the optimised engine in core/, so it
 * doubles as the reference that engine and the other analytic models are
 * tested against.
 *
 * Memory accounting: min(M log2 d, ell log2 M) bits, i.e. the weight vector
 * or, when shorter, the write list (ell tokens of log2 M bits each). The
 * d^n amplitudes it works on are the price of computing p_t classically in
 * time, not state that must be carried between tokens, so they are not
 * counted (the quantum model's state is the one of n sites). */
#ifndef HS_EXACT_H
#define HS_EXACT_H

#include <complex.h>
#include <stddef.h>

#include "hsmt.h"
#include "model.h"

/* Opens the model for cfg (validated). Returns 0, or -1 with a one-line
 * message when the d^n * 16-byte state does not fit in
 * hs_sys_mem_available(). */
int hs_exact_open(const hs_hsmt *cfg, hs_model *m, char *err, size_t errlen);

/* min(M log2 d, ell log2 M): see the file comment. */
double hs_exact_memory_bits(const hs_hsmt *cfg);

/* Shared brute-force kernels (also used by the presample model and tests).
 * Amplitude layout: index z = sum_i z_i d^i over all n sites (site i has
 * stride d^i); vectors have d^n entries. */

/* Checks that `bytes_per_state` bytes per basis state (d^n of them) fit in the
 * available memory; `model` names the caller in the message. Returns 0, or -1
 * with a message stating the need and the limit. */
int hs_exact_check_fit(const char *model, int n, int d, double bytes_per_state, char *err,
                       size_t errlen);

/* The d x d matrix U_b of basis code b (HS_BASIS_Z or chirp index m), row
 * major: U_Z = I, U_m = F^dagger C_m with F_jk = d^(-1/2) omega^(jk) and
 * C_m = diag(exp(-i pi m j^2 / d)); for d = 2 this is U_X = H, U_Y = H S^dagger. */
void hs_exact_unitary(int code, int d, double complex *u);

/* amp <- D_w |+>^n for the weights w of the writes of s (counts mod d). */
void hs_exact_state(const hs_hsmt *cfg, const hs_seq *s, double complex *amp);

/* Applies the d x d matrix u (row major) to `site` of the n-site vector. */
void hs_exact_apply(int n, int d, double complex *amp, int site, const double complex *u);

/* w[o] = sum over z with z_site = o of |amp[z]|^2 (compensated sums). */
void hs_exact_weights(int n, int d, const double complex *amp, int site, double *w);

/* Zeroes every amplitude with z_site != o: the projection onto outcome o,
 * left unnormalised (weights are normalised when they are read). */
void hs_exact_project(int n, int d, double complex *amp, int site, int o);

#endif
