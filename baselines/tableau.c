/* Stabilizer tableau (Aaronson-Gottesman) of the k = 2 graph state, with
 * bit-packed rows, driven by the token stream (see tableau.h). */
#include "tableau.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "combin.h"
#include "sys.h"

/* Rows 0..n-1 destabilizers, n..2n-1 stabilizers, 2n scratch. Row i is
 * x + i * w, z + i * w (w words) and sign r[i] (0: +, 1: -). */
typedef struct {
    int n;
    size_t w;
    uint64_t *x, *z;
    uint8_t *r;
} tableau;

static inline int bit(const uint64_t *row, int q) { return (int)(row[q >> 6] >> (q & 63)) & 1; }
static inline void flip(uint64_t *row, int q) { row[q >> 6] ^= 1ull << (q & 63); }
static inline uint64_t *xrow(tableau *t, int i) { return t->x + (size_t)i * t->w; }
static inline uint64_t *zrow(tableau *t, int i) { return t->z + (size_t)i * t->w; }

/* |+>^n: stabilizer n+i is X_i, destabilizer i is Z_i. */
static void tab_init_plus(tableau *t)
{
    const size_t words = (size_t)(2 * t->n + 1) * t->w;
    memset(t->x, 0, words * sizeof *t->x);
    memset(t->z, 0, words * sizeof *t->z);
    memset(t->r, 0, (size_t)(2 * t->n + 1));
    for (int i = 0; i < t->n; i++) {
        flip(zrow(t, i), i);
        flip(xrow(t, t->n + i), i);
    }
}

/* Conjugation by CZ(a, b): X_a -> X_a Z_b, X_b -> Z_a X_b, Z unchanged; the
 * sign flips exactly for X_a Y_b and Y_a X_b (CZ (X x Y) CZ = -Y x X). While
 * only writes have been applied every row has at most one X, so the sign term
 * is zero; it keeps the gate right after measurements too. */
static void tab_cz(tableau *t, int a, int b)
{
    for (int i = 0; i < 2 * t->n; i++) {
        uint64_t *x = xrow(t, i), *z = zrow(t, i);
        int xa = bit(x, a), xb = bit(x, b), za = bit(z, a), zb = bit(z, b);
        t->r[i] ^= (uint8_t)(xa & xb & (za ^ zb));
        if (xb)
            flip(z, a);
        if (xa)
            flip(z, b);
    }
}

/* Conjugation by H: X <-> Z, Y -> -Y. */
static void tab_h(tableau *t, int a)
{
    for (int i = 0; i < 2 * t->n; i++) {
        uint64_t *x = xrow(t, i), *z = zrow(t, i);
        int xa = bit(x, a), za = bit(z, a);
        t->r[i] ^= (uint8_t)(xa & za);
        if (xa != za) {
            flip(x, a);
            flip(z, a);
        }
    }
}

/* Conjugation by S^dagger: X -> -Y, Y -> X, Z -> Z. */
static void tab_sdg(tableau *t, int a)
{
    for (int i = 0; i < 2 * t->n; i++) {
        uint64_t *x = xrow(t, i), *z = zrow(t, i);
        int xa = bit(x, a), za = bit(z, a);
        t->r[i] ^= (uint8_t)(xa & !za);
        if (xa)
            flip(z, a);
    }
}

/* Row h <- row i * row h (the Pauli product of two commuting rows). The phase is i^e with
 * e = 2 r_h + 2 r_i + sum_q g(P_i,q, P_h,q), g the exponent of i in the
 * single-qubit product: XY = iZ, YZ = iX, ZX = iY count +1, the reverse
 * orders -1. Counted 64 qubits at a time. */
static void tab_rowsum(tableau *t, int h, int i)
{
    const uint64_t *x1 = xrow(t, i), *z1 = zrow(t, i);
    uint64_t *x2 = xrow(t, h), *z2 = zrow(t, h);
    long e = 2 * (long)t->r[h] + 2 * (long)t->r[i];
    for (size_t j = 0; j < t->w; j++) {
        uint64_t a = x1[j], b = z1[j], c = x2[j], d = z2[j];
        uint64_t plus = (a & b & d & ~c) | (a & ~b & c & d) | (~a & b & c & ~d);
        uint64_t minus = (a & b & c & ~d) | (a & ~b & ~c & d) | (~a & b & c & d);
        e += __builtin_popcountll(plus) - __builtin_popcountll(minus);
        x2[j] = c ^ a;
        z2[j] = d ^ b;
    }
    e = ((e % 4) + 4) % 4;
    assert(e == 0 || e == 2);
    t->r[h] = (uint8_t)(e == 2);
}

/* Z measurement of qubit a, part 1: returns the stabilizer row index p with
 * x_pa = 1 (random outcome), or -1 and the determined outcome in *o. */
