/* Trained models behind the scoring interface of core/model.h: `eval
 * --model lstm|gru|transformer --load FILE` and the final evaluation of
 * `train` score them like every other model. */
#ifndef HS_NN_MODEL_H
#define HS_NN_MODEL_H

#include <stddef.h>

#include "hsmt.h"
#include "model.h"
#include "nn.h"

/* 0 when a model trained on task `trained` can score sequences of cfg: the
 * same n, k, d and bases (so the same tokens mean the same thing) and, for a
 * Transformer, sequences no longer than its position table. Otherwise -1
 * with a one-line message. */
int hs_nnmodel_compatible(const hs_nn *net, const hs_hsmt *trained, const hs_hsmt *cfg, char *err,
                          size_t errlen);

/* Wraps net as a model scoring sequences of cfg; the model owns net. */
void hs_nnmodel_wrap(hs_nn *net, const hs_hsmt *cfg, hs_model *m);

/* Loads FILE, checks it holds a model of kind `name` compatible with cfg and
 * wraps it. Returns 0, or -1 with a one-line message. */
int hs_nnmodel_open(const char *name, const char *path, const hs_hsmt *cfg, hs_model *m, char *err,
                    size_t errlen);

/* Softmax of d logits into probabilities, in double. */
void hs_nnmodel_softmax(const hs_real *logits, int d, double *r);

#endif
