/* Tests of the shared layers (baselines/nn_ops.c, attention.c) in double
 * precision: CBLAS products against the plain reference, every backward pass
 * against central differences of f = sum(out .* R) for a fixed random R, and
 * known values.
 *
 * Tolerance of the gradient checks: with step eps = 1e-5 the central
 * difference has truncation error ~eps^2 |f'''| ~ 1e-10 and rounding error
 * ~1e-16 |f| / eps ~ 1e-11 relative to O(1) gradients, so a correct backward
 * pass lands near 1e-9; an error in any term gives O(1). Bound: 1e-6. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "attention.h"
#include "nn_check.h"
#include "nn_ops.h"
#include "sys.h"

#define EPS 1e-5
#define TOL 1e-6

/* A layer under test: run() computes out from the current inputs. */
typedef struct {
    void (*run)(void *self);
    hs_real *out;
    const hs_real *R;
    size_t nout;
} layer;

static double layer_f(void *ctx)
{
    layer *l = ctx;
    l->run(l);
    double s = 0;
    for (size_t i = 0; i < l->nout; i++)
        s += l->out[i] * l->R[i];
    return s;
}

/* Checks an analytic gradient g[n] of layer_f with respect to x[n]. */
static void expect_grad(layer *l, hs_real *x, const hs_real *g, size_t n)
{
    double *num = hs_alloc(n * sizeof *num), *ana = hs_alloc(n * sizeof *ana);
    nn_check_numeric(layer_f, l, x, n, EPS, num);
    for (size_t i = 0; i < n; i++)
        ana[i] = g[i];
    assert_true(nn_check_norm(num, n) > 1e-3);
    assert_true(nn_check_relerr(ana, num, n) < TOL);
    hs_sys_free(num);
    hs_sys_free(ana);
}

static hs_real *rnd(size_t n, uint64_t seed, double scale)
{
    hs_real *x = hs_alloc(n * sizeof *x);
    nn_check_fill(x, n, seed, scale);
    return x;
}

static hs_real *zeros(size_t n) { return hs_calloc(n, sizeof(hs_real)); }

static void test_gemm_matches_reference(void **state)
{
    (void)state;
    const int M = 7, N = 5, K = 9;
    hs_real *A = rnd((size_t)M * K, 1, 1), *B = rnd((size_t)K * N, 2, 1);
    hs_real *C0 = rnd((size_t)M * N, 3, 1);
    hs_real *C1 = zeros((size_t)M * N), *C2 = zeros((size_t)M * N);
    for (int tA = 0; tA < 2; tA++)
        for (int tB = 0; tB < 2; tB++)
            for (int bi = 0; bi < 2; bi++) {
                const hs_real beta = bi ? (hs_real)0.5 : 0;
                memcpy(C1, C0, (size_t)M * N * sizeof *C1);
                memcpy(C2, C0, (size_t)M * N * sizeof *C2);
                /* The same storage read as op(A) [M, K] either way. */
                hs_nn_gemm(tA, tB, M, N, K, 1.5, A, tA ? M : K, B, tB ? K : N, beta, C1, N);
                hs_nn_gemm_ref(tA, tB, M, N, K, 1.5, A, tA ? M : K, B, tB ? K : N, beta, C2, N);
                /* Sums of K = 9 O(1) products: reassociation changes them by
                 * a few ulps (1e-15); 1e-12 leaves room, a wrong index not. */
                for (int i = 0; i < M * N; i++)
                    assert_true(fabs(C1[i] - C2[i]) < 1e-12);
            }
    /* A hand-computed product: [1 2; 3 4] [5; 6] = [17; 39]. */
    hs_real a[4] = {1, 2, 3, 4}, b[2] = {5, 6}, c[2] = {0, 0};
    hs_nn_gemm(0, 0, 2, 1, 2, 1, a, 2, b, 1, 0, c, 1);
    assert_true(c[0] == 17 && c[1] == 39);
    hs_real *bufs[] = {A, B, C0, C1, C2};
    for (int i = 0; i < 5; i++)
        hs_sys_free(bufs[i]);
}

