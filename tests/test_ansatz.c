/* Tests of the generic layered ansatz (core/ansatz.h): predictions against an
 * explicit dense-matrix reference built from the definition, and every
 * derivative (of the predictions and of both losses) against central finite
 * differences. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <omp.h>

#include "ansatz.h"
#include "combin.h"
#include "dense_ref.h"
#include "grad.h"
#include "hsmt.h"
#include "score.h"
#include "seq_fixture.h"

/* 2x2 products c = a b. */
static void mul2(const cplx *a, const cplx *b, cplx *c)
{
    cplx t[4];
    for (int r = 0; r < 2; r++)
        for (int col = 0; col < 2; col++)
            t[2 * r + col] = a[2 * r] * b[col] + a[2 * r + 1] * b[2 + col];
    memcpy(c, t, sizeof t);
}

static void rz(double x, cplx *u)
{
    u[0] = cexp(-I * x / 2);
    u[1] = u[2] = 0;
    u[3] = cexp(I * x / 2);
}

static void ry(double y, cplx *u)
{
    u[0] = cos(y / 2);
    u[1] = -sin(y / 2);
    u[2] = sin(y / 2);
    u[3] = cos(y / 2);
}

/* psi <- (I x .. x U on site x .. x I) psi with the explicit N x N matrix. */
static void dense_apply_site(dense_state *s, int site, const cplx *U)
{
    const size_t N = s->N;
    cplx *A = calloc(N * N, sizeof *A), *out = calloc(N, sizeof *out);
    assert_non_null(A);
    assert_non_null(out);
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < N; c++)
            if ((r & ~((size_t)1 << site)) == (c & ~((size_t)1 << site)))
                A[r * N + c] = U[2 * (r >> site & 1) + (c >> site & 1)];
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < N; c++)
            out[r] += A[r * N + c] * s->psi[c];
    memcpy(s->psi, out, N * sizeof *out);
    free(A);
    free(out);
}

/* psi <- CZ(a, b) psi: the diagonal matrix diag((-1)^(z_a z_b)). */
static void dense_cz(dense_state *s, int a, int b)
{
    for (size_t z = 0; z < s->N; z++)
        if ((z >> a & 1) && (z >> b & 1))
            s->psi[z] = -s->psi[z];
}

/* The ansatz's predictions on one sequence, from the definition in ansatz.h. */
static void dense_predict(const hs_ansatz *a, const hs_seq *s, double *r)
{
    dense_state st;
    dense_new(&st, a->n, 2);
    dense_plus(&st);
    for (long w = 0; w < s->ell; w++) {
        int sites[64];
        hs_comb_unrank(s->writes[w], a->n, a->k, sites);
        for (int j = 0; j < a->k; j++) {
            cplx u[4];
            ry(a->phi[2 * j], u);
            dense_apply_site(&st, sites[j], u);
            rz(a->phi[2 * j + 1], u);
            dense_apply_site(&st, sites[j], u);
        }
        for (int j = 0; j + 1 < a->k; j++)
            dense_cz(&st, sites[j], sites[j + 1]);
    }
    for (int t = 0; t < s->q; t++) {
        const double *ang = a->angles[s->basis[t]];
        cplx v[4], m[4];
        rz(ang[0], v);
        ry(ang[1], m);
        mul2(v, m, v);
        rz(ang[2], m);
        mul2(v, m, v);
        dense_measure(&st, s->sites[t], v, r + 2 * t, s->outcomes[t]);
    }
    dense_free(&st);
}

static void test_parameters(void **state)
{
    (void)state;
    hs_hsmt c = seq_fixture_cfg(5, 3, 4, 1);
    hs_ansatz a, b;
    hs_ansatz_random(&a, &c, 9);
    assert_int_equal(hs_ansatz_nparams(&a), 2 * 3 + 3 * 3);
    double x[64], y[64];
    hs_ansatz_get(&a, x);
    for (int j = 0; j < 15; j++)
        assert_true(x[j] >= -M_PI && x[j] < M_PI);
    b = a;
    memset(b.phi, 0, sizeof b.phi);
    memset(b.angles, 0, sizeof b.angles);
    hs_ansatz_set(&b, x);
    hs_ansatz_get(&b, y);
    assert_memory_equal(x, y, 15 * sizeof *x);
    assert_memory_equal(a.phi, b.phi, sizeof a.phi);
    assert_memory_equal(a.angles, b.angles, sizeof a.angles);
}

