/* Qubit task configurations and drawn sequences for the gradient tests
 * (test_khrnn_grad, test_ansatz), with cmocka assertions on the way. */
#ifndef HS_TEST_SEQ_FIXTURE_H
#define HS_TEST_SEQ_FIXTURE_H

#include <stdint.h>

#include "hsmt.h"

/* HSMT(ell, n, k; 2, default bases, q = n) with the given seed, validated. */
hs_hsmt seq_fixture_cfg(int n, int k, long ell, uint64_t seed);
/* Sequences first .. first + count - 1 of c, from the exact generator. */
hs_seq *seq_fixture_draw(const hs_hsmt *c, uint64_t first, int count);
void seq_fixture_free(hs_seq *s, int count);

#endif
