/* AdamW (Loshchilov and Hutter; torch.optim.AdamW's update) with gradient
 * clipping by global norm, over a parameter slab and its gradient slab. */
#ifndef HS_OPTIM_H
#define HS_OPTIM_H

#include <stddef.h>

#include "nn_real.h"

typedef struct {
    double beta1, beta2, eps;
    double weight_decay; /* decoupled: p -= lr wd p before the Adam step */
    double clip;         /* maximum global gradient norm; <= 0: no clipping */
    long t;              /* steps taken */
    size_t n;
    hs_real *m, *v;      /* [n] first and second moment estimates */
} hs_adamw;

/* beta1 0.9, beta2 0.999, eps 1e-8 (torch's defaults). */
void hs_adamw_init(hs_adamw *o, size_t n, double weight_decay, double clip);
void hs_adamw_free(hs_adamw *o);
/* Scales grads by clip / (norm + 1e-6) when that is below 1 (torch's
 * clip_grad_norm_), then updates params with learning rate lr. Returns the
 * gradient norm before clipping. */
double hs_adamw_step(hs_adamw *o, hs_real *params, hs_real *grads, double lr);

#endif
