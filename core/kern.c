/* The hot qubit kernels, one body each compiled for SSE2 and AVX2, and the
 * run-time choice between them (kern.h). Amplitudes are read as interleaved
 * doubles (re, im) and complex products are written out, as C's complex
 * product computes them for finite operands. */
#include "kern.h"
#include "kern_run.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KI static inline __attribute__((always_inline))

/* The four sums of one pair into lane l (hs_state_rho_add on doubles). */
KI void acc(double a[4][4], int l, double x0, double y0, double x1, double y1)
{
    a[0][l] += x0 * x0 + y0 * y0;
    a[1][l] += x1 * x1 + y1 * y1;
    a[2][l] += x0 * x1 + y0 * y1;
    a[3][l] += y0 * x1 - x0 * y1;
}

KI void finish(double a[4][4], double out[4])
{
    for (int j = 0; j < 4; j++)
        out[j] = (a[j][0] + a[j][1]) + (a[j][2] + a[j][3]);
}

/* o = v0 x + v1 y on one amplitude (re, im). */
typedef struct {
    double r0, i0, r1, i1;
} coef;

KI void lin(const coef *v, const double *x, const double *y, double *o_re, double *o_im)
{
    const double xr = x[0], xi = x[1], yr = y[0], yi = y[1];
    *o_re = (v->r0 * xr - v->i0 * xi) + (v->r1 * yr - v->i1 * yi);
    *o_im = (v->r0 * xi + v->i0 * xr) + (v->r1 * yi + v->i1 * yr);
}

/* Pairs (p0[i], p1[i]), i < m, m % 4 == 0, lane i mod 4; with pf,
 * prefetching. */
KI void acc_run(double a[4][4], int pf, const double *p0, const double *p1, size_t m)
{
    for (size_t i = 0; i < m; i += 4) {
        if (pf) {
            hs_kern_prefetch(p0 + 2 * i);
            hs_kern_prefetch(p1 + 2 * i);
        }
        for (int l = 0; l < 4; l++) {
            const size_t e = 2 * (i + (size_t)l);
            acc(a, l, p0[e], p0[e + 1], p1[e], p1[e + 1]);
        }
    }
}

KI void rho_body(const hs_amp *amp, int p, size_t r0, size_t r1, double out[4], int simd)
{
    const double *z = (const double *)amp;
    const size_t bit = (size_t)1 << p;
    double a[4][4] = {{0}};
    assert(r0 % 4 == 0);
    if (HS_KERN_X86 && simd && bit < 4) {
        /* Four pairs per vector, gathered (kern_avx2.c); a ragged tail
         * one by one. */
        const size_t r4 = r0 + ((r1 - r0) & ~(size_t)3);
        hs_kern_avx2_rho_units(a, z, bit, r0, r4);
        for (size_t r = r4; r < r1; r++) {
            const size_t i0 = hs_kern_insert0(r, bit), i1 = i0 | bit;
            acc(a, (int)(r & 3), z[2 * i0], z[2 * i0 + 1], z[2 * i1], z[2 * i1 + 1]);
        }
    } else if (bit >= 4 && r1 % 4 == 0) {
        /* Runs of consecutive r with consecutive indices, starting at a
         * multiple of 4: the run's lane i mod 4 is r mod 4. */
        for (size_t r = r0; r < r1;) {
            const size_t i0 = hs_kern_insert0(r, bit), left = bit - (r & (bit - 1));
            const size_t m = left < r1 - r ? left : r1 - r;
            acc_run(a, bit <= HS_KERN_PF_RUN, z + 2 * i0, z + 2 * (i0 + bit), m);
            r += m;
        }
    } else {
        size_t r = r0;
        for (; r + 4 <= r1; r += 4)
            for (int l = 0; l < 4; l++) {
                const size_t i0 = hs_kern_insert0(r + (size_t)l, bit), i1 = i0 | bit;
                acc(a, l, z[2 * i0], z[2 * i0 + 1], z[2 * i1], z[2 * i1 + 1]);
            }
        for (; r < r1; r++) {
            const size_t i0 = hs_kern_insert0(r, bit), i1 = i0 | bit;
            acc(a, (int)(r & 3), z[2 * i0], z[2 * i0 + 1], z[2 * i1], z[2 * i1 + 1]);
        }
    }
    finish(a, out);
}

