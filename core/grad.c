/* Forward-mode tangent simulator for qubit sequence models (see grad.h). */
#include "grad.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "score.h"
#include "sys.h"

/* Pair indices per work unit of a gate pass: every vector's slice of a chunk
 * (chunk * 32 bytes) stays in L1/L2 between the tangents' and psi's sweeps. */
#define GATE_CHUNK 1024

hs_grad_sim *hs_grad_new(int n, int nparams)
{
    assert(n >= 1 && n <= 30 && nparams >= 0);
    hs_grad_sim *s = hs_calloc(1, sizeof *s);
    s->n = n;
    s->nparams = nparams;
    s->cap = (size_t)1 << n;
    s->buf = hs_alloc((size_t)(1 + nparams) * s->cap * sizeof *s->buf);
    s->live = hs_calloc((size_t)(1 + nparams), 1);
    s->lv = hs_alloc((size_t)(1 + nparams) * sizeof *s->lv);
    s->has = hs_alloc((size_t)(1 + nparams) * sizeof *s->has);
    s->dm = hs_alloc((size_t)(1 + nparams) * sizeof *s->dm);
    s->sums = hs_alloc((size_t)(1 + nparams) * sizeof *s->sums);
    hs_grad_init_plus(s);
    return s;
}

void hs_grad_free(hs_grad_sim *s)
{
    if (!s)
        return;
    hs_sys_free(s->buf);
    hs_sys_free(s->live);
    hs_sys_free(s->lv);
    hs_sys_free(s->has);
    hs_sys_free(s->dm);
    hs_sys_free(s->sums);
    hs_sys_free(s);
}

void hs_grad_init_plus(hs_grad_sim *s)
{
    s->n_act = s->n;
    s->len = s->cap;
    for (int i = 0; i < s->n; i++) {
        s->pos_of_site[i] = i;
        s->site_at_pos[i] = i;
    }
    memset(s->live, 0, (size_t)(1 + s->nparams));
    s->live[0] = 1;
    hs_amp *psi = s->buf;
    const double a = 1.0 / sqrt((double)s->len);
    for (size_t z = 0; z < s->len; z++)
        psi[z] = a;
}

void hs_grad_set_live(hs_grad_sim *s, int v)
{
    assert(v >= 1 && v <= s->nparams);
    s->live[v] = 1;
}

/* Fills s->lv with the live vector indices (0 first); returns their number. */
static int live_list(hs_grad_sim *s)
{
    int nl = 0;
    for (int v = 0; v <= s->nparams; v++)
        if (s->live[v])
            s->lv[nl++] = v;
    return nl;
}

static int position(const hs_grad_sim *s, int site)
{
    assert(site >= 0 && site < s->n && s->pos_of_site[site] >= 0);
    return s->pos_of_site[site];
}

/* Zeroes and marks live the tangent of parameter j if it is dead. */
static void wake(hs_grad_sim *s, int j)
{
    const int v = 1 + j;
    assert(v >= 1 && v <= s->nparams);
    if (!s->live[v]) {
        memset(hs_grad_vec(s, v), 0, s->len * sizeof(hs_amp));
        s->live[v] = 1;
    }
}

