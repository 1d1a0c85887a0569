/* Deterministic summation of many terms: callers sum fixed-size blocks of
 * HS_SUM_BLOCK consecutive terms into per-block partial sums (with four
 * interleaved accumulators), and hs_sum_tree combines the partial sums by a
 * fixed binary tree. The result depends only on the number of blocks, never on
 * how threads or ranks split them, and the relative error of a sum of
 * non-negative terms is at most about (HS_SUM_BLOCK/4 + log2(blocks) + 2) eps. */
#ifndef HS_SUM_H
#define HS_SUM_H

#include <stddef.h>

#define HS_SUM_BLOCK 1024

/* part is [nb][w]: nb blocks of w values each. Writes the w totals into out;
 * part is used as scratch. The tree splits a range of c > 1 blocks into the
 * largest power of two below c and the rest, so a power-of-two number of
 * blocks forms a perfect binary tree (what dist/ reproduces across ranks). */
void hs_sum_tree(double *part, size_t nb, int w, double *out);

/* Number of blocks for `terms` terms. */
static inline size_t hs_sum_blocks(size_t terms) { return (terms + HS_SUM_BLOCK - 1) / HS_SUM_BLOCK; }

#endif
