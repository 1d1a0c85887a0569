/* Tests of the one training loop (core/train.c) with a stand-in trainable
 * that records what the loop hands it: the learning-rate schedule, which
 * sequences each update and each log point sees (training and held-out sets
 * disjoint), the curriculum's stages, the skipped update on an infinite
 * loss, and option checks. The real models' training is tested with them
 * (test_khrnn_grad, test_nn_train). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <omp.h>

#include "seq_fixture.h"
#include "train.h"

enum { MAX_CALLS = 1024 };


/* One parameter x with loss (x - 1)^2; records every call. */
typedef struct {
    double x;
    long calls, preds;
    long ell[MAX_CALLS];          /* the task's ell of loss_grad call i */
    int qs[MAX_CALLS];            /* and its q */
    uint64_t first[MAX_CALLS];    /* id of its first sequence */
    long count[MAX_CALLS];
    double before[MAX_CALLS];     /* x when call i came */
    uint64_t pred_min, pred_max;  /* ids predict saw */
    long pred_ell;                /* the task's ell at the last predict */
    long inf_at;                  /* call index that returns +infinity, or -1 */
} stand_in;

static void get(void *ctx, double *x) { *x = ((stand_in *)ctx)->x; }
static void set(void *ctx, const double *x) { ((stand_in *)ctx)->x = *x; }

/* The stand-in's predictions: (1 - a) p_t + a uniform with a = min(1,
 * |x - 1|), so the excess loss falls to 0 as x reaches 1. */
static void predictions(const stand_in *c, const hs_hsmt *t, const hs_seq *seqs, long count, double *r)
{
    const double a = fmin(1.0, fabs(c->x - 1));
    for (long i = 0; i < count; i++)
        for (int j = 0; j < t->q * t->d; j++)
            r[(size_t)i * t->q * t->d + j] = (1 - a) * seqs[i].probs[j] + a / t->d;
}

static double loss_grad(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, int kind, double *g,
                        double *r)
{
    (void)kind;
    stand_in *c = ctx;
    assert_true(c->calls < MAX_CALLS);
    const long i = c->calls++;
    c->ell[i] = t->ell;
    c->qs[i] = t->q;
    c->first[i] = seqs[0].id;
    c->count[i] = count;
    c->before[i] = c->x;
    for (long j = 1; j < count; j++)
        assert_true(seqs[j].id == seqs[0].id + (uint64_t)j);
    if (r)
        predictions(c, t, seqs, count, r);
    *g = 2 * (c->x - 1);
    return i == c->inf_at ? INFINITY : (c->x - 1) * (c->x - 1);
}

static int predict(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, double *r, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    stand_in *c = ctx;
    c->preds++;
    c->pred_ell = t->ell;
    for (long i = 0; i < count; i++) {
        c->pred_min = seqs[i].id < c->pred_min ? seqs[i].id : c->pred_min;
        c->pred_max = seqs[i].id > c->pred_max ? seqs[i].id : c->pred_max;
    }
    predictions(c, t, seqs, count, r);
    return 0;
}

static hs_trainable wrap(stand_in *c)
{
    memset(c, 0, sizeof *c);
    c->pred_min = UINT64_MAX;
    c->inf_at = -1;
    return (hs_trainable){.ctx = c, .nparams = 1, .get = get, .set = set, .loss_grad = loss_grad,
                          .predict = predict};
}

static hs_train_opts opts(long steps, int batch)
{
    return (hs_train_opts){.steps = steps, .batch = batch, .lr = 0.1, .warmup = 0, .lr_floor = 0.01,
                           .loss = HS_LOSS_NLL, .eval = 5, .every = -1};
}

/* S = 1000 with the automatic warm-up W = 100 and floor 0.1 (the classical
 * models' schedule): linear warm-up, then cosine from lr to lr/10, values
 * worked out by hand; and W = 0 with floor 0.01 (the quantum models'). */
static void test_lr_schedule(void **state)
{
    (void)state;
    const long W = hs_train_warmup(1000);
    assert_int_equal(W, 100);
    assert_true(fabs(hs_train_lr(1, 0, 1000, W, 0.1) - 0.01) < 1e-15);
    assert_true(fabs(hs_train_lr(1, 49, 1000, W, 0.1) - 0.5) < 1e-15);
    assert_true(fabs(hs_train_lr(1, 100, 1000, W, 0.1) - 1) < 1e-15);
    assert_true(fabs(hs_train_lr(1, 550, 1000, W, 0.1) - 0.55) < 1e-12);
    assert_true(fabs(hs_train_lr(1, 999, 1000, W, 0.1) - 0.1) < 1e-5);
    for (long s = 101; s < 1000; s++)
        assert_true(hs_train_lr(1, s, 1000, W, 0.1) < hs_train_lr(1, s - 1, 1000, W, 0.1));
    /* S < 10: no warm-up. */
    assert_int_equal(hs_train_warmup(5), 0);
    assert_true(fabs(hs_train_lr(2, 0, 5, 0, 0.1) - 2) < 1e-15);
    /* No warm-up, floor 1/100: lr (1 + 99 (1 + cos(pi s / S)) / 2) / 100. */
    for (long s = 0; s < 300; s += 37)
        assert_true(fabs(hs_train_lr(0.05, s, 300, 0, 0.01) -
                         0.05 * (1 + 99 * 0.5 * (1 + cos(M_PI * (double)s / 300))) / 100) < 1e-15);
}

