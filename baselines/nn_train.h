/* Training of the classical models on fresh HSMT sequences, and their
 * batched evaluation on held-out ones.
 *
 * Sequence indices (the generator's stream index, core/rng.h): step s
 * (0-based) trains on sequences s B .. s B + B - 1, all below
 * HS_NNTRAIN_EVAL_FIRST = 2^40; evaluation uses HS_NNTRAIN_EVAL_FIRST + i, so
 * the two sets never overlap and `hypersep sample --first 1099511627776`
 * writes the evaluation sequences to a file. */
#ifndef HS_NN_TRAIN_H
#define HS_NN_TRAIN_H

#include <stdint.h>

#include "hsmt.h"
#include "nn.h"
#include "score.h"

#define HS_NNTRAIN_EVAL_FIRST (UINT64_C(1) << 40)

typedef struct {
    long steps;
    int batch;
    double lr;           /* peak learning rate */
    double weight_decay; /* AdamW decoupled decay */
    double clip;         /* global gradient-norm bound, <= 0: none */
    int progress;        /* progress lines on stderr, at most one per second */
} hs_nntrain_opts;

typedef struct {
    double loss_bits;    /* mean training cross-entropy per output over the last 10% of steps */
    double excess_bits;  /* mean training excess loss (KL to the exact p_t) over the same steps */
    double seconds;      /* wall time of the training loop */
    double tokens_per_s; /* sequence tokens (forward + backward + AdamW) per second */
} hs_nntrain_result;

/* Learning rate at step s of S: linear warm-up over the first
 * W = min(100, S / 10) steps, then cosine decay from lr to lr / 10. */
double hs_nntrain_lr(double lr, long s, long S);

/* Trains net (already initialised) on cfg; deterministic given cfg->seed and
 * net's initial parameters. */
void hs_nntrain_run(hs_nn *net, const hs_hsmt *cfg, const hs_nntrain_opts *o, hs_nntrain_result *res);

/* Scores net on sequences first .. first + count - 1 of cfg, batch at a time,
 * accumulating into sc. */
void hs_nntrain_eval(const hs_nn *net, const hs_hsmt *cfg, uint64_t first, long count, int batch,
                     hs_score *sc);

#endif
