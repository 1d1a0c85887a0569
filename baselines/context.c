/* Noncontextual fraction of the context statistics of a small state, by
 * column generation over GLPK (see context.h for the LP, its layouts and the
 * meaning of the verified bounds). */
#include "context.h"

#include <assert.h>
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "hsmt.h"
#include "sys.h"

/* Dual value given to rows with p_c(e) = 0 in pricing: any value > 1 keeps
 * every g that restricts to such a row at reduced cost 1 - s_g < 0, and any
 * finite value keeps the dual feasible for the full LP (those rows have p = 0,
 * so they add nothing to the bound). */
#define FORBID_DUAL 2.0
/* A column enters when its reduced cost 1 - s_g exceeds this; the simplex
 * runs with primal and dual feasibility tolerances of the same size. The rows
 * are scaled by d^n so right-hand sides are O(1) and these are relative. */
#define PRICE_TOL 1e-9
/* GLPK's storage per constraint nonzero (measured: ~80 bytes, 3M nonzeros in
 * 250 MiB resident), with a margin. */
#define GLPK_BYTES_PER_NZ 100.0

static size_t ipow(size_t b, int e)
{
    size_t r = 1;
    for (int i = 0; i < e; i++)
        r *= b;
    return r;
}

int hs_context_check(int n, int d, const int *bases, int nbases, char *err, size_t errlen)
{
    if (n < 1 || n > HS_MAX_SITES) {
        snprintf(err, errlen, "contextuality LP: n=%d is out of range (allowed 1..%d)", n,
                 HS_MAX_SITES);
        return -1;
    }
    if (d < 2 || d > 64) {
        snprintf(err, errlen, "contextuality LP: d=%d is out of range (allowed 2..64)", d);
        return -1;
    }
    if (nbases < 1 || nbases > HS_MAX_BASES) {
        snprintf(err, errlen, "contextuality LP: %d bases given (allowed 1..%d)", nbases,
                 HS_MAX_BASES);
        return -1;
    }
    for (int b = 0; b < nbases; b++) {
        if (bases[b] < HS_BASIS_Z || (d == 2 && bases[b] > 1)) {
            snprintf(err, errlen, "contextuality LP: basis code %d is not a basis for d=%d",
                     bases[b], d);
            return -1;
        }
        for (int c = 0; c < b; c++)
            if (bases[c] == bases[b]) {
                snprintf(err, errlen, "contextuality LP: basis code %d is listed twice", bases[b]);
                return -1;
            }
    }
    double cols = pow((double)d, (double)n * nbases);
    if (cols > (double)HS_CONTEXT_MAX_COLS) {
        snprintf(err, errlen,
                 "contextuality LP at n=%d, |B|=%d, d=%d needs d^(n|B|) = %.4g global assignments "
                 "(columns), limit %ld; use a smaller n or fewer bases",
                 n, nbases, d, cols, HS_CONTEXT_MAX_COLS);
        return -1;
    }
    return 0;
}

/* Depth-first over contexts: level i+1 is level i with U of site i's basis
 * applied, so a prefix of basis choices is computed once. */
typedef struct {
    int n, d, nb;
    size_t len;                  /* d^n */
    size_t P;                    /* |B| d: row radix per site */
    const double complex *u;     /* [nb][d * d] */
    double complex *work;        /* [(n + 1) * len], level 0 is the state */
    const size_t *eoff;          /* [len]: sum_i e_i P^i for z = e */
    double *p;
} probs_ctx;

static void probs_rec(probs_ctx *x, int i, size_t rowbase, size_t pi)
{
    double complex *cur = x->work + (size_t)i * x->len;
    if (i == x->n) {
        for (size_t z = 0; z < x->len; z++) {
            double re = creal(cur[z]), im = cimag(cur[z]);
            x->p[rowbase + x->eoff[z]] = re * re + im * im;
        }
        return;
    }
    double complex *next = cur + x->len;
    for (int c = 0; c < x->nb; c++) {
        memcpy(next, cur, x->len * sizeof *next);
        hs_exact_apply(x->n, x->d, next, i, x->u + (size_t)c * x->d * x->d);
        probs_rec(x, i + 1, rowbase + (size_t)c * x->d * pi, pi * x->P);
    }
}