typedef struct {
    layer l;
    hs_real *inp, *w, *b;
    int N, C, OC;
} linear_case;

static void linear_run(void *self)
{
    linear_case *c = self;
    hs_nn_linear_forward(c->l.out, c->inp, c->w, c->b, c->N, c->C, c->OC);
}

static void test_linear_backward(void **state)
{
    (void)state;
    linear_case c = {.N = 6, .C = 5, .OC = 4};
    c.inp = rnd(30, 4, 1);
    c.w = rnd(20, 5, 1);
    c.b = rnd(4, 6, 1);
    c.l = (layer){linear_run, zeros(24), rnd(24, 7, 1), 24};
    hs_real *di = zeros(30), *dw = zeros(20), *db = zeros(4);
    hs_nn_linear_backward(di, dw, db, c.l.R, c.inp, c.w, c.N, c.C, c.OC);
    expect_grad(&c.l, c.inp, di, 30);
    expect_grad(&c.l, c.w, dw, 20);
    expect_grad(&c.l, c.b, db, 4);
    hs_real *bufs[] = {c.inp, c.w, c.b, c.l.out, (hs_real *)c.l.R, di, dw, db};
    for (int i = 0; i < 8; i++)
        hs_sys_free(bufs[i]);
}

typedef struct {
    layer l;
    hs_real *table, *pos;
    uint32_t tok[6];
} embed_case;

static void embed_run(void *self)
{
    embed_case *c = self;
    hs_nn_embed_forward(c->l.out, c->tok, c->table, c->pos, 6, 3, 4);
}

static void test_embed_backward(void **state)
{
    (void)state;
    /* Two sequences of T = 3 over a vocabulary of 5, token 1 repeated. */
    embed_case c = {.tok = {1, 4, 1, 0, 1, 2}};
    c.table = rnd(20, 8, 1);
    c.pos = rnd(12, 9, 1);
    c.l = (layer){embed_run, zeros(24), rnd(24, 10, 1), 24};
    hs_real *dt = zeros(20), *dp = zeros(12);
    hs_nn_embed_backward(dt, dp, c.l.R, c.tok, 6, 3, 4);
    /* Token 3 never occurs: its row gets exactly no gradient. */
    for (int j = 0; j < 4; j++)
        assert_true(dt[3 * 4 + j] == 0);
    expect_grad(&c.l, c.table, dt, 20);
    expect_grad(&c.l, c.pos, dp, 12);
    hs_real *bufs[] = {c.table, c.pos, c.l.out, (hs_real *)c.l.R, dt, dp};
    for (int i = 0; i < 6; i++)
        hs_sys_free(bufs[i]);
}

typedef struct {
    layer l;
    hs_real *inp, *w, *b, *mean, *rstd;
    int N, C;
} ln_case;

static void ln_run(void *self)
{
    ln_case *c = self;
    hs_nn_layernorm_forward(c->l.out, c->mean, c->rstd, c->inp, c->w, c->b, c->N, c->C);
}

static void test_layernorm(void **state)
{
    (void)state;
    ln_case c = {.N = 4, .C = 6};
    c.inp = rnd(24, 11, 2);
    c.w = rnd(6, 12, 1);
    c.b = rnd(6, 13, 1);
    c.mean = zeros(4);
    c.rstd = zeros(4);
    c.l = (layer){ln_run, zeros(24), rnd(24, 14, 1), 24};
    /* With w = 1, b = 0 every row has mean 0 and variance v / (v + eps). */
    hs_real one[6] = {1, 1, 1, 1, 1, 1}, zero[6] = {0};
    hs_nn_layernorm_forward(c.l.out, c.mean, c.rstd, c.inp, one, zero, c.N, c.C);
    for (int i = 0; i < c.N; i++) {
        double m = 0, v = 0, vin = 0;
        for (int j = 0; j < c.C; j++)
            m += c.l.out[i * c.C + j] / c.C;
        for (int j = 0; j < c.C; j++) {
            v += c.l.out[i * c.C + j] * c.l.out[i * c.C + j] / c.C;
            vin += pow(c.inp[i * c.C + j] - c.mean[i], 2) / c.C;
        }
        assert_true(fabs(m) < 1e-14);
        assert_true(fabs(v - vin / (vin + HS_NN_LN_EPS)) < 1e-13);
    }
    ln_run(&c);
    hs_real *di = zeros(24), *dw = zeros(6), *db = zeros(6);
    hs_nn_layernorm_backward(di, dw, db, c.l.R, c.inp, c.w, c.mean, c.rstd, c.N, c.C);
    expect_grad(&c.l, c.inp, di, 24);
    expect_grad(&c.l, c.w, dw, 6);
    expect_grad(&c.l, c.b, db, 6);
    hs_real *bufs[] = {c.inp, c.w, c.b, c.mean, c.rstd, c.l.out, (hs_real *)c.l.R, di, dw, db};
    for (int i = 0; i < 10; i++)
        hs_sys_free(bufs[i]);
}