KI void rho_pairs_body(const hs_amp *x0, const hs_amp *x1, size_t m, double out[4])
{
    double a[4][4] = {{0}};
    assert(m % 4 == 0);
    acc_run(a, 0, (const double *)x0, (const double *)x1, m);
    finish(a, out);
}

KI void combine_body(hs_amp *o, const hs_amp *x0, const hs_amp *x1, size_t m, hs_amp v0, hs_amp v1)
{
    const coef v = {creal(v0), cimag(v0), creal(v1), cimag(v1)};
    double *w = (double *)o;
    const double *p = (const double *)x0, *q = (const double *)x1;
    for (size_t i = 0; i < m; i++) {
        double re, im;
        lin(&v, p + 2 * i, q + 2 * i, &re, &im);
        w[2 * i] = re;
        w[2 * i + 1] = im;
    }
}

/* Offset of step i of a run: i for w = 0 (consecutive amplitudes); for
 * w = 1 or 2 (units along bit 0 or 1, whose partner at +w sits between
 * them) i with a 0 inserted at bit w: 0, 2, 4, ... or 0, 1, 4, 5, ... The
 * callers pass w as a constant (RUN_W), so the offset folds. */
KI size_t step(size_t i, size_t w) { return w ? hs_kern_insert0(i, w) : i; }

/* Runs `call` with W_ the constant 0, 1 or 2 equal to w. */
#define RUN_W(w, call)                                                                                     \
    do {                                                                                                   \
        if ((w) == 1) {                                                                                    \
            enum { W_ = 1 };                                                                               \
            call;                                                                                          \
        } else if ((w) == 2) {                                                                             \
            enum { W_ = 2 };                                                                               \
            call;                                                                                          \
        } else {                                                                                           \
            enum { W_ = 0 };                                                                               \
            call;                                                                                          \
        }                                                                                                  \
    } while (0)

/* One step of two_run at double offset e; with sums its pair into lane l. */
KI void two_step(double a[4][4], int sums, int l, const coef *v, double *o0, double *o1, const double *x0,
                 const double *y0, const double *x1, const double *y1, size_t e)
{
    double r0, i0, r1, i1;
    lin(v, x0 + e, y0 + e, &r0, &i0);
    lin(v, x1 + e, y1 + e, &r1, &i1);
    o0[e] = r0;
    o0[e + 1] = i0;
    o1[e] = r1;
    o1[e + 1] = i1;
    if (sums)
        acc(a, l, r0, i0, r1, i1);
}

/* Two outputs per step from four inputs: o0 = v0 x0 + v1 y0 and
 * o1 = v0 x1 + v1 y1 at offset i of each run pointer, all inputs read before
 * either output is written (o0 may be x0, o1 may be y0), for i < m; with
 * `sums` the pair (o0, o1) also goes to lane i mod 4 (m % 4 == 0 then,
 * four steps at a time so that each lane is a constant);
 * with pf, prefetching. Step i is at offset step(i, w) of each pointer. */
KI void two_run(double a[4][4], int sums, int pf, const coef *v, double *o0, double *o1, const double *x0,
                const double *y0, const double *x1, const double *y1, size_t w, size_t m)
{
    if (!sums) {
        for (size_t i = 0; i < m; i++) {
            const size_t e = 2 * step(i, w);
            if (pf && i % 4 == 0)
                hs_kern_prefetch4(e, x0, y0, x1, y1);
            two_step(a, 0, 0, v, o0, o1, x0, y0, x1, y1, e);
        }
        return;
    }
    for (size_t i = 0; i < m; i += 4) {
        if (pf)
            hs_kern_prefetch4(2 * step(i, w), x0, y0, x1, y1);
        for (int l = 0; l < 4; l++)
            two_step(a, 1, l, v, o0, o1, x0, y0, x1, y1, 2 * step(i + (size_t)l, w));
    }
}

