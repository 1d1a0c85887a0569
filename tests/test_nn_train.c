/* Tests of the classical models as trainables of the one training loop
 * (baselines/nn_train.c, core/train.c) in the float build that the
 * executable uses: an LSTM learns HSMT(ell=6, n=4, k=1) (smoke test),
 * training is deterministic given the seed, and batched predictions agree
 * with the per-sequence hs_model path of `eval`. (The schedule is tested
 * with the loop, tests/test_train.c.) */
#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nn.h"
#include "nn_model.h"
#include "nn_ops.h"
#include "nn_train.h"
#include "score.h"
#include "sys.h"
#include "train.h"

static hs_hsmt task(long ell)
{
    hs_hsmt cfg = {.n = 4, .k = 1, .d = 2, .ell = ell, .seed = 1};
    hs_hsmt_defaults(&cfg);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&cfg, err, sizeof err), 0);
    return cfg;
}

static hs_nn *lstm(const hs_hsmt *cfg, int hidden, uint64_t seed)
{
    const hs_nn_hparams hp = {.kind = HS_NN_LSTM, .vocab = (int)hs_hsmt_vocab(cfg), .nout = cfg->d,
                              .hidden = hidden, .embed = hidden};
    hs_nn *net = hs_nn_new(&hp);
    hs_nn_init(net, seed);
    return net;
}

/* The registry's training options of the recurrent models (warm-up, cosine
 * to lr/10, clipping at 1, hard loss). */
static hs_train_opts opts(long steps, int batch, double lr, long eval)
{
    return (hs_train_opts){.steps = steps, .batch = batch, .lr = lr, .warmup = HS_TRAIN_WARMUP_AUTO,
                           .lr_floor = 0.1, .clip = 1, .loss = HS_LOSS_NLL, .eval = eval, .every = -1};
}

/* HSMT(6, 4, 1): each site is |+> or |-> by the parity of its writes, so an
 * X query is a deterministic bit and Z, Y queries are fair coins: the model
 * must keep 4 parities. An untrained model has excess loss ~1/3 bit (it
 * misses the X bits); this recipe (h = 64, 2000 steps of 32, lr 0.01,
 * forget bias 2) reaches ~1e-3 on 7 of 8 seeds; seed 1 gives 0.0011. The
 * bound 0.05 on 500 held-out sequences (2000 outputs) separates "learned"
 * from the 1/6-bit plateau of a half-solved task. */
static void test_lstm_learns_hsmt(void **state)
{
    (void)state;
    const hs_hsmt cfg = task(6);
    hs_trainable tr;
    hs_nntrain_trainable(lstm(&cfg, 64, 1), &tr);
    hs_score before = {0};
    char err[256];
    assert_int_equal(hs_train_score(&tr, &cfg, HS_EVAL_FIRST, 500, &before, err, sizeof err), 0);
    const hs_train_opts o = opts(2000, 32, 1e-2, 500);
    hs_train_result res;
    assert_int_equal(hs_train_run(&tr, &cfg, &o, &res, err, sizeof err), 0);
    const hs_score after = res.held;
    assert_int_equal(after.outputs, 2000);
    assert_true(before.kl / before.outputs > 0.2);
    assert_true(after.kl / after.outputs < 0.05);
    /* The training batches' own excess loss tells the same story. */
    assert_true(res.train_excess_bits < 0.05);
    assert_true(res.tokens_per_s > 0 && res.seconds > 0);
    hs_trainable_free(&tr);
}

