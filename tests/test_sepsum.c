/* Tests of the separation summary's decision (suites/sepsum.c) on hand-made
 * rows: the smallest passing size with every larger one passing, the best
 * seed per size, determined / undetermined / none, a non-monotone ladder,
 * and independence of the row order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sepsum.h"
#include "train.h"

enum { R = HS_VERDICT_REACHED, P = HS_VERDICT_PLATEAU, B = HS_VERDICT_BUDGET };

/* A trained row of size s (state dimension 2 s), excess e, verdict v. */
static hs_sepsum_row row(double s, double e, int v) { return (hs_sepsum_row){s, 2 * s, e, v, 1}; }

/* Sizes 2 and 4 plateau, 8 and 16 reach: 8 is the answer, determined. */
static void test_determined(void **state)
{
    (void)state;
    const hs_sepsum_row rows[] = {row(16, 0.002, R), row(2, 0.2, P), row(8, 0.008, R), row(4, 0.1, P)};
    hs_sepsum_result r;
    hs_sepsum_group(rows, 4, &r);
    assert_int_equal(r.status, HS_SEPSUM_DETERMINED);
    assert_int_equal(r.best, 2);
    assert_string_equal(r.note, "");
}

/* A size below the answer stopped on its budget: undetermined, named. */
static void test_undetermined(void **state)
{
    (void)state;
    const hs_sepsum_row rows[] = {row(2, 0.2, P), row(4, 0.03, B), row(8, 0.008, R), row(16, 0.002, R)};
    hs_sepsum_result r;
    hs_sepsum_group(rows, 4, &r);
    assert_int_equal(r.status, HS_SEPSUM_UNDETERMINED);
    assert_int_equal(r.best, 2);
    assert_non_null(strstr(r.note, "size 4 below stopped on its budget"));
}

/* Size 2 passes but 4 does not: 2 does not count (a larger size fails);
 * the answer is 8, and the note says why 2 is not. */
static void test_non_monotone(void **state)
{
    (void)state;
    const hs_sepsum_row rows[] = {row(2, 0.009, R), row(4, 0.1, P), row(8, 0.008, R), row(16, 0.002, R)};
    hs_sepsum_result r;
    hs_sepsum_group(rows, 4, &r);
    assert_int_equal(r.status, HS_SEPSUM_DETERMINED);
    assert_int_equal(r.best, 2);
    assert_non_null(strstr(r.note, "non-monotone: size 2 passed, size 4 did not"));
}

/* The largest size does not pass: none, with its verdict. */
static void test_none(void **state)
{
    (void)state;
    const hs_sepsum_row rows[] = {row(2, 0.3, P), row(4, 0.2, B), row(8, 0.05, P)};
    hs_sepsum_result r;
    hs_sepsum_group(rows, 3, &r);
    assert_int_equal(r.status, HS_SEPSUM_NONE);
    assert_int_equal(r.best, -1);
    assert_non_null(strstr(r.note, "largest size 8: plateau at 0.05 bits"));
}

/* A model scored as it is that misses: none, "not reached". */
static void test_fixed_miss(void **state)
{
    (void)state;
    const hs_sepsum_row rows[] = {{0, 6, 0.07, P, 0}};
    hs_sepsum_result r;
    hs_sepsum_group(rows, 1, &r);
    assert_int_equal(r.status, HS_SEPSUM_NONE);
    assert_string_equal(r.note, "not reached: 0.07 bits");
}

/* Seeds: a size passes when any seed reached (its best row is that seed's),
 * and is budget, not plateau, when any failing seed was still improving. */
static void test_seeds(void **state)
{
    (void)state;
    const hs_sepsum_row rows[] = {row(4, 0.1, P), row(4, 0.04, B), row(8, 0.05, P), row(8, 0.009, R),
                                  row(8, 0.007, R), row(16, 0.003, R)};
    hs_sepsum_result r;
    hs_sepsum_group(rows, 6, &r);
    assert_int_equal(r.best, 4); /* size 8's best passing seed, 0.007 */
    assert_int_equal(r.status, HS_SEPSUM_UNDETERMINED);
    assert_non_null(strstr(r.note, "size 4"));
}

/* The decision does not depend on the order of the rows. */
static void test_order(void **state)
{
    (void)state;
    hs_sepsum_row rows[] = {row(2, 0.2, P), row(4, 0.03, B), row(8, 0.008, R), row(16, 0.002, R), row(3, 0.1, P)};
    hs_sepsum_result a, b;
    hs_sepsum_group(rows, 5, &a);
    const hs_sepsum_row rev[] = {rows[4], rows[3], rows[2], rows[1], rows[0]};
    hs_sepsum_group(rev, 5, &b);
    assert_int_equal(a.status, b.status);
    assert_true(rows[a.best].size == rev[b.best].size && rows[a.best].size == 8);
    assert_string_equal(a.note, b.note);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determined), cmocka_unit_test(test_undetermined), cmocka_unit_test(test_non_monotone),
        cmocka_unit_test(test_none),       cmocka_unit_test(test_seeds),        cmocka_unit_test(test_order),
        cmocka_unit_test(test_fixed_miss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
