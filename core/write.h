/* Write unit cells: the diagonal hyperedge phases of docs/spec.md#write-cell, one at a
 * time (exact or parameterised) or all at once (deferred, one pass over the
 * state). Writes commute, so the deferred form only needs each hyperedge's
 * multiplicity. */
#ifndef HS_WRITE_H
#define HS_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

/* A hyperedge by its site bitmask, with its multiplicity mod d. */
typedef struct {
    uint64_t mask;
    int weight;
} hs_edge;

/* Exact cell raised to `power`: z -> omega^(power * prod_{i in T} z_i),
 * omega = exp(2 pi i / d). T is sites[0..k-1] (labels, distinct). */
void hs_write_exact(hs_state *s, const int *sites, int k, long power);

/* Qubit cell G_T(theta)^power = exp(i power sum_{S subset T} theta_|S| Z_S),
 * theta[0..k]. The phase depends on z only through c = |z restricted to T|:
 * phi(c) = sum_j theta_j K_j(c), K_j the Krawtchouk polynomial. */
void hs_write_qubit(hs_state *s, const int *sites, int k, const double *theta, long power);
/* Phase table phi[0..k] of the qubit cell (exposed for the model's gradient). */
void hs_write_qubit_phases(int k, const double *theta, double *phi);

/* Qudit cell z -> exp(i theta power prod_{i in T} z_i). */
void hs_write_qudit(hs_state *s, const int *sites, int k, double theta, long power);

/* Applies D_w = prod_T (exact cell of T)^(weight_T) for all edges at once, on
 * the full n-site state with its identity site map. With from_plus the state
 * is overwritten with D_w |+>^n in a write-only pass.
 *   d = 2: the phase bit of z is the ANF polynomial f(z) = XOR of the edges
 *          contained in z, computed for all z by a bit-packed Moebius
 *          transform (n 2^n / 64 word operations) into 2^n / 8 bytes.
 *   d > 2: the exponent sum_T w_T prod z_i mod d over all z by a tensor
 *          expansion axis by axis (2 -> d values per axis) into d^n bytes. */
void hs_write_deferred(hs_state *s, const hs_edge *e, size_t ne, int from_plus);

/* Qubits: hs_write_deferred from |+> together with the four sums of `site`'s
 * reduced density matrix (for hs_state_probs_rho), from the phase bits
 * instead of a pass over the state: every amplitude is a (-1)^f(z), so with
 * pairs = N/2 and F the pairs (z, z | bit) whose phase bits differ the sums
 * are (pairs a^2, pairs a^2, (pairs - 2F) a^2, 0) (hs_write_plus_rho). The
 * same numbers on every rank count (dist/ adds integer F). They differ from
 * hs_state_rho_root's in the last bits: a tree sum of pairs terms a^2 has
 * relative error up to (HS_SUM_BLOCK/4 + log2 blocks + 2) eps, these one
 * rounding per product. The generator writes no layer (hs_write_first_bits
 * below); this written form is what tests compare that path and dist/'s
 * with. */
void hs_write_deferred_first(hs_state *s, const hs_edge *e, size_t ne, int site, double rho[4]);
/* The same sums with the layer's phase bits into bits[max(1, 2^n / 64)],
 * the amplitudes left unwritten: the state keeps the pointer, and the first
 * collapse (hs_state_collapse or hs_state_collapse_probs) writes the state
 * it leaves from the bits. bits must live until then. */
void hs_write_first_bits(hs_state *s, const hs_edge *e, size_t ne, int site, uint64_t *bits, double rho[4]);
/* F of the sums above for bit p of phase bits over nbits bits. */
uint64_t hs_write_sign_flips(const uint64_t *bits, int nbits, int p);
void hs_write_plus_rho(double pairs, double flips, double a, double rho[4]);

/* Negates amp[z] for every z < len with all bits of m set, visiting only
 * those len / 2^popcount(m) amplitudes (a k = 3 cell on the top sites
 * touches 1/8 of the state; on sites 0, 1, 2 every other cache line): the
 * d = 2 exact cell, shared by the serial and the sharded engine. */
void hs_write_flip_mask(hs_amp *amp, size_t len, uint64_t m);

/* The sign pass of the d = 2 deferred layer over a plain buffer of len
 * amplitudes: bit z of bits flips the sign of amp[z]; with from_plus the
 * buffer is overwritten with +-a instead. Branch-free: the bit goes straight
 * into the IEEE sign bits (a data-dependent branch mispredicts half the time
 * on random hypergraphs). Shared by the serial and the sharded engine. */
void hs_write_sign_bits(hs_amp *amp, size_t len, const uint64_t *bits, int from_plus, double a);

/* The d = 2 phase bits alone: bits[z / 64] bit (z % 64) = f(z), for n sites;
 * bits has 2^n / 64 words (at least 1). Exposed for tests and dist/. */
void hs_write_anf_bits(int n, const hs_edge *e, size_t ne, uint64_t *bits);

#endif
