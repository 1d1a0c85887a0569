/* Task configurations and drawn sequences shared by the gradient tests. */
#include "seq_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

hs_hsmt seq_fixture_cfg(int n, int k, long ell, uint64_t seed)
{
    hs_hsmt c = {.n = n, .k = k, .d = 2, .ell = ell, .seed = seed};
    hs_hsmt_defaults(&c);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    return c;
}

hs_seq *seq_fixture_draw(const hs_hsmt *c, uint64_t first, int count)
{
    hs_gen *g = hs_gen_new(c);
    hs_seq *s = calloc((size_t)count, sizeof *s);
    assert_non_null(s);
    for (int i = 0; i < count; i++)
        hs_gen_sequence(g, first + (uint64_t)i, &s[i]);
    hs_gen_free(g);
    return s;
}

void seq_fixture_free(hs_seq *s, int count)
{
    for (int i = 0; i < count; i++)
        hs_seq_free(&s[i]);
    free(s);
}
