/* Explicit AVX2 forms of the fused kernels' contiguous runs (kern_run.h).
 * Four consecutive steps are deinterleaved into real and imaginary vectors
 * (unpacklo/unpackhi of two loads leaves the steps in the order 0, 2, 1, 3,
 * and the same unpack of the results restores it), every product, sum and
 * difference is the scalar body's in the same order, without FMA, and the
 * lane accumulators a[j][0..3] are loaded into and stored from vectors in
 * that order. */
#include "kern_run.h"

#if HS_KERN_X86
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

/* Amplitudes ix[0..3] of z as real and imaginary vectors, in the lane
 * order of load4 (0, 2, 1, 3), and back: two 16-byte halves per vector. */
AVX2 static inline cvec gather4(const double *z, const size_t ix[4])
{
    const __m256d lo = _mm256_loadu2_m128d(z + 2 * ix[1], z + 2 * ix[0]);
    const __m256d hi = _mm256_loadu2_m128d(z + 2 * ix[3], z + 2 * ix[2]);
    return (cvec){_mm256_unpacklo_pd(lo, hi), _mm256_unpackhi_pd(lo, hi)};
}

AVX2 static inline void scatter4(double *z, const size_t ix[4], cvec c)
{
    _mm256_storeu2_m128d(z + 2 * ix[1], z + 2 * ix[0], _mm256_unpacklo_pd(c.r, c.i));
    _mm256_storeu2_m128d(z + 2 * ix[3], z + 2 * ix[2], _mm256_unpackhi_pd(c.r, c.i));
}