KI void collapse_body(hs_amp *amp, size_t len, int p, hs_amp v0, hs_amp v1, size_t g0, size_t g1, int simd)
{
    double *z = (double *)amp;
    const size_t bit = (size_t)1 << p, half = len / 2;
    const coef v = {creal(v0), cimag(v0), creal(v1), cimag(v1)};
    if (bit < 4) {
        if (HS_KERN_X86 && simd) {
            /* The groups are the fused pass's pairs along bit p, without
             * the sums: four per vector, gathered (kern_avx2.c). */
            const double vd[4] = {v.r0, v.i0, v.r1, v.i1};
            const size_t g4 = g0 + ((g1 - g0) & ~(size_t)3);
            hs_kern_avx2_units(NULL, vd, z, half, HS_KERN_UNIT_PAIRS, bit, bit, g0, g4);
            g0 = g4;
        }
        for (size_t g = g0; g < g1; g++) {
            const size_t i = hs_kern_insert0(g, bit);
            two_run(NULL, 0, 0, &v, z + 2 * i, z + 2 * (i | bit), z + 2 * i, z + 2 * (i | bit), z + 2 * (i | half),
                    z + 2 * (i | bit | half), 0, 1);
        }
        return;
    }
    for (size_t g = g0; g < g1;) {
        const size_t i = hs_kern_insert0(g, bit), left = bit - (g & (bit - 1));
        const size_t m = left < g1 - g ? left : g1 - g;
        two_run(NULL, 0, bit <= HS_KERN_PF_RUN, &v, z + 2 * i, z + 2 * (i | bit), z + 2 * i, z + 2 * (i | bit), z + 2 * (i | half),
                z + 2 * (i | bit | half), 0, m);
        g += m;
    }
}

/* One step of two outputs o0 = v0 x0 + v1 y0, o1 = v0 x1 + v1 y1 at
 * amplitude indices, inputs read before either output is written, the pair
 * (o0, o1) into lane l. */
KI void pair_step(double a[4][4], int l, const coef *v, double *z, size_t o0, size_t o1, size_t x0, size_t y0,
                  size_t x1, size_t y1)
{
    double r0, i0, r1, i1;
    lin(v, z + 2 * x0, z + 2 * y0, &r0, &i0);
    lin(v, z + 2 * x1, z + 2 * y1, &r1, &i1);
    z[2 * o0] = r0;
    z[2 * o0 + 1] = i0;
    z[2 * o1] = r1;
    z[2 * o1 + 1] = i1;
    acc(a, l, r0, i0, r1, i1);
}

/* Unit r of the fused pass alone, its sums into lane l (runs shorter than
 * 4: the callers fix l by unrolling, so the lanes stay in registers). No
 * prefetch: here it made the pass slower (bench engine query_fused_low at
 * n = 24: 29.0 ms against 21.5 ms without). */
KI void unit_one(double a[4][4], int l, const coef *v, double *z, size_t half, int quads, int at_top, size_t bp,
                 size_t bn, size_t r)
{
    if (at_top) {
        const size_t i0 = hs_kern_insert0(r, bn), i1 = i0 | bn;
        pair_step(a, l, v, z, i0, i1, i0, i0 + half, i1, i1 + half);
    } else if (!quads) {
        const size_t i = hs_kern_insert0(r, bp);
        pair_step(a, l, v, z, i, i | bp, i, i | bp, i | half, i | bp | half);
    } else {
        const size_t lo = bp < bn ? bp : bn, hi = bp < bn ? bn : bp, x = hs_kern_insert0(hs_kern_insert0(r, lo), hi);
        /* Outputs at x and x|bn (t = 0) from the lower half, at x|bp and
         * x|bp|bn (t = 1) from the upper; the first step reads x|bp and
         * x|bp|bn before the second writes them. */
        pair_step(a, l, v, z, x, x | bn, x, x | bp, x | bn, x | bn | bp);
        pair_step(a, l, v, z, x | bp, x | bp | bn, x | half, x | bp | half, x | bn | half, x | bn | bp | half);
    }
}

