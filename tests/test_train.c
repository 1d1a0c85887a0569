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

enum { MAX_CALLS = 512 };

/* One parameter x with loss (x - 1)^2; records every call. */
typedef struct {
    double x;
    long calls, preds;
    long ell[MAX_CALLS];          /* the task's ell of loss_grad call i */
    uint64_t first[MAX_CALLS];    /* id of its first sequence */
    long count[MAX_CALLS];
    double before[MAX_CALLS];     /* x when call i came */
    uint64_t pred_min, pred_max;  /* ids predict saw */
    long pred_ell;                /* the task's ell at the last predict */
    long inf_at;                  /* call index that returns +infinity, or -1 */
} stand_in;

static void get(void *ctx, double *x) { *x = ((stand_in *)ctx)->x; }
static void set(void *ctx, const double *x) { ((stand_in *)ctx)->x = *x; }

static void uniform(const hs_hsmt *t, long count, double *r)
{
    for (long i = 0; i < count * t->q * t->d; i++)
        r[i] = 1.0 / t->d;
}

static double loss_grad(void *ctx, const hs_hsmt *t, const hs_seq *seqs, long count, int kind, double *g,
                        double *r)
{
    (void)kind;
    stand_in *c = ctx;
    assert_true(c->calls < MAX_CALLS);
    const long i = c->calls++;
    c->ell[i] = t->ell;
    c->first[i] = seqs[0].id;
    c->count[i] = count;
    c->before[i] = c->x;
    for (long j = 1; j < count; j++)
        assert_true(seqs[j].id == seqs[0].id + (uint64_t)j);
    if (r)
        uniform(t, count, r);
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
    uniform(t, count, r);
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
    o.curriculum = 1;
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
        cmocka_unit_test(test_infinite_loss_skips_update),
        cmocka_unit_test(test_options_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
