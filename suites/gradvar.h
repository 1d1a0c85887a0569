/* The gradient-variance measurement of the trainability suite
 * (docs/spec.md#suite-trainability): for a quantum model (the k-HRNN or the
 * generic ansatz) on one task, the exact gradient of the cross-entropy
 * against the exact conditionals on a fixed batch of sequences, at `samples`
 * random initialisations; per reading of the loss (its first query only,
 * the mean over every query, the last query only), the variance over the
 * initialisations of each partial derivative, averaged over the write-cell
 * parameters and separately over the query-cell ones, with percentile
 * bootstrap intervals (util/stats.h) over the initialisations. A barren
 * plateau shows as this variance decaying exponentially in n. */
#ifndef HS_GRADVAR_H
#define HS_GRADVAR_H

#include <stddef.h>
#include <stdint.h>

#include "hsmt.h"

enum { HS_GV_FIRST, HS_GV_ALL, HS_GV_LAST, HS_GV_READINGS };
/* "first", "all", "last". */
const char *hs_gradvar_reading_name(int reading);

typedef struct {
    int ansatz;       /* 0: the k-HRNN, 1: the generic ansatz (core/ansatz.h) */
    double width;     /* every angle uniform in [-width, width] (pi: the full period) */
    long samples;     /* initialisations, >= 2 */
    long batch;       /* sequences of the loss, >= 1 */
    int boot_reps;    /* bootstrap resamples, >= 2 */
    double level;     /* of the intervals, in (0, 1) */
    uint64_t seed;    /* initialisation s is drawn from the PARAMS stream (seed, s) */
    int (*stop)(void); /* polled between initialisations; may be NULL */
} hs_gradvar_opts;

/* One reading: variances (bits^2 per radian^2: the loss is in bits per
 * output), their intervals, the mean |dL/dx| over the write-cell
 * parameters and the mean loss (bits per output) over initialisations. */
typedef struct {
    double var_write, lo_write, hi_write;
    double var_query, lo_query, hi_query;
    double abs_mean, loss;
} hs_gradvar_reading;

/* Which parameters are write-cell ones: the k-HRNN's theta_1..theta_k
 * (theta_0, a global phase, has derivative 0 and is left out), the ansatz's
 * phi_0..phi_{2k-1}; [*w0, *w1) of the flattened vector, the query-cell
 * parameters from *w1 to the end. */
void hs_gradvar_parts(int ansatz, int k, int *w0, int *w1);

/* Measures task t (d = 2, q = t->q queries per sequence, sequences 0 ..
 * batch - 1 of the task) into out[HS_GV_READINGS] and *nparams. Returns 0;
 * 1 when o->stop asked to stop (out not filled); -1 with a message when a
 * model gave a fed-back outcome probability 0. Initialisations run in
 * parallel (OpenMP); the result does not depend on the thread count. */
int hs_gradvar_measure(const hs_hsmt *t, const hs_gradvar_opts *o, hs_gradvar_reading out[HS_GV_READINGS],
                       int *nparams, char *err, size_t errlen);

/* The same for the k-HRNN on the sharded state (suites/shard.h), collective
 * over the current ranks: sequences from the sharded generator, gradients
 * by central differences (dist/dkgrad.h), initialisations one after
 * another. Returns 0, or -1 when a model gave a fed-back outcome
 * probability 0 (the same on every rank). */
int hs_gradvar_measure_sharded(const hs_hsmt *t, const hs_gradvar_opts *o, hs_gradvar_reading out[HS_GV_READINGS],
                               int *nparams);

#endif