void hs_context_probs(int n, int d, const double complex *amp, const int *bases, int nbases,
                      double *p)
{
    probs_ctx x = {.n = n, .d = d, .nb = nbases, .len = ipow((size_t)d, n),
                   .P = (size_t)nbases * d, .p = p};
    double complex *u = hs_alloc((size_t)nbases * d * d * sizeof *u);
    for (int b = 0; b < nbases; b++)
        hs_exact_unitary(bases[b], d, u + (size_t)b * d * d);
    x.u = u;
    size_t *eoff = hs_alloc(x.len * sizeof *eoff);
    for (size_t z = 0; z < x.len; z++) {
        size_t off = 0, pi = 1, rest = z;
        for (int i = 0; i < n; i++, pi *= x.P, rest /= (size_t)d)
            off += (rest % (size_t)d) * pi;
        eoff[z] = off;
    }
    x.eoff = eoff;
    x.work = hs_alloc((size_t)(n + 1) * x.len * sizeof *x.work);
    memcpy(x.work, amp, x.len * sizeof *amp);
    probs_rec(&x, 0, 0, 1);
    hs_sys_free(x.work);
    hs_sys_free(eoff);
    hs_sys_free(u);
}

void hs_context_price(int n, int d, int nbases, const double *y, double *s)
{
    /* Site i's slot holds (c_i, e_i) as c_i d + e_i (radix P = |B| d) before
     * step i and a_i = sum_b g_{i,b} d^b (radix A = d^|B|) after it:
     *   T_{i+1}[pre + A^i (a + A suf)] = sum_c T_i[pre + A^i ((c d + a_c) + P suf)]
     * with pre over sites < i, suf over sites > i, a_c digit c of a. After
     * step n-1 the index is g. The tensors never exceed A^n entries (A >= P). */
    const size_t A = ipow((size_t)d, nbases), P = (size_t)nbases * d;
    int *mids = hs_alloc(A * (size_t)nbases * sizeof *mids);
    for (size_t a = 0; a < A; a++)
        for (int c = 0; c < nbases; c++)
            mids[a * nbases + c] = c * d + (int)((a / ipow((size_t)d, c)) % (size_t)d);
    double *tmp = n > 1 ? hs_alloc(ipow(A, n) * sizeof *tmp) : NULL;
    const double *in = y;
    for (int i = 0; i < n; i++) {
        /* The last step must land in s. */
        double *out = (n - 1 - i) % 2 == 0 ? s : tmp;
        const size_t pre_n = ipow(A, i), suf_n = ipow(P, n - i - 1);
        for (size_t suf = 0; suf < suf_n; suf++)
            for (size_t a = 0; a < A; a++) {
                double *o = out + pre_n * (a + A * suf);
                const int *m = mids + a * nbases;
                memset(o, 0, pre_n * sizeof *o);
                for (int c = 0; c < nbases; c++) {
                    const double *src = in + pre_n * ((size_t)m[c] + P * suf);
                    for (size_t pre = 0; pre < pre_n; pre++)
                        o[pre] += src[pre];
                }
            }
        in = out;
    }
    hs_sys_free(tmp);
    hs_sys_free(mids);
}

/* State of one column-generation run. */
typedef struct {
    int n, d, nb;
    size_t rows, cols, per_col;  /* per_col = |B|^n nonzeros per column */
    size_t P, A;
    const double *p;             /* [rows] */
    int *mrow;                   /* [rows]: master row (1-based) or 0 when p = 0 */
    unsigned char *in_master;    /* [cols] */
    long *colg;                  /* [cols_used]: g of master column j + 1 */
    size_t ncol, cap;
    int *ind;                    /* [per_col + 1], GLPK's 1-based arrays */
    double *val;
} cg_ctx;

/* Rows r(c, g|_c) of column g for every context c, in odometer order. */
static void column_rows(const cg_ctx *x, long g, size_t *out)
{
    size_t off[HS_MAX_SITES][HS_MAX_BASES];
    int c[HS_MAX_SITES] = {0};
    size_t pi = 1, row = 0;
    for (int i = 0; i < x->n; i++, pi *= x->P) {
        size_t a = ((size_t)g / ipow(x->A, i)) % x->A;
        for (int b = 0; b < x->nb; b++)
            off[i][b] = ((size_t)b * x->d + (a / ipow((size_t)x->d, b)) % (size_t)x->d) * pi;
        row += off[i][0];
    }
    for (size_t k = 0; k < x->per_col; k++) {
        out[k] = row;
        for (int i = 0; i < x->n; i++) {
            row -= off[i][c[i]];
            if (++c[i] < x->nb) {
                row += off[i][c[i]];
                break;
            }
            c[i] = 0;
            row += off[i][0];
        }
    }
}