typedef struct {
    layer l;
    hs_real *inp;
} gelu_case;

static void gelu_run(void *self)
{
    gelu_case *c = self;
    hs_nn_gelu_forward(c->l.out, c->inp, c->l.nout);
}

static void test_gelu(void **state)
{
    (void)state;
    /* x Phi(x): Phi(1) = 0.841344746068542949, Phi(-2) = 0.022750131948179209. */
    hs_real x[3] = {0, 1, -2}, y[3];
    hs_nn_gelu_forward(y, x, 3);
    assert_true(y[0] == 0);
    assert_true(fabs(y[1] - 0.841344746068542949) < 1e-15);
    assert_true(fabs(y[2] + 2 * 0.022750131948179209) < 1e-15);
    gelu_case c;
    c.inp = rnd(16, 15, 3);
    c.l = (layer){gelu_run, zeros(16), rnd(16, 16, 1), 16};
    hs_real *di = zeros(16);
    hs_nn_gelu_backward(di, c.inp, c.l.R, 16);
    expect_grad(&c.l, c.inp, di, 16);
    hs_real *bufs[] = {c.inp, c.l.out, (hs_real *)c.l.R, di};
    for (int i = 0; i < 4; i++)
        hs_sys_free(bufs[i]);
}

typedef struct {
    layer l;
    hs_real *qkv, *att;
    int B, T, C, NH, ref;
} attn_case;

static void attn_run(void *self)
{
    attn_case *c = self;
    if (c->ref)
        hs_attention_forward_ref(c->l.out, c->att, c->qkv, c->B, c->T, c->C, c->NH);
    else
        hs_attention_forward(c->l.out, c->att, c->qkv, c->B, c->T, c->C, c->NH);
}

/* Both implementations: known properties, gradients against central
 * differences, and the BLAS one against the loops. */
