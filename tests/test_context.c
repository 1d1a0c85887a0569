/* Tests of the contextuality LP (baselines/context.h): the context
 * probabilities against projector expectations, the pricing contraction
 * against a sum over contexts, the noncontextual fraction against values
 * derived by hand (Mermin's GHZ argument, stabilizer parity systems, the CCZ
 * state below) and against the full LP solved in exact rational arithmetic,
 * the dual certificate checked over every global assignment, and refusals. */
#include <complex.h>
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "context.h"
#include "exact.h"
#include "hsmt.h"

/* Verified bounds: GLPK's tolerances are 1e-9 on O(1) rows, so NCF values
 * derived by hand are met within 1e-7 and lo <= ncf <= hi within 1e-9. */
#define NCF_TOL 1e-7
#define ORDER_TOL 1e-9

static const int Z = HS_BASIS_Z, X = 0, Y = 1;

static size_t ipow(size_t b, int e)
{
    size_t r = 1;
    for (int i = 0; i < e; i++)
        r *= b;
    return r;
}

static int digit(size_t v, size_t radix, int pos) { return (int)((v / ipow(radix, pos)) % radix); }

/* Row r(c, e) of the documented layout. */
static size_t row_of(int n, int d, int nb, const int *c, const int *e)
{
    size_t r = 0;
    for (int i = 0; i < n; i++)
        r += ((size_t)c[i] * d + (size_t)e[i]) * ipow((size_t)nb * d, i);
    return r;
}

/* Qubit hypergraph state D_w|+>^n: amp[z] = 2^(-n/2) (-1)^(number of edges
 * whose sites are all 1 in z); edges as bit masks of sites. */
static double complex *hypergraph(int n, const unsigned *edges, int nedges)
{
    size_t len = ipow(2, n);
    double complex *amp = malloc(len * sizeof *amp);
    assert_non_null(amp);
    for (size_t z = 0; z < len; z++) {
        int par = 0;
        for (int j = 0; j < nedges; j++)
            par ^= (z & edges[j]) == edges[j];
        amp[z] = (par ? -1.0 : 1.0) / sqrt((double)len);
    }
    return amp;
}

static double complex *ghz3(void)
{
    double complex *amp = calloc(8, sizeof *amp);
    assert_non_null(amp);
    amp[0] = amp[7] = 1.0 / sqrt(2.0);
    return amp;
}

/* Normalised state with pseudo-random amplitudes (xorshift, fixed seed). */
static double complex *random_state(int n, int d, uint64_t seed)
{
    size_t len = ipow((size_t)d, n);
    double complex *amp = malloc(len * sizeof *amp);
    assert_non_null(amp);
    double norm = 0;
    for (size_t z = 0; z < len; z++) {
        double v[2];
        for (int k = 0; k < 2; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            v[k] = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
        }
        amp[z] = v[0] + I * v[1];
        norm += v[0] * v[0] + v[1] * v[1];
    }
    for (size_t z = 0; z < len; z++)
        amp[z] /= sqrt(norm);
    return amp;
}

/* The certificate holds over every g (brute force over contexts) and its
 * quantum value is ncf_hi. */
static void check_certificate(int n, int d, const int *bases, int nb, const double complex *amp,
                              const double *cert, const hs_context_result *r)
{
    size_t rows = ipow((size_t)nb * d, n), cols = ipow((size_t)d, n * nb);
    size_t ctxs = ipow((size_t)nb, n);
    double *p = malloc(rows * sizeof *p);
    assert_non_null(p);
    hs_context_probs(n, d, amp, bases, nb, p);
    double py = 0;
    for (size_t k = 0; k < rows; k++) {
        assert_true(cert[k] >= 0);
        py += p[k] * cert[k];
    }
    assert_true(fabs(py - r->ncf_hi) < 1e-12);
    for (size_t g = 0; g < cols; g++) {
        double sg = 0;
        for (size_t cc = 0; cc < ctxs; cc++) {
            int c[HS_MAX_SITES], e[HS_MAX_SITES];
            for (int i = 0; i < n; i++) {
                c[i] = digit(cc, (size_t)nb, i);
                e[i] = digit(g, (size_t)d, i * nb + c[i]);
            }
            sg += cert[row_of(n, d, nb, c, e)];
        }
        assert_true(sg >= 1.0 - 1e-12);
    }
    free(p);
}