/* Fills master column j (already added) with column g. */
static void set_column(cg_ctx *x, glp_prob *lp, int j, long g, size_t *rowbuf)
{
    column_rows(x, g, rowbuf);
    for (size_t k = 0; k < x->per_col; k++) {
        /* Pricing never lets in a column that meets a p = 0 row. */
        assert(x->mrow[rowbuf[k]] > 0);
        x->ind[k + 1] = x->mrow[rowbuf[k]];
        x->val[k + 1] = 1.0;
    }
    glp_set_col_bnds(lp, j, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp, j, 1.0);
    glp_set_mat_col(lp, j, (int)x->per_col, x->ind, x->val);
    if (x->ncol == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->colg = hs_realloc(x->colg, x->cap * sizeof *x->colg);
    }
    x->colg[x->ncol++] = g;
    x->in_master[g] = 1;
}

typedef struct {
    double rc;
    long g;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->rc != y->rc)
        return x->rc < y->rc ? 1 : -1;
    return (x->g > y->g) - (x->g < y->g);
}

/* ncf_lo: clip the master's b at 0, find the largest t <= 1 with t A b <= p
 * row by row in double, return t sum b (all in unscaled units). */
static double verify_primal(const cg_ctx *x, glp_prob *lp, double scale, size_t *rowbuf)
{
    double *act = hs_calloc(x->rows, sizeof *act);
    double total = 0;
    for (size_t j = 0; j < x->ncol; j++) {
        double b = glp_get_col_prim(lp, (int)j + 1) / scale;
        if (b <= 0)
            continue;
        total += b;
        column_rows(x, x->colg[j], rowbuf);
        for (size_t k = 0; k < x->per_col; k++)
            act[rowbuf[k]] += b;
    }
    double t = 1.0;
    for (size_t r = 0; r < x->rows; r++)
        if (act[r] > 0 && x->p[r] < t * act[r])
            t = x->p[r] / act[r];
    hs_sys_free(act);
    return t * total;
}

static int solve_master(glp_prob *lp, const cg_ctx *x, int round, char *err, size_t errlen)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_PRIMAL;
    parm.tol_bnd = PRICE_TOL;
    parm.tol_dj = PRICE_TOL;
    int rc = glp_simplex(lp, &parm);
    if (rc != 0 || glp_get_status(lp) != GLP_OPT) {
        snprintf(err, errlen,
                 "contextuality LP at n=%d, |B|=%d, d=%d: GLPK simplex failed in round %d "
                 "(return %d, status %d)",
                 x->n, x->nb, x->d, round, rc, glp_get_status(lp));
        return -1;
    }
    return 0;
}

/* Column generation for one (unfactorised) state: fills the bounds, the
 * size fields and cert (when not NULL) of *res. */
