/* Shared layers of the trained models: forward and backward passes (see
 * nn_ops.h for shapes and the accumulate-into-gradients convention). */
#include "nn_ops.h"

#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "dl.h"
#include "sys.h"

/* OpenBLAS is loaded at the first product (core/dl.h), not at start-up;
 * HS_OPENBLAS_SONAME comes from the build. */
#ifdef HS_REAL_DOUBLE
#define GEMM_NAME "cblas_dgemm"
static __typeof__(cblas_dgemm) *gemm;
#else
#define GEMM_NAME "cblas_sgemm"
static __typeof__(cblas_sgemm) *gemm;
#endif
static __typeof__(openblas_set_num_threads) *set_threads;
static pthread_once_t gemm_once = PTHREAD_ONCE_INIT;
static _Atomic int want_threads; /* hs_nn_blas_threads; 0: OpenBLAS's default */

static void gemm_load(void)
{
    static const char *const names[2] = {GEMM_NAME, "openblas_set_num_threads"};
    void (*fn[2])(void);
    char err[256];
    if (hs_dl_open(HS_OPENBLAS_SONAME, names, fn, 2, err, sizeof err) != 0)
        hs_sys_fatal("%s", err);
    gemm = (__typeof__(gemm))fn[0];
    set_threads = (__typeof__(set_threads))fn[1];
    if (want_threads > 0)
        set_threads(want_threads);
}

void hs_nn_blas_threads(int threads)
{
    assert(threads > 0);
    want_threads = threads;
    if (set_threads)
        set_threads(threads);
}

void hs_nn_gemm(int tA, int tB, int M, int N, int K, hs_real alpha, const hs_real *A, int lda,
                const hs_real *B, int ldb, hs_real beta, hs_real *C, int ldc)
{
    assert(M > 0 && N > 0 && K > 0);
    pthread_once(&gemm_once, gemm_load);
    gemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B,
         ldb, beta, C, ldc);
}

void hs_nn_gemm_ref(int tA, int tB, int M, int N, int K, hs_real alpha, const hs_real *A, int lda,
                    const hs_real *B, int ldb, hs_real beta, hs_real *C, int ldc)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < K; k++) {
                double a = tA ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                double b = tB ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                s += a * b;
            }
            /* beta = 0 overwrites C (BLAS semantics: C may hold garbage). */
            double c = beta != 0 ? (double)beta * C[(size_t)i * ldc + j] : 0.0;
            C[(size_t)i * ldc + j] = (hs_real)(alpha * s + c);
        }
}

void hs_nn_linear_forward(hs_real *out, const hs_real *inp, const hs_real *w, const hs_real *b, int N,
                          int C, int OC)
{
    if (b)
        for (int i = 0; i < N; i++)
            memcpy(out + (size_t)i * OC, b, (size_t)OC * sizeof *b);
    hs_nn_gemm(0, 1, N, OC, C, 1, inp, C, w, C, b ? 1 : 0, out, OC);
}

void hs_nn_linear_backward(hs_real *dinp, hs_real *dw, hs_real *db, const hs_real *dout,
                           const hs_real *inp, const hs_real *w, int N, int C, int OC)
{
    if (dinp)
        hs_nn_gemm(0, 0, N, C, OC, 1, dout, OC, w, C, 1, dinp, C);
    hs_nn_gemm(1, 0, OC, C, N, 1, dout, OC, inp, C, 1, dw, C);
    if (db)
        for (int i = 0; i < N; i++) {
            const hs_real *r = dout + (size_t)i * OC;
            for (int o = 0; o < OC; o++)
                db[o] += r[o];
        }
}

void hs_nn_embed_forward(hs_real *out, const uint32_t *tok, const hs_real *table, const hs_real *pos,
                         int N, int T, int C)
{
    for (int i = 0; i < N; i++) {
        hs_real *o = out + (size_t)i * C;
        const hs_real *e = table + (size_t)tok[i] * C;
        if (pos) {
            const hs_real *p = pos + (size_t)(i % T) * C;
            for (int c = 0; c < C; c++)
                o[c] = e[c] + p[c];
        } else
            memcpy(o, e, (size_t)C * sizeof *o);
    }
}

void hs_nn_embed_backward(hs_real *dtable, hs_real *dpos, const hs_real *dout, const uint32_t *tok,
                          int N, int T, int C)
{
    for (int i = 0; i < N; i++) {
        const hs_real *g = dout + (size_t)i * C;
        hs_real *e = dtable + (size_t)tok[i] * C;
        for (int c = 0; c < C; c++)
            e[c] += g[c];
        if (dpos) {
            hs_real *p = dpos + (size_t)(i % T) * C;
            for (int c = 0; c < C; c++)
                p[c] += g[c];
        }
    }
}

void hs_nn_layernorm_forward(hs_real *out, hs_real *mean, hs_real *rstd, const hs_real *inp,
                             const hs_real *w, const hs_real *b, int N, int C)
{
    for (int i = 0; i < N; i++) {
        const hs_real *x = inp + (size_t)i * C;
        /* Two passes in double: the variance of nearly constant rows would
         * lose every digit in a one-pass E[x^2] - E[x]^2 in float. */
        double m = 0, v = 0;
        for (int c = 0; c < C; c++)
            m += x[c];
        m /= C;
        for (int c = 0; c < C; c++)
            v += (x[c] - m) * (x[c] - m);
        v /= C;
        double rs = 1.0 / sqrt(v + HS_NN_LN_EPS);
        hs_real *o = out + (size_t)i * C;
        for (int c = 0; c < C; c++)
            o[c] = (hs_real)((x[c] - m) * rs) * w[c] + b[c];
        mean[i] = (hs_real)m;
        rstd[i] = (hs_real)rs;
    }
}

