/* The k-HRNN trained on the sharded state (docs/spec.md#rank-groups): its
 * loss and gradient from sharded predictions (dkhrnn.h), the gradient by
 * central differences. Forward-mode tangents (core/khrnn_grad.h) would
 * carry 1 + P sharded vectors through every query, each needing its own
 * exchange and mixed sums; central differences cost 2P forward passes of
 * one vector and reuse the sharded query cell as it is, bitwise the same
 * for every rank count. Steps: 1e-5 / ell for the write angles (which
 * multiply hyperedge counts up to ell, so the loss curves like ell^2 in
 * them) and 1e-5 for the query angles, giving about 1e-8 relative
 * accuracy (tests/mpi/test_dshard.c checks 1e-6 against the exact
 * tangents); theta_0, a global phase, has derivative 0 and is not
 * differenced. Every function is collective over the current ranks. */
#ifndef HS_DKGRAD_H
#define HS_DKGRAD_H

#include <stddef.h>
#include <stdint.h>

#include "dstate.h"
#include "hsmt.h"
#include "khrnn.h"
#include "train.h"

typedef struct hs_dkgrad hs_dkgrad;

/* For tasks of shape cfg (n, k, bases; ell and q at most cfg's: the
 * curriculum's shorter stages); o: the sharded state's options (NULL:
 * defaults; tests shrink the block to shard small states). */
hs_dkgrad *hs_dkgrad_new(const hs_hsmt *cfg, const hs_dstate_opts *o);
void hs_dkgrad_free(hs_dkgrad *g);

/* Per-output losses of sequence s at parameters x (core/khrnn_grad.h's
 * order, P = k + 1 + 3 nbases): L[t] in bits for kind HS_LOSS_CE (against
 * s->probs) or HS_LOSS_NLL (the observed outcome), predictions r[t * 2 + o]
 * (may be NULL) and, when dL is not NULL, dL[t * P + j] = d L[t] / d x_j.
 * Returns -1 when an observed outcome has model probability 0 at x. */
int hs_dkgrad_outputs(hs_dkgrad *g, const double *x, const hs_seq *s, int kind, double *L, double *r, double *dL);

/* The k-HRNN of task cfg from its random start (hs_khrnn_random(seed)) as
 * a trainable whose loss_grad and predict are collective (core/train.h:
 * with a collective sequence source, hs_train_run then runs on every rank
 * of the group alike). -1 with a message unless cfg->d == 2. */
int hs_dkgrad_trainable(const hs_hsmt *cfg, uint64_t seed, hs_trainable *tr, char *err, size_t errlen);

#endif
