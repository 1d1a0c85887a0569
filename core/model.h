/* The scoring interface every model implements (quantum, analytic classical,
 * trained classical): given a sequence, its distribution over the d outcomes at
 * each query, conditioned on every earlier token (teacher forcing). `eval`
 * and the suites only see this. */
#ifndef HS_MODEL_H
#define HS_MODEL_H

#include "hsmt.h"

typedef struct hs_model {
    const char *name;
    void *ctx;
    /* r[q * d]: row t is the model's distribution at query t of s. Returns 0,
     * or -1 when the model cannot follow the sequence (for example it gave the
     * fed-back outcome probability 0); it then writes a reason into err. */
    int (*predict)(void *ctx, const hs_hsmt *cfg, const hs_seq *s, double *r,
                   char *err, size_t errlen);
    void (*free)(void *ctx);
    double memory_bits; /* docs/spec.md#memory accounting, at this configuration */
    long params;        /* trainable parameters (0 for analytic models) */
} hs_model;

static inline void hs_model_free(hs_model *m)
{
    if (m && m->free)
        m->free(m->ctx);
}

#endif