/* Quads in runs: eight inputs and four outputs per step; the two pairs of a
 * quad go to the same lane in turn; with pf, prefetching; steps as in
 * two_run (m % 4 == 0). */
KI void quad_run(double a[4][4], int pf, const coef *v, double *z, size_t half, size_t bp, size_t bn, size_t x,
              size_t w, size_t m)
{
    double *o00 = z + 2 * x, *o01 = z + 2 * (x | bn), *o10 = z + 2 * (x | bp), *o11 = z + 2 * (x | bp | bn);
    const double *u00 = z + 2 * (x | half), *u01 = z + 2 * (x | bn | half);
    const double *u10 = z + 2 * (x | bp | half), *u11 = z + 2 * (x | bp | bn | half);
    /* Four steps at a time, so that each lane is a constant (registers). */
    for (size_t i = 0; i < m; i += 4) {
        if (pf) {
            const size_t e = 2 * step(i, w);
            hs_kern_prefetch4(e, o00, o01, o10, o11);
            hs_kern_prefetch4(e, u00, u01, u10, u11);
        }
        for (int l = 0; l < 4; l++) {
            /* The first step reads o10 and o11 before the second writes
             * them; the quad's two pairs go to lane l in turn. */
            const size_t e = 2 * step(i + (size_t)l, w);
            two_step(a, 1, l, v, o00, o01, o00, o10, o01, o11, e);
            two_step(a, 1, l, v, o10, o11, u00, u10, u01, u11, e);
        }
    }
}

