/* Tests of the LSTM and GRU (baselines/rnn.c) in double precision: the
 * batched, BLAS-based forward pass against a plain per-sequence
 * implementation of torch's equations, causality, and the full backward pass
 * against central differences (tolerance argued in test_nn_ops.c: 1e-6).
 * Both input paths run: vocabulary 7 < B Te uses the projection table,
 * vocabulary 40 > B Te the per-step product. */
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

static const int pos[3] = {1, 2, 4}; /* T = 6: the last step feeds no output */

/* B Te = 15 rows in the tests of batch 3. */
enum { SMALL_VOCAB = 7, LARGE_VOCAB = 40 };

static hs_nn_hparams hparams(int kind, int vocab)
{
    return (hs_nn_hparams){.kind = kind, .vocab = vocab, .nout = 3, .hidden = 5, .embed = 4};
}

static const hs_real *tensor(const hs_nn *net, const char *name)
{
    const hs_nn_tensor *t = hs_nn_find(net, name);
    assert_non_null(t);
    return net->params + t->off;
}

static double sigm(double x) { return 1 / (1 + exp(-x)); }

/* Plain reference: one sequence tok[T], torch's LSTM / GRU equations written
 * out per unit, logits[npos, nout]. */
static void reference(const hs_nn *net, const uint32_t *tok, int T, double *logits)
{
    const hs_nn_hparams *hp = &net->hp;
    const int h = hp->hidden, E = hp->embed, lstm = hp->kind == HS_NN_LSTM, G = lstm ? 4 : 3;
    const hs_real *emb = tensor(net, "emb"), *wih = tensor(net, "w_ih"), *whh = tensor(net, "w_hh");
    const hs_real *bih = tensor(net, "b_ih"), *bhh = tensor(net, "b_hh");
    const hs_real *wout = tensor(net, "w_out"), *bout = tensor(net, "b_out");
    double hv[16] = {0}, cv[16] = {0}, xi[16 * 4], hh[16 * 4];
    int j = 0;
    for (int t = 0; t < T && j < 3; t++) {
        const hs_real *x = emb + (size_t)tok[t] * E;
        for (int r = 0; r < G * h; r++) {
            xi[r] = bih[r];
            hh[r] = bhh[r];
            for (int e = 0; e < E; e++)
                xi[r] += wih[r * E + e] * x[e];
            for (int e = 0; e < h; e++)
                hh[r] += whh[r * h + e] * hv[e];
        }
        for (int u = 0; u < h; u++) {
            if (lstm) {
                double i = sigm(xi[u] + hh[u]), f = sigm(xi[h + u] + hh[h + u]);
                double g = tanh(xi[2 * h + u] + hh[2 * h + u]), o = sigm(xi[3 * h + u] + hh[3 * h + u]);
                cv[u] = f * cv[u] + i * g;
                hv[u] = o * tanh(cv[u]);
            } else {
                double r = sigm(xi[u] + hh[u]), z = sigm(xi[h + u] + hh[h + u]);
                double n = tanh(xi[2 * h + u] + r * hh[2 * h + u]);
                hv[u] = (1 - z) * n + z * hv[u];
            }
        }
        if (t == pos[j]) {
            for (int o = 0; o < hp->nout; o++) {
                logits[j * hp->nout + o] = bout[o];
                for (int u = 0; u < h; u++)
                    logits[j * hp->nout + o] += wout[o * h + u] * hv[u];
            }
            j++;
        }
    }
}

static void check_forward(int kind, int vocab)
{
    const hs_nn_hparams hp = hparams(kind, vocab);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 3, 6, pos, 3, 11);
    nn_check_loss(&c);
    for (int b = 0; b < c.B; b++) {
        double ref[9];
        reference(c.net, c.tok + b * c.T, c.T, ref);
        /* Same arithmetic in a different order: agreement to rounding,
         * ~1e-15; a wrong row or gate offset gives O(0.1). */
        for (int i = 0; i < 9; i++)
            assert_true(fabs(c.logits[b * 9 + i] - ref[i]) < 1e-12);
    }
    nn_check_batch_free(&c);
}

static void test_lstm_forward_matches_reference(void **state)
{
    (void)state;
    check_forward(HS_NN_LSTM, SMALL_VOCAB);
    check_forward(HS_NN_LSTM, LARGE_VOCAB);
}

static void test_gru_forward_matches_reference(void **state)
{
    (void)state;
    check_forward(HS_NN_GRU, SMALL_VOCAB);
    check_forward(HS_NN_GRU, LARGE_VOCAB);
}

/* The output after token pos[j] must not change when later tokens do, and
 * a batch of one (5 rows < 7 tokens: per-step products) gives what the same
 * row gives inside a batch of two (10 rows: projection table). */
static void check_causal(int kind)
{
    const hs_nn_hparams hp = hparams(kind, SMALL_VOCAB);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 2, 6, pos, 3, 12);
    nn_check_loss(&c);
    hs_real before[18];
    memcpy(before, c.logits, sizeof before);
    c.tok[3] = (c.tok[3] + 1) % 7; /* sequence 0, after pos[1] = 2 */
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

static void test_lstm_causal(void **state)
{
    (void)state;
    check_causal(HS_NN_LSTM);
}

static void test_gru_causal(void **state)
{
    (void)state;
    check_causal(HS_NN_GRU);
}

/* A workspace serves batches of up to B sequences in any order: a pass of
 * 3 sequences after a pass of 1 (which wrote its states where the larger
 * batch keeps its initial state) gives the same logits as before, exactly. */
