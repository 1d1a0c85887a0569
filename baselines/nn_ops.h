/* Layers shared by the trained models, as paired forward/backward functions in
 * the style of llm.c: matrix products (CBLAS, with a plain reference),
 * embedding look-up, layer norm, GELU, residual sums and the softmax
 * cross-entropy on scored positions. All arrays are row-major; a [N, C] array
 * holds N rows of C entries. Backward functions ACCUMULATE (+=) into every
 * gradient they are given, so gradients of a slab are zeroed once per step. */
#ifndef HS_NN_OPS_H
#define HS_NN_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "nn_real.h"

/* OpenBLAS's thread count (openblas_set_num_threads): now if it is loaded,
 * else when the first product loads it. Not while products run. */
void hs_nn_blas_threads(int threads);

/* C[M, N] = alpha op(A) op(B) + beta C with op(X) = X^T when tX is nonzero:
 * op(A) is [M, K], op(B) is [K, N]; lda, ldb, ldc are row strides.
 * hs_nn_gemm calls CBLAS; hs_nn_gemm_ref is the plain triple loop (double
 * accumulation) that tests compare it against. */
void hs_nn_gemm(int tA, int tB, int M, int N, int K, hs_real alpha, const hs_real *A, int lda,
                const hs_real *B, int ldb, hs_real beta, hs_real *C, int ldc);
void hs_nn_gemm_ref(int tA, int tB, int M, int N, int K, hs_real alpha, const hs_real *A, int lda,
                    const hs_real *B, int ldb, hs_real beta, hs_real *C, int ldc);

/* Linear layer: out[N, OC] = inp[N, C] w[OC, C]^T + b[OC] (b may be NULL).
 * Backward: dinp += dout w (skipped when dinp is NULL), dw += dout^T inp,
 * db += column sums of dout (skipped when db is NULL). */
void hs_nn_linear_forward(hs_real *out, const hs_real *inp, const hs_real *w, const hs_real *b, int N,
                          int C, int OC);
void hs_nn_linear_backward(hs_real *dinp, hs_real *dw, hs_real *db, const hs_real *dout,
                           const hs_real *inp, const hs_real *w, int N, int C, int OC);

/* Embedding: out[i, :] = table[tok[i], :] for i < N, rows of C entries, plus
 * pos[i mod T, :] when pos is not NULL (learned positions; tok is then [B, T]
 * with N = B T). Backward scatters dout into dtable (and dpos). */
void hs_nn_embed_forward(hs_real *out, const uint32_t *tok, const hs_real *table, const hs_real *pos,
                         int N, int T, int C);
void hs_nn_embed_backward(hs_real *dtable, hs_real *dpos, const hs_real *dout, const uint32_t *tok,
                          int N, int T, int C);

/* Layer norm over the last axis (eps 1e-5, biased variance, as torch):
 * out = (inp - mean) rstd w + b; mean[N] and rstd[N] are kept for backward. */
#define HS_NN_LN_EPS 1e-5
void hs_nn_layernorm_forward(hs_real *out, hs_real *mean, hs_real *rstd, const hs_real *inp,
                             const hs_real *w, const hs_real *b, int N, int C);
void hs_nn_layernorm_backward(hs_real *dinp, hs_real *dw, hs_real *db, const hs_real *dout,
                              const hs_real *inp, const hs_real *w, const hs_real *mean,
                              const hs_real *rstd, int N, int C);

/* GELU, exact form x Phi(x) (torch's default), elementwise over n entries. */
void hs_nn_gelu_forward(hs_real *out, const hs_real *inp, size_t n);
void hs_nn_gelu_backward(hs_real *dinp, const hs_real *inp, const hs_real *dout, size_t n);

/* Rounds x[0..n) in place to the nearest of 2^bits levels spread evenly
 * over [-range, range] (ends included), clipping what lies outside; ties go
 * to even (rint). Its gradient is taken as the identity (straight-through),
 * so a backward pass needs no change. */
void hs_nn_quantize(hs_real *x, size_t n, int bits, hs_real range);

/* out = a + b elementwise (residual connection); its backward is two adds. */
void hs_nn_residual_forward(hs_real *out, const hs_real *a, const hs_real *b, size_t n);
void hs_nn_add(hs_real *acc, const hs_real *x, size_t n);

/* Softmax cross-entropy over rows of d logits: probs[N, d] = softmax(logits),
 * returns sum_i -ln probs[i, target[i]] in nats (double accumulation).
 * Backward: dlogits = scale (probs - onehot(target)), overwriting dlogits
 * (the loss is the first layer of the backward pass). */
double hs_nn_xent_forward(hs_real *probs, const hs_real *logits, const int *target, int N, int d);
void hs_nn_xent_backward(hs_real *dlogits, const hs_real *probs, const int *target, int N, int d,
                         hs_real scale);
/* The same against target distributions p[N, d] (the exact conditionals:
 * the `soft` loss): returns sum_i sum_o -p[i, o] ln probs[i, o] in nats;
 * backward dlogits = scale (probs - p). */
double hs_nn_xent_soft_forward(hs_real *probs, const hs_real *logits, const double *p, int N, int d);
void hs_nn_xent_soft_backward(hs_real *dlogits, const hs_real *probs, const double *p, int N, int d,
                              hs_real scale);

/* tanh for the recurrent cells. glibc's tanhf goes through expm1f and
 * took half of an LSTM step at h = 64; in the float build this evaluates
 * (1 - e) / (1 + e), e = exp(-2|x|), in double, whose cancellation error
 * (1e-16 / |x| relative) is below float rounding for |x| >= 1e-4, and tanh x
 * = x (1 - x^2 / 3 + ...) rounds to x below that. The double build keeps
 * libm's tanh for the gradient checks. */
static inline hs_real hs_nn_tanh(hs_real x)
{
#ifdef HS_REAL_DOUBLE
    return tanh(x);
#else
    const float a = fabsf(x);
    if (a < 1e-4f)
        return x;
    const double e = exp(-2.0 * (double)a);
    const float t = (float)((1 - e) / (1 + e));
    return x < 0 ? -t : t;
#endif
}

/* Logistic function, overflow-safe for large |x|. */
static inline hs_real hs_nn_sigmoid(hs_real x)
{
    if (x >= 0)
        return (hs_real)1 / ((hs_real)1 + hs_exp(-x));
    hs_real e = hs_exp(x);
    return e / ((hs_real)1 + e);
}

#endif
