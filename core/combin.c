/* Binomial coefficients and colex ranking of k-subsets. */
#include "combin.h"

#include <assert.h>

uint64_t hs_comb_binom(int n, int k)
{
    if (k < 0 || n < 0 || k > n)
        return 0;
    if (k > n - k)
        k = n - k;
    uint64_t c = 1;
    for (int i = 1; i <= k; i++) {
        /* c * (n-k+i) / i stays exact: c * (n-k+i) is divisible by i. */
        unsigned __int128 t = (unsigned __int128)c * (uint64_t)(n - k + i);
        t /= (uint64_t)i;
        if (t > UINT64_MAX)
            return UINT64_MAX;
        c = (uint64_t)t;
    }
    return c;
}

uint64_t hs_comb_rank(const int *s, int k)
{
    uint64_t r = 0;
    for (int i = 0; i < k; i++) {
        assert(i == 0 || s[i] > s[i - 1]);
        r += hs_comb_binom(s[i], i + 1);
    }
    return r;
}

void hs_comb_unrank(uint64_t r, int n, int k, int *s)
{
    assert(r < hs_comb_binom(n, k));
    int hi = n - 1;
    for (int i = k; i >= 1; i--) {
        /* Largest c <= hi with binom(c, i) <= r. */
        int c = hi;
        while (hs_comb_binom(c, i) > r)
            c--;
        s[i - 1] = c;
        r -= hs_comb_binom(c, i);
        hi = c - 1;
    }
}

uint64_t hs_comb_unrank_mask(uint64_t r, int n, int k)
{
    int s[64];
    assert(k <= 64);
    hs_comb_unrank(r, n, k, s);
    uint64_t mask = 0;
    for (int i = 0; i < k; i++)
        mask |= 1ull << s[i];
    return mask;
}
