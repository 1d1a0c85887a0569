/* Tests of the HSMT generator: configuration checks, sampling against the
 * exact probabilities, reproducibility, token layout. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataset.h"
#include "hsmt.h"

static hs_hsmt config(int n, int k, int d, long ell, uint64_t seed)
{
    hs_hsmt c = {.n = n, .k = k, .d = d, .ell = ell, .seed = seed};
    hs_hsmt_defaults(&c);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    return c;
}

static void test_validate(void **state)
{
    (void)state;
    char err[256];
    hs_hsmt c = {.n = 4, .k = 5, .ell = 3};
    hs_hsmt_defaults(&c);
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "k=5"));
    c = (hs_hsmt){.n = 4, .k = 2, .ell = 3, .q = 5};
    hs_hsmt_defaults(&c);
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "q=5"));
    c = (hs_hsmt){.n = 4, .k = 2, .ell = 3, .d = 1};
    hs_hsmt_defaults(&c);
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), -1);
    /* Basis codes as a model file stores them: chirp indices below d only
     * (5 at d = 3 once passed; 2 and 1 are the largest allowed at d = 3, 2). */
    c = (hs_hsmt){.n = 4, .k = 2, .ell = 3, .d = 3, .q = 2, .nbases = 2, .bases = {HS_BASIS_Z, 5}};
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "basis code 5 is not a basis for d=3"));
    c.bases[1] = 3;
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), -1);
    c.bases[1] = 2;
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    c = (hs_hsmt){.n = 4, .k = 2, .ell = 3, .d = 2, .q = 2, .nbases = 2, .bases = {HS_BASIS_Z, 2}};
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), -1);
    c.bases[1] = 1;
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    int code;
    assert_int_equal(hs_hsmt_basis_parse("Y", 2, &code), 0);
    assert_int_equal(code, 1);
    assert_int_equal(hs_hsmt_basis_parse("2", 2, &code), -1);
    assert_int_equal(hs_hsmt_basis_parse("4", 5, &code), 0);
    assert_int_equal(hs_hsmt_basis_parse("5", 5, &code), -1);
    assert_int_equal(hs_hsmt_basis_parse("X", 3, &code), -1);
}

static void test_sampling_matches_probs(void **state)
{
    (void)state;
    /* For every outcome o, N_o = #{t : o_t = o} over all queries of all
     * sequences against E_o = sum_t p_t(o). The o_t - p_t(o) are martingale
     * differences, so Var(N_o - E_o) = E sum_t p_t(o)(1 - p_t(o)); a correct
     * sampler exceeds 5 standard deviations with probability < 1e-6 (Chebyshev
     * would give 4%; the sum of ~10^4 bounded differences is near normal). */
    const int dims[2] = {2, 3};
    for (int i = 0; i < 2; i++) {
        hs_hsmt c = config(5, 2, dims[i], 6, 99);
        hs_gen *g = hs_gen_new(&c);
        hs_seq s = {0};
        double count[3] = {0}, expect[3] = {0}, var[3] = {0};
        for (uint64_t id = 0; id < 3000; id++) {
            hs_gen_sequence(g, id, &s);
            for (int t = 0; t < s.q; t++)
                for (int o = 0; o < c.d; o++) {
                    double p = s.probs[t * c.d + o];
                    count[o] += s.outcomes[t] == o;
                    expect[o] += p;
                    var[o] += p * (1 - p);
                }
        }
        for (int o = 0; o < c.d; o++)
            assert_true(fabs(count[o] - expect[o]) < 5 * sqrt(var[o]));
        hs_seq_free(&s);
        hs_gen_free(g);
    }
}

static void test_sequence_independent_of_batch(void **state)
{
    (void)state;
    /* Sequence 17 drawn alone (fresh generator) equals sequence 17 drawn after
     * 0..16 with a reused generator. */
    hs_hsmt c = config(6, 3, 2, 20, 5);
    hs_gen *g = hs_gen_new(&c);
    hs_seq a = {0}, b = {0};
    for (uint64_t id = 0; id <= 17; id++)
        hs_gen_sequence(g, id, &a);
    hs_gen_free(g);
    g = hs_gen_new(&c);
    hs_gen_sequence(g, 17, &b);
    assert_int_equal(a.id, 17);
    assert_memory_equal(a.writes, b.writes, sizeof *a.writes * (size_t)c.ell);
    assert_memory_equal(a.sites, b.sites, sizeof *a.sites * (size_t)c.q);
    assert_memory_equal(a.basis, b.basis, sizeof *a.basis * (size_t)c.q);
    assert_memory_equal(a.outcomes, b.outcomes, sizeof *a.outcomes * (size_t)c.q);
    assert_memory_equal(a.probs, b.probs, sizeof *a.probs * (size_t)(c.q * c.d));
    hs_seq_free(&a);
    hs_seq_free(&b);
    hs_gen_free(g);
}

/* Writes sequences first..first+count-1 to a memory buffer. */
static char *render(const hs_hsmt *c, uint64_t first, int count, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(hs_dataset_write_header(f, c), 0);
    hs_gen *g = hs_gen_new(c);
    hs_seq s = {0};
    for (int i = 0; i < count; i++) {
        hs_gen_sequence(g, first + (uint64_t)i, &s);
        assert_int_equal(hs_dataset_write_seq(f, c, &s), 0);
    }
    fclose(f);
    hs_seq_free(&s);
    hs_gen_free(g);
    return buf;
}

static void test_files_reproducible(void **state)
{
    (void)state;
    hs_hsmt c = config(5, 3, 3, 9, 11);
    size_t la, lb, lc;
    char *a = render(&c, 0, 6, &la), *b = render(&c, 0, 6, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    /* Another seed gives another file. */
    c.seed = 12;
    char *d = render(&c, 0, 6, &lc);
    assert_true(lc != la || memcmp(a, d, la) != 0);
    free(a);
    free(b);
    free(d);
}

static void test_tokens(void **state)
{
    (void)state;
    hs_hsmt c = config(5, 2, 2, 7, 3);
    hs_gen *g = hs_gen_new(&c);
    hs_seq s = {0};
    hs_gen_sequence(g, 0, &s);
    size_t T = hs_hsmt_seq_tokens(&s);
    assert_int_equal(T, 7 + 1 + 2 * 5);
    uint32_t tok[64];
    hs_hsmt_tokens(&c, &s, tok);
    uint64_t V = hs_hsmt_vocab(&c);
    assert_int_equal(V, 10 + 1 + 5 * 3 + 2);
    for (size_t i = 0; i < 7; i++)
        assert_true(tok[i] < c.M);
    assert_int_equal(tok[7], c.M);
    for (int t = 0; t < s.q; t++) {
        size_t qp = hs_hsmt_query_pos(&s, t);
        assert_int_equal(tok[qp], c.M + 1 + (uint32_t)(s.sites[t] * 3 + s.basis[t]));
        assert_int_equal(tok[qp + 1], V - 2 + (uint32_t)s.outcomes[t]);
    }
    hs_seq_free(&s);
    hs_gen_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_sampling_matches_probs),
        cmocka_unit_test(test_sequence_independent_of_batch),
        cmocka_unit_test(test_files_reproducible),
        cmocka_unit_test(test_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
