/* Tests of the k-HRNN's exact gradients (core/khrnn_grad.h) and of its
 * training through the one training loop (core/train.h): predictions against the engine's
 * hs_khrnn_predict, every derivative against central finite differences of
 * the engine's predictions, the exact parameters as a stationary point of the
 * cross-entropy, and a short training run from a random start. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <omp.h>

#include "grad.h"
#include "hsmt.h"
#include "khrnn.h"
#include "khrnn_grad.h"
#include "score.h"
#include "seq_fixture.h"
#include "state.h"
#include "train.h"

/* The engine's predictions (core/khrnn.c, a different code path). */
static void engine_predict(const hs_khrnn *m, const hs_seq *s, double *r)
{
    hs_state *st = hs_state_new(m->n, 2);
    assert_int_equal(hs_khrnn_predict(m, st, s, r, NULL), 0);
    hs_state_free(st);
}

/* Mean loss per output from the engine's predictions, written out from the
 * definitions (floor as hs_score). */
static double engine_loss(const hs_khrnn *m, const hs_seq *seqs, int count, int kind)
{
    double r[2 * 64], sum = 0;
    long outputs = 0;
    for (int i = 0; i < count; i++) {
        engine_predict(m, &seqs[i], r);
        for (int t = 0; t < seqs[i].q; t++, outputs++)
            for (int o = 0; o < 2; o++) {
                double w = kind == HS_LOSS_CE ? seqs[i].probs[2 * t + o] : o == seqs[i].outcomes[t];
                double ro = fmax(r[2 * t + o], HS_SCORE_FLOOR);
                if (w > 0)
                    sum -= w * log2(ro);
            }
    }
    return sum / (double)outputs;
}

static void test_zero_tangent_matches_engine(void **state)
{
    (void)state;
    /* Same model, two code paths (closed-form phases vs per-hyperedge
     * products; different measurement kernels): agreement to 1e-12 is the
     * brief's bound, about 10^3 eps for O(1) probabilities after <= 10
     * conditionings on states of <= 2^10 amplitudes. */
    const int cases[][3] = {{4, 1, 5}, {5, 2, 12}, {6, 3, 30}, {10, 3, 120}, {7, 4, 20}};
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        hs_hsmt c = seq_fixture_cfg(cases[ci][0], cases[ci][1], cases[ci][2], 11 + ci);
        hs_seq *seqs = seq_fixture_draw(&c, 0, 3);
        for (int rep = 0; rep < 2; rep++) {
            hs_khrnn m;
            if (rep == 0)
                hs_khrnn_random(&m, &c, 100 + ci);
            else
                hs_khrnn_exact(&m, &c);
            const int P = hs_khrnn_grad_nparams(&m);
            for (int i = 0; i < 3; i++) {
                double r_eng[128], r0[128], r1[128];
                double *dr = malloc((size_t)seqs[i].q * 2 * P * sizeof *dr);
                engine_predict(&m, &seqs[i], r_eng);
                assert_int_equal(hs_khrnn_grad_predict(&m, &seqs[i], r0, NULL), 0);
                assert_int_equal(hs_khrnn_grad_predict(&m, &seqs[i], r1, dr), 0);
                for (int e = 0; e < 2 * seqs[i].q; e++) {
                    assert_true(fabs(r0[e] - r_eng[e]) < 1e-12);
                    /* Carrying tangents must not change r at all. */
                    assert_true(r1[e] == r0[e]);
                }
                free(dr);
            }
        }
        seq_fixture_free(seqs, 3);
    }
}

/* Central differences: error <= h^2/6 max|f'''| + eps_f / h. Each theta_j
 * enters the phases with the integer factors N_j(z), |N_j| <= ell max|K_j(c)|
 * <= 10 * 3 = 30 here (k <= 3, ell <= 10), so |f'''| <~ 30^3 and the
 * truncation is <~ 1e-10 / 6 * 2.7e4 = 5e-7 (the Euler angles enter at half
 * angle and contribute far less); the rounding term is about 1e-14 / 1e-5 =
 * 1e-9. tol(g) = 2e-6 (1 + |g|) covers both (the worst case seen is 2.4e-7,
 * k = 3), while a wrong derivative (a missing factor, sign or term) is off by
 * >= 1e-3. */
