/* Tests of the decoder-only Transformer (baselines/transformer.c) in double
 * precision: the full backward pass against central differences (tolerance
 * argued in test_nn_ops.c: 1e-6), causality, batch independence, parameter
 * and memory counts. Logits against torch: tests/torch_check.py. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nn_check.h"
#include "nn_ops.h"
#include "sys.h"

static const int pos[3] = {1, 3, 4};

static hs_nn_hparams hparams(int layers)
{
    return (hs_nn_hparams){.kind = HS_NN_TRANSFORMER, .vocab = 7, .nout = 3, .d_model = 8,
                           .layers = layers, .heads = 2, .max_t = 8};
}

/* GPT-2's initialisation leaves biases at 0 and layer norms at the identity,
 * where some gradient terms vanish; perturbing every parameter makes the
 * check exercise all of them. */
static void perturb(hs_nn *net, uint64_t seed)
{
    hs_real *r = hs_alloc(net->nparams * sizeof *r);
    nn_check_fill(r, net->nparams, seed, 0.3);
    for (size_t i = 0; i < net->nparams; i++)
        net->params[i] += r[i];
    hs_sys_free(r);
}

static void test_gradient(void **state)
{
    (void)state;
    const hs_nn_hparams hp = hparams(2);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 2, 6, pos, 3, 21);
    perturb(c.net, 22);
    double min_norm;
    const double err = nn_check_model(&c, 1e-5, &min_norm);
    assert_true(err < 1e-6);
    /* Every tensor gets a gradient (of wpe, only the rows of positions < T). */
    assert_true(min_norm > 1e-4);
    nn_check_batch_free(&c);
}

static void test_causal_and_batch_independent(void **state)
{
    (void)state;
    const hs_nn_hparams hp = hparams(2);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 2, 6, pos, 3, 23);
    perturb(c.net, 24);
    nn_check_loss(&c);
    hs_real before[18];
    memcpy(before, c.logits, sizeof before);
    c.tok[4] = (c.tok[4] + 1) % 7; /* sequence 0, token 4 = pos[2] */
    nn_check_loss(&c);
    for (int i = 0; i < 6; i++)
        assert_true(c.logits[i] == before[i]);
    int changed = 0;
    for (int i = 6; i < 9; i++)
        changed |= c.logits[i] != before[i];
    assert_true(changed);
    for (int i = 9; i < 18; i++)
        assert_true(c.logits[i] == before[i]);
    hs_real one[9];
    hs_nn_forward(c.net, c.ws, c.tok + 6, 1, one);
    for (int i = 0; i < 9; i++)
        assert_true(fabs(one[i] - before[9 + i]) < 1e-14);
    nn_check_batch_free(&c);
}

/* Positions are learned: the same tokens in another order give other
 * outputs even where attention alone would be permutation invariant. */
static void test_positions_matter(void **state)
{
    (void)state;
    const hs_nn_hparams hp = hparams(1);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 1, 6, pos, 3, 25);
    for (int t = 0; t < 6; t++)
        c.tok[t] = 2;
    nn_check_loss(&c);
    hs_real with_pos = c.logits[8];
    const hs_nn_tensor *wpe = hs_nn_find(c.net, "wpe");
    assert_non_null(wpe);
    memset(c.net->params + wpe->off, 0, wpe->rows * wpe->cols * sizeof(hs_real));
    nn_check_loss(&c);
    /* Constant input without positions: every position sees the same rows,
     * so outputs at pos 1, 3, 4 coincide. */
    assert_true(fabs(c.logits[0] - c.logits[3]) < 1e-14 && fabs(c.logits[0] - c.logits[6]) < 1e-14);
    assert_true(c.logits[8] != with_pos);
    nn_check_batch_free(&c);
}

static void test_memory_and_params(void **state)
{
    (void)state;
    hs_nn_hparams hp = hparams(2);
    hp.d_model = 64;
    hp.max_t = 20;
    /* docs/spec.md#memory: key/value cache 2 L d_model (ell + 1) floats. */
    assert_true(hs_nn_memory_bits(&hp, 9) == 2.0 * 2 * 64 * 10 * 32);
    const size_t C = 64, block = 2 * C + 3 * C * C + 3 * C + C * C + C + 2 * C + 4 * C * C + 4 * C +
                                 4 * C * C + C;
    assert_true(hs_nn_nparams(&hp) == 7 * C + 20 * C + 2 * block + 2 * C + 3 * C + 3);
    char err[256];
    hp.heads = 3;
    assert_int_equal(hs_nn_hparams_check(&hp, err, sizeof err), -1);
    assert_non_null(strstr(err, "--heads: 3 does not divide --d-model 64"));
}

static double kv_range(const hs_nn_hparams *hp, int i)
{
    (void)hp;
    (void)i;
    return HS_NN_QUANT_KV;
}

/* With quant_bits = b the keys and values of the context (positions before
 * the first query, of every block) hold b bits per unit: every value of
 * every sequence is one of the 2^b levels of [-2, 2]; a float model's are
 * not (the check can fail); the count is 2 L d_model (ell + 1). */
static void test_quantised(void **state)
{
    (void)state;
    for (int bits = 1; bits <= 2; bits++) {
        hs_nn_hparams hp = hparams(2);
        hp.quant_bits = bits;
        nn_check_batch c;
        nn_check_batch_new(&c, &hp, 3, 6, pos, 3, 16);
        perturb(c.net, 17);
        nn_check_loss(&c);
        assert_true(nn_check_quantised(&c, bits, kv_range));
        hs_real st[256];
        assert_int_equal(hs_nn_boundary_state(c.net, c.ws, 0, st), 2 * 2 * 8 * pos[0]);
        nn_check_batch_free(&c);
    }
    const hs_nn_hparams hp = hparams(2);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 3, 6, pos, 3, 16);
    perturb(c.net, 17);
    nn_check_loss(&c);
    assert_false(nn_check_quantised(&c, 2, kv_range));
    nn_check_batch_free(&c);
}

int main(void)
{
    /* One BLAS thread: threads only slow down products this small. */
    hs_nn_blas_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient),
        cmocka_unit_test(test_causal_and_batch_independent),
        cmocka_unit_test(test_positions_matter),
        cmocka_unit_test(test_memory_and_params),
        cmocka_unit_test(test_quantised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
