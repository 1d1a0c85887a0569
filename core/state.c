/* State vector: allocation with a memory check, |+>^n, norms, and the query
 * cell (outcome distribution, collapse, discard). */
#include "state.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bitcell.h"
#include "hsmt.h"
#include "kern.h"
#include "qcell.h"
#include "qudit.h"
#include "sum.h"
#include "stream.h"
#include "sys.h"

hs_unitary hs_unitary_chirp2(double m)
{
    /* F^dagger = H for d = 2; C_m = diag(1, exp(-i pi m / 2)). */
    const double h = 1.0 / sqrt(2.0);
    hs_amp e = cexp(-I * M_PI * m / 2.0);
    hs_unitary u = {.kind = HS_U_MATRIX};
    u.m[0] = h;
    u.m[1] = h * e;
    u.m[2] = h;
    u.m[3] = -h * e;
    return u;
}

hs_unitary hs_unitary_basis(int code, int d)
{
    if (d == 2) {
        if (code == HS_BASIS_Z)
            return (hs_unitary){.kind = HS_U_MATRIX, .m = {1, 0, 0, 1}};
        return hs_unitary_chirp2(code);
    }
    if (code == HS_BASIS_Z)
        return (hs_unitary){.kind = HS_U_IDENTITY};
    return (hs_unitary){.kind = HS_U_CHIRP, .chirp = code};
}

uint64_t hs_state_bytes(int n, int d)
{
    uint64_t len = 1;
    for (int i = 0; i < n; i++) {
        if (len > UINT64_MAX / 16 / (uint64_t)d)
            return 0;
        len *= (uint64_t)d;
    }
    return len * sizeof(hs_amp);
}

int hs_state_check_fit(int n, int d, char *err, size_t errlen)
{
    uint64_t bytes = hs_state_bytes(n, d);
    const char *src;
    size_t avail = hs_sys_mem_available(&src);
    char need_s[32], avail_s[32];
    if (bytes == 0) {
        snprintf(err, errlen, "state of n=%d sites (d=%d) needs more than 2^64 bytes; %s available (%s)",
                 n, d, hs_sys_fmt_bytes((double)avail, avail_s, sizeof avail_s), src);
        return -1;
    }
    /* Working memory of generator and models (phase bytes, partial sums) is
     * at most 1/8 of the amplitudes. */
    double need = (double)bytes * 1.125;
    if (need > (double)avail) {
        snprintf(err, errlen, "state of n=%d sites (d=%d) needs %s, only %s available (%s)", n, d,
                 hs_sys_fmt_bytes(need, need_s, sizeof need_s),
                 hs_sys_fmt_bytes((double)avail, avail_s, sizeof avail_s), src);
        return -1;
    }
    return 0;
}

hs_state *hs_state_new(int n, int d)
{
    assert(n >= 1 && n <= 62 && d >= 2 && d <= 64);
    uint64_t bytes = hs_state_bytes(n, d);
    if (bytes == 0 || bytes > SIZE_MAX)
        hs_sys_fatal("state of n=%d sites (d=%d) is too large to address", n, d);
    hs_state *s = hs_calloc(1, sizeof *s);
    s->d = d;
    s->n = n;
    s->stride[0] = 1;
    for (int p = 1; p <= n; p++)
        s->stride[p] = s->stride[p - 1] * (size_t)d;
    s->amp = hs_alloc((size_t)bytes);
    hs_state_init_plus(s);
    return s;
}

void hs_state_free(hs_state *s)
{
    if (!s)
        return;
    hs_qudit_free(s->fft);
    hs_sys_free(s->amp);
    hs_sys_free(s);
}

void hs_state_reset_map(hs_state *s)
{
    s->bits = NULL;
    s->n_act = s->n;
    s->len = s->stride[s->n];
    s->q_pos = -1;
    for (int i = 0; i < s->n; i++)
        s->pos_of_site[i] = s->site_at_pos[i] = i;
}

void hs_state_init_plus(hs_state *s)
{
    hs_state_reset_map(s);
    hs_stream_fill(s->amp, s->len, 1.0 / sqrt((double)s->len));
}

void hs_state_load(hs_state *s, const hs_amp *amp)
{
    hs_state_reset_map(s);
    memcpy(s->amp, amp, s->len * sizeof *amp);
}

