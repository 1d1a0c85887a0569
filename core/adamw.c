/* AdamW with global-norm gradient clipping. */
#include "adamw.h"

#include <math.h>

#include "sys.h"

void hs_adamw_init(hs_adamw *o, size_t n, double weight_decay, double clip)
{
    *o = (hs_adamw){.beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = weight_decay, .clip = clip,
                    .n = n};
    o->m = hs_calloc(n ? n : 1, sizeof *o->m);
    o->v = hs_calloc(n ? n : 1, sizeof *o->v);
}

void hs_adamw_free(hs_adamw *o)
{
    hs_sys_free(o->m);
    hs_sys_free(o->v);
    o->m = o->v = NULL;
}

/* Global L2 norm of g[n]. */
static double grad_norm(const double *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += g[i] * g[i];
    return sqrt(s);
}

double hs_adamw_step(hs_adamw *o, double *params, const double *grads, double lr)
{
    const double norm = grad_norm(grads, o->n);
    /* torch.nn.utils.clip_grad_norm_'s factor, 1e-6 included, so that runs
     * compare with torch's to rounding. */
    const double cf = o->clip > 0 ? o->clip / (norm + 1e-6) : 1.0;
    const double gs = cf < 1 ? cf : 1.0;
    o->t++;
    /* Bias corrections folded into the step size and epsilon, exactly as
     * torch: p -= lr m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps). */
    const double c1 = 1 - pow(o->beta1, (double)o->t), c2 = 1 - pow(o->beta2, (double)o->t);
    const double b1 = o->beta1, b2 = o->beta2, step = lr / c1, rc2 = 1 / sqrt(c2), eps = o->eps;
    const double decay = 1 - lr * o->weight_decay;
    for (size_t i = 0; i < o->n; i++) {
        const double g = grads[i] * gs;
        o->m[i] = b1 * o->m[i] + (1 - b1) * g;
        o->v[i] = b2 * o->v[i] + (1 - b2) * g * g;
        params[i] = params[i] * decay - step * o->m[i] / (sqrt(o->v[i]) * rc2 + eps);
    }
    return norm;
}
