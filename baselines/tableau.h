/* The stabilizer-tableau model (docs/spec.md#classical) for k = 2, d = 2: the latent
 * state is then a graph state (CZ on every edge of odd multiplicity applied to
 * |+>^n), a stabilizer state, so an Aaronson-Gottesman (CHP, PRA 70, 052328,
 * 2004) tableau follows the task exactly with O(n^2) bits, at n in the hundreds.
 *
 * The model reads the sequence as a stream: it starts from the tableau of
 * |+>^n (stabilizers X_i, destabilizers Z_i), applies CZ(a, b) for every write
 * token {a, b} (CZ^2 = I gives the multiplicity mod 2), and for query (s, b)
 * applies U_b to qubit s (U_X = H, U_Y = H S^dagger, so outcome 0 is the +1
 * eigenvector of X or Y) and measures Z_s: the outcome is uniform when a
 * stabilizer anticommutes with Z_s, and otherwise determined by the phase of
 * the product of stabilizers that equals +-Z_s. Every conditional is thus
 * (1,0), (0,1) or (1/2,1/2). The measured qubit is then never touched again
 * (discard), which leaves the other qubits' statistics unchanged.
 *
 * Rows are bit-packed in 64-bit words: a Pauli on n qubits is x[ceil(n/64)],
 * z[ceil(n/64)] and a sign bit, with (x,z) = (1,0) X, (1,1) Y, (0,1) Z.
 *
 * Memory accounting: what the tableau holds between tokens, n destabilizer
 * and n stabilizer rows of 2n Pauli bits and one sign bit each: 2n(2n+1)
 * bits. The scratch row of a deterministic measurement and the padding of
 * the last word are working space and are not counted. */
#ifndef HS_TABLEAU_H
#define HS_TABLEAU_H

#include <stddef.h>

#include "hsmt.h"
#include "model.h"

/* Opens the model for cfg. cfg->n may exceed HS_MAX_SITES (the model has no
 * d^n state). Returns 0, or -1 with a one-line message when k != 2 or
 * d != 2. */
int hs_tableau_open(const hs_hsmt *cfg, hs_model *m, char *err, size_t errlen);

/* 2n(2n+1). */
double hs_tableau_memory_bits(const hs_hsmt *cfg);

#endif