double hs_state_norm2_root(const hs_amp *amp, size_t len, size_t block)
{
    const size_t nb = (len + block - 1) / block;
    double *part = hs_alloc(nb * sizeof *part);
    HS_PAR_FOR(hs_sys_par(len), for (size_t b = 0; b < nb; b++) {
        double acc[4] = {0, 0, 0, 0};
        size_t end = (b + 1) * block < len ? (b + 1) * block : len;
        for (size_t i = b * block; i < end; i++) {
            double re = creal(amp[i]), im = cimag(amp[i]);
            acc[i & 3] += re * re + im * im;
        }
        part[b] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    });
    double total;
    hs_sum_tree(part, nb, 1, &total);
    hs_sys_free(part);
    return total;
}

double hs_state_norm2(const hs_state *s)
{
    assert(!s->bits);
    return hs_state_norm2_root(s->amp, s->len, HS_SUM_BLOCK);
}

void hs_state_rho_root(const hs_amp *amp, size_t len, int p, size_t block, double root[4])
{
    const size_t pairs = len / 2;
    const size_t nb = (pairs + block - 1) / block;
    double *part = hs_alloc(nb * 4 * sizeof *part);
    const hs_kern *k = hs_kern_get();
    HS_PAR_FOR(hs_sys_par(len), for (size_t b = 0; b < nb; b++) {
        const size_t end = (b + 1) * block < pairs ? (b + 1) * block : pairs;
        k->rho(amp, p, b * block, end, part + 4 * b);
    });
    hs_sum_tree(part, nb, 4, root);
    hs_sys_free(part);
}

void hs_state_rho_weights(const double rho[4], const hs_unitary *u, double w[2])
{
    hs_amp r01 = rho[2] + I * rho[3];
    for (int o = 0; o < 2; o++) {
        hs_amp v0 = u->m[2 * o], v1 = u->m[2 * o + 1];
        double x = creal(v0 * conj(v0)) * rho[0] + creal(v1 * conj(v1)) * rho[1] +
                   2.0 * creal(v0 * conj(v1) * r01);
        w[o] = x > 0 ? x : 0;
    }
}

/* d > 2, after the basis change: weights sum_r |psi(r, o)|^2 per outcome o. */
static void qudit_weights(const hs_state *s, int p, double *w)
{
    const int d = s->d;
    const size_t rows = s->len / (size_t)d, sp = s->stride[p];
    const size_t nb = hs_sum_blocks(rows);
    double *part = hs_alloc(nb * (size_t)d * sizeof *part);
    const hs_amp *amp = s->amp;
    HS_PAR_FOR(hs_sys_par(s->len), for (size_t b = 0; b < nb; b++) {
        double acc[64][4];
        memset(acc, 0, sizeof(double) * 4 * (size_t)d);
        size_t end = (b + 1) * HS_SUM_BLOCK < rows ? (b + 1) * HS_SUM_BLOCK : rows;
        /* Row r = hi sp + lo starts at hi sp d + lo: counters, not a
         * division per row. */
        size_t hi = b * HS_SUM_BLOCK / sp, lo = b * HS_SUM_BLOCK % sp;
        for (size_t r = b * HS_SUM_BLOCK; r < end; r++) {
            const hs_amp *x = amp + hi * sp * (size_t)d + lo;
            /* d streams advancing together: the hardware prefetcher
             * alone left this pass waiting on memory (4x a read pass). */
            if (lo % 4 == 0)
                for (int o = 0; o < d; o++)
                    __builtin_prefetch(x + (size_t)o * sp + 128);
            for (int o = 0; o < d; o++) {
                hs_amp a = x[(size_t)o * sp];
                acc[o][r & 3] += creal(a) * creal(a) + cimag(a) * cimag(a);
            }
            if (++lo == sp) {
                lo = 0;
                hi++;
            }
        }
        for (int o = 0; o < d; o++)
            part[b * (size_t)d + (size_t)o] = (acc[o][0] + acc[o][1]) + (acc[o][2] + acc[o][3]);
    });
    hs_sum_tree(part, nb, d, w);
    hs_sys_free(part);
}

/* The pending query at position pos with weights s->q_raw set: p normalised. */
static void pending_probs(hs_state *s, double *p)
{
    double total = 0;
    for (int o = 0; o < s->d; o++)
        total += s->q_raw[o];
    assert(total > 0);
    for (int o = 0; o < s->d; o++)
        p[o] = s->q_raw[o] / total;
}

