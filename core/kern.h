/* The hot qubit kernels of the engine on plain buffers: reduced-density-matrix
 * sums, the collapse, and the fused collapse with the next query's sums
 * (docs/spec.md#engine). No OpenMP inside: callers split a pass into blocks
 * and run the blocks in parallel, calling a kernel per block.
 *
 * The qubit deferred layer's sign pass is here too.
 *
 * Each kernel is one C body compiled twice, for the x86-64 baseline (SSE2) and
 * for AVX2, and the variant is chosen at run time (hs_kern_get): the default
 * build runs AVX2 where the CPU has it, and HYPERSEP_SIMD=generic forces the
 * baseline. The two variants agree bitwise: the body has no reassociation (ISO
 * C mode does not contract a*b+c either, and AVX2 alone does not enable FMA),
 * so every double is the same sum of the same products; tests/test_kern.c
 * checks it, and checks both against the plain loops of core/state.c's
 * reference functions.
 *
 * Sums. Pair r of a range adds its four terms (hs_state_rho_add) to lane
 * r mod 4, and a range's result is its lanes combined pairwise
 * (hs_state_rho_block): the same numbers as one loop over r. The kernels walk
 * contiguous runs, with the lane fixed by the unrolling, and prefetch a fixed
 * distance ahead (the hardware prefetcher alone left the runs of 32 to 256
 * amplitudes at 1.5-2.5 streaming passes on the development VM). */
#ifndef HS_KERN_H
#define HS_KERN_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

enum { HS_KERN_GENERIC, HS_KERN_AVX2, HS_KERN_LEVELS };

typedef struct {
    int level;
    /* Sums of pairs r in [r0, r1) along bit p of amp (pair r = the indices
     * with bit p removed equal to r), r0 % 4 == 0, into out[4]. */
    void (*rho)(const hs_amp *amp, int p, size_t r0, size_t r1, double out[4]);
    /* The same sums over the pairs (x0[i], x1[i]), i < m, m % 4 == 0. */
    void (*rho_pairs)(const hs_amp *x0, const hs_amp *x1, size_t m, double out[4]);
    /* o[i] = v0 x0[i] + v1 x1[i] for i < m; o may be x0 or x1. */
    void (*combine)(hs_amp *o, const hs_amp *x0, const hs_amp *x1, size_t m, hs_amp v0, hs_amp v1);
    /* Collapse of a qubit at bit p below the top bit of a buffer of len
     * amplitudes, groups [g0, g1) of core/state.c: group g (g with a 0
     * inserted at p, i00) writes v0 a[i00] + v1 a[i00 | 2^p] into a[i00] and
     * v0 a[i00 | len/2] + v1 a[i00 | 2^p | len/2] into a[i00 | 2^p]. */
    void (*collapse)(hs_amp *amp, size_t len, int p, hs_amp v0, hs_amp v1, size_t g0, size_t g1);
    /* The fused collapse-and-sums of core/state.c (qubit_collapse_rho), units
     * [u0, u1), u0 % 4 == 0, into out[4]: measured bit p of a buffer of len
     * amplitudes whose top bit is `top`, sums for bit np of the result. */
    void (*collapse_rho)(hs_amp *amp, size_t len, int p, int top, int np, hs_amp v0, hs_amp v1,
                         size_t u0, size_t u1, double out[4]);
    /* The compaction of the sharded engine (dist/dstate.c): outputs t in
     * [t0, t1) get v0 a[i] + v1 a[i + 2^q], i = t with a 0 inserted at bit
     * q, written over a[t]; the caller orders the outputs so that none
     * overwrites an input still to be read. */
    void (*compact)(hs_amp *amp, int q, size_t t0, size_t t1, hs_amp v0, hs_amp v1);
    /* The same for the outputs of pairs [r0, r1) along bit np of the
     * result (below q or not), r0 % 4 == 0, with their sums into out[4]:
     * the numbers of compact then rho, in one pass. The caller orders the
     * ranges so that no pair writes an input still to be read. */
    void (*compact_rho)(hs_amp *amp, int q, int np, size_t r0, size_t r1, hs_amp v0, hs_amp v1, double out[4]);
    /* The sign pass of hs_write_sign_bits on amplitudes [z0, z1): bit z of
     * bits flips amp[z], or with from_plus amp[z] = +-a; with from_plus and
     * stream, non-temporal stores where the variant has them (AVX2; the
     * generic one writes ordinary stores), fenced before return. */
    void (*signs)(hs_amp *amp, const uint64_t *bits, size_t z0, size_t z1, int from_plus, int stream, double a);
} hs_kern;

/* The selected variant. At first use: HYPERSEP_SIMD (generic, avx2 or auto;
 * auto when unset: avx2 where the CPU has it); an unusable value falls back to
 * auto here, and hs_kern_select reports it. */
const hs_kern *hs_kern_get(void);
/* Selects by name (generic, avx2, auto; NULL reads HYPERSEP_SIMD). Returns
 * 0, or -1 with a one-line message (unknown name, or avx2 on a CPU without
 * it), leaving the selection unchanged. Not while kernels run. */
int hs_kern_select(const char *name, char *err, size_t errlen);
/* Whether this CPU runs the variant. */
int hs_kern_supported(int level);
const char *hs_kern_name(int level);

#endif
