/* Tests of the trainability suite's gradient-variance measurement
 * (suites/gradvar.c) against a plain reference: every initialisation drawn
 * again from its stream, each reading's loss (first output, mean over
 * outputs, last output) written out from the definitions on the engine's
 * predictions, its gradient by central finite differences, and the sample
 * variances averaged over the write-cell and the query-cell parameters; and
 * the numbers' independence of the thread count. */
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
#include "gradvar.h"
#include "hsmt.h"
#include "khrnn.h"
#include "khrnn_grad.h"
#include "rng.h"
#include "score.h"
#include "state.h"

enum { S = 6, B = 3, PMAX = 32 };

static hs_hsmt task(int n, int k)
{
    hs_hsmt t = {.n = n, .k = k, .d = 2, .ell = 5, .q = n, .seed = 11};
    hs_hsmt_defaults(&t);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&t, err, sizeof err), 0);
    return t;
}

/* The three readings' losses (bits per output) at parameters x, from the
 * predictions without tangents: the k-HRNN's engine (core/khrnn.c) and the
 * ansatz's plain forward pass. */
static void losses(int ansatz, const hs_hsmt *t, const hs_seq *seqs, const double *x, double L[3])
{
    hs_khrnn km;
    hs_ansatz am;
    if (ansatz) {
        hs_ansatz_random(&am, t, 0);
        hs_ansatz_set(&am, x);
    } else {
        hs_khrnn_random(&km, t, 0);
        hs_khrnn_grad_set(&km, x);
    }
    L[0] = L[1] = L[2] = 0;
    for (int i = 0; i < B; i++) {
        double r[2 * 64];
        if (ansatz)
            assert_int_equal(hs_ansatz_predict(&am, &seqs[i], r), 0);
        else {
            hs_state *st = hs_state_new(t->n, 2);
            assert_int_equal(hs_khrnn_predict(&km, st, &seqs[i], r, NULL), 0);
            hs_state_free(st);
        }
        for (int q = 0; q < t->q; q++) {
            double l = 0;
            for (int o = 0; o < 2; o++)
                if (seqs[i].probs[2 * q + o] > 0)
                    l -= seqs[i].probs[2 * q + o] * log2(fmax(r[2 * q + o], HS_SCORE_FLOOR));
            L[1] += l / (B * t->q);
            if (q == 0)
                L[0] += l / B;
            if (q == t->q - 1)
                L[2] += l / B;
        }
    }
}

/* Mean over parameters [j0, j1) of the sample variance over S samples. */
static double mean_var(const double (*g)[PMAX], int j0, int j1)
{
    double v = 0;
    for (int j = j0; j < j1; j++) {
        double m = 0, m2 = 0;
        for (int s = 0; s < S; s++)
            m += g[s][j] / S;
        for (int s = 0; s < S; s++)
            m2 += (g[s][j] - m) * (g[s][j] - m);
        v += m2 / (S - 1);
    }
    return v / (j1 - j0);
}

/* For both models at (n, k) = (3, 2) and (4, 3), both widths: the
 * measurement's variances equal the reference's. Central differences with
 * h = 1e-5 on losses of order 1 whose third derivatives are O(ell^3) = 125
 * (the write angles multiply hyperedge counts up to ell): truncation
 * h^2 |L'''| / 6 ~ 2e-9, rounding 1e-16 / h = 1e-11, so each derivative is
 * good to ~1e-8 of gradients of order 0.1-10, and the variances (sums of
 * squares) to ~1e-6 relative: 1e-5 leaves a factor 10. */
