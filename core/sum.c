/* Fixed-tree combination of block partial sums. */
#include "sum.h"

#include <assert.h>

/* Sums blocks [lo, lo + c) into part[lo]. */
static void tree(double *part, size_t lo, size_t c, int w)
{
    if (c <= 1)
        return;
    size_t left = 1;
    while (left * 2 < c)
        left *= 2;
    tree(part, lo, left, w);
    tree(part, lo + left, c - left, w);
    for (int j = 0; j < w; j++)
        part[lo * (size_t)w + (size_t)j] += part[(lo + left) * (size_t)w + (size_t)j];
}

void hs_sum_tree(double *part, size_t nb, int w, double *out)
{
    assert(nb >= 1 && w >= 1);
    tree(part, 0, nb, w);
    for (int j = 0; j < w; j++)
        out[j] = part[j];
}
