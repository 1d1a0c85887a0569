/* The trained classical models (LSTM, GRU, Transformer) as trainables of the
 * one training loop (core/train.h): batches of sequences into token rows,
 * forward and backward passes, the hard or soft cross-entropy on the query
 * positions, float parameters and gradients as the loop's double vectors.
 * Batched predictions serve the loop's held-out scores. */
#ifndef HS_NN_TRAIN_H
#define HS_NN_TRAIN_H

#include <stddef.h>

#include "hsmt.h"
#include "nn.h"
#include "train.h"

/* Bytes that training net with batches of `batch` sequences of cfg needs:
 * parameters, gradients, AdamW's two double moments and the loop's double
 * copies of parameters and gradient, and the activations of one batch. */
double hs_nntrain_bytes(const hs_nn_hparams *hp, const hs_hsmt *cfg, int batch);

/* Wraps net (owned by the trainable from now on) for training on sequences
 * of cfg's n, k, d and bases. */
void hs_nntrain_trainable(hs_nn *net, hs_trainable *tr);
/* The network inside a trainable made by hs_nntrain_trainable. */
hs_nn *hs_nntrain_net(const hs_trainable *tr);

#endif
