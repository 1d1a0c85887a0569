/* The one training loop (docs/spec.md#training): every trainable model (the
 * k-HRNN, the generic ansatz, LSTM, GRU, Transformer) is trained through the
 * hs_trainable interface below, with one optimiser (AdamW, core/adamw.h),
 * one learning-rate schedule (hs_train_lr), one convention for training and
 * held-out sequences, the context-length curriculum, and one progress line.
 *
 * Sequences (generator stream indices, core/rng.h): update s (0-based)
 * trains on sequences s B .. s B + B - 1 of the task (of the stage's task
 * under the curriculum); held-out sequences are HS_EVAL_FIRST + i
 * (core/hsmt.h), which training never reaches (steps * batch <= 2^40).
 *
 * Schedule: each stage (the whole run without the curriculum) warms up
 * linearly over `warmup` updates, then decays by a half cosine from its peak
 * to peak * lr_floor at its last update (hs_train_lr).
 *
 * Curriculum (optional): stages on HSMT(ell_s; q_s) with ell_s = min(2^s, ell)
 * (context length, HS_CURRICULUM_ELL) and/or q_s = min(2^s, q) (queries,
 * HS_CURRICULUM_QUERIES), s = 0, 1, ..: the exact k-HRNN parameters are
 * the same for every ell_s, and short contexts give a wide basin first (the
 * write angles multiply hyperedge counts up to ell, so the basin narrows
 * like 1/sqrt(ell)); few queries teach the readout before its updates. The
 * shorter stages share the first half of the updates equally, the last
 * stage (the task itself) has the rest; a stage may end early, once the
 * running training excess loss is <= advance_below. Each stage restarts the
 * schedule, at lr / sqrt(ell_s) with stage_lr_sqrt. AdamW's moments carry
 * over.
 *
 * Log points: held-out scores (excess loss and cross-entropy against the
 * exact conditionals, hs_score) before the first update, at the log points
 * (`every`) and after the last update; with a target, also at 4/5 of the
 * updates (the verdict's reference point), and training stops at the first
 * log point whose held-out excess loss is <= target (early stopping). Their
 * time is not
 * counted in the training seconds. */
#ifndef HS_TRAIN_H
#define HS_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "hsmt.h"
#include "score.h"

/* A model as the training loop sees it. Parameters are a flat vector of
 * nparams doubles (models with float parameters convert). */
typedef struct hs_trainable {
    void *ctx;
    long nparams;
    void (*get)(void *ctx, double *x);
    void (*set)(void *ctx, const double *x);
    /* Mean loss per scored output over seqs[0..count), all sequences of
     * task t, in nats (kind HS_LOSS_CE or HS_LOSS_NLL; nats as torch's
     * cross-entropy, the unit the gradient-norm clipping bound refers to);
     * g[nparams] gets its gradient and r (may be NULL) the predictions,
     * r[(i q + j) d + o] for query j of sequence i. +infinity when the model
     * gives a fed-back outcome probability 0 (g then meaningless). */
    double (*loss_grad)(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, int kind, double *g,
                        double *r);
    /* Predictions r as above for seqs[0..count) of task t. Returns 0, or -1
     * with a message when a fed-back outcome has model probability 0. */
    int (*predict)(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, double *r, char *err,
                   size_t errlen);
    void (*free)(void *ctx);
} hs_trainable;

static inline void hs_trainable_free(hs_trainable *tr)
{
    if (tr && tr->free)
        tr->free(tr->ctx);
}

/* Where the training loop's sequences come from, when not from the serial
 * generator: draw fills seqs[0..count) (zeroed or reused, as
 * hs_gen_sequence) with sequences first .. first + count - 1 of task cfg,
 * which varies with the curriculum stage. A collective source (the sharded
 * generator, dist/dsource.h) makes hs_train_run collective: every rank of
 * its group runs it with the same arguments and computes the same updates. */
typedef struct {
    void *ctx;
    void (*draw)(void *ctx, const hs_hsmt *cfg, uint64_t first, long count, hs_seq *seqs);
} hs_seq_source;

/* Called at each log point: `step` updates done (0 = before training), the
 * held-out excess loss and cross-entropy (bits per output). */
typedef void (*hs_train_log)(void *ctx, long step, double excess_bits, double loss_bits);

