/* Qudit query cell kernels: reduced density matrices, weights from them, and
 * the collapse that applies a row of the basis change, fused with the next
 * site's matrix (core/qcell.h). */
#include "qcell.h"

#include <assert.h>
#include <complex.h>
#include <math.h>
#include <string.h>

#include "kern.h"
#include "kern_run.h"
#include "sum.h"
#include "sys.h"

void hs_qcell_row(const hs_unitary *u, int d, int o, hs_amp *row)
{
    if (u->kind == HS_U_IDENTITY) {
        for (int j = 0; j < d; j++)
            row[j] = j == o;
        return;
    }
    assert(u->kind == HS_U_CHIRP && d > 2 && d <= 64);
    /* U_oj = d^-1/2 exp(-i pi m j^2 / d) exp(-2 pi i j o / d): core/qudit.c's
     * chirp c_j, then FFTW_FORWARD's kernel. The DFT angle from (j o) mod d
     * keeps its argument below 2 pi. */
    for (int j = 0; j < d; j++) {
        const double dft = -2.0 * M_PI * (double)((j * o) % d) / d;
        row[j] = cexp(-I * M_PI * u->chirp * (double)j * (double)j / d) / sqrt((double)d) * cexp(I * dft);
    }
}

void hs_qcell_weights(const double *rho, int d, const hs_unitary *u, double *w)
{
    /* w_o = sum_ab U_oa rho_ab conj(U_ob); the terms (a, b) and (b, a) are
     * conjugates, so a < b counts twice its real part. */
    hs_amp row[64];
    for (int o = 0; o < d; o++) {
        hs_qcell_row(u, d, o, row);
        double x = 0;
        for (int a = 0; a < d; a++) {
            x += creal(row[a] * conj(row[a])) * rho[a * d + a];
            for (int b = a + 1; b < d; b++) {
                const hs_amp z = row[a] * conj(row[b]);
                x += 2.0 * (creal(z) * rho[a * d + b] - cimag(z) * rho[b * d + a]);
            }
        }
        w[o] = x > 0 ? x : 0;
    }
}

/* Adds the matrix terms of the d values x[0], x[xs], .., x[(d-1) xs] to
 * acc[d*d]. */
static inline __attribute__((always_inline)) void rho_add(double *acc, int d, const hs_amp *x, size_t xs)
{
    for (int a = 0; a < d; a++) {
        const double xa = creal(x[a * xs]), ya = cimag(x[a * xs]);
        acc[a * d + a] += xa * xa + ya * ya;
        for (int b = a + 1; b < d; b++) {
            const double xb = creal(x[b * xs]), yb = cimag(x[b * xs]);
            acc[a * d + b] += xa * xb + ya * yb;
            acc[b * d + a] += ya * xb - xa * yb;
        }
    }
}

/* Unit u -> the index with zero digits inserted at nz sorted positions:
 * segment i (the digits between two inserted ones) has lim[i] values and
 * weight mul[i] in the index. An odometer steps u by one without division. */
typedef struct {
    int nz;
    size_t lim[4], mul[4], seg[4];
    size_t base;
} odometer;

static void odo_init(odometer *o, int d, const int *zpos, int nz, size_t u)
{
    *o = (odometer){.nz = nz};
    size_t below = 1;  /* d^(previous inserted position + 1) */
    int prev = -1;
    for (int i = 0; i <= nz; i++) {
        size_t lim = 1;
        if (i < nz)
            for (int p = prev + 1; p < zpos[i]; p++)
                lim *= (size_t)d;
        else
            lim = SIZE_MAX;  /* the digits above the last inserted one */
        o->lim[i] = lim;
        o->mul[i] = below;
        if (i < nz) {
            for (int p = prev; p < zpos[i]; p++)
                below *= (size_t)d;
            prev = zpos[i];
        }
    }
    o->base = 0;
    for (int i = 0; i <= nz; i++) {
        o->seg[i] = i < nz ? u % o->lim[i] : u;
        o->base += o->seg[i] * o->mul[i];
        if (i < nz)
            u /= o->lim[i];
    }
}

static inline void odo_step(odometer *o)
{
    for (int i = 0;; i++) {
        o->base += o->mul[i];
        if (++o->seg[i] < o->lim[i])
            return;
        o->base -= o->lim[i] * o->mul[i];
        o->seg[i] = 0;
    }
}

/* Rows [r0, r1) of the matrix of the digit at position p (stride sp) into
 * acc[d*d]; inlined with d a constant as collapse_units is. */
static inline __attribute__((always_inline)) void rho_rows(const hs_amp *amp, int d, int p, size_t sp, size_t r0,
                                                           size_t r1, double *acc)
{
    double lbuf[25];
    double *la = d * d <= 25 ? lbuf : acc;
    memset(la, 0, (size_t)(d * d) * sizeof *la);
    odometer o;
    odo_init(&o, d, &p, 1, r0);
    for (size_t r = r0; r < r1; r++, odo_step(&o))
        rho_add(la, d, amp + o.base, sp);
    if (la == lbuf)
        memcpy(acc, lbuf, (size_t)(d * d) * sizeof *acc);
}

