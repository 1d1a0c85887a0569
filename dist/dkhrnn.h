/* Predictions of the k-HRNN on the sharded state (dstate.h), for the grid
 * suites' configurations that run on rank groups: the model's cells applied
 * to a sequence's writes, then its query cells teacher-forced on the
 * observed outcomes, r_t(o) for every query (docs/spec.md#khrnn). Two
 * models:
 *   exact   the HSMT's own cells: the deferred layer of the odd-multiplicity
 *           hyperedges from |+>^n and the task's basis changes. Both the
 *           exact classical model and the k-HRNN at its exact parameters
 *           predict this (the first by simulating what its binom(n,k) bits
 *           of parity determine), and its predictions are bitwise the
 *           generator's conditionals (dgen.h draws with the same steps);
 *   trained a k-HRNN's phases and Euler rotations (core/khrnn.h), each
 *           distinct hyperedge applied once raised to its multiplicity, as
 *           core/khrnn.c does.
 * Collective over the current ranks; bitwise the same for every rank count
 * (elementwise writes, dstate's fixed summation). Qubits only. */
#ifndef HS_DKHRNN_H
#define HS_DKHRNN_H

#include "dstate.h"
#include "hsmt.h"
#include "khrnn.h"

typedef struct hs_dkhrnn hs_dkhrnn;

/* m NULL: the exact model of task cfg; else a copy of m is kept. The fit
 * has been checked by the caller (dsize.h). */
hs_dkhrnn *hs_dkhrnn_new(const hs_hsmt *cfg, const hs_khrnn *m, const hs_dstate_opts *o);
void hs_dkhrnn_free(hs_dkhrnn *d);
/* A trained model's new parameters (m of the same shape; not for the exact
 * model). */
void hs_dkhrnn_set(hs_dkhrnn *d, const hs_khrnn *m);
/* Collective: r[t * 2 + o] for the q queries of s (a sequence of the task
 * or of a shorter curriculum stage: ell and q at most the task's). Returns -1 when an
 * observed outcome has model probability 0 (the rest of r undefined). */
int hs_dkhrnn_predict(hs_dkhrnn *d, const hs_seq *s, double *r);

#endif