void hs_nn_layernorm_backward(hs_real *dinp, hs_real *dw, hs_real *db, const hs_real *dout,
                              const hs_real *inp, const hs_real *w, const hs_real *mean,
                              const hs_real *rstd, int N, int C)
{
    for (int i = 0; i < N; i++) {
        const hs_real *x = inp + (size_t)i * C, *g = dout + (size_t)i * C;
        hs_real *dx = dinp + (size_t)i * C;
        const hs_real m = mean[i], rs = rstd[i];
        /* d/dx of (x - mean) rstd: the gradient minus its mean and minus its
         * projection on the normalised row. */
        double gm = 0, gn = 0;
        for (int c = 0; c < C; c++) {
            hs_real nrm = (x[c] - m) * rs, dn = w[c] * g[c];
            gm += dn;
            gn += dn * nrm;
        }
        const hs_real gmean = (hs_real)(gm / C), gnorm = (hs_real)(gn / C);
        for (int c = 0; c < C; c++) {
            hs_real nrm = (x[c] - m) * rs, dn = w[c] * g[c];
            db[c] += g[c];
            dw[c] += nrm * g[c];
            dx[c] += (dn - gmean - nrm * gnorm) * rs;
        }
    }
}

void hs_nn_gelu_forward(hs_real *out, const hs_real *inp, size_t n)
{
    const hs_real r2 = (hs_real)0.70710678118654752440;
    for (size_t i = 0; i < n; i++)
        out[i] = (hs_real)0.5 * inp[i] * ((hs_real)1 + hs_erf(inp[i] * r2));
}

void hs_nn_gelu_backward(hs_real *dinp, const hs_real *inp, const hs_real *dout, size_t n)
{
    /* d/dx x Phi(x) = Phi(x) + x phi(x). */
    const hs_real r2 = (hs_real)0.70710678118654752440, rpi = (hs_real)0.39894228040143267794;
    for (size_t i = 0; i < n; i++) {
        hs_real x = inp[i];
        hs_real cdf = (hs_real)0.5 * ((hs_real)1 + hs_erf(x * r2));
        hs_real pdf = rpi * hs_exp((hs_real)-0.5 * x * x);
        dinp[i] += (cdf + x * pdf) * dout[i];
    }
}

void hs_nn_residual_forward(hs_real *out, const hs_real *a, const hs_real *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

void hs_nn_add(hs_real *acc, const hs_real *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        acc[i] += x[i];
}

/* Softmax of row z[d] into p; returns ln sum_o exp(z_o - max) with the max
 * in *mx (so that -ln softmax_o = lse - (z_o - mx), from the logits rather
 * than from a rounded probability). */
static double softmax_row(const hs_real *z, hs_real *p, int d, hs_real *mx_out)
{
    hs_real mx = z[0];
    for (int o = 1; o < d; o++)
        mx = z[o] > mx ? z[o] : mx;
    double sum = 0;
    for (int o = 0; o < d; o++)
        sum += (double)hs_exp(z[o] - mx);
    for (int o = 0; o < d; o++)
        p[o] = (hs_real)(hs_exp(z[o] - mx) / sum);
    *mx_out = mx;
    return log(sum);
}

void hs_nn_quantize(hs_real *x, size_t n, int bits, hs_real range)
{
    assert(bits >= 1 && bits <= 30 && range > 0);
    const double steps = (double)((1L << bits) - 1), scale = steps / (2.0 * range);
    for (size_t i = 0; i < n; i++) {
        const double v = x[i] < -range ? -range : x[i] > range ? range : (double)x[i];
        x[i] = (hs_real)(-range + rint((v + range) * scale) / scale);
    }
}

double hs_nn_xent_forward(hs_real *probs, const hs_real *logits, const int *target, int N, int d)
{
    double loss = 0;
    for (int i = 0; i < N; i++) {
        const hs_real *z = logits + (size_t)i * d;
        hs_real mx;
        const double lse = softmax_row(z, probs + (size_t)i * d, d, &mx);
        assert(target[i] >= 0 && target[i] < d);
        loss += lse - (double)(z[target[i]] - mx);
    }
    return loss;
}

double hs_nn_xent_soft_forward(hs_real *probs, const hs_real *logits, const double *p, int N, int d)
{
    double loss = 0;
    for (int i = 0; i < N; i++) {
        const hs_real *z = logits + (size_t)i * d;
        hs_real mx;
        const double lse = softmax_row(z, probs + (size_t)i * d, d, &mx);
        for (int o = 0; o < d; o++)
            loss += p[(size_t)i * d + o] * (lse - (double)(z[o] - mx));
    }
    return loss;
}

void hs_nn_xent_soft_backward(hs_real *dlogits, const hs_real *probs, const double *p, int N, int d,
                              hs_real scale)
{
    for (size_t i = 0; i < (size_t)N * d; i++)
        dlogits[i] = scale * (probs[i] - (hs_real)p[i]);
}

void hs_nn_xent_backward(hs_real *dlogits, const hs_real *probs, const int *target, int N, int d,
                         hs_real scale)
{
    for (int i = 0; i < N; i++)
        for (int o = 0; o < d; o++)
            dlogits[(size_t)i * d + o] = scale * (probs[(size_t)i * d + o] - (o == target[i]));
}