typedef struct {
    long steps;          /* updates, >= 0 */
    int batch;           /* sequences per update, >= 1 */
    double lr;           /* peak step size, > 0 */
    long warmup;         /* warm-up updates per stage; HS_TRAIN_WARMUP_AUTO: min(100, stage / 10) */
    double lr_floor;     /* the schedule ends at peak * lr_floor, in (0, 1] */
    double weight_decay; /* AdamW decoupled decay, >= 0 */
    double clip;         /* global gradient-norm bound; <= 0: none */
    int loss;            /* HS_LOSS_CE (soft) or HS_LOSS_NLL (hard) */
    int curriculum;      /* HS_CURRICULUM_* flags, 0: none */
    int stage_lr_sqrt;   /* curriculum stages peak at lr / sqrt(ell_s) (else lr) */
    double advance_below;/* > 0: a stage ends once the running training excess (bits) is <= this */
    double target;       /* > 0: stop at the first log point with held-out excess (bits) <= target */
    long eval;           /* held-out sequences per log point, >= 1 */
    long every;          /* log points: > 0 every `every` updates; 0 about 10 per decade; -1 none
                            (only before and after training) */
    int progress;        /* progress lines on stderr (at most one a second, and the last) */
    hs_train_log log;    /* may be NULL */
    void *log_ctx;
    const hs_seq_source *source; /* NULL: the serial generator */
} hs_train_opts;

#define HS_TRAIN_WARMUP_AUTO (-1)
enum { HS_CURRICULUM_ELL = 1, HS_CURRICULUM_QUERIES = 2 };
/* "none", "ell", "queries", "ell+queries" (also "ell,queries") and back;
 * parse returns -1 for other names. */
int hs_train_curriculum_parse(const char *name);
void hs_train_curriculum_name(int flags, char *buf, size_t len);
/* Log points kept in a result (the curve); later ones overwrite the last. */
#define HS_TRAIN_MAX_POINTS 128

/* One log point: updates done, held-out excess loss and cross-entropy. */
typedef struct {
    long step;
    double excess_bits, loss_bits;
} hs_train_point;

typedef struct {
    hs_score held;            /* held-out scores after the last update */
    double excess_bits;       /* = held.kl / held.outputs */
    double loss_bits;         /* = held.ce / held.outputs */
    double train_loss_bits;   /* training batches, last tenth of the updates: sampled-outcome NLL */
    double train_excess_bits; /* the same batches' excess loss against the exact conditionals */
    double seconds;           /* wall time of the updates */
    double tokens_per_s;      /* training tokens (forward + backward + update) per second */
    long steps_used;          /* updates taken: < steps when stopped early */
    int npoints;
    hs_train_point curve[HS_TRAIN_MAX_POINTS]; /* the log points, in order */
} hs_train_result;

/* The verdict of a run (docs/spec.md#training):
 *   REACHED  some log point has held-out excess <= target;
 *   PLATEAU  not reached, and the best held-out excess improved by less than
 *            the fraction f over the last fifth of the updates (best up to
 *            4/5 of them against best up to the end): more of this budget
 *            would not help;
 *   BUDGET   not reached and still improving: the run says nothing about
 *            whether the model can reach the target. */
enum { HS_VERDICT_REACHED, HS_VERDICT_PLATEAU, HS_VERDICT_BUDGET };
int hs_train_verdict(const hs_train_point *curve, int npoints, long steps, double target, double f);
const char *hs_verdict_name(int v);

/* Step size at update s (0-based) of a stage of S updates with W warm-up
 * updates: lr (s + 1) / W while s < W, then
 * lr (f + (1 - f) (1 + cos(pi (s - W) / (S - W))) / 2) with f = floor. */
double hs_train_lr(double lr, long s, long S, long W, double floor);
/* The automatic warm-up of a stage of S updates: min(100, S / 10). */
long hs_train_warmup(long S);

/* Checks o (one-line message naming the option as `--name`). */
int hs_train_check(const hs_train_opts *o, char *err, size_t errlen);

/* Trains tr from its current parameters on task cfg. Deterministic given
 * cfg, o and the starting parameters (for any thread count when the model's
 * loss_grad is). Returns 0, or -1 with a message (invalid options, or a
 * held-out fed-back outcome of model probability 0). */
int hs_train_run(hs_trainable *tr, const hs_hsmt *cfg, const hs_train_opts *o, hs_train_result *res,
                 char *err, size_t errlen);

/* Scores tr on sequences first .. first + count - 1 of cfg, adding to sc.
 * Returns 0 or -1 with a message as predict. */
int hs_train_score(hs_trainable *tr, const hs_hsmt *cfg, uint64_t first, long count, hs_score *sc, char *err,
                   size_t errlen);

#endif