KI void collapse_rho_body(hs_amp *amp, size_t len, int p, int top, int np, hs_amp v0, hs_amp v1, size_t u0,
                          size_t u1, double out[4], int simd)
{
    double *z = (double *)amp;
    const size_t half = len / 2, bp = (size_t)1 << p, bn = (size_t)1 << np;
    const int at_top = p == top, quads = !at_top && np != p;
    const coef v = {creal(v0), cimag(v0), creal(v1), cimag(v1)};
    const double vd[4] = {v.r0, v.i0, v.r1, v.i1}; /* the AVX2 kernels' form of v */
    /* The bit along which consecutive units are consecutive amplitudes. */
    const size_t run = at_top ? bn : !quads ? bp : (bp < bn ? bp : bn);
    const size_t lo = bp < bn ? bp : bn, hi = bp < bn ? bn : bp;
    double a[4][4] = {{0}};
    assert(u0 % 4 == 0);
    if (HS_KERN_X86 && simd && run < 4) {
        /* The AVX2 variant gathers four units per vector (kern_avx2.c);
         * the last units of a ragged range one by one. */
        const size_t u4 = u0 + ((u1 - u0) & ~(size_t)3);
        const int kind = at_top ? HS_KERN_UNIT_TOP : !quads ? HS_KERN_UNIT_PAIRS : HS_KERN_UNIT_QUADS;
        hs_kern_avx2_units(a, vd, z, half, kind, bp, bn, u0, u4);
        for (size_t r = u4; r < u1; r++)
            unit_one(a, (int)(r & 3), &v, z, half, quads, at_top, bp, bn, r);
        finish(a, out);
        return;
    }
    if (u1 % 4 || (run < 4 && quads && hi < 8)) {
        size_t r = u0;
        for (; r + 4 <= u1; r += 4)
            for (int l = 0; l < 4; l++)
                unit_one(a, l, &v, z, half, quads, at_top, bp, bn, r + (size_t)l);
        for (; r < u1; r++)
            unit_one(a, (int)(r & 3), &v, z, half, quads, at_top, bp, bn, r);
        finish(a, out);
        return;
    }
    /* Runs of units: along `run` >= 4, consecutive units are consecutive
     * amplitudes for up to run units; along bit 0 or 1 (run < 4) they step
     * over their partners (step(i, run)), for up to hi/2 units of a quad
     * (the second inserted bit) or the whole range otherwise. Runs start at
     * a multiple of 4, so lane i mod 4 is r mod 4. */
    const size_t w = run < 4 ? run : 0, span = run >= 4 ? run : quads ? hi / 2 : 0;
    for (size_t r = u0; r < u1;) {
        const size_t m = span ? (span - (r & (span - 1)) < u1 - r ? span - (r & (span - 1)) : u1 - r) : u1 - r;
        const int pf = run >= 4 && run <= HS_KERN_PF_RUN;
        if (HS_KERN_X86 && simd) {
            /* The AVX2 variant's contiguous runs (kern_avx2.c; its runs
             * along bits 0 and 1 took the gathered path above). */
            if (at_top) {
                const size_t i0 = hs_kern_insert0(r, bn), i1 = i0 | bn;
                hs_kern_avx2_pairs(a, pf, vd, z + 2 * i0, z + 2 * i1, z + 2 * i0, z + 2 * (i0 + half), z + 2 * i1,
                                   z + 2 * (i1 + half), m);
            } else if (!quads) {
                const size_t i = hs_kern_insert0(r, bp);
                hs_kern_avx2_pairs(a, pf, vd, z + 2 * i, z + 2 * (i | bp), z + 2 * i, z + 2 * (i | bp),
                                   z + 2 * (i | half), z + 2 * (i | bp | half), m);
            } else {
                const size_t x = hs_kern_insert0(hs_kern_insert0(r, lo), hi);
                hs_kern_avx2_quads(a, pf, vd, z + 2 * x, z + 2 * (x | bn), z + 2 * (x | bp), z + 2 * (x | bp | bn),
                                   z + 2 * (x | half), z + 2 * (x | bn | half), z + 2 * (x | bp | half),
                                   z + 2 * (x | bp | bn | half), m);
            }
        } else if (at_top) {
            const size_t i0 = hs_kern_insert0(r, bn), i1 = i0 | bn;
            RUN_W(w, two_run(a, 1, pf, &v, z + 2 * i0, z + 2 * i1, z + 2 * i0, z + 2 * (i0 + half), z + 2 * i1,
                             z + 2 * (i1 + half), W_, m));
        } else if (!quads) {
            const size_t i = hs_kern_insert0(r, bp);
            RUN_W(w, two_run(a, 1, pf, &v, z + 2 * i, z + 2 * (i | bp), z + 2 * i, z + 2 * (i | bp), z + 2 * (i | half),
                             z + 2 * (i | bp | half), W_, m));
        } else {
            RUN_W(w, quad_run(a, pf, &v, z, half, bp, bn, hs_kern_insert0(hs_kern_insert0(r, lo), hi), W_, m));
        }
        r += m;
    }
    finish(a, out);
}

/* The sharded engine's compaction (dist/dstate.c): outputs t in [t0, t1)
 * get v0 a[i] + v1 a[i + S], i = t with a 0 inserted at bit S = 2^q; rows of
 * S consecutive outputs come from consecutive inputs. */
