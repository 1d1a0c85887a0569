/* Dynamical Lie algebra dimension by commutator closure in the Pauli basis,
 * with the basis in row echelon form over sparse real coordinates. */
#include "lie.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sys.h"

int hs_pauli_mul(hs_pauli a, hs_pauli b, int n, hs_pauli *c)
{
    const uint32_t mask = n >= 32 ? UINT32_MAX : (1u << n) - 1;
    c->x = (a.x ^ b.x) & mask;
    c->z = (a.z ^ b.z) & mask;
    /* P(x, z) = i^(x.z) X^x Z^z per qubit; moving Z^z1 past X^x2 gives
     * (-1)^(z1.x2); the product's own i^(x3.z3) is divided out. */
    const int ph = __builtin_popcount(a.x & a.z) + __builtin_popcount(b.x & b.z) +
                   2 * __builtin_popcount(a.z & b.x) - __builtin_popcount(c->x & c->z);
    return ((ph % 4) + 4) % 4;
}

/* Basis element: coordinates at idx[0..len), idx[0] the leading (smallest)
 * index, whose coordinate is 1. */
typedef struct {
    uint32_t *idx;
    double *val;
    int len;
} elem;

/* A min-heap of coordinate indices (the reduction visits them in order). */
typedef struct {
    uint32_t *a;
    int n;
} heap;

