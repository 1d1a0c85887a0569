/* Sizes of the sharded state (dstate.h): option defaults, the ranks that
 * start active, each rank's allocation, and the memory check that every rank
 * runs before anything is allocated. */
#ifndef HS_DSIZE_H
#define HS_DSIZE_H

#include <stddef.h>
#include <stdint.h>

#include "dstate.h"

/* Summation block in pairs and exchange message in amplitudes of options o
 * (NULL: defaults), checked and clamped as hs_dstate_opts says. */
size_t hs_dsize_block(const hs_dstate_opts *o);
size_t hs_dsize_chunk(const hs_dstate_opts *o, size_t block);
/* log2 of the ranks active at the start: as many as give each a slice of at
 * least 2 * block amplitudes (one block of pairs), at least one. */
int hs_dsize_start_p(int n, int ranks, size_t block);
/* Amplitudes one rank allocates: its starting slice, or enough for the
 * merges at the end of a sequence. */
uint64_t hs_dsize_cap(int n, int ranks, size_t block);
/* Amplitudes of the exchange spare (the first received chunk; none for one
 * rank). */
uint64_t hs_dsize_spare(uint64_t cap, int ranks, size_t chunk);
/* Bytes one rank allocates for an n-qubit state over `ranks` ranks: slice,
 * exchange spare, ANF phase bits, partial sums. 0 when it overflows. */
uint64_t hs_dsize_rank_bytes(int n, int ranks, const hs_dstate_opts *o);

/* Collective: the memory one rank may use, the smallest over the current
 * ranks: its node's free memory (or cgroup limit) divided by the ranks on
 * the node, or HYPERSEP_MEM_LIMIT (per rank) when set; *per_process is set
 * to 1 in the latter case. The same number on every rank, so that choices
 * made from it (the grid suites' ranks per configuration) agree. */
double hs_dsize_rank_limit(int *per_process);

/* Collective. Checks that the current ranks can hold an n-qubit state: the
 * rank count is a power of two and at most 2^n, and every rank's share fits
 * in its memory (ranks on one node share MemAvailable and the cgroup limit;
 * HYPERSEP_MEM_LIMIT is per rank). Returns 0, or -1 with the same one-line
 * message (need, limit, which rank) on every rank. With one rank this is the
 * serial engine's hs_state_check_fit, whose 1/8 working-memory allowance
 * covers this engine's phase bits and partial sums. */
int hs_dsize_check_fit(int n, const hs_dstate_opts *o, char *err, size_t errlen);

#endif