KI void compact_body(hs_amp *amp, int q, size_t t0, size_t t1, hs_amp v0, hs_amp v1, int simd)
{
    double *z = (double *)amp;
    const size_t S = (size_t)1 << q;
    const coef v = {creal(v0), cimag(v0), creal(v1), cimag(v1)};
    if (S < 4) {
        if (HS_KERN_X86 && simd && t0 % 4 == 0) {
            /* Four outputs per vector from the interleaved inputs
             * (kern_avx2.c); a ragged tail one by one. */
            const double vd[4] = {v.r0, v.i0, v.r1, v.i1};
            const size_t t4 = t0 + ((t1 - t0) & ~(size_t)3);
            hs_kern_avx2_compact(vd, z, S, t0, t4);
            t0 = t4;
        }
        for (size_t t = t0; t < t1; t++) {
            const size_t i = hs_kern_insert0(t, S);
            lin(&v, z + 2 * i, z + 2 * (i + S), z + 2 * t, z + 2 * t + 1);
        }
        return;
    }
    for (size_t t = t0; t < t1;) {
        const size_t left = S - (t & (S - 1)), m = left < t1 - t ? left : t1 - t, i = hs_kern_insert0(t, S);
        combine_body(amp + t, amp + i, amp + i + S, m, v0, v1);
        t += m;
    }
}

/* The compaction of the outputs of pairs [r0, r1) along bit np of the
 * result (pair r: outputs t = r with a 0 inserted at 2^np, and t | 2^np),
 * with their sums into out[4] (lane r mod 4, r0 % 4 == 0): the numbers of
 * compact_body then rho_body, in one pass. Output t | 2^np reads input
 * i | bin, i = t with a 0 inserted at S: bin = 2^np below q, 2^(np+1) from
 * q on (the bit moves up past the removed one). Consecutive pairs have
 * consecutive outputs and inputs for runs of min(2^np, S). */
KI void compact_rho_body(hs_amp *amp, int q, int np, size_t r0, size_t r1, hs_amp v0, hs_amp v1, double out[4],
                         int simd)
{
    double *z = (double *)amp;
    const size_t S = (size_t)1 << q, bn = (size_t)1 << np, bin = np < q ? bn : 2 * bn, run = bn < S ? bn : S;
    const coef v = {creal(v0), cimag(v0), creal(v1), cimag(v1)};
    double a[4][4] = {{0}};
    assert(r0 % 4 == 0);
    size_t r = r0;
    if (HS_KERN_X86 && simd) {
        /* Four pairs per vector from consecutive inputs (kern_avx2.c).
         * Prefetch where the inputs' contiguous runs are short: S
         * amplitudes each for S >= 4, below that the 2 bn of x and y
         * interleaved. */
        const double vd[4] = {v.r0, v.i0, v.r1, v.i1};
        r = r0 + ((r1 - r0) & ~(size_t)3);
        hs_kern_avx2_compact_rho(a, (S >= 4 ? run : bn) <= HS_KERN_PF_RUN, vd, z, S, bn, bin, r0, r);
    } else if (run >= 4 && r1 % 4 == 0) {
        for (; r < r1;) {
            const size_t t = hs_kern_insert0(r, bn), i = hs_kern_insert0(t, S);
            const size_t lb = bn - (r & (bn - 1)), ls = S - (t & (S - 1)), left = lb < ls ? lb : ls;
            const size_t m = left < r1 - r ? left : r1 - r;
            two_run(a, 1, run <= HS_KERN_PF_RUN, &v, z + 2 * t, z + 2 * (t | bn), z + 2 * i, z + 2 * (i + S),
                    z + 2 * (i | bin), z + 2 * ((i | bin) + S), 0, m);
            r += m;
        }
    } else {
        for (; r + 4 <= r1; r += 4)
            for (int l = 0; l < 4; l++) {
                const size_t t = hs_kern_insert0(r + (size_t)l, bn), i = hs_kern_insert0(t, S);
                pair_step(a, l, &v, z, t, t | bn, i, i + S, i | bin, (i | bin) + S);
            }
    }
    /* A ragged tail one by one. */
    for (; r < r1; r++) {
        const size_t t = hs_kern_insert0(r, bn), i = hs_kern_insert0(t, S);
        pair_step(a, (int)(r & 3), &v, z, t, t | bn, i, i + S, i | bin, (i | bin) + S);
    }
    finish(a, out);
}

