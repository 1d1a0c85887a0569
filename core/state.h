/* The state vector of n sites of dimension d, and the query cell: basis change
 * on one site, exact outcome distribution, collapse and discard.
 *
 * Layout: amplitude index z = sum_p z_p d^p over the n_act active positions.
 * Sites keep their original labels; pos_of_site maps a label to its current
 * position. Measuring the site at position p discards it by moving the site at
 * the top position (n_act - 1) into position p, so the state stays a dense
 * prefix of the buffer and shrinks by a factor d in place, with no compaction
 * pass (see hs_state_collapse).
 *
 * Probabilities are sums over blocks of HS_SUM_BLOCK pair indices combined by a
 * fixed binary tree (core/sum.h): the result is bitwise the same for any thread
 * count, and its relative error stays near (HS_SUM_BLOCK/4 + log2 N) eps. */
#ifndef HS_STATE_H
#define HS_STATE_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

typedef double complex hs_amp;

/* A single-site unitary in the form the engine applies it:
 *   HS_U_IDENTITY  computational basis;
 *   HS_U_MATRIX    d = 2 only: the 2x2 matrix m[row * 2 + col];
 *   HS_U_CHIRP     d > 2: F^dagger C_chirp, C = diag(exp(-i pi chirp j^2 / d)),
 *                  applied with FFTW (chirp is real: the k-HRNN trains it). */
enum { HS_U_IDENTITY, HS_U_MATRIX, HS_U_CHIRP };
typedef struct {
    int kind;
    hs_amp m[4];
    double chirp;
} hs_unitary;

/* Builds U_b for basis code b (HS_BASIS_Z or chirp index m, core/hsmt.h). For
 * d = 2 this is a matrix (U_X = H, U_Y = H S^dagger). */
hs_unitary hs_unitary_basis(int code, int d);
/* The 2x2 matrix of F^dagger C_m for d = 2 and real m. */
hs_unitary hs_unitary_chirp2(double m);

typedef struct hs_state {
    int d;
    int n;             /* sites at creation */
    int n_act;         /* active positions */
    size_t len;        /* d^n_act amplitudes in use */
    hs_amp *amp;       /* [d^n], 64-byte aligned */
    int pos_of_site[64];  /* -1 once discarded */
    int site_at_pos[64];
    size_t stride[65];    /* d^p */
    /* Pending query between hs_state_probs and hs_state_collapse. */
    int q_pos;         /* -1 when none */
    hs_unitary q_u;
    double q_raw[64];  /* unnormalised outcome weights (d <= 64 for queries) */
    const uint64_t *bits; /* qubits: the layer's phase bits while the
                        * amplitudes are unwritten (hs_write_first_bits, the
                        * caller's buffer); the next collapse writes the
                        * state it leaves from them (core/bitcell.h) */
    int q_rot;         /* d > 2: 1 when the basis change q_u is applied to the
                        * amplitudes (hs_state_probs), 0 when the collapse
                        * applies its row (after hs_state_collapse_probs) */
    struct hs_fft *fft;   /* FFTW plan cache for d > 2 (core/qudit.c) */
} hs_state;

/* Bytes the state of n sites of dimension d needs (amplitudes only); 0 when
 * d^n * 16 overflows 64 bits. */
uint64_t hs_state_bytes(int n, int d);
/* Checks the state (plus the generator's and model's working memory, which is
 * at most 1/8 of it) against hs_sys_mem_available. Returns 0, or -1 with a
 * one-line message stating need and limit. */
int hs_state_check_fit(int n, int d, char *err, size_t errlen);

hs_state *hs_state_new(int n, int d);
void hs_state_free(hs_state *s);
/* Resets to |+>^n on all n sites (restores the identity site map). */
void hs_state_init_plus(hs_state *s);
/* Restores all n sites with the identity site map, leaving the amplitudes
 * untouched: for callers that overwrite every amplitude next. */
void hs_state_reset_map(hs_state *s);
/* Copies a full n-site amplitude vector in (identity site map). */
void hs_state_load(hs_state *s, const hs_amp *amp);

/* Sum of |amp|^2, by the deterministic blocked tree. */
double hs_state_norm2(const hs_state *s);

