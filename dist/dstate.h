/* The qubit state (d = 2) sharded over P = 2^p ranks (docs/spec.md#sharding), with
 * the same operations as the serial engine (core/state.h, core/write.h):
 * diagonal writes, deferred writes, and the query cell.
 *
 * Layout. Positions 0 .. n_act-1 hold the active sites (site_at_pos); the
 * logical amplitude index is z = sum_pos z_pos 2^pos. The low n_loc positions
 * are local, the top p_act positions are global: active logical rank l holds
 * the contiguous slice z in [l 2^n_loc, (l+1) 2^n_loc). Logical ranks map to
 * MPI ranks through a permutation (mpi_of_log) that queries update.
 *
 * Measuring the site at position q removes q and moves every higher position
 * down by one (compaction), whatever the rank count; so the layout, and with it
 * every sum, is the same for every P. (The serial engine instead moves its top
 * site into q; its sums therefore agree with these to rounding, ~1e-16, not
 * bitwise.)
 *   - local site (q < n_loc): outcome weights from local partial sums, one
 *     gather of 4 numbers per rank, local in-place compaction. No exchange.
 *   - global site (rank bit j): one pairwise exchange of half a slice with the
 *     rank that differs in bit j, in chunks of at most `chunk` amplitudes
 *     (distinct tags). Afterwards each of the two holds both outcomes of the
 *     measured bit for half of the slice's local indices: the measured bit has
 *     become the top local position and the old top local site has become
 *     rank bit j. Logical ranks are re-mapped so that this is exactly the
 *     compaction above: every rank keeps half its slice, none is left idle.
 * Sums. Outcome weights are sums over pairs r (z with the measured bit
 * removed) in blocks of `block` consecutive pairs with four interleaved
 * accumulators, combined by the fixed tree of core/sum.h; each active rank
 * holds whole blocks (at least one) forming a power-of-two share, and the
 * per-rank tree roots are gathered and combined by the same tree in logical
 * rank order. The result is bitwise the same for every P and thread count.
 * When a slice would hold fewer than `block` pairs (2 block amplitudes), the
 * lowest rank bit becomes the top local bit instead: every odd logical rank
 * sends its slice to the even one below and goes idle (only at the end of a
 * sequence, where the state is a few thousand amplitudes). */
#ifndef HS_DSTATE_H
#define HS_DSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "write.h"

/* Default exchange message: 2^20 amplitudes (16 MiB). */
#define HS_DSTATE_CHUNK ((size_t)1 << 20)

typedef struct {
    size_t block; /* summation block in pairs: power of two >= 4 (0: HS_SUM_BLOCK) */
    size_t chunk; /* exchange message in amplitudes: power of two (0: HS_DSTATE_CHUNK);
                     raised to block, capped at HS_COMM_MAX_MSG */
} hs_dstate_opts;

typedef struct hs_dstate {
    int n;                /* sites at creation */
    int n_act;            /* active positions */
    int n_loc;            /* local positions */
    int p_act;            /* log2 of the active rank count */
    int nranks, me;       /* MPI size and rank */
    int lrank;            /* this rank's logical rank; idle when >= 2^p_act */
    int *mpi_of_log;      /* [nranks] */
    size_t len;           /* local amplitudes: 2^n_loc, 0 when idle */
    size_t cap;           /* allocated amplitudes */
    hs_amp *amp;          /* [cap] */
    hs_amp *spare;        /* [chunk]: first received chunk of an exchange */
    size_t block, chunk;
    int pos_of_site[64];  /* -1 once measured */
    int site_at_pos[64];
    /* Pending query between hs_dstate_probs and hs_dstate_collapse. */
    int q_pos;            /* local position of the measured bit; -1 when none */
    int q_bit;            /* rank bit j of a global query, -1 for a local one */
    hs_unitary q_u;
    double q_raw[2];      /* unnormalised outcome weights (global sums) */
    hs_amp **view0, **view1;  /* [half / chunk] after an exchange: chunk c of psi(bit 0 / 1) */
    int broken;           /* a global query was abandoned: reset before use */
    int unwritten;        /* 1 on every rank while the amplitudes are
                           * unwritten (a local first query pending: its
                           * collapse writes them from bits, bitcell.h) */
    uint64_t *bits;       /* then the phase bits of an active rank's slice */
    /* Exchange accounting of this rank (bytes sent, seconds in MPI). */
    double last_bytes, last_seconds, total_bytes, total_seconds;
} hs_dstate;

/* Collective; the caller has checked the fit (dsize.h). Starts as |+>^n, identity map. */
hs_dstate *hs_dstate_new(int n, const hs_dstate_opts *o);
void hs_dstate_free(hs_dstate *s);
/* All n sites active again; order[pos] = site at pos (NULL: identity), which
 * chooses which sites are global. Amplitudes are left as they are. */
void hs_dstate_reset(hs_dstate *s, const int *order);
/* reset(NULL) and |+>^n. */
void hs_dstate_init_plus(hs_dstate *s);

/* hs_write_exact for d = 2 (sign flip where all of T's sites are 1). No
 * communication. */
void hs_dstate_write_exact(hs_dstate *s, const int *sites, int k, long power);
/* hs_write_deferred for d = 2 on the full state (n_act == n) in its current
 * site map: each rank computes the ANF phase bits of its slice only. With
 * from_plus the amplitudes become D_w |+>^n. No communication. */
void hs_dstate_write_deferred(hs_dstate *s, const hs_edge *e, size_t ne, int from_plus);

/* Collective: hs_dstate_write_deferred from |+>, then hs_dstate_probs of the
 * first query: for a local site from the phase bits (hs_write_deferred_first:
 * the ranks add their integer counts, so p is the same for every rank count
 * and the serial generator's), for a global one by the exchange. For a local
 * site the amplitudes are not written: the query's collapse (the next call on
 * the state) writes the slice it leaves from the bits (core/bitcell.h),
 * bitwise the written layer's collapse, and the next distribution is summed
 * from that half as after an unfused collapse: the same bits as with the
 * layer written, for every rank count. */
void hs_dstate_write_deferred_first(hs_dstate *s, const hs_edge *e, size_t ne, int site, const hs_unitary *u,
                                    double *p);

/* Collective: sum of |amp|^2 (blocks of `block` amplitudes, fixed tree). */
double hs_dstate_norm2(const hs_dstate *s);
/* 1 when `site` is held on a rank bit (its query needs an exchange). */
int hs_dstate_is_global(const hs_dstate *s, int site);

/* Collective query cell, as hs_state_probs / hs_state_collapse: the same p on
 * every rank, then every rank collapses with the same outcome. Collapse
 * returns -1 if the outcome has weight 0; after a local query the state is
 * then unchanged, after a global one it must be reset (hs_dstate_init_plus
 * or a deferred write from |+>). */
void hs_dstate_probs(hs_dstate *s, int site, const hs_unitary *u, double *p);
int hs_dstate_collapse(hs_dstate *s, int outcome);
/* Collective: hs_dstate_collapse then hs_dstate_probs of next_site, with the
 * same numbers bitwise; when both queries are local and no slices merge
 * after the collapse, in one pass (the compaction yields the sums).
 * Returns -1 as hs_dstate_collapse does (no distribution then). */
int hs_dstate_collapse_probs(hs_dstate *s, int outcome, int next_site, const hs_unitary *u, double *p);

/* Collective, for tests: the full active state in logical order (position
 * layout of site_at_pos) into full[2^n_act] on every rank. */
void hs_dstate_gather(const hs_dstate *s, hs_amp *full);

#endif