static int tab_measure_kind(tableau *t, int a, int *o)
{
    const int n = t->n;
    for (int p = n; p < 2 * n; p++)
        if (bit(xrow(t, p), a))
            return p;
    /* Z_a is +- the product of the stabilizers whose destabilizers
     * anticommute with Z_a; accumulate it in the scratch row. */
    memset(xrow(t, 2 * n), 0, t->w * sizeof *t->x);
    memset(zrow(t, 2 * n), 0, t->w * sizeof *t->z);
    t->r[2 * n] = 0;
    for (int i = 0; i < n; i++)
        if (bit(xrow(t, i), a))
            tab_rowsum(t, 2 * n, i + n);
    *o = t->r[2 * n];
    return -1;
}

/* Part 2 for a random outcome: collapse onto Z_a = (-1)^o. */
static void tab_collapse(tableau *t, int a, int p, int o)
{
    const int n = t->n;
    /* Destabilizer p - n, the one row anticommuting with row p, is
     * overwritten below, so it is skipped (rowsum needs commuting rows for
     * a real phase). */
    for (int i = 0; i < 2 * n; i++)
        if (i != p && i != p - n && bit(xrow(t, i), a))
            tab_rowsum(t, i, p);
    memcpy(xrow(t, p - n), xrow(t, p), t->w * sizeof *t->x);
    memcpy(zrow(t, p - n), zrow(t, p), t->w * sizeof *t->z);
    t->r[p - n] = t->r[p];
    memset(xrow(t, p), 0, t->w * sizeof *t->x);
    memset(zrow(t, p), 0, t->w * sizeof *t->z);
    flip(zrow(t, p), a);
    t->r[p] = (uint8_t)o;
}

double hs_tableau_memory_bits(const hs_hsmt *cfg)
{
    double n = cfg->n;
    return 2 * n * (2 * n + 1);
}

static int tableau_predict(void *vctx, const hs_hsmt *cfg, const hs_seq *s, double *r, char *err,
                           size_t errlen)
{
    tableau *t = vctx;
    assert(cfg->n == t->n && cfg->k == 2 && cfg->d == 2 && s->d == 2);
    tab_init_plus(t);
    for (long j = 0; j < s->ell; j++) {
        int e[2];
        hs_comb_unrank(s->writes[j], t->n, 2, e);
        tab_cz(t, e[0], e[1]);
    }
    for (int q = 0; q < s->q; q++) {
        const int a = s->sites[q], fed = s->outcomes[q];
        const int code = cfg->bases[s->basis[q]];
        assert(a >= 0 && a < t->n && (fed == 0 || fed == 1));
        /* U_X = H; U_Y = H S^dagger: S^dagger acts first. */
        if (code == 1)
            tab_sdg(t, a);
        if (code != HS_BASIS_Z)
            tab_h(t, a);
        int o = 0;
        int p = tab_measure_kind(t, a, &o);
        if (p >= 0) {
            r[2 * q] = r[2 * q + 1] = 0.5;
            tab_collapse(t, a, p, fed);
        } else {
            r[2 * q] = o == 0;
            r[2 * q + 1] = o == 1;
            if (fed != o) {
                snprintf(err, errlen,
                         "model tableau: sequence %llu, query %d: outcome %d is impossible (the "
                         "graph state determines %d)",
                         (unsigned long long)s->id, q, fed, o);
                return -1;
            }
        }
    }
    return 0;
}

static void tableau_free(void *vctx)
{
    tableau *t = vctx;
    if (!t)
        return;
    hs_sys_free(t->x);
    hs_sys_free(t->z);
    hs_sys_free(t->r);
    hs_sys_free(t);
}

int hs_tableau_open(const hs_hsmt *cfg, hs_model *m, char *err, size_t errlen)
{
    if (cfg->k != 2 || cfg->d != 2) {
        snprintf(err, errlen,
                 "model tableau needs k=2 and d=2 (a graph state), got k=%d d=%d; use exact or "
                 "presample",
                 cfg->k, cfg->d);
        return -1;
    }
    tableau *t = hs_calloc(1, sizeof *t);
    t->n = cfg->n;
    t->w = ((size_t)cfg->n + 63) / 64;
    const size_t rows = 2 * (size_t)cfg->n + 1;
    t->x = hs_calloc(rows * t->w, sizeof *t->x);
    t->z = hs_calloc(rows * t->w, sizeof *t->z);
    t->r = hs_calloc(rows, sizeof *t->r);
    *m = (hs_model){
        .name = "tableau",
        .ctx = t,
        .predict = tableau_predict,
        .free = tableau_free,
        .memory_bits = hs_tableau_memory_bits(cfg),
        .params = 0,
    };
    return 0;
}