static void test_training_is_deterministic(void **state)
{
    (void)state;
    const hs_hsmt cfg = task(3);
    const hs_train_opts o = opts(20, 8, 1e-2, 10);
    hs_train_result res;
    hs_trainable a, b;
    hs_nn *c = lstm(&cfg, 16, 6);
    hs_nntrain_trainable(lstm(&cfg, 16, 5), &a);
    hs_nntrain_trainable(lstm(&cfg, 16, 5), &b);
    const hs_nn *na = hs_nntrain_net(&a), *nb = hs_nntrain_net(&b);
    assert_memory_equal(na->params, nb->params, na->nparams * sizeof(hs_real));
    assert_memory_not_equal(na->params, c->params, na->nparams * sizeof(hs_real));
    char err[256];
    assert_int_equal(hs_train_run(&a, &cfg, &o, &res, err, sizeof err), 0);
    assert_int_equal(hs_train_run(&b, &cfg, &o, &res, err, sizeof err), 0);
    assert_memory_equal(na->params, nb->params, na->nparams * sizeof(hs_real));
    hs_trainable_free(&a);
    hs_trainable_free(&b);
    hs_nn_free(c);
}

/* `train` scores in batches, `eval --load` one sequence at a time: the same
 * model on the same sequences must agree to float rounding of the logits
 * (per-output scores ~1e-7, summed over 400 outputs: 1e-5 of slack). */
static void test_batched_eval_matches_model(void **state)
{
    (void)state;
    const hs_hsmt cfg = task(4);
    hs_nn *net = lstm(&cfg, 16, 7), *copy = lstm(&cfg, 16, 7);
    hs_score batched = {0}, single = {0};
    hs_trainable tr;
    hs_nntrain_trainable(copy, &tr);
    char err[128];
    assert_int_equal(hs_train_score(&tr, &cfg, HS_EVAL_FIRST, 100, &batched, err, sizeof err), 0);
    hs_trainable_free(&tr);
    hs_model m;
    hs_nnmodel_wrap(net, &cfg, &m);
    assert_true(m.memory_bits == 2 * 16 * 32);
    assert_int_equal(m.params, (long)net->nparams);
    hs_gen *g = hs_gen_new(&cfg);
    hs_seq s = {0};
    double r[8];
    for (int i = 0; i < 100; i++) {
        hs_gen_sequence(g, HS_EVAL_FIRST + (uint64_t)i, &s);
        assert_int_equal(m.predict(m.ctx, &cfg, &s, r, err, sizeof err), 0);
        for (int t = 0; t < s.q; t++)
            hs_score_add(&single, s.probs + t * cfg.d, r + t * cfg.d, cfg.d, s.outcomes[t]);
    }
    assert_int_equal(single.outputs, batched.outputs);
    assert_true(fabs(single.kl - batched.kl) < 1e-5);
    assert_true(fabs(single.ce - batched.ce) < 1e-5);
    assert_true(fabs(single.opt - batched.opt) < 1e-12);
    hs_seq_free(&s);
    hs_gen_free(g);
    hs_model_free(&m);
}

/* The float tanh of the recurrent cells against libm in double: within 2
 * float ulps (relative 2.4e-7) over the range the gates see. */
static void test_fast_tanh(void **state)
{
    (void)state;
    double worst = 0;
    for (int i = -200000; i <= 200000; i++) {
        const float x = (float)(i * 1e-4) + (float)(i % 7) * 1e-9f;
        const double ref = tanh((double)x), got = hs_nn_tanh(x);
        const double rel = ref != 0 ? fabs(got - ref) / fabs(ref) : fabs(got);
        worst = rel > worst ? rel : worst;
    }
    assert_true(worst < 2.4e-7);
    assert_true(hs_nn_tanh(0.0f) == 0.0f && hs_nn_tanh(100.0f) == 1.0f && hs_nn_tanh(-100.0f) == -1.0f);
}

int main(void)
{
    /* One BLAS thread: threads only slow down products this small. */
    hs_nn_blas_threads(1);
    omp_set_num_threads(1); /* the generator's state has 16 amplitudes */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_tanh),
        cmocka_unit_test(test_training_is_deterministic),
        cmocka_unit_test(test_batched_eval_matches_model),
        cmocka_unit_test(test_lstm_learns_hsmt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