static void test_attention(void **state)
{
    (void)state;
    const int B = 2, T = 5, C = 6, NH = 2;
    const size_t nq = (size_t)B * T * 3 * C, no = (size_t)B * T * C, na = (size_t)B * NH * T * T;
    hs_real *outs[2], *atts[2], *dqs[2];
    for (int ref = 0; ref < 2; ref++) {
        attn_case c = {.B = B, .T = T, .C = C, .NH = NH, .ref = ref};
        c.qkv = rnd(nq, 17, 1);
        c.att = zeros(na);
        c.l = (layer){attn_run, zeros(no), rnd(no, 18, 1), no};
        attn_run(&c);
        /* Position 0 attends only to itself: its output is its own value row. */
        for (int b = 0; b < B; b++)
            for (int i = 0; i < C; i++)
                assert_true(fabs(c.l.out[(size_t)b * T * C + i] - c.qkv[(size_t)b * T * 3 * C + 2 * C + i]) < 1e-15);
        /* Rows of attention weights sum to 1 and vanish above the diagonal. */
        for (int r = 0; r < B * NH * T; r++) {
            const int t = r % T;
            double s = 0;
            for (int t2 = 0; t2 < T; t2++) {
                s += c.att[(size_t)r * T + t2];
                if (t2 > t)
                    assert_true(c.att[(size_t)r * T + t2] == 0);
            }
            assert_true(fabs(s - 1) < 1e-14);
        }
        hs_real *scratch = zeros((size_t)T * T), *dq = zeros(nq);
        if (ref)
            hs_attention_backward_ref(dq, scratch, c.l.R, c.qkv, c.att, B, T, C, NH);
        else
            hs_attention_backward(dq, scratch, c.l.R, c.qkv, c.att, B, T, C, NH);
        expect_grad(&c.l, c.qkv, dq, nq);
        outs[ref] = c.l.out;
        atts[ref] = c.att;
        dqs[ref] = dq;
        hs_sys_free(c.qkv);
        hs_sys_free((hs_real *)c.l.R);
        hs_sys_free(scratch);
    }
    /* Same sums in another order: rounding-level agreement. */
    for (size_t i = 0; i < no; i++)
        assert_true(fabs(outs[0][i] - outs[1][i]) < 1e-14);
    for (size_t i = 0; i < na; i++)
        assert_true(fabs(atts[0][i] - atts[1][i]) < 1e-14);
    for (size_t i = 0; i < nq; i++)
        assert_true(fabs(dqs[0][i] - dqs[1][i]) < 1e-13);
    for (int i = 0; i < 2; i++) {
        hs_sys_free(outs[i]);
        hs_sys_free(atts[i]);
        hs_sys_free(dqs[i]);
    }
}

static void test_attention_is_causal(void **state)
{
    (void)state;
    const int B = 1, T = 4, C = 4, NH = 2;
    const size_t nq = (size_t)T * 3 * C, no = (size_t)T * C;
    hs_real *qkv = rnd(nq, 19, 1), *att = zeros((size_t)NH * T * T);
    hs_real *o1 = zeros(no), *o2 = zeros(no);
    hs_attention_forward(o1, att, qkv, B, T, C, NH);
    for (size_t i = (size_t)(T - 1) * 3 * C; i < nq; i++)
        qkv[i] += 0.5; /* change the last position's q, k and v */
    hs_attention_forward(o2, att, qkv, B, T, C, NH);
    for (size_t i = 0; i < (size_t)(T - 1) * C; i++)
        assert_true(o1[i] == o2[i]);
    int changed = 0;
    for (size_t i = (size_t)(T - 1) * C; i < no; i++)
        changed |= o1[i] != o2[i];
    assert_true(changed);
    hs_real *bufs[] = {qkv, att, o1, o2};
    for (int i = 0; i < 4; i++)
        hs_sys_free(bufs[i]);
}

typedef struct {
    hs_real *logits, *probs;
    int target[5];
} xent_case;

static double xent_f(void *ctx)
{
    xent_case *c = ctx;
    return hs_nn_xent_forward(c->probs, c->logits, c->target, 5, 3);
}

static void test_xent(void **state)
{
    (void)state;
    /* Equal logits: loss ln d per row, probabilities 1/d. */
    hs_real z[2] = {0.3, 0.3}, p[2];
    int tgt = 1;
    assert_true(fabs(hs_nn_xent_forward(p, z, &tgt, 1, 2) - log(2.0)) < 1e-15);
    assert_true(fabs(p[0] - 0.5) < 1e-15);
    /* Large logits stay finite: softmax is shift invariant. */
    hs_real big[2] = {1000, 0};
    tgt = 1;
    assert_true(fabs(hs_nn_xent_forward(p, big, &tgt, 1, 2) - 1000) < 1e-9);

    xent_case c = {.target = {0, 2, 1, 1, 0}};
    c.logits = rnd(15, 20, 2);
    c.probs = zeros(15);
    hs_real *dl = zeros(15);
    xent_f(&c);
    hs_nn_xent_backward(dl, c.probs, c.target, 5, 3, 1);
    double *num = hs_alloc(15 * sizeof *num), *ana = hs_alloc(15 * sizeof *ana);
    nn_check_numeric(xent_f, &c, c.logits, 15, EPS, num);
    for (int i = 0; i < 15; i++)
        ana[i] = dl[i];
    assert_true(nn_check_relerr(ana, num, 15) < TOL);
    hs_real *bufs[] = {c.logits, c.probs, dl};
    for (int i = 0; i < 3; i++)
        hs_sys_free(bufs[i]);
    hs_sys_free(num);
    hs_sys_free(ana);
}