/* The sign pass of the qubit deferred layer: bit z of bits flips the sign
 * of amplitude z in [z0, z1) (both components), or with from_plus sets it
 * to +-a (imaginary part 0). Word by word, 64 amplitudes per word of bits
 * (measured 1.8x faster than one amplitude at a time with its word and bit
 * computed); the AVX2 variant shifts a vector of counts, and from |+> with
 * stream writes with non-temporal stores. */
KI void signs_body(hs_amp *amp, const uint64_t *bits, size_t z0, size_t z1, int from_plus, int stream, double a,
                   int simd)
{
    uint64_t abits;
    memcpy(&abits, &a, sizeof abits);
    uint64_t *o = (uint64_t *)amp;
    size_t z = z0;
    if (HS_KERN_X86 && simd && z % 64 == 0 && z + 64 <= z1) {
        /* GCC left the word loop below scalar (a shift by a variable
         * count per amplitude); AVX2 shifts by a vector of counts. */
        hs_kern_avx2_signs(o, bits, z / 64, z1 / 64, from_plus, stream, abits);
        z = z1 / 64 * 64;
    }
    if (z % 64 == 0)
        for (; z + 64 <= z1; z += 64) {
            const uint64_t x = bits[z / 64];
            uint64_t *w = o + 2 * z;
            if (from_plus)
                for (int j = 0; j < 64; j++) {
                    w[2 * j] = abits ^ (((x >> j) & 1) << 63);
                    w[2 * j + 1] = 0; /* the bits of +0.0 */
                }
            else
                for (int j = 0; j < 64; j++) {
                    const uint64_t flip = ((x >> j) & 1) << 63;
                    w[2 * j] ^= flip;
                    w[2 * j + 1] ^= flip;
                }
        }
    for (; z < z1; z++) {
        const uint64_t flip = ((bits[z / 64] >> (z % 64)) & 1) << 63;
        if (from_plus) {
            o[2 * z] = abits ^ flip;
            o[2 * z + 1] = 0;
        } else {
            o[2 * z] ^= flip;
            o[2 * z + 1] ^= flip;
        }
    }
}

/* The variants: the same bodies, compiled for each target. */
#define VARIANT(suffix, attr, simd)                                                                            \
    attr static void rho_##suffix(const hs_amp *amp, int p, size_t r0, size_t r1, double out[4])         \
    {                                                                                                      \
        rho_body(amp, p, r0, r1, out, simd);                                                                   \
    }                                                                                                      \
    attr static void rho_pairs_##suffix(const hs_amp *x0, const hs_amp *x1, size_t m, double out[4])      \
    {                                                                                                      \
        rho_pairs_body(x0, x1, m, out);                                                                    \
    }                                                                                                      \
    attr static void combine_##suffix(hs_amp *o, const hs_amp *x0, const hs_amp *x1, size_t m, hs_amp v0, \
                                      hs_amp v1)                                                           \
    {                                                                                                      \
        combine_body(o, x0, x1, m, v0, v1);                                                                \
    }                                                                                                      \
    attr static void collapse_##suffix(hs_amp *amp, size_t len, int p, hs_amp v0, hs_amp v1, size_t g0,   \
                                       size_t g1)                                                          \
    {                                                                                                      \
        collapse_body(amp, len, p, v0, v1, g0, g1, simd);                                                      \
    }                                                                                                      \
    attr static void collapse_rho_##suffix(hs_amp *amp, size_t len, int p, int top, int np, hs_amp v0,     \
                                           hs_amp v1, size_t u0, size_t u1, double out[4])                 \
    {                                                                                                      \
        collapse_rho_body(amp, len, p, top, np, v0, v1, u0, u1, out, simd);                                \
    }                                                                                                      \
    attr static void compact_##suffix(hs_amp *amp, int q, size_t t0, size_t t1, hs_amp v0, hs_amp v1)      \
    {                                                                                                      \
        compact_body(amp, q, t0, t1, v0, v1, simd);                                                            \
    }                                                                                                      \
    attr static void signs_##suffix(hs_amp *amp, const uint64_t *bits, size_t z0, size_t z1, int from_plus, \
                                    int stream, double a)                                                  \
    {                                                                                                      \
        signs_body(amp, bits, z0, z1, from_plus, stream, a, simd);                                                      \
    }                                                                                                      \
    attr static void compact_rho_##suffix(hs_amp *amp, int q, int np, size_t r0, size_t r1, hs_amp v0,     \
                                          hs_amp v1, double out[4])                                        \
    {                                                                                                      \
        compact_rho_body(amp, q, np, r0, r1, v0, v1, out, simd);                                           \
    }