static hs_context_result run(int n, int d, const double complex *amp, const int *bases, int nb)
{
    hs_context_result r;
    char err[256];
    double *cert = malloc(ipow((size_t)nb * d, n) * sizeof *cert);
    assert_non_null(cert);
    int rc = hs_context_lp(n, d, amp, bases, nb, &r, cert, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_true(r.ncf >= -ORDER_TOL && r.ncf <= 1.0 + ORDER_TOL);
    assert_true(r.ncf_lo <= r.ncf + ORDER_TOL);
    assert_true(r.ncf <= r.ncf_hi + ORDER_TOL);
    assert_true(r.ncf_hi - r.ncf_lo < NCF_TOL);
    assert_int_equal(r.rows, (long)ipow((size_t)nb * d, n));
    assert_int_equal(r.cols, (long)ipow((size_t)d, n * nb));
    check_certificate(n, d, bases, nb, amp, cert, &r);
    free(cert);
    return r;
}

static void assert_ncf(int n, int d, const double complex *amp, const int *bases, int nb,
                       double want)
{
    hs_context_result r = run(n, d, amp, bases, nb);
    assert_true(fabs(r.ncf - want) < NCF_TOL);
    assert_int_equal(r.feasible, want == 1.0);
    assert_int_equal(r.contextual, want < 1.0);
}

/* p_c(e) = <psi| (x)_i U_{c_i}^dagger |e_i><e_i| U_{c_i} |psi>, summed over
 * the d^n x d^n projector entries; each context's distribution sums to 1. */
static void check_probs(int n, int d, const double complex *amp, const int *bases, int nb)
{
    size_t len = ipow((size_t)d, n), rows = ipow((size_t)nb * d, n), ctxs = ipow((size_t)nb, n);
    double *p = malloc(rows * sizeof *p);
    double complex *u = malloc((size_t)nb * d * d * sizeof *u);
    assert_non_null(p);
    assert_non_null(u);
    for (int b = 0; b < nb; b++)
        hs_exact_unitary(bases[b], d, u + (size_t)b * d * d);
    hs_context_probs(n, d, amp, bases, nb, p);
    for (size_t cc = 0; cc < ctxs; cc++) {
        double total = 0;
        for (size_t ee = 0; ee < len; ee++) {
            int c[HS_MAX_SITES], e[HS_MAX_SITES];
            for (int i = 0; i < n; i++) {
                c[i] = digit(cc, (size_t)nb, i);
                e[i] = digit(ee, (size_t)d, i);
            }
            double complex acc = 0;
            for (size_t z = 0; z < len; z++)
                for (size_t z2 = 0; z2 < len; z2++) {
                    double complex proj = 1;
                    for (int i = 0; i < n; i++) {
                        const double complex *ub = u + (size_t)c[i] * d * d + (size_t)e[i] * d;
                        proj *= conj(ub[digit(z, (size_t)d, i)]) * ub[digit(z2, (size_t)d, i)];
                    }
                    acc += conj(amp[z]) * proj * amp[z2];
                }
            double got = p[row_of(n, d, nb, c, e)];
            /* Sums of at most 64^2 products of unit-size factors: ~1e-15. */
            assert_true(fabs(got - creal(acc)) < 1e-13);
            assert_true(fabs(cimag(acc)) < 1e-13);
            total += got;
        }
        assert_true(fabs(total - 1.0) < 1e-13);
    }
    free(u);
    free(p);
}

static void test_probs_vs_projectors(void **state)
{
    (void)state;
    const int zxy[] = {Z, X, Y}, chirp[] = {Z, 0, 1, 2};
    const unsigned ccz[] = {7}, tri[] = {3, 5, 6};
    double complex *a = hypergraph(3, ccz, 1), *b = hypergraph(3, tri, 3);
    double complex *c = random_state(2, 3, 99), *e = random_state(1, 2, 5);
    check_probs(3, 2, a, zxy, 3);
    check_probs(3, 2, b, zxy, 3);
    check_probs(2, 3, c, chirp, 4);
    check_probs(1, 2, e, zxy + 1, 2);
    free(a);
    free(b);
    free(c);
    free(e);
}

/* s_g against the plain sum over contexts, for random duals. */
static void check_price(int n, int d, int nb, uint64_t seed)
{
    size_t rows = ipow((size_t)nb * d, n), cols = ipow((size_t)d, n * nb);
    size_t ctxs = ipow((size_t)nb, n);
    double *y = malloc(rows * sizeof *y), *s = malloc(cols * sizeof *s);
    assert_non_null(y);
    assert_non_null(s);
    for (size_t k = 0; k < rows; k++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        y[k] = (double)(seed >> 11) / 9007199254740992.0;
    }
    hs_context_price(n, d, nb, y, s);
    for (size_t g = 0; g < cols; g++) {
        double want = 0;
        for (size_t cc = 0; cc < ctxs; cc++) {
            int c[HS_MAX_SITES], e[HS_MAX_SITES];
            for (int i = 0; i < n; i++) {
                c[i] = digit(cc, (size_t)nb, i);
                e[i] = digit(g, (size_t)d, i * nb + c[i]);
            }
            want += y[row_of(n, d, nb, c, e)];
        }
        /* Sums of at most 81 terms in [0, 1), in two orders: ~1e-14. */
        assert_true(fabs(s[g] - want) < 1e-12);
    }
    free(y);
    free(s);
}

static void test_price_vs_sum(void **state)
{
    (void)state;
    check_price(1, 2, 3, 1);
    check_price(3, 2, 3, 2);
    check_price(4, 2, 2, 3);
    check_price(2, 3, 2, 4);
    check_price(2, 3, 3, 5);
    check_price(2, 2, 1, 6);
}

/* GHZ (|000> + |111>)/sqrt2 with {X, Y}: XXX = +1 while XYY = YXY = YYX = -1
 * with certainty; the product of the four left-hand sides of any assignment
 * is +1 (each x_i, y_i appears twice), of the right-hand sides -1. So every
 * global assignment meets a probability-0 event (strong contextuality) and
 * NCF = 0 exactly (Mermin 1990). */
static void test_ghz_mermin(void **state)
{
    (void)state;
    const int xy[] = {X, Y};
    double complex *amp = ghz3();
    hs_context_result r = run(3, 2, amp, xy, 2);
    assert_int_equal(r.factors, 1);
    assert_true(r.ncf_hi < 1e-9);
    assert_int_equal(r.cols_used, 0);
    assert_int_equal(r.contextual, 1);
    assert_int_equal(r.feasible, 0);
    free(amp);
}

/* Three-qubit graph states (k = 2), both LC-equivalent to GHZ. A stabilizer
 * state measured in Pauli bases is uniform on the outcomes allowed by the
 * stabilizers that live in the context; the parity constraints of all such
 * stabilizers are either consistent, and then the uniform distribution on
 * their common solutions reproduces every context (a combination that lives
 * in one context is itself a stabilizer of it, with its sign), so NCF = 1, or
 * inconsistent, and then NCF = 0. Writing a for an outcome bit:
 * Triangle (edges 01, 02, 12): stabilizers XZZ, ZXZ, ZZX, YYI, YIY, IYY, -XXX.
 *  - {X, Y}: y0+y1 = y0+y2 = 0, x0+x1+x2 = 1: consistent, NCF = 1 (although
 *    the state is LC-equivalent to GHZ, these bases are not Mermin's);
 *  - {Z, X}: x0+z1+z2 = z0+x1+z2 = z0+z1+x2 = 0 sum to x0+x1+x2 = 0,
 *    against -XXX: NCF = 0; with Y added as well: NCF = 0.
 * Line (edges 01, 12): stabilizers XZI, ZXZ, IZX, YYZ, ZYY, XIX, -YXY.
 *  - {X, Y}: x0+x2 = 0, y0+x1+y2 = 1: consistent, NCF = 1;
 *  - {Z, X}: x0 = z1, x2 = z1, x1 = z0+z2: consistent, NCF = 1;
 *  - {Z, X, Y}: YYZ + ZYY give y0+y2 = z0+z2, -YXY with x1 = z0+z2 gives
 *    y0+y2 = 1+z0+z2: NCF = 0. */
static void test_graph_states(void **state)
{
    (void)state;
    const int xy[] = {X, Y}, zx[] = {Z, X}, zxy[] = {Z, X, Y};
    const unsigned tri[] = {3, 5, 6}, line[] = {3, 6};
    double complex *t = hypergraph(3, tri, 3), *l = hypergraph(3, line, 2);
    assert_ncf(3, 2, t, xy, 2, 1.0);
    assert_ncf(3, 2, t, zx, 2, 0.0);
    assert_ncf(3, 2, t, zxy, 3, 0.0);
    assert_ncf(3, 2, l, xy, 2, 1.0);
    assert_ncf(3, 2, l, zx, 2, 1.0);
    assert_ncf(3, 2, l, zxy, 3, 0.0);
    free(t);
    free(l);
}

/* One basis: a single context, whose distribution is itself a model over
 * global assignments. k = 1: product states, every context is the product of
 * its sites' distributions, and so is the global product model. */
static void test_commuting_and_product(void **state)
{
    (void)state;
    const int z[] = {Z}, x[] = {X}, y[] = {Y}, zxy[] = {Z, X, Y}, chirp[] = {Z, 0, 1};
    const unsigned tri[] = {3, 5, 6}, h4[] = {7, 11, 13, 14}, k1[] = {1, 4, 8};
    double complex *t = hypergraph(3, tri, 3), *h = hypergraph(4, h4, 4);
    double complex *p = hypergraph(4, k1, 3);
    assert_ncf(3, 2, t, z, 1, 1.0);
    assert_ncf(3, 2, t, x, 1, 1.0);
    assert_ncf(4, 2, h, x, 1, 1.0);
    assert_ncf(4, 2, h, y, 1, 1.0);
    assert_ncf(4, 2, p, zxy, 3, 1.0);
    assert_int_equal(run(4, 2, p, zxy, 3).factors, 4);
    assert_int_equal(run(3, 2, t, zxy, 3).factors, 1);
    /* d = 3, k = 1: amp[z] = omega^(z_0 + 2 z_1) / 3. */
    double complex q[9];
    for (int z0 = 0; z0 < 3; z0++)
        for (int z1 = 0; z1 < 3; z1++)
            q[z0 + 3 * z1] = cexp(I * 2.0 * M_PI * (z0 + 2 * z1) / 3.0) / 3.0;
    assert_ncf(2, 3, q, chirp, 3, 1.0);
    free(t);
    free(h);
    free(p);
}

/* CCZ|+++> (n = k = 3) with {Z, X}. ZZX contexts are deterministic:
 * x_i = z_j z_k (product of the other two Z outcomes), so the only global
 * assignments off the probability-0 events are the 8 g(z) = (z, x(z)):
 * x = 000 for |z| <= 1, x = 001, 010, 100 for z = 110, 101, 011 and 111 for
 * z = 111. XXX gives H^3 CCZ|+++> = |000> - (1/4) sum_x (-1)^|x| |x>:
 * p(000) = 9/16, 1/16 otherwise; ZZZ is uniform, 1/8. So
 * b_z <= 1/8, b_z <= 1/16 for the four z with |z| >= 2 (distinct x), and the
 * four others share 9/16 >= 4/8; the ZXX-type contexts (p(0, 00) = 1/2,
 * p(1, .) = 1/8) and ZZX (1/4) bind nothing more. NCF = 4/8 + 4/16 = 3/4.
 * Dropping either basis leaves one context: NCF = 1. */
static void test_ccz_three_quarters(void **state)
{
    (void)state;
    const int zx[] = {Z, X};
    const unsigned ccz[] = {7};
    double complex *amp = hypergraph(3, ccz, 1);
    hs_context_result r = run(3, 2, amp, zx, 2);
    assert_true(fabs(r.ncf - 0.75) < NCF_TOL);
    assert_true(fabs(r.ncf_hi - 0.75) < NCF_TOL);
    assert_int_equal(r.contextual, 1);
    assert_ncf(3, 2, amp, zx, 1, 1.0);
    assert_ncf(3, 2, amp, zx + 1, 1, 1.0);
    free(amp);
}

/* The full LP, every (c, e) row and every g column, built from the
 * definition and solved by GLPK's exact (rational) simplex. */
static double full_lp(int n, int d, const double complex *amp, const int *bases, int nb)
{
    size_t rows = ipow((size_t)nb * d, n), cols = ipow((size_t)d, n * nb);
    size_t ctxs = ipow((size_t)nb, n), nnz = cols * ctxs;
    double *p = malloc(rows * sizeof *p);
    int *ia = malloc((nnz + 1) * sizeof *ia), *ja = malloc((nnz + 1) * sizeof *ja);
    double *ar = malloc((nnz + 1) * sizeof *ar);
    assert_non_null(p);
    assert_non_null(ia);
    assert_non_null(ja);
    assert_non_null(ar);
    hs_context_probs(n, d, amp, bases, nb, p);
    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_rows(lp, (int)rows);
    glp_add_cols(lp, (int)cols);
    for (size_t k = 0; k < rows; k++)
        glp_set_row_bnds(lp, (int)k + 1, GLP_UP, 0.0, p[k] < 1e-12 ? 0.0 : p[k]);
    size_t t = 0;
    for (size_t g = 0; g < cols; g++) {
        glp_set_col_bnds(lp, (int)g + 1, GLP_LO, 0.0, 0.0);
        glp_set_obj_coef(lp, (int)g + 1, 1.0);
        for (size_t cc = 0; cc < ctxs; cc++) {
            int c[HS_MAX_SITES], e[HS_MAX_SITES];
            for (int i = 0; i < n; i++) {
                c[i] = digit(cc, (size_t)nb, i);
                e[i] = digit(g, (size_t)d, i * nb + c[i]);
            }
            t++;
            ia[t] = (int)row_of(n, d, nb, c, e) + 1;
            ja[t] = (int)g + 1;
            ar[t] = 1.0;
        }
    }
    glp_load_matrix(lp, (int)nnz, ia, ja, ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    assert_int_equal(glp_simplex(lp, &parm), 0);
    assert_int_equal(glp_exact(lp, &parm), 0);
    assert_int_equal(glp_get_status(lp), GLP_OPT);
    double v = glp_get_obj_val(lp);
    glp_delete_prob(lp);
    free(p);
    free(ia);
    free(ja);
    free(ar);
    return v;
}

static void check_full(int n, int d, const double complex *amp, const int *bases, int nb)
{
    hs_context_result r = run(n, d, amp, bases, nb);
    double want = full_lp(n, d, amp, bases, nb);
    assert_true(fabs(r.ncf - want) < NCF_TOL);
}

/* Non-stabilizer cases without a closed form: column generation against the
 * full LP (values in (0, 1) are the interesting ones and are what these are). */
static void test_against_full_lp(void **state)
{
    (void)state;
    const int zxy[] = {Z, X, Y}, zx[] = {Z, X}, chirp[] = {Z, 0, 1};
    const unsigned ccz[] = {7};
    double complex *a = hypergraph(3, ccz, 1);
    check_full(3, 2, a, zxy, 3);
    check_full(3, 2, a, zx, 2);
    /* d = 3 two-site "graph" state omega^(z_0 z_1) / 3 with {Z, m=0, m=1}. */
    double complex q[9];
    for (int z0 = 0; z0 < 3; z0++)
        for (int z1 = 0; z1 < 3; z1++)
            q[z0 + 3 * z1] = cexp(I * 2.0 * M_PI * (z0 * z1) / 3.0) / 3.0;
    check_full(2, 3, q, chirp, 3);
    double complex *rnd = random_state(2, 2, 1234);
    check_full(2, 2, rnd, zxy, 3);
    free(rnd);
    free(a);
}

/* Product states are split into factors (NCF multiplies, context.h); the
 * full LP of the whole state, which knows nothing of that, must agree. Sites
 * of a factor are interleaved with the other's to exercise the layouts. */
static void test_factorised(void **state)
{
    (void)state;
    const int zx[] = {Z, X};
    /* CCZ on sites {0, 2, 3} times a random qubit on site 1: NCF = 3/4 * 1. */
    double complex *q = random_state(1, 2, 77), a[16];
    for (int z = 0; z < 16; z++) {
        int z0 = z & 1, z1 = z >> 1 & 1, z2 = z >> 2 & 1, z3 = z >> 3 & 1;
        a[z] = (z0 && z2 && z3 ? -1.0 : 1.0) / sqrt(8.0) * q[z1];
    }
    hs_context_result r = run(4, 2, a, zx, 2);
    assert_int_equal(r.factors, 2);
    assert_true(fabs(r.ncf - 0.75) < NCF_TOL);
    assert_true(fabs(full_lp(4, 2, a, zx, 2) - 0.75) < NCF_TOL);
    /* Two random two-qubit states on sites {0, 2} and {1, 3}. */
    double complex *u = random_state(2, 2, 5), *v = random_state(2, 2, 6), b[16];
    for (int z = 0; z < 16; z++)
        b[z] = u[(z & 1) | (z >> 1 & 2)] * v[(z >> 1 & 1) | (z >> 2 & 2)];
    r = run(4, 2, b, zx, 2);
    assert_int_equal(r.factors, 2);
    assert_true(fabs(r.ncf - full_lp(4, 2, b, zx, 2)) < NCF_TOL);
    free(q);
    free(u);
    free(v);
}

static void test_refusals(void **state)
{
    (void)state;
    char err[256];
    hs_context_result r;
    const int zxy[] = {Z, X, Y}, dup[] = {X, X}, bad[] = {2};
    double complex amp[2] = {1.0, 0.0};
    assert_int_equal(hs_context_check(6, 2, zxy, 3, err, sizeof err), 0);
    /* 2^21 columns at n = 7. */
    assert_int_equal(hs_context_check(7, 2, zxy, 3, err, sizeof err), -1);
    assert_non_null(strstr(err, "n=7"));
    assert_non_null(strstr(err, "|B|=3"));
    assert_non_null(strstr(err, "columns"));
    assert_int_equal(hs_context_lp(7, 2, amp, zxy, 3, &r, NULL, err, sizeof err), -1);
    assert_int_equal(hs_context_lp(0, 2, amp, zxy, 3, &r, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "n=0"));
    assert_int_equal(hs_context_lp(1, 1, amp, zxy, 3, &r, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "d=1"));
    assert_int_equal(hs_context_lp(1, 2, amp, zxy, 0, &r, NULL, err, sizeof err), -1);
    assert_int_equal(hs_context_lp(1, 2, amp, dup, 2, &r, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "twice"));
    assert_int_equal(hs_context_lp(1, 2, amp, bad, 1, &r, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a basis"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probs_vs_projectors),
        cmocka_unit_test(test_price_vs_sum),
        cmocka_unit_test(test_ghz_mermin),
        cmocka_unit_test(test_graph_states),
        cmocka_unit_test(test_commuting_and_product),
        cmocka_unit_test(test_ccz_three_quarters),
        cmocka_unit_test(test_against_full_lp),
        cmocka_unit_test(test_factorised),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
