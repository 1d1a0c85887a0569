/* Combinatorics of hyperedges: binomial coefficients and the colexicographic
 * rank of k-subsets of {0..n-1} (the combinatorial number system). The rank is
 * the hyperedge index used in token vocabularies and files. */
#ifndef HS_COMBIN_H
#define HS_COMBIN_H

#include <stdint.h>

/* binom(n, k); UINT64_MAX when it does not fit in 64 bits; 0 when k > n. */
uint64_t hs_comb_binom(int n, int k);

/* Colex rank of the sorted set s[0] < ... < s[k-1]: sum_i binom(s[i], i+1). */
uint64_t hs_comb_rank(const int *s, int k);

/* Inverse of hs_comb_rank: writes the sorted k-subset of rank r into s.
 * Requires r < binom(n, k). */
void hs_comb_unrank(uint64_t r, int n, int k, int *s);
/* The same subset as a bitmask (bit s[i] set): a hyperedge's site mask. */
uint64_t hs_comb_unrank_mask(uint64_t r, int n, int k);

#endif
