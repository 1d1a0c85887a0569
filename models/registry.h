/* The model registry: one descriptor per model (quantum, analytic classical,
 * trained classical) with everything the CLI, the suites and the analysis
 * need of it: name, class, plot colour, hyperparameters with their option
 * names and config keys, memory accounting (bits and state dimension,
 * docs/spec.md#memory), a size label, the scoring model (core/model.h) and,
 * for trainable models, the trainable of the one training loop
 * (core/train.h) with its training defaults. `hypersep models` prints it;
 * the suites and `train`/`eval` iterate over it. Adding a model is adding a
 * descriptor here (and the model's own module). */
#ifndef HS_REGISTRY_H
#define HS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hsmt.h"
#include "model.h"
#include "train.h"

typedef enum { HS_MC_QUANTUM, HS_MC_ANALYTIC, HS_MC_TRAINED } hs_model_class;
const char *hs_model_class_name(hs_model_class c);

#define HS_MODEL_MAX_HP 6

/* One hyperparameter: option --NAME (underscores as dashes) of `train`,
 * config key MODEL_NAME of the separation suite. Values are doubles holding
 * integers. */
typedef struct {
    const char *name;
    const char *label;    /* short, for size labels ("h", "d_model") */
    double min, max, def;
    int same_as;          /* def = 0: the value of hyperparameter same_as (hs_models_resolve); else -1 */
    int shared;           /* 1: one option of every model that has it (the separation suite's
                             config key is NAME, a list, not MODEL_NAME) */
    const char *ladder;   /* the separation suite's default list when this is the size; else NULL */
    const char *help;
} hs_hparam;

/* Where a scoring model's parameters come from (`eval` options). */
typedef struct {
    const char *params; /* khrnn: "exact" or "random"; NULL: the model's default */
    uint64_t seed;      /* random parameters */
    const char *load;   /* trained models: a file written by `train --save` */
} hs_model_src;

/* Training defaults of a trainable model (`train` options, suites). */
typedef struct {
    double lr, lr_floor, clip;
    long warmup; /* HS_TRAIN_WARMUP_AUTO or updates */
    int batch, curriculum, loss, stage_lr_sqrt;
} hs_train_defaults;

typedef struct hs_model_desc {
    const char *name;
    hs_model_class cls;
    const char *help;     /* one line */
    const char *color;    /* plot colour, "#rrggbb" */
    const char *memory;   /* memory_bits formula, in words */
    const char *state;    /* state_dim formula, in words */
    int nhp;
    hs_hparam hp[HS_MODEL_MAX_HP];
    int size_hp;          /* index of the hyperparameter a size ladder varies, or -1 */
    int fixed;            /* 1: predicts without training (analytic, or exact parameters) */
    int trainable_model;  /* 1: trainable through core/train.h */
    hs_train_defaults train;

    /* 0 when the model applies to task t with hyperparameters hp and fits in
     * memory for scoring (batch 0) or training with batches of `batch`;
     * else -1 with a message, and *bad the index of the hyperparameter to
     * blame or -1 (the task). */
    int (*check)(const hs_hsmt *t, const double *hp, int batch, int *bad, char *err, size_t errlen);
    double (*memory_bits)(const hs_hsmt *t, const double *hp);
    double (*state_dim)(const hs_hsmt *t, const double *hp);
    /* A second count of the state where one reading is not the only one
     * (the Transformer: L d_model, its width per layer, beside the key/value
     * cache); NULL otherwise. */
    double (*alt_state_dim)(const hs_hsmt *t, const double *hp);
    double (*nparams)(const hs_hsmt *t, const double *hp);
    /* Relative work of one sequence of t: a training step's share (trained
     * models) or its scoring (the others). Only ratios matter. */
    double (*cost)(const hs_hsmt *t, const double *hp);
    /* The scoring model; it makes every check it needs (a saved model's
     * hyperparameters are only known once it is read). */
    int (*open)(const hs_hsmt *t, const double *hp, const hs_model_src *src, hs_model *m, char *err,
                size_t errlen);
    /* trainable models: the random start of `seed` as a trainable. */
    int (*trainable)(const hs_hsmt *t, const double *hp, uint64_t seed, hs_trainable *tr, char *err,
                     size_t errlen);
    /* Models that can be saved (`train --save`, `eval --load`): the file's
     * size, and writing it (0, or -1 on an I/O error); NULL otherwise. */
    size_t (*file_bytes)(const hs_trainable *tr);
    int (*write)(const hs_trainable *tr, const hs_hsmt *t, uint64_t steps, FILE *f);
} hs_model_desc;

int hs_models_count(void);
const hs_model_desc *hs_models_at(int i);
/* NULL when no model has that name. */
const hs_model_desc *hs_models_find(const char *name);
/* Comma-separated names of the models passing filter (NULL: all), in
 * registry order. */
void hs_models_names(char *buf, size_t len, int (*filter)(const hs_model_desc *));
int hs_models_is_trainable(const hs_model_desc *m);

/* hp[i] = the defaults, 0 for those that copy another (same_as): set the
 * values given, then call hs_models_resolve. */
void hs_models_defaults(const hs_model_desc *m, double *hp);
/* A hyperparameter left at 0 whose default copies another (same_as) gets
 * that one's value. */
void hs_models_resolve(const hs_model_desc *m, double *hp);
/* "h=16" from the size hyperparameter, "" when the model has none. */
void hs_models_size_label(const hs_model_desc *m, const double *hp, char *buf, size_t len);
/* The command-line option of hyperparameter i: "--d-model". */
void hs_models_option(const hs_hparam *h, char *buf, size_t len);

/* The training options of m's defaults (lr, schedule, clipping, loss,
 * curriculum, batch); the caller sets steps, eval and the log points. */
hs_train_opts hs_models_train_opts(const hs_model_desc *m);

/* `hypersep models`: one TSV row per model (docs/formats.md#models). */
void hs_models_print(FILE *out);

#endif
