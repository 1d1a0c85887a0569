/* Tests of the model registry (models/registry.c): names are unique and
 * found; memory accounting against hand-computed values (docs/spec.md#memory);
 * the checks blame the right hyperparameter; every trainable model's
 * trainable has the parameter count the registry states and gets/sets its
 * parameters; scoring models open with their default sources; option names
 * and size labels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <omp.h>

#include "registry.h"
#include "nn_ops.h"
#include "sys.h"

static hs_hsmt task(int n, int k, long ell)
{
    hs_hsmt t = {.n = n, .k = k, .d = 2, .ell = ell, .seed = 3};
    hs_hsmt_defaults(&t);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&t, err, sizeof err), 0);
    return t;
}

static void test_names(void **state)
{
    (void)state;
    assert_true(hs_models_count() >= 8);
    for (int i = 0; i < hs_models_count(); i++) {
        const hs_model_desc *m = hs_models_at(i);
        assert_ptr_equal(hs_models_find(m->name), m);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(hs_models_at(j)->name, m->name);
        /* A size ladder has a default list; a colour is "#rrggbb". */
        if (m->size_hp >= 0)
            assert_non_null(m->hp[m->size_hp].ladder);
        assert_int_equal(strlen(m->color), 7);
        assert_true(m->color[0] == '#');
        assert_true(!m->trainable_model || (m->trainable && m->train.lr > 0 && m->train.batch > 0));
    }
    assert_null(hs_models_find("rnn"));
    assert_null(hs_models_at(hs_models_count()));
    char names[256];
    hs_models_names(names, sizeof names, hs_models_is_trainable);
    assert_string_equal(names, "lstm,gru,transformer,khrnn,ansatz");
}

/* LSTM 2h, GRU h, Transformer 2 L d_model (ell + 1) floats of 32 bits; the
 * k-HRNN n log2 d bits and n sites; exact M weights. */
static void test_memory(void **state)
{
    (void)state;
    const hs_hsmt t = task(3, 1, 2);
    double hp[HS_MODEL_MAX_HP];
    const hs_model_desc *lstm = hs_models_find("lstm"), *gru = hs_models_find("gru");
    const hs_model_desc *tf = hs_models_find("transformer"), *q = hs_models_find("khrnn");
    hs_models_defaults(lstm, hp);
    hp[0] = 8;
    hs_models_resolve(lstm, hp);
    assert_true(hp[1] == 8); /* embed = hidden */
    assert_true(lstm->memory_bits(&t, hp) == 512 && lstm->state_dim(&t, hp) == 16);
    assert_true(gru->memory_bits(&t, hp) == 256 && gru->state_dim(&t, hp) == 8);
    hs_models_defaults(tf, hp);
    hp[0] = 8, hp[1] = 2, hp[2] = 2;
    assert_true(tf->memory_bits(&t, hp) == 2 * 2 * 8 * 3 * 32);
    assert_true(tf->state_dim(&t, hp) == 2 * 2 * 8 * 3);
    assert_true(q->memory_bits(&t, NULL) == 3 && q->state_dim(&t, NULL) == 3);
    const hs_hsmt t2 = task(5, 2, 12);
    assert_true(hs_models_find("exact")->state_dim(&t2, NULL) == 10);
    /* exact: min(M log2 d, ell log2 M) = min(10, 12 log2 10). */
    assert_true(fabs(hs_models_find("exact")->memory_bits(&t2, NULL) - 10) < 1e-12);
}

/* The check names the hyperparameter to blame: heads that do not divide
 * d_model (index 2), a hidden size out of range (index 0), and none for a
 * model that does not apply to the task (tableau at k = 1). */
