/* Explicit AVX2 forms of the fused kernels' contiguous runs (kern_run.h).
 * Four consecutive steps are deinterleaved into real and imaginary vectors
 * (unpacklo/unpackhi of two loads leaves the steps in the order 0, 2, 1, 3,
 * and the same unpack of the results restores it), every product, sum and
 * difference is the scalar body's in the same order, without FMA, and the
 * lane accumulators a[j][0..3] are loaded into and stored from vectors in
 * that order. */
#include "kern_run.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

/* a[0..3] as the vector (a0, a2, a1, a3), and back. */
AVX2 static inline __m256d lanes_in(const double *a) { return _mm256_setr_pd(a[0], a[2], a[1], a[3]); }

AVX2 static inline void lanes_out(double *a, __m256d x)
{
    double t[4];
    _mm256_storeu_pd(t, x);
    a[0] = t[0];
    a[2] = t[1];
    a[1] = t[2];
    a[3] = t[3];
}

typedef struct {
    __m256d r, i;
} cvec;

/* Steps e .. e+3 of p (interleaved) as real and imaginary vectors. */
AVX2 static inline cvec load4(const double *p)
{
    const __m256d lo = _mm256_loadu_pd(p), hi = _mm256_loadu_pd(p + 4);
    return (cvec){_mm256_unpacklo_pd(lo, hi), _mm256_unpackhi_pd(lo, hi)};
}

AVX2 static inline void store4(double *p, cvec c)
{
    const __m256d lo = _mm256_unpacklo_pd(c.r, c.i), hi = _mm256_unpackhi_pd(c.r, c.i);
    _mm256_storeu_pd(p, lo);
    _mm256_storeu_pd(p + 4, hi);
}

typedef struct {
    __m256d r0, i0, r1, i1;
} cvcoef;

/* v0 x + v1 y: (r0 xr - i0 xi) + (r1 yr - i1 yi), (r0 xi + i0 xr) + (r1 yi + i1 yr). */
AVX2 static inline cvec lin4(const cvcoef *v, cvec x, cvec y)
{
    const __m256d re = _mm256_add_pd(_mm256_sub_pd(_mm256_mul_pd(v->r0, x.r), _mm256_mul_pd(v->i0, x.i)),
                                     _mm256_sub_pd(_mm256_mul_pd(v->r1, y.r), _mm256_mul_pd(v->i1, y.i)));
    const __m256d im = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(v->r0, x.i), _mm256_mul_pd(v->i0, x.r)),
                                     _mm256_add_pd(_mm256_mul_pd(v->r1, y.i), _mm256_mul_pd(v->i1, y.r)));
    return (cvec){re, im};
}

/* The four sums of the pairs (p, q) into the lane vectors A[0..3]. */
AVX2 static inline void acc4(__m256d A[4], cvec p, cvec q)
{
    A[0] = _mm256_add_pd(A[0], _mm256_add_pd(_mm256_mul_pd(p.r, p.r), _mm256_mul_pd(p.i, p.i)));
    A[1] = _mm256_add_pd(A[1], _mm256_add_pd(_mm256_mul_pd(q.r, q.r), _mm256_mul_pd(q.i, q.i)));
    A[2] = _mm256_add_pd(A[2], _mm256_add_pd(_mm256_mul_pd(p.r, q.r), _mm256_mul_pd(p.i, q.i)));
    A[3] = _mm256_add_pd(A[3], _mm256_sub_pd(_mm256_mul_pd(p.i, q.r), _mm256_mul_pd(p.r, q.i)));
}

AVX2 static inline cvcoef coef4(const double v[4])
{
    return (cvcoef){_mm256_set1_pd(v[0]), _mm256_set1_pd(v[1]), _mm256_set1_pd(v[2]), _mm256_set1_pd(v[3])};
}

AVX2 void hs_kern_avx2_pairs(double a[4][4], int pf, const double v[4], double *o0, double *o1, const double *x0,
                             const double *y0, const double *x1, const double *y1, size_t m)
{
    const cvcoef c = coef4(v);
    __m256d A[4] = {lanes_in(a[0]), lanes_in(a[1]), lanes_in(a[2]), lanes_in(a[3])};
    for (size_t i = 0; i < m; i += 4) {
        const size_t e = 2 * i;
        if (pf)
            hs_kern_prefetch4(e, x0, y0, x1, y1);
        const cvec n0 = lin4(&c, load4(x0 + e), load4(y0 + e)), n1 = lin4(&c, load4(x1 + e), load4(y1 + e));
        store4(o0 + e, n0);
        store4(o1 + e, n1);
        acc4(A, n0, n1);
    }
    for (int j = 0; j < 4; j++)
        lanes_out(a[j], A[j]);
}

AVX2 void hs_kern_avx2_quads(double a[4][4], int pf, const double v[4], double *o00, double *o01, double *o10,
                             double *o11, const double *u00, const double *u01, const double *u10, const double *u11,
                             size_t m)
{
    const cvcoef c = coef4(v);
    __m256d A[4] = {lanes_in(a[0]), lanes_in(a[1]), lanes_in(a[2]), lanes_in(a[3])};
    for (size_t i = 0; i < m; i += 4) {
        const size_t e = 2 * i;
        if (pf) {
            hs_kern_prefetch4(e, o00, o01, o10, o11);
            hs_kern_prefetch4(e, u00, u01, u10, u11);
        }
        /* Every input read before any output is written (o00 .. o11 are
         * inputs too). */
        const cvec n00 = lin4(&c, load4(o00 + e), load4(o10 + e)), n01 = lin4(&c, load4(o01 + e), load4(o11 + e));
        const cvec n10 = lin4(&c, load4(u00 + e), load4(u10 + e)), n11 = lin4(&c, load4(u01 + e), load4(u11 + e));
        store4(o00 + e, n00);
        store4(o01 + e, n01);
        store4(o10 + e, n10);
        store4(o11 + e, n11);
        acc4(A, n00, n01);
        acc4(A, n10, n11);
    }
    for (int j = 0; j < 4; j++)
        lanes_out(a[j], A[j]);
}
#else
/* Not x86-64: no AVX2 variant (kern.c). */
typedef int hs_kern_avx2_unused;
#endif