void hs_state_probs_rho(hs_state *s, int site, const hs_unitary *u, const double rho[4], double *p)
{
    assert(s->d == 2 && u->kind == HS_U_MATRIX);
    assert(site >= 0 && site < s->n && s->pos_of_site[site] >= 0);
    s->q_pos = s->pos_of_site[site];
    s->q_u = *u;
    hs_state_rho_weights(rho, u, s->q_raw);
    pending_probs(s, p);
}

void hs_state_probs(hs_state *s, int site, const hs_unitary *u, double *p)
{
    assert(site >= 0 && site < s->n && s->pos_of_site[site] >= 0 && !s->bits);
    const int pos = s->pos_of_site[site], d = s->d;
    if (d == 2) {
        double rho[4];
        hs_state_rho_root(s->amp, s->len, pos, HS_SUM_BLOCK, rho);
        hs_state_probs_rho(s, site, u, rho, p);
        return;
    }
    s->q_pos = pos;
    s->q_u = *u;
    s->q_rot = 1;
    if (u->kind == HS_U_CHIRP)
        hs_qudit_apply(s, pos, u->chirp);
    else
        assert(u->kind == HS_U_IDENTITY);
    qudit_weights(s, pos, s->q_raw);
    pending_probs(s, p);
}

void hs_state_probs_deferred(hs_state *s, int site, const hs_unitary *u, double *p)
{
    if (s->d == 2) {
        hs_state_probs(s, site, u, p);
        return;
    }
    assert(site >= 0 && site < s->n && s->pos_of_site[site] >= 0);
    const int pos = s->pos_of_site[site];
    double rho[64 * 64];
    hs_qcell_rho_root(s->amp, s->len, s->d, pos, rho);
    s->q_pos = pos;
    s->q_u = *u;
    s->q_rot = 0;
    hs_qcell_weights(rho, s->d, u, s->q_raw);
    pending_probs(s, p);
}

/* Moves the top position's site into the measured position and shrinks. */
static void discard(hs_state *s, int pos)
{
    const int top = s->n_act - 1;
    const int gone = s->site_at_pos[pos], moved = s->site_at_pos[top];
    s->pos_of_site[gone] = -1;
    if (pos != top) {
        s->site_at_pos[pos] = moved;
        s->pos_of_site[moved] = pos;
    }
    s->n_act--;
    s->len /= (size_t)s->d;
    s->q_pos = -1;
    s->bits = NULL;
}

/* d = 2. Groups of four amplitudes A[j][t] = psi(bit p = j, top bit = t) give
 * the two outputs new(bit p = t, top = 0) = (v0 A[0][t] + v1 A[1][t]) * scale,
 * written over A[0][0] and A[1][0]: groups are disjoint, so the pass is in
 * place and parallel. When p is the top bit, new(r) = v0 psi(r) + v1 psi(r + N/2).
 * Work is split into chunks of CHUNK groups or outputs (kernels per chunk). */
#define CHUNK ((size_t)1 << 12)
static void qubit_collapse(hs_state *s, int pos, hs_amp v0, hs_amp v1)
{
    hs_amp *amp = s->amp;
    const hs_kern *k = hs_kern_get();
    const size_t len = s->len, half = len / 2;
    const int at_top = pos == s->n_act - 1;
    const size_t units = at_top ? half : len / 4, nch = (units + CHUNK - 1) / CHUNK;
    HS_PAR_FOR(hs_sys_par(len), for (size_t c = 0; c < nch; c++) {
        const size_t u0 = c * CHUNK, u1 = u0 + CHUNK < units ? u0 + CHUNK : units;
        if (at_top)
            k->combine(amp + u0, amp + u0, amp + half + u0, u1 - u0, v0, v1);
        else
            k->collapse(amp, len, pos, v0, v1, u0, u1);
    });
}

/* d > 2: the pending query's collapse as an hs_qcell (core/qcell.h), with
 * the matrix of position np of the state left summed into root when np >= 0.
 * After hs_state_probs the basis change is in the amplitudes and the output
 * is the outcome's digit scaled; after a fused cell it is the outcome's row
 * of U applied to the digits. */
static void qudit_collapse(hs_state *s, int o, double scale, int np, double *root)
{
    hs_qcell q = {.d = s->d, .pos = s->q_pos, .top = s->n_act - 1, .np = np};
    if (s->q_rot) {
        q.digit = o;
        q.c[0] = scale;
    } else {
        q.digit = -1;
        hs_qcell_row(&s->q_u, s->d, o, q.c);
        for (int j = 0; j < s->d; j++)
            q.c[j] *= scale;
    }
    hs_qcell_collapse(s->amp, s->len, &q, root);
}

