/* Causal multi-head self-attention, forward and backward: with per-head
 * matrix products (CBLAS) and with plain loops (the reference). */
#include "attention.h"

#include <string.h>

#include "nn_ops.h"

/* Causal softmax of row t of scores s[T] in place: entries t2 <= t become
 * the weights, later ones 0. */
static void causal_softmax(hs_real *s, int t, int T, hs_real scale)
{
    hs_real mx = -HUGE_VAL;
    for (int t2 = 0; t2 <= t; t2++) {
        s[t2] *= scale;
        mx = s[t2] > mx ? s[t2] : mx;
    }
    hs_real sum = 0;
    for (int t2 = 0; t2 <= t; t2++) {
        s[t2] = hs_exp(s[t2] - mx);
        sum += s[t2];
    }
    const hs_real inv = (hs_real)1 / sum;
    for (int t2 = 0; t2 < T; t2++)
        s[t2] = t2 <= t ? s[t2] * inv : 0;
}

void hs_attention_forward(hs_real *out, hs_real *att, const hs_real *qkv, int B, int T, int C, int NH)
{
    const int hs = C / NH, C3 = 3 * C;
    const hs_real scale = (hs_real)1 / hs_sqrt((hs_real)hs);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const hs_real *q = qkv + (size_t)b * T * C3 + h * hs, *k = q + C, *v = q + 2 * C;
            hs_real *a = att + ((size_t)b * NH + h) * T * T;
            hs_nn_gemm(0, 1, T, T, hs, 1, q, C3, k, C3, 0, a, T);
            for (int t = 0; t < T; t++)
                causal_softmax(a + (size_t)t * T, t, T, scale);
            hs_nn_gemm(0, 0, T, hs, T, 1, a, T, v, C3, 0, out + (size_t)b * T * C + h * hs, C);
        }
}

void hs_attention_backward(hs_real *dqkv, hs_real *scratch, const hs_real *dout, const hs_real *qkv,
                           const hs_real *att, int B, int T, int C, int NH)
{
    const int hs = C / NH, C3 = 3 * C;
    const hs_real scale = (hs_real)1 / hs_sqrt((hs_real)hs);
    hs_real *ds = scratch; /* [T, T] */
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const size_t base = (size_t)b * T * C3 + h * hs;
            const hs_real *q = qkv + base, *k = q + C, *v = q + 2 * C;
            hs_real *dq = dqkv + base, *dk = dq + C, *dv = dq + 2 * C;
            const hs_real *a = att + ((size_t)b * NH + h) * T * T;
            const hs_real *g = dout + (size_t)b * T * C + h * hs;
            /* out = a v: d a = g v^T, d v += a^T g. */
            hs_nn_gemm(0, 1, T, T, hs, 1, g, C, v, C3, 0, ds, T);
            hs_nn_gemm(1, 0, T, hs, T, 1, a, T, g, C, 1, dv, C3);
            /* Softmax Jacobian row by row, then score = scale q k^T. */
            for (int t = 0; t < T; t++) {
                hs_real *d = ds + (size_t)t * T;
                const hs_real *ar = a + (size_t)t * T;
                hs_real dot = 0;
                for (int t2 = 0; t2 <= t; t2++)
                    dot += ar[t2] * d[t2];
                for (int t2 = 0; t2 < T; t2++)
                    d[t2] = t2 <= t ? ar[t2] * (d[t2] - dot) * scale : 0;
            }
            hs_nn_gemm(0, 0, T, hs, T, 1, ds, T, k, C3, 1, dq, C3);
            hs_nn_gemm(1, 0, T, hs, T, 1, ds, T, q, C3, 1, dk, C3);
        }
}

void hs_attention_forward_ref(hs_real *out, hs_real *att, const hs_real *qkv, int B, int T, int C, int NH)
{
    const int hs = C / NH, C3 = 3 * C;
    const hs_real scale = (hs_real)1 / hs_sqrt((hs_real)hs);
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int h = 0; h < NH; h++) {
                const hs_real *q = qkv + ((size_t)b * T + t) * C3 + h * hs;
                hs_real *a = att + (((size_t)b * NH + h) * T + t) * T;
                hs_real mx = -HUGE_VAL;
                for (int t2 = 0; t2 <= t; t2++) {
                    const hs_real *k = qkv + ((size_t)b * T + t2) * C3 + C + h * hs;
                    hs_real s = 0;
                    for (int i = 0; i < hs; i++)
                        s += q[i] * k[i];
                    s *= scale;
                    a[t2] = s;
                    mx = s > mx ? s : mx;
                }
                hs_real sum = 0;
                for (int t2 = 0; t2 <= t; t2++) {
                    a[t2] = hs_exp(a[t2] - mx);
                    sum += a[t2];
                }
                const hs_real inv = (hs_real)1 / sum;
                for (int t2 = 0; t2 < T; t2++)
                    a[t2] = t2 <= t ? a[t2] * inv : 0;
                hs_real *o = out + ((size_t)b * T + t) * C + h * hs;
                memset(o, 0, (size_t)hs * sizeof *o);
                for (int t2 = 0; t2 <= t; t2++) {
                    const hs_real *v = qkv + ((size_t)b * T + t2) * C3 + 2 * C + h * hs;
                    for (int i = 0; i < hs; i++)
                        o[i] += a[t2] * v[i];
                }
            }
}

void hs_attention_backward_ref(hs_real *dqkv, hs_real *scratch, const hs_real *dout, const hs_real *qkv,
                               const hs_real *att, int B, int T, int C, int NH)
{
    const int hs = C / NH, C3 = 3 * C;
    const hs_real scale = (hs_real)1 / hs_sqrt((hs_real)hs);
    hs_real *da = scratch;
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int h = 0; h < NH; h++) {
                const hs_real *a = att + (((size_t)b * NH + h) * T + t) * T;
                const hs_real *g = dout + ((size_t)b * T + t) * C + h * hs;
                /* Through out = a v: d a[t2] = g . v[t2], d v[t2] += a[t2] g. */
                hs_real dot = 0;
                for (int t2 = 0; t2 <= t; t2++) {
                    const size_t row = ((size_t)b * T + t2) * C3 + 2 * C + h * hs;
                    const hs_real *v = qkv + row;
                    hs_real *dv = dqkv + row;
                    hs_real s = 0;
                    for (int i = 0; i < hs; i++) {
                        s += g[i] * v[i];
                        dv[i] += a[t2] * g[i];
                    }
                    da[t2] = s;
                    dot += a[t2] * s;
                }
                /* Softmax Jacobian: d score[t2] = a[t2] (da[t2] - sum a da),
                 * then through score = scale q . k[t2]. */
                const size_t qrow = ((size_t)b * T + t) * C3 + h * hs;
                const hs_real *q = qkv + qrow;
                hs_real *dq = dqkv + qrow;
                for (int t2 = 0; t2 <= t; t2++) {
                    const hs_real ds = a[t2] * (da[t2] - dot) * scale;
                    const size_t krow = ((size_t)b * T + t2) * C3 + C + h * hs;
                    const hs_real *k = qkv + krow;
                    hs_real *dk = dqkv + krow;
                    for (int i = 0; i < hs; i++) {
                        dq[i] += ds * k[i];
                        dk[i] += ds * q[i];
                    }
                }
            }
}
