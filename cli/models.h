/* The model factory behind `eval`: a model name and its options to an
 * hs_model ready to score sequences of a given task configuration. */
#ifndef HS_MODELS_H
#define HS_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct {
    const char *params; /* khrnn: "exact" or "random" */
    uint64_t seed;      /* random initialisations */
    const char *load;   /* trained models: saved model file */
} hs_model_opts;

/* Returns 0, or -1 with a one-line message (unknown model, options that do
 * not fit it, a model file that does not match cfg). */
int hs_models_open(const char *name, const hs_hsmt *cfg, const hs_model_opts *o, hs_model *m,
                   char *err, size_t errlen);

#endif