static void check_batch_sizes(int kind)
{
    const hs_nn_hparams hp = hparams(kind, SMALL_VOCAB);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 3, 6, pos, 3, 14);
    hs_real first[27], again[27], one[9];
    hs_nn_forward(c.net, c.ws, c.tok, 3, first);
    hs_nn_forward(c.net, c.ws, c.tok + 12, 1, one);
    hs_nn_forward(c.net, c.ws, c.tok, 3, again);
    assert_memory_equal(first, again, sizeof first);
    for (int i = 0; i < 9; i++)
        assert_true(fabs(one[i] - first[18 + i]) < 1e-14);
    nn_check_batch_free(&c);
}

static void test_lstm_batch_sizes(void **state)
{
    (void)state;
    check_batch_sizes(HS_NN_LSTM);
}

static void test_gru_batch_sizes(void **state)
{
    (void)state;
    check_batch_sizes(HS_NN_GRU);
}

/* The quantised state's ranges: h on [-1, 1], the LSTM's c (after h) on
 * [-2, 2] (nn.h). */
static double rnn_range(const hs_nn_hparams *hp, int i)
{
    return i < hp->hidden ? HS_NN_QUANT_H : HS_NN_QUANT_C;
}

/* With quant_bits = b the state crossing the context boundary holds b bits
 * per unit: every value of every sequence is one of the 2^b levels (for
 * b = 1 and 2, of 5 random sequences); a float model's state is not (the
 * check can fail). The gradient still flows (straight-through): the
 * recurrent weights get a nonzero gradient. */
static void check_quantised(int kind)
{
    for (int bits = 1; bits <= 2; bits++) {
        hs_nn_hparams hp = hparams(kind, SMALL_VOCAB);
        hp.quant_bits = bits;
        nn_check_batch c;
        nn_check_batch_new(&c, &hp, 5, 6, pos, 3, 15);
        nn_check_loss(&c);
        assert_true(nn_check_quantised(&c, bits, rnn_range));
        nn_check_grad(&c);
        const hs_nn_tensor *whh = hs_nn_find(c.net, "w_hh");
        assert_non_null(whh);
        double g2 = 0;
        for (size_t i = 0; i < whh->rows * whh->cols; i++)
            g2 += (double)c.net->grads[whh->off + i] * c.net->grads[whh->off + i];
        assert_true(g2 > 0);
        nn_check_batch_free(&c);
    }
    const hs_nn_hparams hp = hparams(kind, SMALL_VOCAB);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 5, 6, pos, 3, 15);
    nn_check_loss(&c);
    assert_false(nn_check_quantised(&c, 2, rnn_range));
    nn_check_batch_free(&c);
}

static void test_lstm_quantised(void **state)
{
    (void)state;
    check_quantised(HS_NN_LSTM);
}

static void test_gru_quantised(void **state)
{
    (void)state;
    check_quantised(HS_NN_GRU);
}

static void check_gradient(int kind, int vocab)
{
    const hs_nn_hparams hp = hparams(kind, vocab);
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, 3, 6, pos, 3, 13);
    double min_norm;
    const double err = nn_check_model(&c, 1e-5, &min_norm);
    assert_true(err < 1e-6);
    assert_true(min_norm > 1e-4); /* every tensor gets a real gradient */
    nn_check_batch_free(&c);
}

static void test_lstm_gradient(void **state)
{
    (void)state;
    check_gradient(HS_NN_LSTM, SMALL_VOCAB);
    check_gradient(HS_NN_LSTM, LARGE_VOCAB);
}

static void test_gru_gradient(void **state)
{
    (void)state;
    check_gradient(HS_NN_GRU, SMALL_VOCAB);
    check_gradient(HS_NN_GRU, LARGE_VOCAB);
}

static void test_memory_and_params(void **state)
{
    (void)state;
    hs_nn_hparams hp = hparams(HS_NN_LSTM, SMALL_VOCAB);
    hp.hidden = 64;
    /* docs/spec.md#memory: LSTM 2h floats, GRU h floats, 32 bits each. */
    assert_true(hs_nn_memory_bits(&hp, 10) == 2 * 64 * 32);
    /* torch's count: emb V E + 4h (E + h) + 8h + read-out h d + d. */
    assert_true(hs_nn_nparams(&hp) == (size_t)(7 * 4 + 256 * (4 + 64) + 8 * 64 + 64 * 3 + 3));
    hp.kind = HS_NN_GRU;
    assert_true(hs_nn_memory_bits(&hp, 10) == 64 * 32);
    assert_true(hs_nn_nparams(&hp) == (size_t)(7 * 4 + 192 * (4 + 64) + 6 * 64 + 64 * 3 + 3));
}

int main(void)
{
    /* One BLAS thread: threads only slow down products this small. */
    hs_nn_blas_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lstm_forward_matches_reference),
        cmocka_unit_test(test_gru_forward_matches_reference),
        cmocka_unit_test(test_lstm_causal),
        cmocka_unit_test(test_gru_causal),
        cmocka_unit_test(test_lstm_batch_sizes),
        cmocka_unit_test(test_gru_batch_sizes),
        cmocka_unit_test(test_lstm_quantised),
        cmocka_unit_test(test_gru_quantised),
        cmocka_unit_test(test_lstm_gradient),
        cmocka_unit_test(test_gru_gradient),
        cmocka_unit_test(test_memory_and_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
