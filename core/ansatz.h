/* A generic layered ansatz for the trainability suite (docs/spec.md#ansatz): a
 * qubit sequence model with the k-HRNN's token interface and query cells but
 * a generic write cell, so that gradient variances can be compared at equal
 * cell cost and similar parameter count. This definition is ours, not the
 * paper's:
 *
 *   state: n qubits, start |+>^n;
 *   write token T = {i_1 < ... < i_k}: for j = 1..k apply Ry(phi_{2j-2}) and
 *     then Rz(phi_{2j-1}) on site i_j, then the CZ ladder CZ(i_1, i_2),
 *     CZ(i_2, i_3), ..., CZ(i_{k-1}, i_k); the 2k angles phi are shared by all
 *     write cells; cells are applied in the drawn order (they do not commute);
 *   query Q(s, b): V_b = Rz(alpha_b) Ry(beta_b) Rz(gamma_b) on site s, measure,
 *     condition on the fed-back outcome, discard s (as the k-HRNN).
 *   Rz(x) = diag(e^{-ix/2}, e^{ix/2}), Ry(y) = [[cos y/2, -sin y/2],
 *   [sin y/2, cos y/2]].
 *
 * Unlike the k-HRNN's diagonal cells, which generate the abelian algebra of
 * Z-strings of weight <= k, these cells generate (for k >= 2, generically)
 * the full su(2^n) on the connected sites: the expected barren-plateau
 * contrast.
 *
 * Flattened parameters (P = 2k + 3 nbases): x[i] = phi_i for i < 2k, then
 * x[2k + 3 b + a] = angles[b][a] for basis index b in cfg order. */
#ifndef HS_ANSATZ_H
#define HS_ANSATZ_H

#include <stdint.h>

#include "grad.h"
#include "hsmt.h"
#include "train.h"

typedef struct {
    int n, k, nbases;
    int bases[HS_MAX_BASES];
    double phi[2 * HS_MAX_SITES];
    double angles[HS_MAX_BASES][3];
} hs_ansatz;

/* All angles uniform in [-pi, pi) from the PARAMS stream of seed (sequence
 * index 1, so the same seed does not give the k-HRNN's draws). cfg->d == 2. */
void hs_ansatz_random(hs_ansatz *a, const hs_hsmt *cfg, uint64_t seed);
int hs_ansatz_nparams(const hs_ansatz *a);
void hs_ansatz_get(const hs_ansatz *a, double *x);
void hs_ansatz_set(hs_ansatz *a, const double *x);

/* r[t * 2 + o] = r_t(o) on one sequence; -1 when a fed-back outcome has
 * model probability 0. */
int hs_ansatz_predict(const hs_ansatz *a, const hs_seq *s, double *r);
/* As hs_ansatz_predict, with dr[(t * 2 + o) * P + j] = d r_t(o) / d x_j. */
int hs_ansatz_grad_predict(const hs_ansatz *a, const hs_seq *s, double *r, double *dr);
/* Mean loss per output (bits), gradient g[P] (may be NULL) and predictions
 * r (may be NULL), as hs_khrnn_grad_loss. */
double hs_ansatz_grad_loss(const hs_ansatz *a, const hs_hsmt *cfg, const hs_seq *seqs, long count,
                           int loss_kind, double *g, double *r);
/* The ansatz of task cfg from hs_ansatz_random(seed), as a trainable
 * (core/train.h). -1 with a message unless cfg->d == 2. */
int hs_ansatz_trainable(const hs_hsmt *cfg, uint64_t seed, hs_trainable *tr, char *err, size_t errlen);

#endif