void hs_grad_gate(hs_grad_sim *s, int site, const hs_amp u[4], int np, const int *param,
                  const hs_amp (*du)[4])
{
    const int p = position(s, site);
    /* A dead tangent of one of this gate's parameters becomes du psi: zero it
     * first so the common update u t + du psi applies. */
    for (int a = 0; a < np; a++)
        wake(s, param[a]);
    const int nl = live_list(s);
    /* dm[l]: sum of du[a] over this gate's parameters equal to vector lv[l]'s;
     * has[l] = 0 when there is none. */
    hs_amp(*dm)[4] = s->dm;
    int *has = s->has;
    for (int l = 0; l < nl; l++) {
        has[l] = 0;
        memset(dm[l], 0, sizeof dm[l]);
        for (int a = 0; a < np; a++)
            if (1 + param[a] == s->lv[l]) {
                has[l] = 1;
                for (int e = 0; e < 4; e++)
                    dm[l][e] += du[a][e];
            }
    }
    const size_t half = s->len / 2, bit = (size_t)1 << p, low = bit - 1;
    const size_t chunk = half < GATE_CHUNK ? half : GATE_CHUNK;
    hs_amp *buf = s->buf;
    const size_t cap = s->cap;
    const int *lv = s->lv;
    /* Chunks of pair indices; within a chunk each vector is swept over runs
     * of consecutive pairs (z0, z0 + bit), tangents before psi because they
     * read the old psi. Contiguous runs keep the inner loop vectorisable.
     * psi is read through its own pointer only for l > 0, where t is a
     * different vector (restrict holds). */
    HS_PAR_FOR(hs_sys_par(2 * half), for (size_t c = 0; c < half; c += chunk) {
        for (int l = nl - 1; l >= 0; l--) {
            hs_amp *restrict t = buf + (size_t)lv[l] * cap;
            const hs_amp *restrict psi = buf;
            const hs_amp u0 = u[0], u1 = u[1], u2 = u[2], u3 = u[3];
            const int d = l > 0 && has[l];
            const hs_amp d0 = d ? dm[l][0] : 0, d1 = d ? dm[l][1] : 0;
            const hs_amp d2 = d ? dm[l][2] : 0, d3 = d ? dm[l][3] : 0;
            for (size_t i = c; i < c + chunk;) {
                const size_t r0 = i & low, run = bit - r0 < c + chunk - i ? bit - r0 : c + chunk - i;
                const size_t z0 = ((i & ~low) << 1) | r0;
                if (d)
                    for (size_t r = z0; r < z0 + run; r++) {
                        const hs_amp t0 = t[r], t1 = t[r + bit], a0 = psi[r], a1 = psi[r + bit];
                        t[r] = u0 * t0 + u1 * t1 + d0 * a0 + d1 * a1;
                        t[r + bit] = u2 * t0 + u3 * t1 + d2 * a0 + d3 * a1;
                    }
                else
                    for (size_t r = z0; r < z0 + run; r++) {
                        const hs_amp t0 = t[r], t1 = t[r + bit];
                        t[r] = u0 * t0 + u1 * t1;
                        t[r + bit] = u2 * t0 + u3 * t1;
                    }
                i += run;
            }
        }
    });
}

void hs_grad_cz_ladder(hs_grad_sim *s, const int *sites, int m)
{
    if (m < 2)
        return;
    int pos[64];
    assert(m <= 64);
    for (int i = 0; i < m; i++)
        pos[i] = position(s, sites[i]);
    const int nl = live_list(s);
    hs_amp *buf = s->buf;
    const size_t cap = s->cap, len = s->len;
    const size_t chunk = len < GATE_CHUNK ? len : GATE_CHUNK;
    const int *lv = s->lv;
    /* Sign bit of z as a 0 / 1 factor, applied branch-free per vector. */
    HS_PAR_FOR(hs_sys_par(len), for (size_t c = 0; c < len; c += chunk) {
        for (int l = 0; l < nl; l++) {
            hs_amp *t = buf + (size_t)lv[l] * cap;
            for (size_t z = c; z < c + chunk; z++) {
                size_t par = 0;
                for (int i = 0; i + 1 < m; i++)
                    par ^= (z >> pos[i]) & (z >> pos[i + 1]) & 1;
                t[z] *= 1.0 - 2.0 * (double)par;
            }
        }
    });
}

