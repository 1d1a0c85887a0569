/* Exact gradients of the qubit k-HRNN (d = 2) with respect to its flattened
 * parameters, by forward-mode tangents (core/grad.h).
 *
 * Flattened order (P = k + 1 + 3 nbases):
 *   x[j]                 = theta_j, j = 0..k (shared write-cell angles);
 *   x[k + 1 + 3 b + a]   = angles[b][a] of basis index b (cfg order), a = 0, 1, 2
 *                          for (alpha, beta, gamma) of V_b = Rz(alpha) Ry(beta) Rz(gamma).
 *
 * Writes are diagonal and commute, so the state at SEP is
 *   psi(z) = 2^(-n/2) exp(i sum_c phi(c) H_c(z)),
 *   H_c(z) = sum over written hyperedges T (with multiplicity) of [|T and z| = c],
 *   phi(c) = sum_j theta_j K_j(c) (hs_write_qubit_phases; K_j Krawtchouk),
 * and dpsi/dtheta_j = i N_j(z) psi(z) with the integer N_j(z) = sum_c K_j(c)
 * H_c(z). The counts H_c(z) for all z come from one transform over the n axes
 * (n 2^n (k + 1) additions, independent of ell). The query phase carries the
 * tangents through V_b and the measurements (teacher forcing, measured site
 * discarded; see grad.h). */
#ifndef HS_KHRNN_GRAD_H
#define HS_KHRNN_GRAD_H

#include "grad.h"
#include "hsmt.h"
#include "khrnn.h"

int hs_khrnn_grad_nparams(const hs_khrnn *m);
void hs_khrnn_grad_get(const hs_khrnn *m, double *x);
void hs_khrnn_grad_set(hs_khrnn *m, const double *x);

/* One sequence: r[t * 2 + o] = r_t(o) and (dr not NULL) dr[(t * 2 + o) * P + j]
 * = d r_t(o) / d x_j. Returns -1 when the model gives a fed-back outcome
 * probability 0. */
int hs_khrnn_grad_predict(const hs_khrnn *m, const hs_seq *s, double *r, double *dr);

/* Mean loss per output in bits (HS_LOSS_CE or HS_LOSS_NLL) over
 * seqs[0..count) and, when g is not NULL, its gradient g[P]; r and
 * +infinity as hs_grad_mean_loss. cfg gives the shape (n, k, d = 2). */
double hs_khrnn_grad_loss(const hs_khrnn *m, const hs_hsmt *cfg, const hs_seq *seqs, long count,
                          int loss_kind, double *g, double *r);

/* The k-HRNN of task cfg from the random start hs_khrnn_random(seed), as a
 * trainable (core/train.h). -1 with a message unless cfg->d == 2. */
int hs_khrnn_trainable(const hs_hsmt *cfg, uint64_t seed, hs_trainable *tr, char *err, size_t errlen);

#endif