VARIANT(generic, , 0)
#if HS_KERN_X86
VARIANT(avx2, __attribute__((target("avx2"))), 1)
#endif

static const hs_kern tables[HS_KERN_LEVELS] = {
    {HS_KERN_GENERIC, rho_generic, rho_pairs_generic, combine_generic, collapse_generic, collapse_rho_generic,
     compact_generic, compact_rho_generic, signs_generic},
#if HS_KERN_X86
    {HS_KERN_AVX2, rho_avx2, rho_pairs_avx2, combine_avx2, collapse_avx2, collapse_rho_avx2, compact_avx2,
     compact_rho_avx2, signs_avx2},
#else
    {HS_KERN_AVX2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
#endif
};

static const char *const names[HS_KERN_LEVELS] = {"generic", "avx2"};

const char *hs_kern_name(int level)
{
    assert(level >= 0 && level < HS_KERN_LEVELS);
    return names[level];
}

int hs_kern_supported(int level)
{
    if (level == HS_KERN_GENERIC)
        return 1;
#if HS_KERN_X86
    if (level == HS_KERN_AVX2)
        return __builtin_cpu_supports("avx2");
#endif
    return 0;
}

/* The selection; set before kernels run (first use or hs_kern_select), read
 * by every thread: atomic, so a first use racing with another is benign
 * (both store the same table). */
static _Atomic(const hs_kern *) current;

static int resolve(const char *name, const hs_kern **out, char *err, size_t errlen)
{
    if (!name || !*name || strcmp(name, "auto") == 0) {
        *out = &tables[hs_kern_supported(HS_KERN_AVX2) ? HS_KERN_AVX2 : HS_KERN_GENERIC];
        return 0;
    }
    for (int l = 0; l < HS_KERN_LEVELS; l++)
        if (strcmp(name, names[l]) == 0) {
            if (!hs_kern_supported(l)) {
                snprintf(err, errlen, "HYPERSEP_SIMD=%s: this CPU does not run %s kernels; use generic or auto",
                         name, names[l]);
                return -1;
            }
            *out = &tables[l];
            return 0;
        }
    snprintf(err, errlen, "HYPERSEP_SIMD=%.64s: unknown kernel variant; allowed: generic, avx2, auto", name);
    return -1;
}

const hs_kern *hs_kern_get(void)
{
    const hs_kern *k = atomic_load_explicit(&current, memory_order_acquire);
    if (k)
        return k;
    char err[160];
    if (resolve(getenv("HYPERSEP_SIMD"), &k, err, sizeof err) != 0)
        resolve(NULL, &k, err, sizeof err);
    atomic_store_explicit(&current, k, memory_order_release);
    return k;
}

int hs_kern_select(const char *name, char *err, size_t errlen)
{
    const hs_kern *k;
    if (resolve(name ? name : getenv("HYPERSEP_SIMD"), &k, err, errlen) != 0)
        return -1;
    atomic_store_explicit(&current, k, memory_order_release);
    return 0;
}