int hs_grad_measure(hs_grad_sim *s, int site, int outcome, double r[2], double *dr)
{
    assert(outcome == 0 || outcome == 1);
    const int p = position(s, site), P = s->nparams;
    const int nl = live_list(s);
    const size_t len = s->len, cap = s->cap, bit = (size_t)1 << p;
    hs_amp *buf = s->buf;
    const int *lv = s->lv;
    /* sums[l][o]: for l = 0 the weight w_o = sum_{z_p = o} |psi|^2, for a live
     * tangent dw_o = 2 Re sum_{z_p = o} conj(psi) dpsi. One serial sum per
     * vector keeps the result independent of the thread count. */
    double(*sums)[2] = s->sums;
    HS_PAR_FOR(hs_sys_par(len) && nl > 1, for (int l = 0; l < nl; l++) {
        const hs_amp *t = buf + (size_t)lv[l] * cap;
        double acc[2] = {0, 0};
        for (size_t z = 0; z < len; z++) {
            const hs_amp a = buf[z], b = t[z];
            acc[(z & bit) != 0] += creal(a) * creal(b) + cimag(a) * cimag(b);
        }
        sums[l][0] = l ? 2 * acc[0] : acc[0];
        sums[l][1] = l ? 2 * acc[1] : acc[1];
    });
    const double W = sums[0][0] + sums[0][1];
    assert(W > 0);
    r[0] = sums[0][0] / W;
    r[1] = sums[0][1] / W;
    if (dr) {
        /* r_o = w_o / W: dr_o = (dw_o - r_o dW) / W. */
        memset(dr, 0, 2 * (size_t)P * sizeof *dr);
        for (int l = 1; l < nl; l++) {
            const int j = lv[l] - 1;
            const double dW = sums[l][0] + sums[l][1];
            for (int o = 0; o < 2; o++)
                dr[o * P + j] = (sums[l][o] - r[o] * dW) / W;
        }
    }
    const double w = sums[0][outcome];
    if (!(w > 0))
        return -1;

    /* Project onto the outcome and discard: the top position moves into p.
     * For y < len/2 with bit p clear, the new pair (y, y | bit) comes from
     * old (y | o bit, y | o bit | top); the reads of a pair are its own
     * entries or in the upper half, which no pair writes. */
    const int top = s->n_act - 1;
    const size_t topbit = (size_t)1 << top, obit = (size_t)outcome << p;
    const double c = 1.0 / sqrt(w);
    if (p == top) {
        const size_t half = len / 2;
        HS_PAR_FOR(hs_sys_par(2 * half), for (size_t y = 0; y < half; y++) {
            for (int l = 0; l < nl; l++) {
                hs_amp *t = buf + (size_t)lv[l] * cap;
                t[y] = c * t[y | obit];
            }
        });
    } else {
        const size_t quarter = len / 4, lowmask = bit - 1;
        HS_PAR_FOR(hs_sys_par(2 * quarter), for (size_t i = 0; i < quarter; i++) {
            const size_t y = ((i & ~lowmask) << 1) | (i & lowmask);
            for (int l = 0; l < nl; l++) {
                hs_amp *t = buf + (size_t)lv[l] * cap;
                const hs_amp lo = t[y | obit], hi = t[y | obit | topbit];
                t[y] = c * lo;
                t[y | bit] = c * hi;
            }
        });
        const int moved = s->site_at_pos[top];
        s->site_at_pos[p] = moved;
        s->pos_of_site[moved] = p;
    }
    s->pos_of_site[site] = -1;
    s->site_at_pos[top] = -1;
    s->n_act--;
    s->len /= 2;
    return 0;
}

void hs_grad_euler(const double ang[3], hs_amp v[4], hs_amp dv[3][4])
{
    /* Rz(x) = diag(e^{-ix/2}, e^{ix/2}), Ry(y) = [[c, -s], [s, c]] with
     * (c, s) = (cos y/2, sin y/2); v[r][c] = za[r] ry[r][c] zg[c]. */
    const double al = ang[0], be = ang[1], ga = ang[2];
    const double c = cos(be / 2), sn = sin(be / 2);
    const hs_amp za[2] = {cexp(-I * al / 2), cexp(I * al / 2)};
    const hs_amp zg[2] = {cexp(-I * ga / 2), cexp(I * ga / 2)};
    const hs_amp dza[2] = {-0.5 * I * za[0], 0.5 * I * za[1]};
    const hs_amp dzg[2] = {-0.5 * I * zg[0], 0.5 * I * zg[1]};
    const double ry[4] = {c, -sn, sn, c};
    const double dry[4] = {-0.5 * sn, -0.5 * c, 0.5 * c, -0.5 * sn};
    for (int row = 0; row < 2; row++)
        for (int col = 0; col < 2; col++) {
            const int e = 2 * row + col;
            v[e] = za[row] * ry[e] * zg[col];
            dv[0][e] = dza[row] * ry[e] * zg[col];
            dv[1][e] = za[row] * dry[e] * zg[col];
            dv[2][e] = za[row] * ry[e] * dzg[col];
        }
}

