/* Training of the qubit k-HRNN from a random start by Adam on its flattened
 * parameters (core/khrnn_grad.h) with exact gradients of the NLL loss, the
 * loss a learner can compute from data; progress is measured on held-out
 * sequences against the exact conditionals (hs_score).
 *
 * The loss landscape in the write angles theta is rugged: they enter the phases
 * multiplied by integer hyperedge counts up to ell, so the basin of the exact
 * parameters narrows like ~1/sqrt(ell) and plain descent from a random start
 * often settles on the plateau of uninformative (~uniform) predictions. The
 * optional context-length curriculum trains on HSMT(ell_s) with ell_s = 1, 2,
 * 4, ..., ell (ell_s = min(2^s, ell); the shorter stages share the first half
 * of the steps equally, the final stage on cfg's ell has the second half),
 * where the exact parameters are the same for every ell_s and the basin is
 * wide at first; each stage restarts the cosine schedule at lr / sqrt(ell_s)
 * to match the narrowing basin. Adam's moments carry over between stages.
 *
 * Sequence indices (generator stream, core/rng.h): step s (0-based) trains on
 * sequences s B .. s B + B - 1 of cfg (with ell = ell_s under the curriculum);
 * evaluation, always on cfg itself, uses
 * HS_KHRNN_TRAIN_EVAL_FIRST + i, i < eval (the baselines' HS_NNTRAIN_EVAL_FIRST
 * convention), so the two sets never overlap.
 *
 * Memory: per OpenMP thread one generator state and one tangent simulator,
 * (2 + k + 1 + 3 nbases) 2^n amplitudes of 16 bytes: callers check the fit
 * (hs_state_check_fit) before training at large n. */
#ifndef HS_KHRNN_TRAIN_H
#define HS_KHRNN_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "hsmt.h"
#include "khrnn.h"
#include "score.h"

#define HS_KHRNN_TRAIN_EVAL_FIRST (UINT64_C(1) << 40)

/* Called at each log point: `step` Adam updates done so far (0 = the random
 * start), excess_bits = held-out mean KL(p_t || r_t), loss_bits = held-out
 * mean cross-entropy, both per output. */
typedef void (*hs_khrnn_train_log)(void *ctx, long step, double excess_bits, double loss_bits);

typedef struct {
    long steps;       /* Adam updates, >= 0 */
    int batch;        /* sequences per update, >= 1 */
    double lr;        /* peak step size; cosine decay to lr / 100 at the last step
                         (of each stage, from lr / sqrt(ell_s), under the curriculum) */
    uint64_t seed;    /* random start: hs_khrnn_random(seed) */
    int progress;     /* one line per log point on stderr */
    long eval;        /* held-out sequences per log point, >= 1 */
    long every;       /* > 0: log every `every` steps; 0: about 10 points per decade */
    int curriculum;   /* 1: context-length curriculum (see above); 0: cfg's ell throughout */
    hs_khrnn_train_log log; /* may be NULL */
    void *log_ctx;
} hs_khrnn_train_opts;

typedef struct {
    double excess_bits; /* held-out, after the last step */
    double loss_bits;   /* held-out cross-entropy, after the last step */
    double seconds;     /* wall time of the updates (evaluation excluded) */
} hs_khrnn_train_result;

/* Step size at update s (0-based) of S: lr (1 + 99 (1 + cos(pi s / S)) / 2) / 100. */
double hs_khrnn_train_lr(double lr, long s, long S);

/* Initialises m with hs_khrnn_random(m, cfg, o->seed) and trains it.
 * Deterministic given cfg and o. Returns 0, or -1 with a one-line message for
 * invalid options (d != 2, steps < 0, batch < 1, lr <= 0, eval < 1) or when
 * the model gives a held-out fed-back outcome probability 0. */
int hs_khrnn_train(hs_khrnn *m, const hs_hsmt *cfg, const hs_khrnn_train_opts *o,
                   hs_khrnn_train_result *res, char *err, size_t errlen);

/* Scores m on sequences first .. first + count - 1 of cfg into *sc (reset
 * first). Returns -1 with a message when d != 2 or a fed-back outcome has
 * model probability 0. */
int hs_khrnn_train_eval(const hs_khrnn *m, const hs_hsmt *cfg, uint64_t first, long count,
                        hs_score *sc, char *err, size_t errlen);

#endif
