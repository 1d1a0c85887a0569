/* The one optimiser of hypersep: AdamW (Loshchilov and Hutter; the update of
 * torch.optim.AdamW) with gradient clipping by global norm, over a vector of
 * n double parameters and its gradient. Every trainer uses it through
 * core/train.h; the PyTorch cross-check (tests/torch_check.py) compares its
 * steps with torch's. */
#ifndef HS_ADAMW_H
#define HS_ADAMW_H

#include <stddef.h>

typedef struct {
    double beta1, beta2, eps;
    double weight_decay; /* decoupled: p -= lr wd p before the Adam step */
    double clip;         /* maximum global gradient norm; <= 0: no clipping */
    long t;              /* steps taken */
    size_t n;
    double *m, *v;       /* [n] first and second moment estimates */
} hs_adamw;

/* beta1 0.9, beta2 0.999, eps 1e-8 (torch's defaults). */
void hs_adamw_init(hs_adamw *o, size_t n, double weight_decay, double clip);
void hs_adamw_free(hs_adamw *o);
/* Scales grads by clip / (norm + 1e-6) when that is below 1 (torch's
 * clip_grad_norm_), then updates params[n] with learning rate lr. Returns
 * the gradient norm before clipping. grads is left unscaled. */
double hs_adamw_step(hs_adamw *o, double *params, const double *grads, double lr);

#endif