static void heap_push(heap *h, uint32_t v)
{
    int i = h->n++;
    h->a[i] = v;
    while (i > 0 && h->a[(i - 1) / 2] > h->a[i]) {
        const uint32_t t = h->a[i];
        h->a[i] = h->a[(i - 1) / 2];
        h->a[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static uint32_t heap_pop(heap *h)
{
    const uint32_t top = h->a[0];
    h->a[0] = h->a[--h->n];
    for (int i = 0;;) {
        int m = i;
        const int l = 2 * i + 1, r = l + 1;
        if (l < h->n && h->a[l] < h->a[m])
            m = l;
        if (r < h->n && h->a[r] < h->a[m])
            m = r;
        if (m == i)
            break;
        const uint32_t t = h->a[i];
        h->a[i] = h->a[m];
        h->a[m] = t;
        i = m;
    }
    return top;
}

typedef struct {
    int n;
    size_t N;         /* 4^n coordinates */
    double *v;        /* [N] the candidate, dense */
    unsigned char *in; /* [N] whether an index is in the heap (or was touched) */
    heap h;
    uint32_t *touched; /* [N] indices of v that may be nonzero */
    size_t ntouched;
    int *pivot;       /* [N] basis element whose leading index it is, or -1 */
    elem *basis;
    long dim, cap;
} closure;

static uint32_t index_of(hs_pauli p, int n) { return p.x | (p.z << n); }
static hs_pauli pauli_of(uint32_t i, int n) { return (hs_pauli){i & ((1u << n) - 1), i >> n}; }

static void touch(closure *c, uint32_t i)
{
    if (!c->in[i]) {
        c->in[i] = 1;
        c->touched[c->ntouched++] = i;
        heap_push(&c->h, i);
    }
}

/* v += coef * (commutator of the term (p, a) with every term of e). */
static void add_commutator(closure *c, hs_pauli p, double a, const elem *e)
{
    for (int t = 0; t < e->len; t++) {
        const hs_pauli q = pauli_of(e->idx[t], c->n);
        if ((__builtin_popcount(p.x & q.z) + __builtin_popcount(p.z & q.x)) % 2 == 0)
            continue; /* commuting strings */
        hs_pauli r;
        const int ph = hs_pauli_mul(p, q, c->n, &r);
        /* [iP, iQ] = -2 P Q = -2 i^ph R = (ph == 1 ? -2 : 2) (i R), ph odd. */
        const uint32_t ri = index_of(r, c->n);
        touch(c, ri);
        c->v[ri] += a * e->val[t] * (ph == 1 ? -2.0 : 2.0);
    }
}

/* Reduces the candidate against the basis; adds it when something is left
 * above tol times scale. Clears the candidate. Returns 1 when added. */
static int reduce_add(closure *c, double scale, double tol)
{
    const double thr = tol * scale;
    long lead = -1;
    while (c->h.n > 0) {
        const uint32_t i = heap_pop(&c->h);
        if (fabs(c->v[i]) <= thr)
            continue;
        const int b = c->pivot[i];
        if (b < 0) {
            if (lead < 0)
                lead = i; /* the leading coordinate: the rest stays as it is */
            continue;
        }
        const elem *e = &c->basis[b];
        const double f = c->v[i];
        for (int t = 0; t < e->len; t++) {
            touch(c, e->idx[t]);
            c->v[e->idx[t]] -= f * e->val[t];
        }
        c->v[i] = 0;
    }
    int added = 0;
    if (lead >= 0) {
        if (c->dim == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 64;
            c->basis = hs_realloc(c->basis, (size_t)c->cap * sizeof *c->basis);
        }
        elem *e = &c->basis[c->dim];
        int len = 0;
        for (size_t t = 0; t < c->ntouched; t++)
            len += c->touched[t] >= (uint32_t)lead && fabs(c->v[c->touched[t]]) > thr;
        e->idx = hs_alloc((size_t)len * sizeof *e->idx);
        e->val = hs_alloc((size_t)len * sizeof *e->val);
        e->len = 0;
        const double lv = c->v[lead];
        e->idx[e->len] = (uint32_t)lead;
        e->val[e->len++] = 1;
        for (size_t t = 0; t < c->ntouched; t++) {
            const uint32_t i = c->touched[t];
            if (i > (uint32_t)lead && fabs(c->v[i]) > thr) {
                e->idx[e->len] = i;
                e->val[e->len++] = c->v[i] / lv;
            }
        }
        c->pivot[lead] = (int)c->dim++;
        added = 1;
    }
    for (size_t t = 0; t < c->ntouched; t++) {
        c->v[c->touched[t]] = 0;
        c->in[c->touched[t]] = 0;
    }
    c->ntouched = 0;
    c->h.n = 0;
    return added;
}

int hs_lie_dimension(int n, const hs_lie_gen *gens, int ngens, long max_dim, double tol, long *dim, char *err,
                     size_t errlen)
{
    if (n < 1 || n > 12) {
        snprintf(err, errlen, "Lie algebra: n = %d qubits (allowed 1..12)", n);
        return -1;
    }
    closure c = {.n = n, .N = (size_t)1 << (2 * n)};
    c.v = hs_calloc(c.N, sizeof *c.v);
    c.in = hs_calloc(c.N, 1);
    c.h.a = hs_alloc(c.N * sizeof *c.h.a);
    c.touched = hs_alloc(c.N * sizeof *c.touched);
    c.pivot = hs_alloc(c.N * sizeof *c.pivot);
    for (size_t i = 0; i < c.N; i++)
        c.pivot[i] = -1;
    int rc = 0;
    /* The generators themselves. */
    for (int g = 0; g < ngens; g++) {
        double scale = 0;
        for (int t = 0; t < gens[g].nterms; t++) {
            const uint32_t i = index_of(gens[g].p[t], n);
            touch(&c, i);
            c.v[i] += gens[g].c[t];
            scale = fmax(scale, fabs(gens[g].c[t]));
        }
        reduce_add(&c, scale, tol);
    }
    /* Every element (the list grows as it is read) against every generator. */
    for (long e = 0; e < c.dim && rc == 0; e++)
        for (int g = 0; g < ngens && rc == 0; g++) {
            double scale = 0, emax = 0;
            for (int t = 0; t < c.basis[e].len; t++)
                emax = fmax(emax, fabs(c.basis[e].val[t]));
            for (int t = 0; t < gens[g].nterms; t++) {
                add_commutator(&c, gens[g].p[t], gens[g].c[t], &c.basis[e]);
                scale = fmax(scale, 2 * fabs(gens[g].c[t]) * emax);
            }
            reduce_add(&c, scale, tol);
            if (c.dim > max_dim) {
                snprintf(err, errlen, "Lie algebra: more than %ld basis elements at n = %d (the limit)", max_dim, n);
                rc = -1;
            }
        }
    *dim = c.dim;
    for (long e = 0; e < c.dim; e++) {
        hs_sys_free(c.basis[e].idx);
        hs_sys_free(c.basis[e].val);
    }
    hs_sys_free(c.basis);
    hs_sys_free(c.v);
    hs_sys_free(c.in);
    hs_sys_free(c.h.a);
    hs_sys_free(c.touched);
    hs_sys_free(c.pivot);
    return rc;
}
