/* Libraries loaded at first use (core/dl.h): symbols resolve to working
 * functions, and a missing library or symbol is reported by name. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl.h"

/* libm's cos and sqrt, resolved by name, compute what the linked ones do
 * (exactly: the same code). */
static void test_resolves(void **state)
{
    (void)state;
    static const char *const names[2] = {"cos", "sqrt"};
    void (*fn[2])(void);
    char err[256];
    assert_int_equal(hs_dl_open("libm.so.6", names, fn, 2, err, sizeof err), 0);
    double (*c)(double) = (double (*)(double))fn[0], (*s)(double) = (double (*)(double))fn[1];
    assert_true(c(0.5) == cos(0.5));
    assert_true(s(2.0) == sqrt(2.0));
}

/* A library that does not exist: -1, and the message names it. */
static void test_missing_library(void **state)
{
    (void)state;
    static const char *const names[1] = {"cos"};
    void (*fn[1])(void);
    char err[256] = "";
    assert_int_equal(hs_dl_open("libhypersep-none.so.9", names, fn, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot load libhypersep-none.so.9"));
}

/* A symbol the library lacks: -1, and the message names both. */
static void test_missing_symbol(void **state)
{
    (void)state;
    static const char *const names[2] = {"cos", "hs_no_such_function"};
    void (*fn[2])(void);
    char err[256] = "";
    assert_int_equal(hs_dl_open("libm.so.6", names, fn, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "libm.so.6 has no symbol hs_no_such_function"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolves),
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_missing_symbol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
