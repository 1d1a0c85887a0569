/* The k-HRNN quantum model (docs/spec.md#khrnn): write cells G_T(theta) on an
 * n-site state started in |+>^n, query cells V_b on one site followed by
 * measurement and discard. With the exact parameters it reproduces the
 * generator's conditionals; from a random start it is what training fits.
 *
 * Parameters:
 *   qubits: theta[0..k] shared by all write cells; per basis b the Euler
 *           angles (alpha, beta, gamma) of V_b = Rz(alpha) Ry(beta) Rz(gamma).
 *   qudits: theta[0] (cell z -> exp(i theta prod z_i)); per non-Z basis b the
 *           chirp index m_b of V_b = F^dagger C_{m_b} (the Z basis stays the
 *           identity: it has no parameter). */
#ifndef HS_KHRNN_H
#define HS_KHRNN_H

#include <stdint.h>

#include "hsmt.h"
#include "model.h"
#include "state.h"

typedef struct {
    int n, k, d, nbases;
    int bases[HS_MAX_BASES];
    double theta[64];
    double angles[HS_MAX_BASES][3];
    double chirp[HS_MAX_BASES];
} hs_khrnn;

/* theta_j = pi (-1)^j 2^-k (qubits) or 2 pi / d (qudits); V_b = U_b up to a
 * phase per outcome row, which measurement does not see. */
void hs_khrnn_exact(hs_khrnn *m, const hs_hsmt *cfg);
/* Angles uniform in [-pi, pi), chirps uniform in [0, d), from the PARAMS stream. */
void hs_khrnn_random(hs_khrnn *m, const hs_hsmt *cfg, uint64_t seed);
long hs_khrnn_nparams(const hs_khrnn *m);
/* The single-site unitary of basis index b. */
hs_unitary hs_khrnn_unitary(const hs_khrnn *m, int b);

/* Runs the sequence through the model on st (n sites, dimension d): r[q * d]
 * receives the predicted distributions; *loglik (if not NULL) the natural-log
 * likelihood of the sequence's outcomes. Returns -1 if the model gives a
 * fed-back outcome probability 0 (it cannot condition on it). */
int hs_khrnn_predict(const hs_khrnn *m, hs_state *st, const hs_seq *s, double *r, double *loglik);

/* Wraps the model as an hs_model (owns its state). params is "exact" or
 * "random". Returns -1 with a message when params is unknown. */
int hs_khrnn_open(const hs_hsmt *cfg, const char *params, uint64_t seed, hs_model *out, char *err,
                  size_t errlen);

#endif