int hs_grad_queries(hs_grad_sim *s, const hs_seq *seq, const double (*angles)[3], int pbase,
                    double *r, double *dr)
{
    assert(seq->d == 2);
    const int P = s->nparams;
    for (int t = 0; t < seq->q; t++) {
        const int b = seq->basis[t];
        hs_amp v[4], dv[3][4];
        hs_grad_euler(angles[b], v, dv);
        const int param[3] = {pbase + 3 * b, pbase + 3 * b + 1, pbase + 3 * b + 2};
        hs_grad_gate(s, seq->sites[t], v, dr ? 3 : 0, param, (const hs_amp(*)[4])dv);
        if (hs_grad_measure(s, seq->sites[t], seq->outcomes[t], r + 2 * t,
                            dr ? dr + (size_t)t * 2 * P : NULL) != 0)
            return -1;
    }
    return 0;
}

double hs_grad_output_loss(const hs_seq *seq, const double *r, const double *dr, int nparams, int kind, int t,
                           double *g)
{
    const int P = nparams;
    double loss = 0;
    for (int o = 0; o < 2; o++) {
        /* Weight of log2 1/r_t(o) in this loss. */
        const double wt = kind == HS_LOSS_CE ? seq->probs[2 * t + o] : (o == seq->outcomes[t]);
        if (!(wt > 0))
            continue;
        const double ro = r[2 * t + o];
        loss -= wt * log2(ro > HS_SCORE_FLOOR ? ro : HS_SCORE_FLOOR);
        if (g && ro > HS_SCORE_FLOOR) {
            const double f = -wt / (ro * M_LN2);
            const double *d = dr + (size_t)(2 * t + o) * P;
            for (int j = 0; j < P; j++)
                g[j] += f * d[j];
        }
    }
    return loss;
}

double hs_grad_seq_loss(const hs_seq *seq, const double *r, const double *dr, int nparams, int kind,
                        double *g)
{
    double loss = 0;
    for (int t = 0; t < seq->q; t++)
        loss += hs_grad_output_loss(seq, r, dr, nparams, kind, t, g);
    return loss;
}