/* The collapse of qubit_collapse (outputs new(x) for x < len/2, x's bit p
 * being the old top bit t: new(x) = v0 psi(x & ~p, top = t) + v1 psi(x | p,
 * top = t)) with the four sums of hs_state_rho_root for position np of the
 * state it leaves, from the outputs while they are in registers: one pass.
 * Units of work: when pos is the top or np == pos, one output pair along
 * np (its inputs are four amplitudes no other pair reads); else a quad of
 * outputs {x, x|p, x|np, x|p|np} (eight inputs, closed under the pass's
 * reads and writes), giving two pairs. Blocks of HS_SUM_BLOCK pairs, lane =
 * unit index mod 4, block sums by hs_sum_tree: thread-independent, but not
 * hs_state_rho_root's order in the quad case (the two pairs of a quad are
 * added in turn). */
static void qubit_collapse_rho(hs_state *s, int pos, hs_amp v0, hs_amp v1, int np, double root[4])
{
    const int top = s->n_act - 1;
    const size_t half = s->len / 2;
    const int quads = pos != top && np != pos;
    const size_t units = quads ? half / 4 : half / 2, per = quads ? HS_SUM_BLOCK / 2 : HS_SUM_BLOCK;
    const size_t nb = (units + per - 1) / per;
    double *part = hs_alloc(nb * 4 * sizeof *part);
    hs_amp *amp = s->amp;
    const size_t len = s->len;
    const hs_kern *k = hs_kern_get();
    HS_PAR_FOR(hs_sys_par(len), for (size_t b = 0; b < nb; b++) {
        const size_t end = (b + 1) * per < units ? (b + 1) * per : units;
        k->collapse_rho(amp, len, pos, top, np, v0, v1, b * per, end, part + 4 * b);
    });
    hs_sum_tree(part, nb, 4, root);
    hs_sys_free(part);
}

int hs_state_collapse_probs(hs_state *s, int outcome, int next_site, const hs_unitary *u, double *p)
{
    const int pos = s->q_pos, top = s->n_act - 1;
    assert(pos >= 0 && outcome >= 0 && outcome < s->d && (s->d > 2 || u->kind == HS_U_MATRIX));
    assert(next_site >= 0 && next_site < s->n && s->pos_of_site[next_site] >= 0 && s->site_at_pos[pos] != next_site);
    if (!(s->q_raw[outcome] > 0))
        return -1;
    /* The next site's position in the state this query leaves: the top
     * site moves into the measured position. */
    const int np = s->site_at_pos[top] == next_site ? pos : s->pos_of_site[next_site];
    const double scale = 1.0 / sqrt(s->q_raw[outcome]);
    if (s->d == 2) {
        double rho[4];
        const hs_amp v0 = s->q_u.m[2 * outcome] * scale, v1 = s->q_u.m[2 * outcome + 1] * scale;
        if (s->bits)
            hs_bitcell_collapse(s->amp, s->bits, s->n, pos, np, 1.0 / sqrt((double)s->len), v0, v1, rho);
        else
            qubit_collapse_rho(s, pos, v0, v1, np, rho);
        hs_state_rho_weights(rho, u, s->q_raw);
    } else {
        double rho[64 * 64];
        qudit_collapse(s, outcome, scale, np, rho);
        hs_qcell_weights(rho, s->d, u, s->q_raw);
    }
    discard(s, pos);
    assert(s->pos_of_site[next_site] == np);
    s->q_pos = np;
    s->q_u = *u;
    s->q_rot = 0;
    pending_probs(s, p);
    return 0;
}

int hs_state_collapse(hs_state *s, int outcome)
{
    const int pos = s->q_pos;
    assert(pos >= 0 && outcome >= 0 && outcome < s->d);
    if (!(s->q_raw[outcome] > 0))
        return -1;
    const double scale = 1.0 / sqrt(s->q_raw[outcome]);
    if (s->d > 2) {
        qudit_collapse(s, outcome, scale, -1, NULL);
    } else {
        const hs_amp v0 = s->q_u.m[2 * outcome] * scale, v1 = s->q_u.m[2 * outcome + 1] * scale;
        if (s->bits)
            hs_bitcell_collapse(s->amp, s->bits, s->n, pos, -1, 1.0 / sqrt((double)s->len), v0, v1, NULL);
        else
            qubit_collapse(s, pos, v0, v1);
    }
    discard(s, pos);
    return 0;
}