/* ix[l] | b for the four lanes. */
static inline void or4(size_t o[4], const size_t ix[4], size_t b)
{
    for (int l = 0; l < 4; l++)
        o[l] = ix[l] | b;
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
AVX2 void hs_kern_avx2_signs(uint64_t *o, const uint64_t *bits, size_t w0, size_t w1, int from_plus, int stream,
                             uint64_t abits)
{
    const __m256i sign = _mm256_set1_epi64x((long long)(UINT64_C(1) << 63));
    /* Amplitudes 2j and 2j + 1 of a word in one vector (re, im, re, im):
     * bit j of the word shifted to bit 63 of both components of the first,
     * bit j + 1 to those of the second; from |+> the imaginary parts stay
     * 0 (the bits of +0.0). */
    const __m256i keep = from_plus ? _mm256_setr_epi64x((long long)(UINT64_C(1) << 63), 0, (long long)(UINT64_C(1) << 63), 0)
                                   : sign;
    const __m256i base = from_plus ? _mm256_setr_epi64x((long long)abits, 0, (long long)abits, 0) : _mm256_setzero_si256();
    const __m256i two = _mm256_set1_epi64x(2), cnt0 = _mm256_setr_epi64x(63, 63, 62, 62);
    /* Non-temporal stores need 32-byte alignment; the state's buffers
     * have 64 (hs_sys_alloc), others take ordinary stores. */
    stream = stream && ((uintptr_t)(o + 128 * w0) & 31) == 0;
    for (size_t wd = w0; wd < w1; wd++) {
        const __m256i x = _mm256_set1_epi64x((long long)bits[wd]);
        __m256i *p = (__m256i *)(o + 128 * wd), cnt = cnt0;
        for (int j = 0; j < 64; j += 2) {
            const __m256i f = _mm256_and_si256(_mm256_sllv_epi64(x, cnt), keep);
            if (from_plus && stream)
                _mm256_stream_si256(p, _mm256_xor_si256(base, f));
            else if (from_plus)
                _mm256_storeu_si256(p, _mm256_xor_si256(base, f));
            else
                _mm256_storeu_si256(p, _mm256_xor_si256(_mm256_loadu_si256(p), f));
            p++;
            cnt = _mm256_sub_epi64(cnt, two);
        }
    }
    /* This thread's weakly ordered stores, visible before the caller's
     * closing barrier. */
    if (from_plus && stream)
        _mm_sfence();
}

/* Steps 0..3 of the compaction's two inputs x = a[i(t)], y = a[i(t) + S]
 * for four consecutive outputs t (the first a multiple of 4) from p =
 * a + i(t0): contiguous runs for S >= 4; for S = 2 the amplitudes go x x y
 * y x x y y, for S = 1 x y x y x y x y. Lane order that of load4. */
AVX2 static inline void load_xy(const double *p, size_t S, cvec *x, cvec *y)
{
    if (S >= 4) {
        *x = load4(p);
        *y = load4(p + 2 * S);
    } else if (S == 2) {
        const __m256d x01 = _mm256_loadu_pd(p), y01 = _mm256_loadu_pd(p + 4);
        const __m256d x23 = _mm256_loadu_pd(p + 8), y23 = _mm256_loadu_pd(p + 12);
        *x = (cvec){_mm256_unpacklo_pd(x01, x23), _mm256_unpackhi_pd(x01, x23)};
        *y = (cvec){_mm256_unpacklo_pd(y01, y23), _mm256_unpackhi_pd(y01, y23)};
    } else {
        /* (x0 y0) (x1 y1) (x2 y2) (x3 y3) -> (x0 x1) (x2 x3), (y0 y1) (y2 y3). */
        const __m256d a0 = _mm256_loadu_pd(p), a1 = _mm256_loadu_pd(p + 4);
        const __m256d a2 = _mm256_loadu_pd(p + 8), a3 = _mm256_loadu_pd(p + 12);
        const __m256d x01 = _mm256_permute2f128_pd(a0, a1, 0x20), x23 = _mm256_permute2f128_pd(a2, a3, 0x20);
        const __m256d y01 = _mm256_permute2f128_pd(a0, a1, 0x31), y23 = _mm256_permute2f128_pd(a2, a3, 0x31);
        *x = (cvec){_mm256_unpacklo_pd(x01, x23), _mm256_unpackhi_pd(x01, x23)};
        *y = (cvec){_mm256_unpacklo_pd(y01, y23), _mm256_unpackhi_pd(y01, y23)};
    }
}

/* Outputs t .. t+3 (t % 4 == 0) of the compaction, v0 a[i] + v1 a[i + S]
 * with i = t with a 0 inserted at S. */
AVX2 static inline cvec compact4(const cvcoef *c, const double *z, size_t S, size_t t)
{
    cvec x, y;
    load_xy(z + 2 * hs_kern_insert0(t, S), S, &x, &y);
    return lin4(c, x, y);
}

AVX2 void hs_kern_avx2_compact(const double v[4], double *z, size_t S, size_t t0, size_t t1)
{
    const cvcoef c = coef4(v);
    for (size_t t = t0; t < t1; t += 4)
        store4(z + 2 * t, compact4(&c, z, S, t));
}

/* (x0, x2, x4, x6) or (x1, x3, x5, x7) of c0 = (x0, x2, x1, x3) and
 * c1 = (x4, x6, x5, x7) in lane order (0, 2, 1, 3): the 128-bit halves
 * `half` (0x20 low, 0x31 high) of both, then lanes 0, 2, 1, 3. */
AVX2 static inline __m256d pairs_of(__m256d c0, __m256d c1, int half)
{
    const __m256d h = half == 0x20 ? _mm256_permute2f128_pd(c0, c1, 0x20) : _mm256_permute2f128_pd(c0, c1, 0x31);
    return _mm256_permute4x64_pd(h, 0xD8);
}

AVX2 void hs_kern_avx2_compact_rho(double a[4][4], int pf, const double v[4], double *z, size_t S, size_t bn,
                                   size_t bin, size_t r0, size_t r1)
{
    const cvcoef c = coef4(v);
    __m256d A[4] = {lanes_in(a[0]), lanes_in(a[1]), lanes_in(a[2]), lanes_in(a[3])};
    for (size_t r = r0; r < r1; r += 4) {
        /* Four pairs, all inputs read before the outputs are written;
         * within a wave of the compaction no pair writes what another
         * reads. */
        if (bn >= 4) {
            /* Outputs t .. t+3 and their partners at + bn. */
            const size_t t = hs_kern_insert0(r, bn);
            if (pf) {
                const size_t i = hs_kern_insert0(t, S);
                hs_kern_prefetch4(0, z + 2 * i, z + 2 * (i + S), z + 2 * (i | bin), z + 2 * ((i | bin) + S));
            }
            const cvec n0 = compact4(&c, z, S, t), n1 = compact4(&c, z, S, t | bn);
            store4(z + 2 * t, n0);
            store4(z + 2 * (t | bn), n1);
            acc4(A, n0, n1);
        } else {
            /* bn = 1 or 2: the four pairs' outputs are the eight
             * consecutive T .. T+7, T = 2r. In lane order (0, 2, 1, 3)
             * c0 holds T+0, T+2, T+1, T+3 and c1 T+4, T+6, T+5, T+7.
             * Pairs r .. r+3 in lane order have first outputs T+0, T+4,
             * T+1, T+5 for bn = 2 (the unpacks) and T+0, T+4, T+2, T+6
             * for bn = 1 (the 128-bit halves, reordered); the partners
             * are the rest. */
            const size_t T = 2 * r;
            const cvec c0 = compact4(&c, z, S, T), c1 = compact4(&c, z, S, T + 4);
            store4(z + 2 * T, c0);
            store4(z + 2 * (T + 4), c1);
            cvec n0, n1;
            if (bn == 2) {
                n0 = (cvec){_mm256_unpacklo_pd(c0.r, c1.r), _mm256_unpacklo_pd(c0.i, c1.i)};
                n1 = (cvec){_mm256_unpackhi_pd(c0.r, c1.r), _mm256_unpackhi_pd(c0.i, c1.i)};
            } else {
                n0 = (cvec){pairs_of(c0.r, c1.r, 0x20), pairs_of(c0.i, c1.i, 0x20)};
                n1 = (cvec){pairs_of(c0.r, c1.r, 0x31), pairs_of(c0.i, c1.i, 0x31)};
            }
            acc4(A, n0, n1);
        }
    }
    for (int j = 0; j < 4; j++)
        lanes_out(a[j], A[j]);
}

/* Unit r of kind (kern.c's unit_one): the first index of its pair or quad. */
static inline size_t unit_index(int kind, size_t bp, size_t bn, size_t r)
{
    const size_t lo = bp < bn ? bp : bn, hi = bp < bn ? bn : bp;
    return kind == HS_KERN_UNIT_TOP     ? hs_kern_insert0(r, bn)
           : kind == HS_KERN_UNIT_PAIRS ? hs_kern_insert0(r, bp)
                                        : hs_kern_insert0(hs_kern_insert0(r, lo), hi);
}

AVX2 void hs_kern_avx2_rho_units(double a[4][4], const double *z, size_t bit, size_t r0, size_t r1)
{
    __m256d A[4] = {lanes_in(a[0]), lanes_in(a[1]), lanes_in(a[2]), lanes_in(a[3])};
    for (size_t r = r0; r < r1; r += 4) {
        size_t x[4], y[4];
        for (int l = 0; l < 4; l++)
            x[l] = hs_kern_insert0(r + (size_t)l, bit);
        or4(y, x, bit);
        acc4(A, gather4(z, x), gather4(z, y));
    }
    for (int j = 0; j < 4; j++)
        lanes_out(a[j], A[j]);
}

AVX2 void hs_kern_avx2_units(double a[4][4], const double v[4], double *z, size_t half, int kind, size_t bp, size_t bn,
                             size_t r0, size_t r1)
{
    const cvcoef c = coef4(v);
    __m256d A[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
    if (a)
        for (int j = 0; j < 4; j++)
            A[j] = lanes_in(a[j]);
    for (size_t r = r0; r < r1; r += 4) {
        /* Units r .. r+3 own disjoint amplitudes, so all four are read
         * before any is written, as each unit alone reads its inputs
         * first. */
        size_t x[4], xh[4], y[4], yh[4];
        for (int l = 0; l < 4; l++)
            x[l] = unit_index(kind, bp, bn, r + (size_t)l);
        or4(xh, x, half);
        if (kind == HS_KERN_UNIT_TOP) {
            /* Outputs x and x|bn from the two halves. */
            or4(y, x, bn);
            or4(yh, xh, bn);
            const cvec n0 = lin4(&c, gather4(z, x), gather4(z, xh)), n1 = lin4(&c, gather4(z, y), gather4(z, yh));
            scatter4(z, x, n0);
            scatter4(z, y, n1);
            acc4(A, n0, n1);
        } else if (kind == HS_KERN_UNIT_PAIRS) {
            /* Outputs x and x|bp, from the lower and the upper half. */
            or4(y, x, bp);
            or4(yh, xh, bp);
            const cvec n0 = lin4(&c, gather4(z, x), gather4(z, y)), n1 = lin4(&c, gather4(z, xh), gather4(z, yh));
            scatter4(z, x, n0);
            scatter4(z, y, n1);
            if (a)
                acc4(A, n0, n1);
        } else {
            /* Outputs x, x|bn from the lower half and x|bp, x|bp|bn from
             * the upper; the quad's two pairs go to the lane in turn. */
            size_t xn[4], xp[4], xpn[4], xnh[4], xph[4], xpnh[4];
            or4(xn, x, bn);
            or4(xp, x, bp);
            or4(xpn, xp, bn);
            or4(xnh, xn, half);
            or4(xph, xp, half);
            or4(xpnh, xpn, half);
            const cvec n00 = lin4(&c, gather4(z, x), gather4(z, xp)), n01 = lin4(&c, gather4(z, xn), gather4(z, xpn));
            const cvec n10 = lin4(&c, gather4(z, xh), gather4(z, xph));
            const cvec n11 = lin4(&c, gather4(z, xnh), gather4(z, xpnh));
            scatter4(z, x, n00);
            scatter4(z, xn, n01);
            scatter4(z, xp, n10);
            scatter4(z, xpn, n11);
            acc4(A, n00, n01);
            acc4(A, n10, n11);
        }
    }
    if (a)
        for (int j = 0; j < 4; j++)
            lanes_out(a[j], A[j]);
}
#else
/* Not x86-64: no AVX2 variant (kern.c). */
typedef int hs_kern_avx2_unused;
#endif
