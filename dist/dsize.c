/* Sizes of the sharded state (dstate.h): option defaults, how many ranks
 * start active, what one rank allocates, and the memory check that runs on
 * every rank before anything is allocated. */
#include "dsize.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "comm.h"
#include "sum.h"
#include "sys.h"

size_t hs_dsize_block(const hs_dstate_opts *o)
{
    size_t b = o && o->block ? o->block : HS_SUM_BLOCK;
    assert(b >= 4 && (b & (b - 1)) == 0);
    return b;
}

size_t hs_dsize_chunk(const hs_dstate_opts *o, size_t block)
{
    size_t c = o && o->chunk ? o->chunk : HS_DSTATE_CHUNK;
    assert((c & (c - 1)) == 0);
    if (c < block)
        c = block;
    return c > HS_COMM_MAX_MSG ? HS_COMM_MAX_MSG : c;
}

static int log2i(int x)
{
    int p = 0;
    while ((1 << (p + 1)) <= x)
        p++;
    return p;
}

/* log2 of the ranks active at the start: as many as give every one a slice of
 * at least 2 * block amplitudes (one block of pairs), at least one. */
int hs_dsize_start_p(int n, int ranks, size_t block)
{
    int p = log2i(ranks);
    while (p > 0 && ((size_t)1 << (n - p)) < 2 * block)
        p--;
    return p;
}

/* Amplitudes one rank allocates: its starting slice, or enough for the merges
 * at the end (slices below 2 * block double until they reach it). */
uint64_t hs_dsize_cap(int n, int ranks, size_t block)
{
    uint64_t slice = (uint64_t)1 << (n - hs_dsize_start_p(n, ranks, block));
    uint64_t full = (uint64_t)1 << n, merged = 4 * (uint64_t)block;
    if (merged > full)
        merged = full;
    return slice > merged ? slice : merged;
}

uint64_t hs_dsize_spare(uint64_t cap, int ranks, size_t chunk)
{
    return ranks > 1 ? (chunk < cap / 2 ? chunk : cap / 2) : 0;
}

uint64_t hs_dsize_rank_bytes(int n, int ranks, const hs_dstate_opts *o)
{
    const size_t block = hs_dsize_block(o), chunk = hs_dsize_chunk(o, block);
    if (n > 59)
        return 0; /* 2^n amplitudes of 16 bytes overflow 64 bits */
    uint64_t cap = hs_dsize_cap(n, ranks, block);
    uint64_t spare = hs_dsize_spare(cap, ranks, chunk);
    /* amplitudes + exchange spare + ANF phase bits (1 bit per amplitude) +
     * block partial sums (4 per block of pairs) */
    return (cap + spare) * sizeof(hs_amp) + (cap / 8 + 8) + (cap / 2 / block + 1) * 4 * sizeof(double);
}

double hs_dsize_rank_limit(int *per_process)
{
    const char *src;
    double avail = (double)hs_sys_mem_available(&src);
    double v[2] = {strcmp(src, "HYPERSEP_MEM_LIMIT") == 0, 0};
    v[1] = v[0] ? avail : avail / (double)hs_comm_node_ranks();
    double lim = v[1], pp = v[0];
    hs_comm_min(&lim, 1);
    hs_comm_max(&pp, 1);
    if (per_process)
        *per_process = pp > 0;
    return lim;
}

int hs_dsize_check_fit(int n, const hs_dstate_opts *o, char *err, size_t errlen)
{
    const int P = hs_comm_size();
    if (P == 1)
        return hs_state_check_fit(n, 2, err, errlen);
    if (P & (P - 1)) {
        snprintf(err, errlen, "%d MPI ranks: the rank count must be a power of two (allowed 1, 2, 4, 8, ...)", P);
        return -1;
    }
    if (n < 31 && P > (1 << n)) {
        snprintf(err, errlen, "%d MPI ranks for n=%d: more ranks than the %d amplitudes (allowed at most %d ranks)",
                 P, n, 1 << n, 1 << n);
        return -1;
    }
    char a[32], b[32];
    uint64_t need = hs_dsize_rank_bytes(n, P, o);
    if (need == 0) {
        snprintf(err, errlen, "state of n=%d sites over %d ranks needs more than 2^64 bytes per rank", n, P);
        return -1;
    }
    /* Ranks on one node share its free memory; HYPERSEP_MEM_LIMIT is per process. */
    const char *src;
    double avail = (double)hs_sys_mem_available(&src);
    int per_process = strcmp(src, "HYPERSEP_MEM_LIMIT") == 0;
    double share = per_process ? 1.0 : (double)hs_comm_node_ranks();
    double mine[3] = {(double)need, avail / share, per_process};
    double *all = hs_alloc((size_t)P * sizeof mine);
    hs_comm_allgather(mine, 3, all);
    int bad = -1;
    for (int r = 0; r < P && bad < 0; r++)
        if (all[3 * r] > all[3 * r + 1])
            bad = r;
    int rc = 0;
    if (bad >= 0) {
        snprintf(err, errlen,
                 "state of n=%d sites over %d ranks needs %s per rank, only %s available per rank on rank %d (%s)",
                 n, P, hs_sys_fmt_bytes(all[3 * bad], a, sizeof a),
                 hs_sys_fmt_bytes(all[3 * bad + 1], b, sizeof b), bad,
                 all[3 * bad + 2] > 0 ? "HYPERSEP_MEM_LIMIT" : "free memory of its node / ranks on the node");
        rc = -1;
    }
    hs_sys_free(all);
    return rc;
}