static void rho_rows_3(const hs_amp *amp, int d, int p, size_t sp, size_t r0, size_t r1, double *acc)
{
    (void)d;
    rho_rows(amp, 3, p, sp, r0, r1, acc);
}
static void rho_rows_5(const hs_amp *amp, int d, int p, size_t sp, size_t r0, size_t r1, double *acc)
{
    (void)d;
    rho_rows(amp, 5, p, sp, r0, r1, acc);
}
static void rho_rows_any(const hs_amp *amp, int d, int p, size_t sp, size_t r0, size_t r1, double *acc)
{
    rho_rows(amp, d, p, sp, r0, r1, acc);
}

void hs_qcell_rho_root(const hs_amp *amp, size_t len, int d, int p, double *root)
{
    const size_t rows = len / (size_t)d, nb = (rows + HS_QCELL_BLOCK - 1) / HS_QCELL_BLOCK;
    size_t sp = 1;
    for (int i = 0; i < p; i++)
        sp *= (size_t)d;
    const size_t w = (size_t)d * (size_t)d;
    double *part = hs_alloc(nb * w * sizeof *part);
    void (*run)(const hs_amp *, int, int, size_t, size_t, size_t, double *) =
        d == 3 ? rho_rows_3 : d == 5 ? rho_rows_5 : rho_rows_any;
    HS_PAR_FOR(hs_sys_par(len), for (size_t b = 0; b < nb; b++) {
        const size_t end = (b + 1) * HS_QCELL_BLOCK < rows ? (b + 1) * HS_QCELL_BLOCK : rows;
        run(amp, d, p, sp, b * HS_QCELL_BLOCK, end, part + b * w);
    });
    hs_sum_tree(part, nb, (int)w, root);
    hs_sys_free(part);
}

/* A chunk's outputs: at most 1024 amplitudes (16 KiB), so they stay in L1
 * while the next site's sums are taken from them; 1024 / d units, so each
 * input stream is read in runs of 1024 / d amplitudes (runs of 16 left
 * the single-digit collapse waiting on memory). */
#define CHUNK_AMPS 1024

/* The geometry of one collapse (see hs_qcell_collapse). A chunk is a run of
 * units whose indices step by `step` (the weight of the lowest segment that
 * has more than one value): the passes over it read d inputs and write one
 * output at a time, not the d^3 streams of a unit. */
typedef struct {
    int T, A, over_t, nz;
    int zpos[3];
    size_t sp, st, sj, snp, units;
} shape;

/* Units [u0, u1) of the collapse q of shape g, matrix sums into acc (or
 * none). Inlined with d a constant for the common dimensions, so that the
 * loops over digits unroll. */
static inline __attribute__((always_inline)) void collapse_units(hs_amp *amp, const hs_qcell *q, const shape *g,
                                                                 int d, int full, size_t u0, size_t u1,
                                                                 double *acc)
{
    /* Local copies: stores to amp may alias anything a pointer reaches. */
    const int nj = full ? d : 1;
    double cr[64], ci[64];
    size_t jo[64];
    for (int i = 0; i < nj; i++) {
        cr[i] = creal(q->c[i]);
        ci[i] = cimag(q->c[i]);
        jo[i] = (size_t)(full ? i : q->digit) * g->sj;
    }
    double lbuf[25];
    double *la = d * d <= 25 ? lbuf : acc;
    if (acc && la == lbuf)
        memset(lbuf, 0, sizeof lbuf);
    const size_t snp = g->snp, st = g->st, sp = g->sp;
    odometer o;
    odo_init(&o, d, g->zpos, g->nz, u0);
    int i0 = 0;
    while (o.lim[i0] == 1)
        i0++;
    const size_t step = o.mul[i0];
    hs_amp y[CHUNK_AMPS];
    const size_t chunk = CHUNK_AMPS / (size_t)d;
    for (size_t u = u0; u < u1;) {
        size_t L = o.lim[i0] - o.seg[i0];
        L = L < chunk ? L : chunk;
        L = L < u1 - u ? L : u1 - u;
        const size_t base = o.base;
        /* Increasing t: output (a, t) overwrites the input (a, pos = t,
         * top = 0), which only the outputs t = 0 read, and the chunk's t = 0
         * outputs are all computed before any is stored. */
        for (int t = 0; t < g->T; t++) {
            for (int a = 0; a < g->A; a++) {
                const hs_amp *in = amp + base + (size_t)a * snp + (size_t)t * st;
                hs_amp *yy = y + (size_t)(g->over_t ? t : a) * chunk;
                for (size_t l = 0; l < L; l++) {
                    const hs_amp *x = in + l * step;
                    double re = 0, im = 0;
                    for (int i = 0; i < nj; i++) {
                        const double vr = creal(x[jo[i]]), vi = cimag(x[jo[i]]);
                        re += cr[i] * vr - ci[i] * vi;
                        im += cr[i] * vi + ci[i] * vr;
                    }
                    ((double *)(yy + l))[0] = re;
                    ((double *)(yy + l))[1] = im;
                }
            }
            if (g->over_t)
                continue;
            for (int a = 0; a < g->A; a++)
                for (size_t l = 0; l < L; l++)
                    amp[base + (size_t)a * snp + (size_t)t * sp + l * step] = y[(size_t)a * chunk + l];
            if (acc)
                for (size_t l = 0; l < L; l++)
                    rho_add(la, d, y + l, chunk);
        }
        if (g->over_t) {
            for (int t = 0; t < g->T; t++)
                for (size_t l = 0; l < L; l++)
                    amp[base + (size_t)t * sp + l * step] = y[(size_t)t * chunk + l];
            for (size_t l = 0; l < L; l++)
                rho_add(la, d, y + l, chunk);
        }
        for (size_t l = 0; l < L; l++)
            odo_step(&o);
        u += L;
    }
    if (acc && la == lbuf)
        memcpy(acc, lbuf, (size_t)(d * d) * sizeof *acc);
}

