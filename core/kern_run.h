/* Internal to the kernel files (kern.c, kern_avx2.c; bitcell.c, qcell.c and
 * qudit.c for HS_KERN_X86): index arithmetic and the software prefetch of
 * the runs, shared so that both variants index and prefetch alike, and the
 * explicit AVX2 kernels. */
#ifndef HS_KERN_RUN_H
#define HS_KERN_RUN_H

#include <stddef.h>
#include <stdint.h>

/* Whether the AVX2 variant is built (x86-64 with GCC or Clang). */
#if defined(__x86_64__) && defined(__GNUC__)
#define HS_KERN_X86 1
#else
#define HS_KERN_X86 0
#endif

/* Inserts a 0 bit at bit b (a power of two) of x. */
static inline __attribute__((always_inline)) size_t hs_kern_insert0(size_t x, size_t b)
{
    return ((x & ~(b - 1)) << 1) | (x & (b - 1));
}

/* Software prefetch, for runs of at most PF_RUN amplitudes only: there the
 * hardware prefetcher, which follows a stream within a 4 KiB page, left the
 * kernels at 1.5-2.5 streaming passes at n = 24 on the development VM (rho
 * along bit 5 or 6, the fused pass with a next site at bit 5), and a
 * prefetch PF amplitudes (16 KiB) ahead brought them to 0.8-1.4; on long
 * runs it cost 20-50% instead. 512-1024 ahead was best, 2048 worse. A
 * prefetch never faults, so it may point past the buffer; the address is
 * formed as an integer for that reason. */
#define HS_KERN_PF 1024
#define HS_KERN_PF_RUN 256

static inline __attribute__((always_inline)) void hs_kern_prefetch(const double *p)
{
    __builtin_prefetch((const void *)((uintptr_t)p + (uintptr_t)(HS_KERN_PF * 2 * sizeof(double))));
}

/* Prefetches offset e (doubles) ahead of four run pointers. */
static inline __attribute__((always_inline)) void hs_kern_prefetch4(size_t e, const double *a, const double *b,
                                                                    const double *c, const double *d)
{
    hs_kern_prefetch(a + e);
    hs_kern_prefetch(b + e);
    hs_kern_prefetch(c + e);
    hs_kern_prefetch(d + e);
}

/* Explicit AVX2 forms of the fused kernels' contiguous runs (kern_avx2.c),
 * for the AVX2 variant: the same sums of the same products in the same
 * order as kern.c's two_run (with sums, step w = 0) and quad_run, four
 * steps per vector, so bitwise the generic results. v = (Re v0, Im v0,
 * Re v1, Im v1); m % 4 == 0. x86-64 only. */
void hs_kern_avx2_pairs(double a[4][4], int pf, const double v[4], double *o0, double *o1, const double *x0,
                        const double *y0, const double *x1, const double *y1, size_t m);
void hs_kern_avx2_quads(double a[4][4], int pf, const double v[4], double *o00, double *o01, double *o10,
                        double *o11, const double *u00, const double *u01, const double *u10, const double *u11,
                        size_t m);
/* The units [r0, r1) of the fused collapse-and-sums (kern.c's unit_one,
 * kind HS_KERN_UNIT_TOP, _PAIRS or _QUADS), four units per vector, each
 * unit's amplitudes gathered by index: for the units whose runs are shorter
 * than four amplitudes (the run bit 0 or 1), bitwise unit_one's numbers.
 * With a NULL (kind _PAIRS only), the collapse alone (kern.c's collapse).
 * rho_units: the sums of pairs [r0, r1) along bit (rho_body). r0 % 4 == 0,
 * (r1 - r0) % 4 == 0. */
enum { HS_KERN_UNIT_TOP, HS_KERN_UNIT_PAIRS, HS_KERN_UNIT_QUADS };
void hs_kern_avx2_units(double a[4][4], const double v[4], double *z, size_t half, int kind, size_t bp, size_t bn,
                        size_t r0, size_t r1);
void hs_kern_avx2_rho_units(double a[4][4], const double *z, size_t bit, size_t r0, size_t r1);
/* Pairs [r0, r1) of kern.c's compact_rho_body, four per vector, from
 * consecutive inputs for any S and bn (prefetching with pf); compact: the
 * outputs [t0, t1) of compact_body. r0, t0 % 4 == 0, (r1 - r0) % 4 == 0,
 * (t1 - t0) % 4 == 0. */
void hs_kern_avx2_compact_rho(double a[4][4], int pf, const double v[4], double *z, size_t S, size_t bn,
                              size_t bin, size_t r0, size_t r1);
void hs_kern_avx2_compact(const double v[4], double *z, size_t S, size_t t0, size_t t1);
/* The sign pass (kern.c's signs_body) over whole words [w0, w1) of bits:
 * o holds the amplitudes as 64-bit words (re, im), abits the bits of a;
 * with from_plus and stream, non-temporal stores, fenced before return. */
void hs_kern_avx2_signs(uint64_t *o, const uint64_t *bits, size_t w0, size_t w1, int from_plus, int stream,
                        uint64_t abits);

#endif