static int solve_factor(int n, int d, const double complex *amp, const int *bases, int nbases,
                        hs_context_result *res, double *cert, char *err, size_t errlen)
{
    cg_ctx x = {.n = n, .d = d, .nb = nbases, .P = (size_t)nbases * d,
                .A = ipow((size_t)d, nbases)};
    x.rows = ipow(x.P, n);
    x.cols = ipow(x.A, n);
    x.per_col = ipow((size_t)nbases, n);
    /* Rows of the master are scaled by D = d^n so that each context's
     * right-hand sides average 1; the duals are unchanged by this scaling. */
    const double scale = (double)ipow((size_t)d, n);

    double *p = hs_alloc(x.rows * sizeof *p);
    hs_context_probs(n, d, amp, bases, nbases, p);
    x.p = p;
    x.mrow = hs_alloc(x.rows * sizeof *x.mrow);
    x.in_master = hs_calloc(x.cols, 1);
    x.ind = hs_alloc((x.per_col + 1) * sizeof *x.ind);
    x.val = hs_alloc((x.per_col + 1) * sizeof *x.val);
    size_t *rowbuf = hs_alloc(x.per_col * sizeof *rowbuf);
    double *y = hs_alloc(x.rows * sizeof *y);
    double *s = hs_alloc(x.cols * sizeof *s);
    cand *cands = hs_alloc(x.cols * sizeof *cands);

    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    long used = 0;
    for (size_t r = 0; r < x.rows; r++)
        x.mrow[r] = p[r] >= HS_CONTEXT_PTINY ? (int)++used : 0;
    if (used > 0)
        glp_add_rows(lp, (int)used);
    for (size_t r = 0; r < x.rows; r++) {
        if (x.mrow[r])
            glp_set_row_bnds(lp, x.mrow[r], GLP_UP, 0.0, scale * p[r]);
        y[r] = x.mrow[r] ? 0.0 : FORBID_DUAL;
    }

    /* Columns per round: a basic solution has at most rank(A) structural
     * columns, and A is the n-fold tensor power of a per-site matrix of rank
     * |B|(d-1)+1, so one round can supply a whole basis. */
    const size_t batch = ipow((size_t)nbases * (d - 1) + 1, n);
    int rc = 0, round = 0;
    double min_s;
    for (;;) {
        hs_context_price(n, d, nbases, y, s);
        size_t nc = 0;
        min_s = INFINITY;
        for (size_t g = 0; g < x.cols; g++) {
            if (s[g] < min_s)
                min_s = s[g];
            if (!x.in_master[g] && 1.0 - s[g] > PRICE_TOL)
                cands[nc++] = (cand){1.0 - s[g], (long)g};
        }
        if (nc == 0)
            break;
        if (nc > batch) {
            qsort(cands, nc, sizeof *cands, cand_cmp);
            nc = batch;
        }
        if ((x.ncol + nc) * x.per_col > (size_t)HS_CONTEXT_MAX_NNZ) {
            snprintf(err, errlen,
                     "contextuality LP at n=%d, |B|=%d, d=%d: the master LP would exceed %ld "
                     "nonzeros (%zu columns of %zu) in round %d; use a smaller n or fewer bases",
                     n, nbases, d, HS_CONTEXT_MAX_NNZ, x.ncol + nc, x.per_col, round + 1);
            rc = -1;
            break;
        }
        const char *src;
        double need = (double)(nc * x.per_col) * GLPK_BYTES_PER_NZ;
        if (need > (double)hs_sys_mem_available(&src)) {
            char need_s[32];
            snprintf(err, errlen,
                     "contextuality LP at n=%d, |B|=%d, d=%d: round %d needs %s more for GLPK, "
                     "more than is available (%s); use a smaller n or fewer bases",
                     n, nbases, d, round + 1, hs_sys_fmt_bytes(need, need_s, sizeof need_s), src);
            rc = -1;
            break;
        }
        int j0 = glp_add_cols(lp, (int)nc);
        for (size_t k = 0; k < nc; k++)
            set_column(&x, lp, j0 + (int)k, cands[k].g, rowbuf);
        round++;
        if (solve_master(lp, &x, round, err, errlen) != 0) {
            rc = -1;
            break;
        }
        for (size_t r = 0; r < x.rows; r++)
            if (x.mrow[r]) {
                double v = glp_get_row_dual(lp, x.mrow[r]);
                y[r] = v > 0 ? v : 0.0;
            }
    }

    if (rc == 0) {
        /* Dual bound: y / min_s is feasible for the full dual (every g scores
         * >= 1), so NCF <= sum p y / min_s. At the end every g outside the
         * master prices at s >= 1 - PRICE_TOL and GLPK's optimality holds
         * those inside to the same tolerance. */
        assert(min_s > 0.5);
        double py = 0;
        for (size_t r = 0; r < x.rows; r++)
            py += p[r] * y[r];
        double hi = py / min_s;
        double ncf = x.ncol ? glp_get_obj_val(lp) / scale : 0.0;
        double lo = x.ncol ? verify_primal(&x, lp, scale, rowbuf) : 0.0;
        *res = (hs_context_result){
            .ncf = ncf,
            .ncf_lo = lo,
            .ncf_hi = hi < 1.0 ? hi : 1.0,
            .rows_used = used,
            .cols_used = (long)x.ncol,
            .nnz = (long)(x.ncol * x.per_col),
            .rounds = round,
        };
        if (cert)
            for (size_t r = 0; r < x.rows; r++)
                cert[r] = y[r] / min_s;
    }

    glp_delete_prob(lp);
    hs_sys_free(cands);
    hs_sys_free(s);
    hs_sys_free(y);
    hs_sys_free(rowbuf);
    hs_sys_free(x.val);
    hs_sys_free(x.ind);
    hs_sys_free(x.colg);
    hs_sys_free(x.in_master);
    hs_sys_free(x.mrow);
    hs_sys_free(p);
    return rc;
}