/* Update s trains on sequences s B .. s B + B - 1; every held-out score
 * (before and after training) on HS_EVAL_FIRST .. + eval - 1. */
static void test_sequence_indices(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(3, 1, 3, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    hs_train_opts o = opts(40, 3);
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    assert_int_equal(c.calls, 40);
    for (long s = 0; s < 40; s++) {
        assert_true(c.first[s] == (uint64_t)s * 3);
        assert_int_equal(c.count[s], 3);
        assert_int_equal(c.ell[s], 3);
    }
    assert_int_equal(c.preds, 2); /* every = -1: before and after */
    assert_true(c.pred_min == HS_EVAL_FIRST && c.pred_max == HS_EVAL_FIRST + 4);
    assert_int_equal(res.held.outputs, 5 * cfg.q);
    /* The quadratic is descended: x moves from 0 towards 1. */
    assert_true(c.x > 0.5 && c.x < 1.5);
}

/* ell = 8 in 100 updates: stages ell_s = 1, 2, 4 share the first half
 * (updates 0..15, 16..32, 33..49: stage i starts at 50 i / 3, rounded
 * down), the last stage (ell = 8) has updates 50..99. */
static void test_curriculum_stages(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(4, 2, 8, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    hs_train_opts o = opts(100, 2);
    o.curriculum = HS_CURRICULUM_ELL;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    assert_int_equal(c.calls, 100);
    for (long s = 0; s < 100; s++) {
        const long want = s < 16 ? 1 : s < 33 ? 2 : s < 50 ? 4 : 8;
        assert_int_equal(c.ell[s], want);
        assert_true(c.first[s] == (uint64_t)s * 2);
    }
    /* Held-out scores are on the task itself (ell = 8), not a stage's. */
    assert_int_equal(c.preds, 2);
    assert_true(c.pred_min == HS_EVAL_FIRST);
    assert_int_equal(c.pred_ell, 8);
}

/* ell = 15 in 5 updates: stages ell_s = 1, 2, 4, 8 and 15 start at the
 * latest at 0, 0, 1, 1, 2 (5/2 * i/4 updates, rounded down), so the stages
 * of ell 1 and 4 have no update
 * of their own and are passed over: updates see ell 2, 8, 15, 15, 15, every
 * one a whole batch of drawn sequences (a stage of no updates once handed
 * the model a batch of empty sequences). */
static void test_curriculum_short_run(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(4, 2, 15, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    hs_train_opts o = opts(5, 3);
    o.curriculum = HS_CURRICULUM_ELL;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    assert_int_equal(c.calls, 5);
    const long want[5] = {2, 8, 15, 15, 15};
    for (long s = 0; s < 5; s++) {
        assert_int_equal(c.ell[s], want[s]);
        assert_int_equal(c.count[s], 3);
        assert_true(c.first[s] == (uint64_t)s * 3);
    }
}

/* An infinite loss skips the update: x unchanged across it. */
static void test_infinite_loss_skips_update(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(3, 1, 2, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    c.inf_at = 4;
    hs_train_opts o = opts(8, 1);
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    assert_true(c.before[5] == c.before[4]);
    assert_true(c.before[4] != c.before[3]);
}

/* With a target, training stops at the first log point whose held-out
 * excess is <= target: steps_used is that point, no update runs after it,
 * and the curve ends there, reached; without one the same run takes every
 * update. */
static void test_early_stopping(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(3, 1, 2, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    hs_train_opts o = opts(400, 2);
    o.every = 10;
    o.target = 1e-3;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    assert_true(res.steps_used > 0 && res.steps_used < 400);
    assert_int_equal(res.steps_used % 10, 0);
    assert_int_equal(c.calls, res.steps_used);
    const hs_train_point *last = &res.curve[res.npoints - 1];
    assert_int_equal(last->step, res.steps_used);
    assert_true(last->excess_bits <= 1e-3);
    assert_true(res.curve[res.npoints - 2].excess_bits > 1e-3); /* it stopped at the first such point */
    assert_int_equal(hs_train_verdict(res.curve, res.npoints, 400, 1e-3, 0.1), HS_VERDICT_REACHED);
    hs_trainable tr2 = wrap(&c);
    o.target = 0;
    assert_int_equal(hs_train_run(&tr2, &cfg, &o, &res, err, sizeof err), 0);
    assert_int_equal(res.steps_used, 400);
    assert_int_equal(c.calls, 400);
}

/* The verdict on hand-made curves (target 0.01, f = 0.1, 1000 steps, so
 * the reference point is step 800): any point at or below the target is
 * reached; otherwise the best up to 800 against the best overall decides:
 * 0.050 -> 0.047 improved by 6 % (< 10 %): plateau; 0.050 -> 0.040 by 20 %:
 * budget; a late rise (0.05 -> 0.06) is a plateau (no improvement). */
static void test_verdicts(void **state)
{
    (void)state;
    const hs_train_point reached[] = {{0, 0.3, 0}, {500, 0.02, 0}, {900, 0.009, 0}, {1000, 0.011, 0}};
    const hs_train_point plateau[] = {{0, 0.3, 0}, {400, 0.06, 0}, {800, 0.05, 0}, {1000, 0.047, 0}};
    const hs_train_point budget[] = {{0, 0.3, 0}, {400, 0.06, 0}, {800, 0.05, 0}, {900, 0.045, 0}, {1000, 0.04, 0}};
    const hs_train_point rise[] = {{0, 0.3, 0}, {800, 0.05, 0}, {1000, 0.06, 0}};
    assert_int_equal(hs_train_verdict(reached, 4, 1000, 0.01, 0.1), HS_VERDICT_REACHED);
    assert_int_equal(hs_train_verdict(plateau, 4, 1000, 0.01, 0.1), HS_VERDICT_PLATEAU);
    assert_int_equal(hs_train_verdict(budget, 5, 1000, 0.01, 0.1), HS_VERDICT_BUDGET);
    assert_int_equal(hs_train_verdict(rise, 3, 1000, 0.01, 0.1), HS_VERDICT_PLATEAU);
    /* The fraction is the criterion: 6 % counts as progress with f = 0.05. */
    assert_int_equal(hs_train_verdict(plateau, 4, 1000, 0.01, 0.05), HS_VERDICT_BUDGET);
    assert_string_equal(hs_verdict_name(HS_VERDICT_PLATEAU), "plateau");
}

/* A stage ends early once the running training excess is <= advance_below
 * (not before ADVANCE_WINDOW = 50 updates in it): the stand-in starting at
 * x = 1 predicts p_t exactly (its gradient is 0, so x stays), so each
 * shorter stage lasts 50 updates instead of its share of 100 (600 updates:
 * stages 1, 2, 4 would start at 0, 100, 200) and the task's own stage
 * (ell = 8) gets the rest. */
static void test_curriculum_advances(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(4, 2, 8, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    c.x = 1;
    hs_train_opts o = opts(600, 2);
    o.curriculum = HS_CURRICULUM_ELL;
    o.advance_below = 1e-9;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    for (long s = 0; s < 600; s++)
        assert_int_equal(c.ell[s], s < 50 ? 1 : s < 100 ? 2 : s < 150 ? 4 : 8);
}

/* The query curriculum: q_s = 1, 2, 4 then the task's q = 5, at full ell,
 * over stages of 100 / 3 updates (as test_curriculum_stages). */
static void test_query_curriculum(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(5, 2, 6, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    hs_train_opts o = opts(100, 2);
    o.curriculum = HS_CURRICULUM_QUERIES;
    hs_train_result res;
    char err[256];
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    for (long s = 0; s < 100; s++) {
        assert_int_equal(c.ell[s], 6);
        assert_int_equal(c.qs[s], s < 16 ? 1 : s < 33 ? 2 : s < 50 ? 4 : 5);
    }
}

/* Options out of range are refused with the option named. */
static void test_options_checked(void **state)
{
    (void)state;
    const hs_hsmt cfg = seq_fixture_cfg(3, 1, 2, 5);
    stand_in c;
    hs_trainable tr = wrap(&c);
    hs_train_result res;
    char err[256];
    static const char *names[] = {"batch", "lr", "lr-floor", "eval", "steps"};
    for (int i = 0; i < 5; i++) {
        hs_train_opts o = opts(8, 1);
        if (i == 0)
            o.batch = 0;
        if (i == 1)
            o.lr = 0;
        if (i == 2)
            o.lr_floor = 1.5;
        if (i == 3)
            o.eval = 0;
        if (i == 4)
            o.steps = (long)1 << 40, o.batch = 2;
        assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), -1);
        char want[32];
        snprintf(want, sizeof want, "--%s:", names[i]);
        if (!strstr(err, want))
            fail_msg("'%s' lacks '%s'", err, want);
    }
    assert_int_equal(c.calls, 0);
}

int main(void)
{
    omp_set_num_threads(2);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lr_schedule),
        cmocka_unit_test(test_sequence_indices),
        cmocka_unit_test(test_curriculum_stages),
        cmocka_unit_test(test_curriculum_short_run),
        cmocka_unit_test(test_infinite_loss_skips_update),
        cmocka_unit_test(test_early_stopping),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_curriculum_advances),
        cmocka_unit_test(test_query_curriculum),
        cmocka_unit_test(test_options_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