double hs_grad_mean_loss(hs_grad_forward fwd, const void *model, int n, int nparams,
                         const hs_seq *seqs, long count, int kind, double *g, double *r_out)
{
    assert(kind == HS_LOSS_CE || kind == HS_LOSS_NLL);
    const int P = nparams;
    int qmax = 1;
    long outputs = 0;
    for (long i = 0; i < count; i++) {
        qmax = seqs[i].q > qmax ? seqs[i].q : qmax;
        outputs += seqs[i].q;
    }
    /* Sequences in parallel (each thread its own simulator; the passes inside
     * then run on one thread), per-sequence results combined in index order
     * afterwards: the same numbers for any thread count. One sequence runs
     * alone with the passes parallel instead, and too little work serially. */
    double *loss_i = hs_alloc((size_t)(count > 0 ? count : 1) * sizeof *loss_i);
    double *g_i = g ? hs_calloc((size_t)(count > 0 ? count : 1) * (size_t)(P > 0 ? P : 1), sizeof *g_i) : NULL;
    int failed = 0;
#pragma omp parallel if (count > 1 && ((size_t)count << n) >= HS_GRAD_PAR_WORK) reduction(| : failed)
    {
        hs_grad_sim *sim = hs_grad_new(n, g ? P : 0);
        double *r = hs_alloc((size_t)qmax * 2 * sizeof *r);
        double *dr = g ? hs_alloc((size_t)qmax * 2 * (size_t)(P > 0 ? P : 1) * sizeof *dr) : NULL;
#pragma omp for schedule(dynamic, 1)
        for (long i = 0; i < count; i++) {
            if (fwd(model, sim, &seqs[i], r, dr) != 0) {
                failed = 1;
                continue;
            }
            loss_i[i] = hs_grad_seq_loss(&seqs[i], r, dr, P, kind, g ? g_i + (size_t)i * P : NULL);
            if (r_out) {
                assert(seqs[i].q == seqs[0].q);
                memcpy(r_out + (size_t)i * seqs[0].q * 2, r, (size_t)seqs[i].q * 2 * sizeof *r);
            }
        }
        hs_grad_free(sim);
        hs_sys_free(r);
        hs_sys_free(dr);
    }
    double loss = 0;
    if (g)
        memset(g, 0, (size_t)P * sizeof *g);
    if (failed)
        loss = INFINITY;
    else
        for (long i = 0; i < count; i++) {
            loss += loss_i[i];
            if (g)
                for (int j = 0; j < P; j++)
                    g[j] += g_i[(size_t)i * P + j];
        }
    hs_sys_free(loss_i);
    hs_sys_free(g_i);
    if (failed || outputs == 0)
        return loss;
    if (g)
        for (int j = 0; j < P; j++)
            g[j] /= (double)outputs;
    return loss / (double)outputs;
}

/* The trainable of an hs_grad_model: ctx is a copy of the descriptor. */
static void gm_get(void *ctx, double *x)
{
    const hs_grad_model *gm = ctx;
    gm->get(gm->model, x);
}

static void gm_set(void *ctx, const double *x)
{
    hs_grad_model *gm = ctx;
    gm->set(gm->model, x);
}

static double gm_loss_grad(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, int kind, double *g,
                           double *r)
{
    const hs_grad_model *gm = ctx;
    assert(t->n == gm->n && t->d == 2);
    /* hs_grad_mean_loss works in bits; the trainable interface in nats. */
    const double l = hs_grad_mean_loss(gm->fwd, gm->model, gm->n, gm->nparams, seqs, count, kind, g, r);
    for (int j = 0; g && j < gm->nparams; j++)
        g[j] *= M_LN2;
    return l * M_LN2;
}

static int gm_predict(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, double *r, char *err,
                      size_t errlen)
{
    const hs_grad_model *gm = ctx;
    assert(t->n == gm->n && t->d == 2);
    long bad = -1;
#pragma omp parallel if (count > 1 && ((size_t)count << gm->n) >= HS_GRAD_PAR_WORK) reduction(max : bad)
    {
        hs_grad_sim *sim = hs_grad_new(gm->n, 0);
#pragma omp for schedule(dynamic, 1)
        for (long i = 0; i < count; i++)
            if (gm->fwd(gm->model, sim, &seqs[i], r + (size_t)i * t->q * 2, NULL) != 0)
                bad = i > bad ? i : bad;
        hs_grad_free(sim);
    }
    if (bad >= 0) {
        snprintf(err, errlen, "sequence %llu: the model gives the observed outcome probability 0",
                 (unsigned long long)seqs[bad].id);
        return -1;
    }
    return 0;
}

static void gm_free(void *ctx)
{
    hs_grad_model *gm = ctx;
    gm->free_model(gm->model);
    hs_sys_free(gm);
}

void hs_grad_trainable(const hs_grad_model *gm, hs_trainable *tr)
{
    hs_grad_model *c = hs_alloc(sizeof *c);
    *c = *gm;
    *tr = (hs_trainable){.ctx = c, .nparams = gm->nparams, .get = gm_get, .set = gm_set,
                         .loss_grad = gm_loss_grad, .predict = gm_predict, .free = gm_free};
}
