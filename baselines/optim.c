/* AdamW with global-norm gradient clipping. */
#include "optim.h"

#include <math.h>

#include "sys.h"

void hs_adamw_init(hs_adamw *o, size_t n, double weight_decay, double clip)
{
    *o = (hs_adamw){.beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = weight_decay, .clip = clip,
                    .n = n};
    o->m = hs_calloc(n, sizeof *o->m);
    o->v = hs_calloc(n, sizeof *o->v);
}

void hs_adamw_free(hs_adamw *o)
{
    hs_sys_free(o->m);
    hs_sys_free(o->v);
    o->m = o->v = NULL;
}

/* Global L2 norm of g[n] (double accumulation). */
static double grad_norm(const hs_real *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * g[i];
    return sqrt(s);
}

double hs_adamw_step(hs_adamw *o, hs_real *params, hs_real *grads, double lr)
{
    const double norm = grad_norm(grads, o->n);
    /* torch.nn.utils.clip_grad_norm_'s factor, 1e-6 included, so that runs
     * compare with torch's to rounding. */
    const double cf = o->clip > 0 ? o->clip / (norm + 1e-6) : 1.0;
    const hs_real gs = (hs_real)(cf < 1 ? cf : 1.0);
    o->t++;
    /* Bias corrections folded into the step size and epsilon, exactly as
     * torch: p -= lr m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps). */
    const double c1 = 1 - pow(o->beta1, (double)o->t), c2 = 1 - pow(o->beta2, (double)o->t);
    const hs_real b1 = (hs_real)o->beta1, b2 = (hs_real)o->beta2;
    const hs_real step = (hs_real)(lr / c1), rc2 = (hs_real)(1 / sqrt(c2)), eps = (hs_real)o->eps;
    const hs_real decay = (hs_real)(1 - lr * o->weight_decay);
    for (size_t i = 0; i < o->n; i++) {
        const hs_real g = grads[i] * gs;
        o->m[i] = b1 * o->m[i] + (1 - b1) * g;
        o->v[i] = b2 * o->v[i] + (1 - b2) * g * g;
        params[i] = params[i] * decay - step * o->m[i] / (hs_sqrt(o->v[i]) * rc2 + eps);
    }
    return norm;
}