typedef struct {
    hs_real *logits, *probs;
    double p[15];
} soft_case;

static double soft_f(void *ctx)
{
    soft_case *c = ctx;
    return hs_nn_xent_soft_forward(c->probs, c->logits, c->p, 5, 3);
}

/* The soft loss (cross-entropy against target distributions, the exact
 * conditionals): its value for equal logits is ln d whatever the targets,
 * one-hot targets give the hard loss exactly, and the backward pass matches
 * central differences within TOL (as every layer here). */
static void test_xent_soft(void **state)
{
    (void)state;
    soft_case c = {.p = {0.5, 0.25, 0.25, 1, 0, 0, 0.1, 0.8, 0.1, 0, 0.5, 0.5, 1.0 / 3, 1.0 / 3, 1.0 / 3}};
    hs_real z[3] = {0.7, 0.7, 0.7}, pr[3];
    assert_true(fabs(hs_nn_xent_soft_forward(pr, z, c.p, 1, 3) - log(3.0)) < 1e-15);
    c.logits = rnd(15, 21, 2);
    c.probs = zeros(15);
    const double onehot[15] = {1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0};
    const int target[5] = {0, 2, 1, 1, 0};
    hs_real *hp = zeros(15);
    assert_true(fabs(hs_nn_xent_soft_forward(c.probs, c.logits, onehot, 5, 3) -
                     hs_nn_xent_forward(hp, c.logits, target, 5, 3)) < 1e-13);
    hs_real *dl = zeros(15);
    soft_f(&c);
    hs_nn_xent_soft_backward(dl, c.probs, c.p, 5, 3, 1);
    double *num = hs_alloc(15 * sizeof *num), *ana = hs_alloc(15 * sizeof *ana);
    nn_check_numeric(soft_f, &c, c.logits, 15, EPS, num);
    for (int i = 0; i < 15; i++)
        ana[i] = dl[i];
    assert_true(nn_check_relerr(ana, num, 15) < TOL);
    hs_real *bufs[] = {c.logits, c.probs, dl, hp};
    for (int i = 0; i < 4; i++)
        hs_sys_free(bufs[i]);
    hs_sys_free(num);
    hs_sys_free(ana);
}

/* Quantisation to b bits: every output is one of the 2^b levels spread over
 * [-R, R] (ends included), the nearest one (at most half a level step
 * away) inside the range, the nearer end outside it. */
static void test_quantize(void **state)
{
    (void)state;
    for (int b = 1; b <= 8; b *= 2) {
        const double R = 2, step = 2 * R / ((1 << b) - 1);
        hs_real *x = rnd(200, 22 + (uint64_t)b, 3), *q = zeros(200);
        memcpy(q, x, 200 * sizeof *q);
        hs_nn_quantize(q, 200, b, (hs_real)R);
        for (int i = 0; i < 200; i++) {
            const double lev = (q[i] + R) / step;
            assert_true(fabs(lev - round(lev)) < 1e-9 && lev > -1e-9 && lev < (1 << b) - 1 + 1e-9);
            const double clipped = x[i] < -R ? -R : x[i] > R ? R : x[i];
            assert_true(fabs(q[i] - clipped) <= step / 2 + 1e-12);
        }
        hs_sys_free(x);
        hs_sys_free(q);
    }
}

int main(void)
{
    /* One BLAS thread: threads only slow down products this small. */
    hs_nn_blas_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_matches_reference),
        cmocka_unit_test(test_linear_backward),
        cmocka_unit_test(test_embed_backward),
        cmocka_unit_test(test_layernorm),
        cmocka_unit_test(test_gelu),
        cmocka_unit_test(test_attention),
        cmocka_unit_test(test_attention_is_causal),
        cmocka_unit_test(test_xent),
        cmocka_unit_test(test_xent_soft),
        cmocka_unit_test(test_quantize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