static void test_checks(void **state)
{
    (void)state;
    const hs_hsmt t = task(3, 1, 2);
    double hp[HS_MODEL_MAX_HP];
    int bad = 9;
    char err[512];
    const hs_model_desc *tf = hs_models_find("transformer");
    hs_models_defaults(tf, hp);
    hp[0] = 8, hp[2] = 3;
    assert_int_equal(tf->check(&t, hp, 4, &bad, err, sizeof err), -1);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(err, "--heads"));
    hp[2] = 2;
    assert_int_equal(tf->check(&t, hp, 4, &bad, err, sizeof err), 0);
    const hs_model_desc *lstm = hs_models_find("lstm");
    hs_models_defaults(lstm, hp);
    hp[0] = 0;
    assert_int_equal(lstm->check(&t, hp, 4, &bad, err, sizeof err), -1);
    assert_int_equal(bad, 0);
    assert_int_equal(hs_models_find("tableau")->check(&t, NULL, 0, &bad, err, sizeof err), -1);
    assert_int_equal(bad, -1);
    assert_non_null(strstr(err, "k=2"));
    const hs_hsmt t2 = task(4, 2, 3);
    assert_int_equal(hs_models_find("tableau")->check(&t2, NULL, 0, &bad, err, sizeof err), 0);
}

/* Each trainable model's trainable: its parameter count is the registry's,
 * get after set returns what was set (float models: to float rounding). */
static void test_trainables(void **state)
{
    (void)state;
    const hs_hsmt t = task(4, 2, 3);
    char err[256];
    for (int i = 0; i < hs_models_count(); i++) {
        const hs_model_desc *m = hs_models_at(i);
        if (!m->trainable_model)
            continue;
        double hp[HS_MODEL_MAX_HP];
        hs_models_defaults(m, hp);
        if (m->size_hp >= 0)
            hp[m->size_hp] = 8;
        hs_models_resolve(m, hp);
        hs_trainable tr;
        assert_int_equal(m->trainable(&t, hp, 7, &tr, err, sizeof err), 0);
        assert_true((double)tr.nparams == m->nparams(&t, hp));
        double *x = hs_alloc((size_t)tr.nparams * sizeof *x), *y = hs_alloc((size_t)tr.nparams * sizeof *y);
        for (long j = 0; j < tr.nparams; j++)
            x[j] = 0.25 + 0.001 * (double)j;
        tr.set(tr.ctx, x);
        tr.get(tr.ctx, y);
        for (long j = 0; j < tr.nparams; j++)
            assert_true(fabs(x[j] - y[j]) <= 1e-7 * fabs(x[j])); /* float: 2^-24 relative */
        hs_sys_free(x);
        hs_sys_free(y);
        hs_trainable_free(&tr);
    }
}

/* The scoring models open from their default sources, with the registry's
 * memory; a trained model without a file is refused. */
static void test_open(void **state)
{
    (void)state;
    const hs_hsmt t = task(4, 2, 3);
    char err[256];
    for (int i = 0; i < hs_models_count(); i++) {
        const hs_model_desc *m = hs_models_at(i);
        double hp[HS_MODEL_MAX_HP];
        hs_models_defaults(m, hp);
        hs_models_resolve(m, hp);
        hs_model model;
        const hs_model_src src = {.seed = 1};
        const int rc = m->open(&t, hp, &src, &model, err, sizeof err);
        if (m->cls == HS_MC_TRAINED) {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(err, "--load: required"));
            continue;
        }
        assert_int_equal(rc, 0);
        assert_true(model.memory_bits == m->memory_bits(&t, hp));
        hs_model_free(&model);
    }
}

static void test_labels(void **state)
{
    (void)state;
    char buf[32];
    hs_models_option(&hs_models_find("transformer")->hp[0], buf, sizeof buf);
    assert_string_equal(buf, "--d-model");
    const double hp[2] = {16, 16};
    hs_models_size_label(hs_models_find("gru"), hp, buf, sizeof buf);
    assert_string_equal(buf, "h=16");
    hs_models_size_label(hs_models_find("exact"), hp, buf, sizeof buf);
    assert_string_equal(buf, "");
}

int main(void)
{
    hs_nn_blas_threads(1);
    omp_set_num_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),    cmocka_unit_test(test_memory), cmocka_unit_test(test_checks),
        cmocka_unit_test(test_trainables), cmocka_unit_test(test_open), cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