/* Kernels on plain buffers, shared with dist/ (which runs them on its slice
 * and combines the per-rank tree roots in the same tree order, so results are
 * bitwise those of one process). Block sizes are powers of two >= 4. */

/* Adds the pair (p0, p1) to lane l of the reduced-density-matrix sums
 * a[j][l]: j = 0 |p0|^2, 1 |p1|^2, 2 Re(p0 conj p1), 3 Im(p0 conj p1). */
static inline void hs_state_rho_add(double a[4][4], int l, hs_amp p0, hs_amp p1)
{
    double x0 = creal(p0), y0 = cimag(p0), x1 = creal(p1), y1 = cimag(p1);
    a[0][l] += x0 * x0 + y0 * y0;
    a[1][l] += x1 * x1 + y1 * y1;
    a[2][l] += x0 * x1 + y0 * y1;
    a[3][l] += y0 * x1 - x0 * y1;
}
/* The four sums of one block: its lanes combined pairwise. */
static inline void hs_state_rho_block(double a[4][4], double out[4])
{
    for (int j = 0; j < 4; j++)
        out[j] = (a[j][0] + a[j][1]) + (a[j][2] + a[j][3]);
}
/* Tree root of sum |amp[i]|^2, i < len, over blocks of `block` terms. */
double hs_state_norm2_root(const hs_amp *amp, size_t len, size_t block);
/* Tree roots of the four sums above for the site at bit p of a qubit
 * buffer of len amplitudes: pair r = index with bit p removed, blocks of
 * `block` consecutive r, lane r mod 4. */
void hs_state_rho_root(const hs_amp *amp, size_t len, int p, size_t block, double root[4]);
/* Unnormalised outcome weights (clamped at 0) of measuring after u, from
 * the four sums: w_o = (u rho u^dagger)_oo. */
void hs_state_rho_weights(const double rho[4], const hs_unitary *u, double w[2]);

/* Query cell, part 1: the outcome distribution p[0..d-1] (normalised to sum 1)
 * of measuring `site` after applying u to it. For d > 2 the basis change is
 * applied to the state here (FFTW); for d = 2 it is folded into the reduced
 * density matrix of the site and into the collapse pass. */
void hs_state_probs(hs_state *s, int site, const hs_unitary *u, double *p);
/* Part 1 as hs_state_probs, with the basis change left to the collapse: for
 * d > 2 the distribution comes from the site's d x d matrix (one read pass,
 * core/qcell.h) and the amplitudes stay as they are; for d = 2 it is
 * hs_state_probs. */
void hs_state_probs_deferred(hs_state *s, int site, const hs_unitary *u, double *p);
/* Qubits: part 1 from the four sums of the site's reduced density matrix
 * (hs_state_rho_root's, or ones the caller knows otherwise: the layer
 * written from |+>, core/write.h), without a pass over the state. */
void hs_state_probs_rho(hs_state *s, int site, const hs_unitary *u, const double rho[4], double *p);
/* Query cell, part 2: condition the pending query on `outcome` and discard the
 * site. Returns 0, or -1 if the outcome has weight 0 (state unchanged).
 * After hs_write_first_bits (the amplitudes unwritten) this and
 * hs_state_collapse_probs write the state left from the phase bits: bitwise
 * the written layer's collapse; a fused next distribution from exact counts
 * of bit patterns (core/bitcell.h). */
int hs_state_collapse(hs_state *s, int outcome);
/* Part 2 of the pending query and part 1 of the next in one pass:
 * condition on `outcome`, discard the site, and return in p the
 * distribution of measuring next_site after u, as hs_state_collapse then
 * hs_state_probs would. Qubits: the same products per amplitude, but the
 * distribution from sums in another fixed order when the next site is
 * neither the moved top site nor follows a top-site query. d > 2: the
 * distribution from the next site's d x d matrix (core/qcell.h), not from
 * the FFTW basis change, which the next collapse applies as a row of U
 * instead. Either way the same for every thread count, and within the bound
 * tests/test_state.c states of the unfused one (so is the state normalised
 * by it). Returns -1 if the outcome has weight 0 (state unchanged). */
int hs_state_collapse_probs(hs_state *s, int outcome, int next_site, const hs_unitary *u, double *p);

#endif