static void test_against_finite_differences(void **state)
{
    (void)state;
    const int cases[][2] = {{3, 2}, {4, 3}};
    for (int c = 0; c < 2; c++)
        for (int ansatz = 0; ansatz <= 1; ansatz++)
            for (int wide = 0; wide <= 1; wide++) {
                const hs_hsmt t = task(cases[c][0], cases[c][1]);
                const hs_gradvar_opts o = {.ansatz = ansatz, .width = wide ? M_PI : 0.1, .samples = S,
                                           .batch = B, .boot_reps = 50, .level = 0.9, .seed = 5};
                hs_gradvar_reading R[HS_GV_READINGS];
                int P;
                char err[256];
                assert_int_equal(hs_gradvar_measure(&t, &o, R, &P, err, sizeof err), 0);
                assert_true(P <= PMAX);
                hs_seq seqs[B] = {0};
                hs_gen *gen = hs_gen_new(&t);
                for (int i = 0; i < B; i++)
                    hs_gen_sequence(gen, (uint64_t)i, &seqs[i]);
                hs_gen_free(gen);
                static double g[3][S][PMAX];
                double loss[3] = {0, 0, 0};
                for (int s = 0; s < S; s++) {
                    double x[PMAX], L[3], Lp[3], Lm[3];
                    hs_rng rng;
                    hs_rng_init(&rng, o.seed, (uint64_t)s, HS_RNG_PARAMS);
                    for (int j = 0; j < P; j++)
                        x[j] = o.width * (2.0 * hs_rng_uniform(&rng) - 1.0);
                    losses(ansatz, &t, seqs, x, L);
                    for (int a = 0; a < 3; a++)
                        loss[a] += L[a] / S;
                    for (int j = 0; j < P; j++) {
                        const double h = 1e-5, x0 = x[j];
                        x[j] = x0 + h;
                        losses(ansatz, &t, seqs, x, Lp);
                        x[j] = x0 - h;
                        losses(ansatz, &t, seqs, x, Lm);
                        x[j] = x0;
                        for (int a = 0; a < 3; a++)
                            g[a][s][j] = (Lp[a] - Lm[a]) / (2 * h);
                    }
                }
                int w0, w1;
                hs_gradvar_parts(ansatz, t.k, &w0, &w1);
                for (int a = 0; a < 3; a++) {
                    const double vw = mean_var(g[a], w0, w1), vq = mean_var(g[a], w1, P);
                    if (fabs(R[a].var_write - vw) > 1e-5 * vw || fabs(R[a].var_query - vq) > 1e-5 * vq)
                        fail_msg("%s n=%d k=%d width %g reading %s: write %.10g vs %.10g, query %.10g vs %.10g",
                                 ansatz ? "ansatz" : "khrnn", t.n, t.k, o.width, hs_gradvar_reading_name(a),
                                 R[a].var_write, vw, R[a].var_query, vq);
                    assert_float_equal(R[a].loss, loss[a], 1e-12);
                    assert_true(R[a].lo_write <= R[a].hi_write && R[a].lo_query <= R[a].hi_query);
                }
                for (int i = 0; i < B; i++)
                    hs_seq_free(&seqs[i]);
            }
}

/* One thread or two: the same numbers to the last bit (each initialisation
 * has its own stream and slot; the statistics run after the loop). */
static void test_threads(void **state)
{
    (void)state;
    const hs_hsmt t = task(5, 2);
    hs_gradvar_opts o = {.ansatz = 1, .width = M_PI, .samples = 20, .batch = 2, .boot_reps = 100,
                         .level = 0.95, .seed = 3};
    hs_gradvar_reading a[HS_GV_READINGS], b[HS_GV_READINGS];
    int P;
    char err[256];
    omp_set_num_threads(1);
    assert_int_equal(hs_gradvar_measure(&t, &o, a, &P, err, sizeof err), 0);
    omp_set_num_threads(2);
    assert_int_equal(hs_gradvar_measure(&t, &o, b, &P, err, sizeof err), 0);
    assert_memory_equal(a, b, sizeof a);
}

static int stop_now(void) { return 1; }

/* A stop request leaves the results unfilled and says so (1). */
static void test_stop(void **state)
{
    (void)state;
    const hs_hsmt t = task(3, 2);
    hs_gradvar_opts o = {.ansatz = 0, .width = M_PI, .samples = 4, .batch = 1, .boot_reps = 10, .level = 0.9,
                         .seed = 1, .stop = stop_now};
    hs_gradvar_reading R[HS_GV_READINGS];
    int P;
    char err[256];
    assert_int_equal(hs_gradvar_measure(&t, &o, R, &P, err, sizeof err), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_finite_differences),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