/* A state that is a product over a site partition has a product empirical
 * model, and NCF is multiplicative over it: the product of the factors'
 * feasible b is feasible, and the tensor product of their (nonnegative)
 * certificates scores s_e(g_1) s_f(g_2) >= 1 on every g with quantum value
 * NCF_e NCF_f. Splitting the state first keeps the LP at the size of the
 * largest entangled block (isolated sites of sparse hypergraphs otherwise
 * multiply the master's rows and columns). */
typedef struct {
    int n;
    int sites[HS_MAX_SITES];     /* increasing */
    double complex *amp;         /* [d^n], normalised */
} factor;

/* Rank-one test tolerance, relative to the largest |amplitude|^2: entries of
 * an entangled hypergraph state violate it by O(1) in those units, rounding
 * by ~1e-16; a block entangled below 1e-10 moves NCF by far less than
 * HS_CONTEXT_TOL. */
#define PRODUCT_TOL 1e-10

static int popcount(unsigned v)
{
    int c = 0;
    for (; v; v &= v - 1)
        c++;
    return c;
}

/* Index over all m sites with the digits of a at the set bits of mask. */
static size_t spread(size_t a, unsigned mask, int m, int d)
{
    size_t z = 0, pw = 1;
    for (int j = 0; j < m; j++, pw *= (size_t)d)
        if (mask >> j & 1) {
            z += (a % (size_t)d) * pw;
            a /= (size_t)d;
        }
    return z;
}

/* Inverse of spread: the digits of z at the set bits of mask, compacted. */
static size_t gather(size_t z, unsigned mask, int m, int d)
{
    size_t a = 0, pw = 1;
    for (int j = 0; j < m; j++, z /= (size_t)d)
        if (mask >> j & 1) {
            a += (z % (size_t)d) * pw;
            pw *= (size_t)d;
        }
    return a;
}

static void normalise(double complex *v, size_t len)
{
    double s = 0;
    for (size_t i = 0; i < len; i++)
        s += creal(v[i]) * creal(v[i]) + cimag(v[i]) * cimag(v[i]);
    s = 1.0 / sqrt(s);
    for (size_t i = 0; i < len; i++)
        v[i] *= s;
}

/* Smallest S containing local site 0 with phi = u (x) v over (S, rest), by
 * increasing |S| (factorisations of a pure state are closed under
 * intersection, so the first found is the finest factor). Returns the mask
 * of S, all m bits when phi does not split; fills u and v (normalised). */
static unsigned split_first(int m, int d, const double complex *phi, double complex *u,
                            double complex *v)
{
    const size_t len = ipow((size_t)d, m);
    const unsigned full = (1u << m) - 1;
    size_t z0 = 0;
    for (size_t z = 1; z < len; z++)
        if (cabs(phi[z]) > cabs(phi[z0]))
            z0 = z;
    const double tol = PRODUCT_TOL * cabs(phi[z0]) * cabs(phi[z0]);
    size_t *is = hs_alloc(len * sizeof *is), *ic = hs_alloc(len * sizeof *ic);
    for (int size = 1; size < m; size++)
        for (unsigned S = 1; S < full; S += 2) {
            if (popcount(S) != size)
                continue;
            const unsigned C = full & ~S;
            const size_t la = ipow((size_t)d, size), lb = ipow((size_t)d, m - size);
            for (size_t a = 0; a < la; a++)
                is[a] = spread(a, S, m, d);
            for (size_t b = 0; b < lb; b++)
                ic[b] = spread(b, C, m, d);
            const size_t a0 = gather(z0, S, m, d), b0 = gather(z0, C, m, d);
            int ok = 1;
            for (size_t a = 0; a < la && ok; a++)
                for (size_t b = 0; b < lb && ok; b++)
                    ok = cabs(phi[is[a] + ic[b]] * phi[z0] -
                              phi[is[a] + ic[b0]] * phi[is[a0] + ic[b]]) <= tol;
            if (!ok)
                continue;
            for (size_t a = 0; a < la; a++)
                u[a] = phi[is[a] + ic[b0]];
            for (size_t b = 0; b < lb; b++)
                v[b] = phi[is[a0] + ic[b]];
            normalise(u, la);
            normalise(v, lb);
            hs_sys_free(is);
            hs_sys_free(ic);
            return S;
        }
    memcpy(u, phi, len * sizeof *u);
    hs_sys_free(is);
    hs_sys_free(ic);
    return full;
}