/* collapse_units for a fixed dimension D (0: q->d), full rows and single
 * digits, compiled for the x86-64 baseline and (x86-64) for AVX2 as the
 * kernels of core/kern.h are: no reassociation and no FMA contraction in
 * either, so both give the same bits. */
#define HS_QCELL_DIM(D, suffix, attr)                                                                      \
    attr static void collapse_units_##D##suffix(hs_amp *amp, const hs_qcell *q, const shape *g, int full,  \
                                                size_t u0, size_t u1, double *acc)                         \
    {                                                                                                      \
        const int d = (D) ? (D) : q->d;                                                                    \
        if (full)                                                                                          \
            collapse_units(amp, q, g, d, 1, u0, u1, acc);                                                  \
        else                                                                                               \
            collapse_units(amp, q, g, d, 0, u0, u1, acc);                                                  \
    }
#define HS_QCELL_DIMS(suffix, attr)                                                                        \
    HS_QCELL_DIM(3, suffix, attr)                                                                          \
    HS_QCELL_DIM(4, suffix, attr)                                                                          \
    HS_QCELL_DIM(5, suffix, attr)                                                                          \
    HS_QCELL_DIM(0, suffix, attr)
HS_QCELL_DIMS(_generic, )
#if HS_KERN_X86
HS_QCELL_DIMS(_avx2, __attribute__((target("avx2"))))
#endif

typedef void (*units_fn)(hs_amp *, const hs_qcell *, const shape *, int, size_t, size_t, double *);

static units_fn units_variant(int d)
{
#if HS_KERN_X86
    if (hs_kern_get()->level == HS_KERN_AVX2)
        return d == 3 ? collapse_units_3_avx2 : d == 4 ? collapse_units_4_avx2 : d == 5 ? collapse_units_5_avx2
                                                                                      : collapse_units_0_avx2;
#endif
    return d == 3 ? collapse_units_3_generic : d == 4 ? collapse_units_4_generic : d == 5 ? collapse_units_5_generic
                                                                                    : collapse_units_0_generic;
}

void hs_qcell_collapse(hs_amp *amp, size_t len, const hs_qcell *q, double *root)
{
    const int d = q->d, pos = q->pos, top = q->top, np = q->np;
    assert(d > 2 && pos >= 0 && pos <= top && np < top && q->digit < d);
    size_t pw[65];
    pw[0] = 1;
    for (int i = 0; i <= top; i++)
        pw[i + 1] = pw[i] * (size_t)d;
    assert(pw[top + 1] == len);
    /* A unit: the T values of the old top digit (moving into pos) times the
     * A values of the next site's digit, each output reading the digit at
     * pos (stride sj). The matrix sums run over t when the next site is the
     * moved one (np == pos), else over a. */
    shape g = {.sp = pw[pos], .st = pw[top], .over_t = np == pos};
    const int at_top = pos == top;
    g.sj = at_top ? g.st : g.sp;
    g.T = at_top ? 1 : d;
    g.A = np >= 0 && !g.over_t ? d : 1;
    g.snp = g.A > 1 ? pw[np] : 0;
    if (g.A > 1 && np < pos)
        g.zpos[g.nz++] = np;
    g.zpos[g.nz++] = pos;
    if (g.A > 1 && np > pos)
        g.zpos[g.nz++] = np;
    if (!at_top)
        g.zpos[g.nz++] = top;
    g.units = len / pw[g.nz];
    const int full = q->digit < 0;
    const units_fn run = units_variant(d);
    const size_t nb = (g.units + HS_QCELL_BLOCK - 1) / HS_QCELL_BLOCK, w = (size_t)d * (size_t)d;
    double *part = np >= 0 ? hs_alloc(nb * w * sizeof *part) : NULL;
    HS_PAR_FOR(hs_sys_par(len), for (size_t b = 0; b < nb; b++) {
        double *acc = part ? part + b * w : NULL;
        if (acc)
            memset(acc, 0, w * sizeof *acc);
        const size_t end = (b + 1) * HS_QCELL_BLOCK < g.units ? (b + 1) * HS_QCELL_BLOCK : g.units;
        run(amp, q, &g, full, b * HS_QCELL_BLOCK, end, acc);
    });
    if (part) {
        hs_sum_tree(part, nb, (int)w, root);
        hs_sys_free(part);
    }
}