static void test_dense_reference(void **state)
{
    (void)state;
    /* Same definition, independent code (explicit 2^n x 2^n matrices, sites
     * unfused, no discard): agreement to 1e-12 allows ~10^3 eps of rounding
     * over <= 8 writes x 3 gates and 5 conditionings on 32 amplitudes. */
    const int cases[][3] = {{3, 1, 4}, {4, 2, 6}, {5, 2, 8}, {5, 3, 8}};
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        hs_hsmt c = seq_fixture_cfg(cases[ci][0], cases[ci][1], cases[ci][2], 50 + ci);
        hs_seq *seqs = seq_fixture_draw(&c, 0, 3);
        for (int pt = 0; pt < 2; pt++) {
            hs_ansatz a;
            hs_ansatz_random(&a, &c, 500 + 10 * ci + pt);
            const int P = hs_ansatz_nparams(&a);
            for (int i = 0; i < 3; i++) {
                double r[64], rd[64], rg[64];
                double *dr = malloc((size_t)seqs[i].q * 2 * P * sizeof *dr);
                assert_int_equal(hs_ansatz_predict(&a, &seqs[i], r), 0);
                assert_int_equal(hs_ansatz_grad_predict(&a, &seqs[i], rg, dr), 0);
                dense_predict(&a, &seqs[i], rd);
                for (int e = 0; e < 2 * seqs[i].q; e++) {
                    assert_true(fabs(r[e] - rd[e]) < 1e-12);
                    assert_true(rg[e] == r[e]);
                }
                free(dr);
            }
        }
        seq_fixture_free(seqs, 3);
    }
}

/* Mean loss per output from hs_ansatz_predict, written out from the
 * definitions (floor as hs_score). */
static double loss_of(const hs_ansatz *a, const hs_seq *seqs, int count, int kind)
{
    double r[64], sum = 0;
    long outputs = 0;
    for (int i = 0; i < count; i++) {
        assert_int_equal(hs_ansatz_predict(a, &seqs[i], r), 0);
        for (int t = 0; t < seqs[i].q; t++, outputs++)
            for (int o = 0; o < 2; o++) {
                double w = kind == HS_LOSS_CE ? seqs[i].probs[2 * t + o] : o == seqs[i].outcomes[t];
                if (w > 0)
                    sum -= w * log2(fmax(r[2 * t + o], HS_SCORE_FLOOR));
            }
    }
    return sum / (double)outputs;
}

/* Central differences with h = 1e-5: truncation h^2/6 |f'''| where every
 * parameter enters through angle/2 rotations applied at most ell = 8 times,
 * so |f'''| of r is O(ell^3 / 8) <~ 1e2 and of the loss <~ 1e3 for r >~ 0.05:
 * <= 2e-8; rounding ~ 1e-14 / h = 1e-9. tol = 2e-6 (1 + |g|) has a wide
 * margin for both, while a wrong term or factor is off by >= 1e-3. */
#define FD_H 1e-5
static double fd_tol(double g) { return 2e-6 * (1.0 + fabs(g)); }

static void perturbed(const hs_ansatz *a, int j, double h, hs_ansatz *out)
{
    double x[128];
    hs_ansatz_get(a, x);
    x[j] += h;
    *out = *a;
    hs_ansatz_set(out, x);
}