#define FD_H 1e-5
static double fd_tol(double g) { return 2e-6 * (1.0 + fabs(g)); }

/* m with flattened parameter j moved by h. */
static void perturbed(const hs_khrnn *m, int j, double h, hs_khrnn *out)
{
    double x[64];
    hs_khrnn_grad_get(m, x);
    x[j] += h;
    *out = *m;
    hs_khrnn_grad_set(out, x);
}

static void test_dr_finite_differences(void **state)
{
    (void)state;
    for (int k = 1; k <= 3; k++) {
        hs_hsmt c = seq_fixture_cfg(5, k, 8, 20 + k);
        hs_seq *seqs = seq_fixture_draw(&c, 0, 2);
        for (int pt = 0; pt < 2; pt++) {
            hs_khrnn m;
            hs_khrnn_random(&m, &c, 200 + 10 * k + pt);
            const int P = hs_khrnn_grad_nparams(&m);
            double r[128], rp[128], rm[128];
            for (int i = 0; i < 2; i++) {
                const hs_seq *s = &seqs[i];
                double *dr = malloc((size_t)s->q * 2 * P * sizeof *dr);
                assert_int_equal(hs_khrnn_grad_predict(&m, s, r, dr), 0);
                for (int j = 0; j < P; j++) {
                    hs_khrnn mp, mm;
                    perturbed(&m, j, FD_H, &mp);
                    perturbed(&m, j, -FD_H, &mm);
                    engine_predict(&mp, s, rp);
                    engine_predict(&mm, s, rm);
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
        hs_hsmt c = seq_fixture_cfg(6, k, 10, 30 + k);
        hs_seq *seqs = seq_fixture_draw(&c, 5, 3);
        for (int pt = 0; pt < 3; pt++)
            for (int kind = HS_LOSS_CE; kind <= HS_LOSS_NLL; kind++) {
                hs_khrnn m;
                hs_khrnn_random(&m, &c, 300 + 10 * k + pt);
                const int P = hs_khrnn_grad_nparams(&m);
                double g[64];
                double L = hs_khrnn_grad_loss(&m, &c, seqs, 3, kind, g, NULL);
                /* The value against the engine: same 1e-12 agreement of r,
                 * amplified by 1 / (r ln 2) <~ 1e2 for r >~ 1e-2. */
                assert_true(fabs(L - engine_loss(&m, seqs, 3, kind)) < 1e-10);
                assert_true(fabs(hs_khrnn_grad_loss(&m, &c, seqs, 3, kind, NULL, NULL) - L) < 1e-13);
                double gmax = 0;
                for (int j = 0; j < P; j++) {
                    hs_khrnn mp, mm;
                    perturbed(&m, j, FD_H, &mp);
                    perturbed(&m, j, -FD_H, &mm);
                    double fd = (engine_loss(&mp, seqs, 3, kind) - engine_loss(&mm, seqs, 3, kind)) /
                                (2 * FD_H);
                    assert_true(fabs(fd - g[j]) < fd_tol(g[j]));
                    gmax = fmax(gmax, fabs(g[j]));
                }
                /* theta_0 is a global phase: its derivative is exactly
                 * representable as 0 up to rounding of i N_0 psi terms. */
                assert_true(fabs(g[0]) < 1e-10);
                /* A random point is not stationary: the comparison above
                 * is not vacuous. */
                assert_true(gmax > 1e-3);
            }
        seq_fixture_free(seqs, 3);
    }
}

static void test_exact_is_stationary(void **state)
{
    (void)state;
    /* At the exact parameters r_t = p_t, so CE equals the mean entropy and
     * dCE/dx_j = -sum_o p(o) dr(o) / (r(o) ln 2) = -sum_o dr(o) / ln 2 = 0
     * (outcomes with p = 0 are minima of r >= 0, where dr = 0). The residual
     * is rounding in dr, which is ~1e-15 times the tangent scale |N_j| <~
     * ell 2^k <= 8e3 here: |g| < 1e-9 leaves a wide margin, while a
     * derivative of r that does not sum to 0 over outcomes shows as O(1). */
    const int cases[][3] = {{5, 1, 10}, {6, 2, 15}, {7, 3, 35}, {8, 3, 56}};
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        hs_hsmt c = seq_fixture_cfg(cases[ci][0], cases[ci][1], cases[ci][2], 40 + ci);
        hs_seq *seqs = seq_fixture_draw(&c, 0, 4);
        hs_khrnn m;
        hs_khrnn_exact(&m, &c);
        const int P = hs_khrnn_grad_nparams(&m);
        double g[64];
        double L = hs_khrnn_grad_loss(&m, &c, seqs, 4, HS_LOSS_CE, g, NULL);
        hs_score sc = {0};
        for (int i = 0; i < 4; i++)
            for (int t = 0; t < seqs[i].q; t++)
                hs_score_add(&sc, seqs[i].probs + 2 * t, seqs[i].probs + 2 * t, 2, seqs[i].outcomes[t]);
        assert_true(fabs(L - sc.opt / (double)sc.outputs) < 1e-10);
        for (int j = 0; j < P; j++)
            assert_true(fabs(g[j]) < 1e-9);
        seq_fixture_free(seqs, 4);
    }
}

static void test_thread_independence(void **state)
{
    (void)state;
    /* Sequences in parallel (n = 10, 16 sequences: 2^14 amplitudes, the
     * threshold) and passes in parallel (one sequence, n = 13): results are
     * combined in a fixed order, so they must be bitwise equal for 1 and 2
     * threads. */
    const int cases[][4] = {{10, 2, 45, 16}, {13, 3, 100, 1}};
    for (size_t ci = 0; ci < 2; ci++) {
        hs_hsmt c = seq_fixture_cfg(cases[ci][0], cases[ci][1], cases[ci][2], 60 + ci);
        const int count = cases[ci][3];
        hs_seq *seqs = seq_fixture_draw(&c, 0, count);
        hs_khrnn m;
        hs_khrnn_random(&m, &c, 61);
        double g1[64], g2[64], L[2];
        const int saved = omp_get_max_threads();
        omp_set_num_threads(1);
        L[0] = hs_khrnn_grad_loss(&m, &c, seqs, count, HS_LOSS_NLL, g1, NULL);
        omp_set_num_threads(2);
        L[1] = hs_khrnn_grad_loss(&m, &c, seqs, count, HS_LOSS_NLL, g2, NULL);
        omp_set_num_threads(saved);
        assert_true(L[0] == L[1]);
        assert_memory_equal(g1, g2, (size_t)hs_khrnn_grad_nparams(&m) * sizeof *g1);
        seq_fixture_free(seqs, count);
    }
}

typedef struct {
    int calls;
    long last_step;
    double first_excess, last_excess;
} log_rec;

static void record(void *ctx, long step, double excess, double loss)
{
    log_rec *l = ctx;
    assert_true(step > l->last_step || l->calls == 0);
    assert_true(excess >= -1e-12 && loss >= excess - 1e-12);
    if (l->calls == 0)
        l->first_excess = excess;
    l->last_excess = excess;
    l->last_step = step;
    l->calls++;
}

/* The k-HRNN's training options of the registry: Adam without clipping or
 * warm-up, cosine decay to lr / 100, the sampled-outcome loss, curriculum
 * stages peaking at lr / sqrt(ell_s). */
static hs_train_opts khrnn_opts(long steps, int batch, long eval, long every)
{
    return (hs_train_opts){.steps = steps, .batch = batch, .lr = 0.05, .warmup = 0, .lr_floor = 0.01,
                           .loss = HS_LOSS_NLL, .stage_lr_sqrt = 1, .eval = eval, .every = every};
}

static void test_training_reaches_exact(void **state)
{
    (void)state;
    /* n = 4, k = 2, ell = binom(4,2) = 6, with the context-length curriculum
     * (plain descent from most random starts stalls on the plateau of
     * uniform predictions, ~0.17 bits here). From the random start of seed 3
     * (excess > 0.1 bits), 1500 Adam steps on 8 sequences each bring the
     * held-out excess below 1e-3 bits, the brief's "~0": 100x below the
     * start, so a wrong gradient (which Adam would follow uphill or
     * sideways) fails it. Not every seed converges in this budget (5 of the
     * first 8 do), so this pins one that does. */
    hs_hsmt c = seq_fixture_cfg(4, 2, 6, 7);
    log_rec rec = {0};
    hs_train_opts o = khrnn_opts(1500, 8, 200, 250);
    o.curriculum = HS_CURRICULUM_ELL;
    o.log = record;
    o.log_ctx = &rec;
    hs_trainable tr;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_khrnn_trainable(&c, 3, &tr, err, sizeof err), 0);
    assert_int_equal(hs_train_run(&tr, &c, &o, &res, err, sizeof err), 0);
    hs_trainable_free(&tr);
    assert_int_equal(rec.calls, 7); /* steps 0, 250, ..., 1500 */
    assert_int_equal(rec.last_step, 1500);
    assert_true(rec.first_excess > 0.1);
    assert_true(res.excess_bits < 1e-3);
    assert_true(res.excess_bits == rec.last_excess);
}

static void test_training_start_and_options(void **state)
{
    (void)state;
    /* steps = 0 logs the random start once: its held-out excess must equal
     * the engine's score of hs_khrnn_random(seed) on the same held-out
     * sequences (1e-10: predictions agree to 1e-12, KL terms amplify by
     * <~ 1 / (r ln 2)). */
    hs_hsmt c = seq_fixture_cfg(5, 3, 10, 8);
    log_rec rec = {0};
    hs_train_opts o = khrnn_opts(0, 4, 30, 0);
    o.log = record;
    o.log_ctx = &rec;
    hs_khrnn ref;
    hs_trainable tr;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_khrnn_trainable(&c, 9, &tr, err, sizeof err), 0);
    assert_int_equal(hs_train_run(&tr, &c, &o, &res, err, sizeof err), 0);
    assert_int_equal(rec.calls, 1);
    hs_khrnn_random(&ref, &c, 9);
    hs_seq *held = seq_fixture_draw(&c, HS_EVAL_FIRST, 30);
    hs_score sc = {0};
    double r[128];
    for (int i = 0; i < 30; i++) {
        engine_predict(&ref, &held[i], r);
        for (int t = 0; t < held[i].q; t++)
            hs_score_add(&sc, held[i].probs + 2 * t, r + 2 * t, 2, held[i].outcomes[t]);
    }
    assert_true(fabs(rec.first_excess - sc.kl / (double)sc.outputs) < 1e-10);
    assert_true(fabs(res.loss_bits - sc.ce / (double)sc.outputs) < 1e-10);
    seq_fixture_free(held, 30);

    /* Invalid options are refused with a message naming the problem. */
    o.batch = 0;
    assert_int_equal(hs_train_run(&tr, &c, &o, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "batch"));
    hs_trainable_free(&tr);
    c.d = 3;
    assert_int_equal(hs_khrnn_trainable(&c, 9, &tr, err, sizeof err), -1);
    assert_non_null(strstr(err, "d = 3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_tangent_matches_engine),
        cmocka_unit_test(test_dr_finite_differences),
        cmocka_unit_test(test_loss_finite_differences),
        cmocka_unit_test(test_exact_is_stationary),
        cmocka_unit_test(test_thread_independence),
        cmocka_unit_test(test_training_reaches_exact),
        cmocka_unit_test(test_training_start_and_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