/* Finest tensor factors of amp (n sites); returns their number. With one
 * basis there is one context and nothing to gain: one factor. */
static int factorise(int n, int d, const double complex *amp, int nbases, factor *fs)
{
    const size_t len = ipow((size_t)d, n);
    double complex *phi = hs_alloc(len * sizeof *phi);
    memcpy(phi, amp, len * sizeof *phi);
    int rest[HS_MAX_SITES], m = n, nf = 0;
    for (int i = 0; i < n; i++)
        rest[i] = i;
    while (m > 0) {
        const size_t lm = ipow((size_t)d, m);
        double complex *u = hs_alloc(lm * sizeof *u), *v = hs_alloc(lm * sizeof *v);
        unsigned S = nbases > 1 ? split_first(m, d, phi, u, v) : (1u << m) - 1;
        if (nbases == 1)
            memcpy(u, phi, lm * sizeof *u);
        factor *f = &fs[nf++];
        f->n = 0;
        f->amp = u;
        int left = 0;
        for (int j = 0; j < m; j++) {
            if (S >> j & 1)
                f->sites[f->n++] = rest[j];
            else
                rest[left++] = rest[j];
        }
        m = left;
        hs_sys_free(phi);
        phi = v;
    }
    hs_sys_free(phi);
    return nf;
}

int hs_context_lp(int n, int d, const double complex *amp, const int *bases, int nbases,
                  hs_context_result *res, double *cert, char *err, size_t errlen)
{
    if (hs_context_check(n, d, bases, nbases, err, errlen) != 0)
        return -1;
    const double t0 = hs_sys_now();
    factor fs[HS_MAX_SITES];
    const int nf = factorise(n, d, amp, nbases, fs);
    const size_t P = (size_t)nbases * d, rows = ipow(P, n);
    double *sub_cert[HS_MAX_SITES] = {0};
    hs_context_result tot = {.ncf = 1, .ncf_lo = 1, .ncf_hi = 1, .rows = (long)rows,
                             .cols = (long)ipow(ipow((size_t)d, nbases), n), .factors = nf};
    int rc = 0;
    for (int k = 0; k < nf && rc == 0; k++) {
        hs_context_result sub = {0};
        if (cert)
            sub_cert[k] = hs_alloc(ipow(P, fs[k].n) * sizeof *sub_cert[k]);
        rc = solve_factor(fs[k].n, d, fs[k].amp, bases, nbases, &sub, sub_cert[k], err, errlen);
        if (rc != 0)
            break;
        tot.ncf *= sub.ncf;
        tot.ncf_lo *= sub.ncf_lo;
        tot.ncf_hi *= sub.ncf_hi;
        tot.rows_used += sub.rows_used;
        tot.cols_used += sub.cols_used;
        tot.nnz += sub.nnz;
        tot.rounds += sub.rounds;
    }
    if (rc == 0 && cert) {
        /* cert[r] = prod_k cert_k[r_k]: r_k keeps the digits (radix P) of
         * r at factor k's sites, in their order. */
        for (size_t r = 0; r < rows; r++) {
            double v = 1;
            for (int k = 0; k < nf; k++) {
                size_t rk = 0, pw = 1;
                for (int j = 0; j < fs[k].n; j++, pw *= P)
                    rk += (r / ipow(P, fs[k].sites[j]) % P) * pw;
                v *= sub_cert[k][rk];
            }
            cert[r] = v;
        }
    }
    for (int k = 0; k < nf; k++) {
        hs_sys_free(sub_cert[k]);
        hs_sys_free(fs[k].amp);
    }
    if (rc != 0)
        return -1;
    tot.feasible = tot.ncf_lo >= 1.0 - HS_CONTEXT_TOL;
    tot.contextual = tot.ncf_hi < 1.0 - HS_CONTEXT_TOL;
    tot.seconds = hs_sys_now() - t0;
    *res = tot;
    return 0;
}