static void test_dr_finite_differences(void **state)
{
    (void)state;
    for (int k = 1; k <= 3; k++) {
        hs_hsmt c = seq_fixture_cfg(5, k, 6, 60 + k);
        hs_seq *seqs = seq_fixture_draw(&c, 0, 2);
        for (int pt = 0; pt < 2; pt++) {
            hs_ansatz a;
            hs_ansatz_random(&a, &c, 600 + 10 * k + pt);
            const int P = hs_ansatz_nparams(&a);
            for (int i = 0; i < 2; i++) {
                const hs_seq *s = &seqs[i];
                double r[64], rp[64], rm[64];
                double *dr = malloc((size_t)s->q * 2 * P * sizeof *dr);
                assert_int_equal(hs_ansatz_grad_predict(&a, s, r, dr), 0);
                for (int j = 0; j < P; j++) {
                    hs_ansatz ap, am;
                    perturbed(&a, j, FD_H, &ap);
                    perturbed(&a, j, -FD_H, &am);
                    assert_int_equal(hs_ansatz_predict(&ap, s, rp), 0);
                    assert_int_equal(hs_ansatz_predict(&am, s, rm), 0);
                    for (int e = 0; e < 2 * s->q; e++) {
                        double fd = (rp[e] - rm[e]) / (2 * FD_H), an = dr[(size_t)e * P + j];
                        assert_true(fabs(fd - an) < fd_tol(an));
                    }
                }
                free(dr);
            }
        }
        seq_fixture_free(seqs, 2);
    }
}

static void test_loss_finite_differences(void **state)
{
    (void)state;
    for (int k = 1; k <= 3; k++) {
        hs_hsmt c = seq_fixture_cfg(6, k, 8, 70 + k);
        hs_seq *seqs = seq_fixture_draw(&c, 3, 3);
        for (int pt = 0; pt < 3; pt++)
            for (int kind = HS_LOSS_CE; kind <= HS_LOSS_NLL; kind++) {
                hs_ansatz a;
                hs_ansatz_random(&a, &c, 700 + 10 * k + pt);
                const int P = hs_ansatz_nparams(&a);
                double g[64];
                double L = hs_ansatz_grad_loss(&a, &c, seqs, 3, kind, g, NULL);
                /* Same predictions (bitwise, test above), same formula up to
                 * summation order. */
                assert_true(fabs(L - loss_of(&a, seqs, 3, kind)) < 1e-12);
                double gmax = 0;
                for (int j = 0; j < P; j++) {
                    hs_ansatz ap, am;
                    perturbed(&a, j, FD_H, &ap);
                    perturbed(&a, j, -FD_H, &am);
                    double fd = (loss_of(&ap, seqs, 3, kind) - loss_of(&am, seqs, 3, kind)) / (2 * FD_H);
                    assert_true(fabs(fd - g[j]) < fd_tol(g[j]));
                    gmax = fmax(gmax, fabs(g[j]));
                }
                /* A random point is not stationary: the comparison is not
                 * vacuous. */
                assert_true(gmax > 1e-3);
            }
        seq_fixture_free(seqs, 3);
    }
}

static void test_thread_independence(void **state)
{
    (void)state;
    /* Sequences in parallel (n = 10, 16 sequences: 2^14 amplitudes, the
     * threshold) and passes in parallel (one sequence, n = 13): results are
     * combined in a fixed order, so they must be bitwise equal for 1 and 2
     * threads. */
    const int cases[][4] = {{10, 2, 20, 16}, {13, 3, 20, 1}};
    for (size_t ci = 0; ci < 2; ci++) {
        hs_hsmt c = seq_fixture_cfg(cases[ci][0], cases[ci][1], cases[ci][2], 80 + ci);
        const int count = cases[ci][3];
        hs_seq *seqs = seq_fixture_draw(&c, 0, count);
        hs_ansatz a;
        hs_ansatz_random(&a, &c, 81);
        double g1[64], g2[64], L[2];
        const int saved = omp_get_max_threads();
        omp_set_num_threads(1);
        L[0] = hs_ansatz_grad_loss(&a, &c, seqs, count, HS_LOSS_CE, g1, NULL);
        omp_set_num_threads(2);
        L[1] = hs_ansatz_grad_loss(&a, &c, seqs, count, HS_LOSS_CE, g2, NULL);
        omp_set_num_threads(saved);
        assert_true(L[0] == L[1]);
        assert_memory_equal(g1, g2, (size_t)hs_ansatz_nparams(&a) * sizeof *g1);
        seq_fixture_free(seqs, count);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_dense_reference),
        cmocka_unit_test(test_dr_finite_differences),
        cmocka_unit_test(test_loss_finite_differences),
        cmocka_unit_test(test_thread_independence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
