/* The sharded qubit state: layout bookkeeping, writes, and the query cell
 * with its pairwise exchange (see dstate.h for the design; sizes: dsize.c). */
#include "dstate.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "bitcell.h"
#include "comm.h"
#include "dsize.h"
#include "kern.h"
#include "sum.h"
#include "stream.h"
#include "sys.h"

/* Tags: exchange chunks use c mod EXCH_TAGS, the merge of two slices the
 * next, the phase bits of a global first query the one after. */
#define EXCH_TAGS 32767
#define MERGE_TAG EXCH_TAGS
#define BITS_TAG (EXCH_TAGS + 1)

/* Outputs per parallel task of the compaction pass (smaller waves run on
 * one thread). */
#define CHUNK_OUT 16384

static int active(const hs_dstate *s) { return s->lrank < (1 << s->p_act); }

hs_dstate *hs_dstate_new(int n, const hs_dstate_opts *o)
{
    assert(n >= 1 && n <= 59);
    hs_dstate *s = hs_calloc(1, sizeof *s);
    s->n = n;
    s->nranks = hs_comm_size();
    s->me = hs_comm_rank();
    assert((s->nranks & (s->nranks - 1)) == 0 && (uint64_t)s->nranks <= (uint64_t)1 << n);
    s->block = hs_dsize_block(o);
    s->chunk = hs_dsize_chunk(o, s->block);
    s->cap = (size_t)hs_dsize_cap(n, s->nranks, s->block);
    s->mpi_of_log = hs_calloc((size_t)s->nranks, sizeof *s->mpi_of_log);
    s->amp = hs_alloc(s->cap * sizeof *s->amp);
    s->spare = s->nranks > 1 ? hs_alloc((size_t)hs_dsize_spare(s->cap, s->nranks, s->chunk) * sizeof *s->spare) : NULL;
    size_t nviews = s->cap / 2 > s->chunk ? s->cap / 2 / s->chunk : 1;
    s->view0 = hs_calloc(nviews, sizeof *s->view0);
    s->view1 = hs_calloc(nviews, sizeof *s->view1);
    hs_dstate_init_plus(s);
    return s;
}

void hs_dstate_free(hs_dstate *s)
{
    if (!s)
        return;
    hs_sys_free(s->amp);
    hs_sys_free(s->spare);
    hs_sys_free(s->view0);
    hs_sys_free(s->view1);
    hs_sys_free(s->mpi_of_log);
    hs_sys_free(s->bits);
    hs_sys_free(s);
}

void hs_dstate_reset(hs_dstate *s, const int *order)
{
    hs_sys_free(s->bits);
    s->bits = NULL;
    s->unwritten = 0;
    s->n_act = s->n;
    s->p_act = hs_dsize_start_p(s->n, s->nranks, s->block);
    s->n_loc = s->n - s->p_act;
    for (int l = 0; l < s->nranks; l++)
        s->mpi_of_log[l] = l;
    s->lrank = s->me;
    s->len = active(s) ? (size_t)1 << s->n_loc : 0;
    s->q_pos = -1;
    for (int i = 0; i < s->n; i++)
        s->pos_of_site[i] = -1;
    for (int pos = 0; pos < s->n; pos++) {
        int site = order ? order[pos] : pos;
        assert(site >= 0 && site < s->n && s->pos_of_site[site] < 0);
        s->site_at_pos[pos] = site;
        s->pos_of_site[site] = pos;
    }
}

void hs_dstate_init_plus(hs_dstate *s)
{
    hs_dstate_reset(s, NULL);
    s->broken = 0;
    hs_stream_fill(s->amp, s->len, 1.0 / sqrt((double)((uint64_t)1 << s->n)));
}

void hs_dstate_write_exact(hs_dstate *s, const int *sites, int k, long power)
{
    assert(!s->broken && s->q_pos < 0 && !s->unwritten);
    if (((power % 2) + 2) % 2 == 0 || !active(s))
        return;
    uint64_t lmask = 0, gmask = 0;
    for (int i = 0; i < k; i++) {
        int pos = s->pos_of_site[sites[i]];
        assert(pos >= 0);
        if (pos < s->n_loc)
            lmask |= 1ull << pos;
        else
            gmask |= 1ull << (pos - s->n_loc);
    }
    if (((uint64_t)s->lrank & gmask) != gmask)
        return;
    hs_write_flip_mask(s->amp, s->len, lmask);
}

static void combine_roots(const hs_dstate *s, const double *root, int w, int j, double *out);

/* The ANF phase bits of this active rank's slice, 2^n_loc bits: f(hi, lo) =
 * XOR of the odd edges S with S_hi within hi and S_lo within lo, i.e. the
 * transform over the local bits of the coefficients whose rank part lies
 * inside this rank's bits. */
static uint64_t *local_bits(const hs_dstate *s, const hs_edge *e, size_t ne)
{
    const uint64_t lowm = ((uint64_t)1 << s->n_loc) - 1, hi = (uint64_t)s->lrank;
    hs_edge *le = hs_alloc((ne ? ne : 1) * sizeof *le);
    size_t m = 0;
    for (size_t i = 0; i < ne; i++) {
        if (!(e[i].weight & 1))
            continue;
        uint64_t pm = 0;
        for (uint64_t rest = e[i].mask; rest; rest &= rest - 1)
            pm |= 1ull << s->pos_of_site[__builtin_ctzll(rest)];
        if (((pm >> s->n_loc) & ~hi) == 0)
            le[m++] = (hs_edge){pm & lowm, 1};
    }
    const size_t words = s->n_loc >= 6 ? (size_t)1 << (s->n_loc - 6) : 1;
    uint64_t *bits = hs_alloc(words * sizeof *bits);
    hs_write_anf_bits(s->n_loc, le, m, bits);
    hs_sys_free(le);
    return bits;
}

static double plus_amp(const hs_dstate *s) { return 1.0 / sqrt((double)((uint64_t)1 << s->n)); }

void hs_dstate_write_deferred(hs_dstate *s, const hs_edge *e, size_t ne, int from_plus)
{
    assert(s->n_act == s->n && s->q_pos < 0 && (from_plus || (!s->broken && !s->unwritten)));
    s->broken = 0;
    hs_sys_free(s->bits);
    s->bits = NULL;
    s->unwritten = 0;
    if (!active(s))
        return;
    uint64_t *bits = local_bits(s, e, ne);
    hs_write_sign_bits(s->amp, s->len, bits, from_plus, plus_amp(s));
    hs_sys_free(bits);
}

/* The pending query's weights from its combined sums rho, and its
 * distribution p (the caller has set q_pos and q_bit). */
static void pending_probs(hs_dstate *s, const hs_unitary *u, const double rho[4], double *p)
{
    s->q_u = *u;
    hs_state_rho_weights(rho, u, s->q_raw);
    const double total = s->q_raw[0] + s->q_raw[1];
    assert(total > 0);
    for (int o = 0; o < 2; o++)
        p[o] = s->q_raw[o] / total;
}

void hs_dstate_write_deferred_first(hs_dstate *s, const hs_edge *e, size_t ne, int site, const hs_unitary *u,
                                    double *p)
{
    assert(u->kind == HS_U_MATRIX && site >= 0 && site < s->n);
    assert(s->n_act == s->n && s->q_pos < 0);
    const int pos = s->pos_of_site[site];
    hs_sys_free(s->bits);
    s->bits = active(s) ? local_bits(s, e, ne) : NULL;
    s->broken = 0;
    /* The distribution from the flips of the phase bits: the ranks' counts
     * are integers, so the tree over ranks adds them exactly, the one-rank
     * value for every rank count. */
    double flips = 0, total, rho[4];
    if (pos < s->n_loc) {
        /* The amplitudes wait for the collapse. */
        s->unwritten = 1;
        if (s->bits)
            flips = (double)hs_write_sign_flips(s->bits, s->n_loc, pos);
        s->last_bytes = s->last_seconds = 0;
        s->q_pos = pos;
        s->q_bit = -1;
    } else {
        /* The layer written and the exchange that the collapse needs; the
         * flips along rank bit j are the pairs of ranks (l, l + 2^j) whose
         * bits differ, counted by the lower rank from its partner's bits
         * (2^n_loc / 8 bytes). The exchange's summed matrix, which
         * hs_dstate_probs leaves, rounds otherwise at odd n. */
        s->unwritten = 0;
        if (s->bits)
            hs_write_sign_bits(s->amp, s->len, s->bits, 1, plus_amp(s));
        hs_dstate_probs(s, site, u, p);
        if (s->bits) {
            const int j = pos - s->n_loc;
            const size_t words = s->n_loc >= 6 ? (size_t)1 << (s->n_loc - 6) : 1, amps = (words + 1) / 2;
            /* Messages are whole amplitudes (16 bytes): a lone word padded. */
            uint64_t *send = hs_calloc(2 * amps, sizeof *send), *theirs = hs_calloc(2 * amps, sizeof *theirs);
            memcpy(send, s->bits, words * sizeof *send);
            hs_comm_sendrecv((const hs_amp *)send, (hs_amp *)theirs, amps, s->mpi_of_log[s->lrank ^ (1 << j)],
                             BITS_TAG);
            if (!((s->lrank >> j) & 1))
                for (size_t w = 0; w < words; w++)
                    flips += (double)__builtin_popcountll(s->bits[w] ^ theirs[w]);
            hs_sys_free(send);
            hs_sys_free(theirs);
        }
        hs_sys_free(s->bits);
        s->bits = NULL;
    }
    combine_roots(s, &flips, 1, -1, &total);
    hs_write_plus_rho((double)((uint64_t)1 << (s->n - 1)), total, plus_amp(s), rho);
    pending_probs(s, u, rho, p);
}

static unsigned relabel_one(unsigned l, int j);

/* Gathers every rank's w tree roots and combines those of the active ranks
 * by the fixed tree in the order of the pair ranges they cover: logical rank
 * order, or for a query on rank bit j >= 0 the order after the re-map that
 * the collapse will make (relabel). A power-of-two count of equal
 * power-of-two shares, so the result is the single-rank tree's. */
static void combine_roots(const hs_dstate *s, const double *root, int w, int j, double *out)
{
    double *all = hs_alloc((size_t)s->nranks * (size_t)w * sizeof *all);
    hs_comm_allgather(root, w, all);
    const int pa = 1 << s->p_act;
    double *part = hs_alloc((size_t)pa * (size_t)w * sizeof *part);
    for (int l = 0; l < pa; l++) {
        size_t at = j < 0 ? (size_t)l : relabel_one((unsigned)l, j);
        memcpy(part + at * (size_t)w, all + (size_t)s->mpi_of_log[l] * (size_t)w, (size_t)w * sizeof *part);
    }
    hs_sum_tree(part, (size_t)pa, w, out);
    hs_sys_free(part);
    hs_sys_free(all);
}

double hs_dstate_norm2(const hs_dstate *s)
{
    assert(!s->broken && !s->unwritten);
    double root = 0, total;
    if (active(s))
        root = hs_state_norm2_root(s->amp, s->len, s->block);
    combine_roots(s, &root, 1, -1, &total);
    return total;
}

int hs_dstate_is_global(const hs_dstate *s, int site)
{
    assert(site >= 0 && site < s->n && s->pos_of_site[site] >= 0);
    return s->pos_of_site[site] >= s->n_loc;
}

/* The same after an exchange: pair r is in chunk r / C of both views. */
static void rho_views(const hs_dstate *s, double root[4])
{
    const size_t pairs = s->len / 2, B = s->block, C = s->chunk < pairs ? s->chunk : pairs;
    const size_t nb = pairs / B;
    double *part = hs_alloc(nb * 4 * sizeof *part);
    const hs_kern *k = hs_kern_get();
    HS_PAR_FOR(hs_sys_par(s->len), for (size_t b = 0; b < nb; b++) {
        const size_t r0 = b * B, c = r0 / C, off = r0 % C;
        k->rho_pairs(s->view0[c] + off, s->view1[c] + off, B, part + 4 * b);
    });
    hs_sum_tree(part, nb, 4, root);
    hs_sys_free(part);
}

/* Pairwise exchange for a query on rank bit j. This rank keeps the half of
 * its local indices whose top bit equals its own bit j and swaps the other
 * half with the partner, chunk by chunk. Chunk c is received into the place
 * freed by chunk c - 1 (chunk 0 into the spare), so nothing is copied twice;
 * view0 and view1 then point at chunk c of psi(measured bit 0 / 1). */
static void exchange(hs_dstate *s, int j)
{
    const size_t half = s->len / 2, C = s->chunk < half ? s->chunk : half, nch = half / C;
    const int mine = (s->lrank >> j) & 1, peer = s->mpi_of_log[s->lrank ^ (1 << j)];
    /* Bit j = 0 holds psi(bit 0) for all local indices and gives away the
     * upper half of them; bit j = 1 holds psi(bit 1) and gives the lower. */
    hs_amp *give = mine ? s->amp : s->amp + half;
    hs_amp *keep = mine ? s->amp + half : s->amp;
    hs_amp **got_view = mine ? s->view0 : s->view1, **kept_view = mine ? s->view1 : s->view0;
    double t0 = hs_sys_now();
    for (size_t c = 0; c < nch; c++) {
        hs_amp *dst = c ? give + (c - 1) * C : s->spare;
        hs_comm_sendrecv(give + c * C, dst, C, peer, (int)(c % EXCH_TAGS));
        got_view[c] = dst;
        kept_view[c] = keep + c * C;
    }
    s->last_seconds = hs_sys_now() - t0;
    s->last_bytes = (double)half * sizeof(hs_amp);
    s->total_seconds += s->last_seconds;
    s->total_bytes += s->last_bytes;
}

void hs_dstate_probs(hs_dstate *s, int site, const hs_unitary *u, double *p)
{
    assert(!s->broken && s->q_pos < 0 && !s->unwritten && u->kind == HS_U_MATRIX);
    assert(site >= 0 && site < s->n && s->pos_of_site[site] >= 0);
    const int pos = s->pos_of_site[site];
    double root[4] = {0, 0, 0, 0}, rho[4];
    s->last_bytes = s->last_seconds = 0;
    if (pos < s->n_loc) {
        s->q_pos = pos;
        s->q_bit = -1;
        if (active(s))
            hs_state_rho_root(s->amp, s->len, pos, s->block, root);
    } else {
        s->q_pos = s->n_loc - 1;
        s->q_bit = pos - s->n_loc;
        if (active(s)) {
            exchange(s, s->q_bit);
            rho_views(s, root);
        }
    }
    combine_roots(s, root, 4, s->q_bit, rho);
    pending_probs(s, u, rho, p);
}

/* out[t] = v0 a[i0(t)] + v1 a[i0(t) + S], i0(t) = t with a 0 bit inserted at
 * q, written over a[t] for t < len / 2 (compaction). Outputs t in
 * [2^(w-1) S, 2^w S) read [2^w S, 2^(w+1) S): each such wave reads only what
 * no earlier wave wrote and writes only what earlier waves read, so waves run
 * one after another, each split into chunks across threads. Wave 0 (t < S)
 * reads a[t] and a[t + S] and writes a[t]: element-wise in place.
 *
 * With np >= 0 (a position of the result, below q or not) the pass also
 * yields the sums of the next query on np in the state it leaves: the
 * per-block sums part[nb][4] of hs_state_rho_root's blocks. A block of pairs has its outputs in one
 * aligned range of W = 2 max(block, 2^np) outputs; waves from W on are
 * aligned and at least W long, so each of their blocks is computed and
 * summed in one go (kern compact_rho); the waves below W are compacted
 * first and their blocks summed from the outputs. Either way a block's sum
 * is the same as hs_state_rho_root's over the result, bitwise. */
static void collapse_local(hs_dstate *s, int q, hs_amp v0, hs_amp v1, int np, double *part)
{
    hs_amp *a = s->amp;
    const size_t half = s->len / 2, S = (size_t)1 << q, B = s->block;
    const size_t bn = np >= 0 ? (size_t)1 << np : 0, W = np >= 0 ? 2 * (B > bn ? B : bn) : SIZE_MAX;
    size_t lo = 0, hi = S < half ? S : half;
    const hs_kern *k = hs_kern_get();
    while (lo < hi) {
        if (hi - lo >= W) {
            const size_t b0 = lo / (2 * B), b1 = hi / (2 * B);
            HS_PAR_FOR(b1 - b0 > 1, for (size_t b = b0; b < b1; b++) {
                k->compact_rho(a, q, np, b * B, (b + 1) * B, v0, v1, part + 4 * b);
            });
        } else {
            const size_t nch = (hi - lo + CHUNK_OUT - 1) / CHUNK_OUT;
            HS_PAR_FOR(nch > 1, for (size_t c = 0; c < nch; c++) {
                const size_t t0 = lo + c * CHUNK_OUT, t1 = t0 + CHUNK_OUT < hi ? t0 + CHUNK_OUT : hi;
                k->compact(a, q, t0, t1, v0, v1);
            });
            if (np >= 0 && (hi == W || hi == half)) {
                const size_t b1 = hi / (2 * B);
                HS_PAR_FOR(b1 > 1, for (size_t b = 0; b < b1; b++) {
                    k->rho(a, np, b * B, (b + 1) * B, part + 4 * b);
                });
            }
        }
        lo = hi;
        hi = 2 * hi < half ? 2 * hi : half;
    }
}

/* out[r] = v0 psi0(r) + v1 psi1(r) into a[r], r < len / 2, chunk by chunk
 * through the views. Where this rank gave away its lower half, a[c C ..]
 * holds the received psi0 of chunk c + 1: chunks then go downwards. */
static void collapse_views(hs_dstate *s, hs_amp v0, hs_amp v1, int downwards)
{
    const size_t half = s->len / 2, C = s->chunk < half ? s->chunk : half, nch = half / C;
    const hs_kern *k = hs_kern_get();
    for (size_t w = 0; w < nch; w++) {
        const size_t c = downwards ? nch - 1 - w : w;
        const hs_amp *p0 = s->view0[c], *p1 = s->view1[c];
        hs_amp *out = s->amp + c * C;
        const size_t nsub = (C + CHUNK_OUT - 1) / CHUNK_OUT;
        HS_PAR_FOR(nsub > 1, for (size_t j = 0; j < nsub; j++) {
            const size_t i0 = j * CHUNK_OUT, m = i0 + CHUNK_OUT < C ? CHUNK_OUT : C - i0;
            k->combine(out + i0, p0 + i0, p1 + i0, m, v0, v1);
        });
    }
}

/* Removes position q from the site map; higher positions move down one. */
static void remove_position(hs_dstate *s, int q)
{
    s->pos_of_site[s->site_at_pos[q]] = -1;
    for (int pos = q; pos < s->n_act - 1; pos++) {
        s->site_at_pos[pos] = s->site_at_pos[pos + 1];
        s->pos_of_site[s->site_at_pos[pos]] = pos;
    }
}

/* After a query on rank bit j the old top local site is the lowest rank bit
 * and old bits 0..j-1 move up one: l -> (l above j) | (l below j) << 1 | bit j
 * of l, which is the local half each rank kept. */
static unsigned relabel_one(unsigned l, int j)
{
    const unsigned below = (1u << j) - 1, upto = (2u << j) - 1;
    return (l & ~upto) | ((l & below) << 1) | ((l >> j) & 1u);
}

static void relabel(hs_dstate *s, int j)
{
    const int pa = 1 << s->p_act;
    int *next = hs_alloc((size_t)pa * sizeof *next);
    for (int l = 0; l < pa; l++)
        next[relabel_one((unsigned)l, j)] = s->mpi_of_log[l];
    memcpy(s->mpi_of_log, next, (size_t)pa * sizeof *next);
    hs_sys_free(next);
    if (active(s))
        s->lrank = (int)relabel_one((unsigned)s->lrank, j);
}

/* Keeps every active slice at least 2 * block amplitudes: the lowest rank bit
 * (position n_loc) becomes the top local bit, so logical rank 2m + 1 sends
 * its slice to 2m, which appends it, and goes idle; 2m becomes m. */
static void merge_small(hs_dstate *s)
{
    while (s->p_act > 0 && ((size_t)1 << s->n_loc) < 2 * s->block) {
        const int pa = 1 << s->p_act, h = pa / 2;
        const size_t L = (size_t)1 << s->n_loc;
        int *next = hs_alloc((size_t)pa * sizeof *next);
        for (int l = 0; l < pa; l++)
            next[l & 1 ? h + (l >> 1) : l >> 1] = s->mpi_of_log[l];
        if (s->lrank < pa) {
            if (s->lrank & 1) {
                hs_comm_send(s->amp, L, s->mpi_of_log[s->lrank - 1], MERGE_TAG);
                s->len = 0;
            } else {
                assert(2 * L <= s->cap);
                hs_comm_recv(s->amp + L, L, s->mpi_of_log[s->lrank + 1], MERGE_TAG);
                s->len = 2 * L;
            }
            s->lrank = s->lrank & 1 ? h + (s->lrank >> 1) : s->lrank >> 1;
        }
        memcpy(s->mpi_of_log, next, (size_t)pa * sizeof *next);
        hs_sys_free(next);
        s->p_act--;
        s->n_loc++;
    }
}

/* The collapse of the pending query and the discard of its site; with
 * np >= 0 (a local query and a local next site at position np of the
 * result, no merge after: see hs_dstate_collapse_probs) the next site's
 * block sums into part. */
static int collapse(hs_dstate *s, int outcome, int np, double *part)
{
    assert(s->q_pos >= 0 && (outcome == 0 || outcome == 1));
    if (!(s->q_raw[outcome] > 0)) {
        if (s->q_bit >= 0)
            s->broken = 1;
        s->q_pos = -1;
        return -1;
    }
    const double scale = 1.0 / sqrt(s->q_raw[outcome]);
    const hs_amp v0 = s->q_u.m[2 * outcome] * scale, v1 = s->q_u.m[2 * outcome + 1] * scale;
    const int global = s->q_bit >= 0;
    assert(np < 0 || !global);
    if (active(s)) {
        if (global)
            collapse_views(s, v0, v1, (s->lrank >> s->q_bit) & 1);
        else if (s->unwritten)
            hs_bitcell_compact(s->amp, s->bits, s->n_loc, s->q_pos, plus_amp(s), v0, v1);
        else
            collapse_local(s, s->q_pos, v0, v1, np, part);
        s->len /= 2;
    }
    hs_sys_free(s->bits);
    s->bits = NULL;
    s->unwritten = 0;
    remove_position(s, global ? s->n_loc + s->q_bit : s->q_pos);
    if (global)
        relabel(s, s->q_bit);
    s->n_loc--;
    s->n_act--;
    s->q_pos = -1;
    merge_small(s);
    return 0;
}

int hs_dstate_collapse(hs_dstate *s, int outcome) { return collapse(s, outcome, -1, NULL); }

int hs_dstate_collapse_probs(hs_dstate *s, int outcome, int next_site, const hs_unitary *u, double *p)
{
    assert(s->q_pos >= 0 && u->kind == HS_U_MATRIX);
    assert(next_site >= 0 && next_site < s->n && s->pos_of_site[next_site] >= 0);
    const int old_np = s->pos_of_site[next_site];
    /* Fused when the query and the next one are local, and the slice after
     * the collapse still holds two blocks of amplitudes (no merge of
     * slices): the same on every rank. Not after an unwritten layer: that
     * collapse writes from the bits alone (no pass over amplitudes to sum
     * in), and the next distribution's pass over the half it wrote gives
     * the bits of the written path, for every rank count. The next site keeps its position
     * below the measured one and moves down one above it. */
    const int np = old_np < s->q_pos ? old_np : old_np - 1;
    const int fuse = s->q_bit < 0 && old_np < s->n_loc && ((size_t)1 << (s->n_loc - 1)) >= 2 * s->block &&
                     !s->unwritten;
    if (!fuse) {
        if (hs_dstate_collapse(s, outcome) != 0)
            return -1;
        hs_dstate_probs(s, next_site, u, p);
        return 0;
    }
    const size_t nb = ((size_t)1 << (s->n_loc - 2)) / s->block;
    double *part = active(s) ? hs_alloc(nb * 4 * sizeof *part) : NULL, root[4] = {0, 0, 0, 0}, rho[4];
    const int rc = collapse(s, outcome, np, part);
    if (part && rc == 0)
        hs_sum_tree(part, nb, 4, root);
    hs_sys_free(part);
    if (rc != 0)
        return -1;
    combine_roots(s, root, 4, -1, rho);
    assert(s->pos_of_site[next_site] == np && s->n_loc >= 1);
    s->q_pos = np;
    s->q_bit = -1;
    s->last_bytes = s->last_seconds = 0;
    pending_probs(s, u, rho, p);
    return 0;
}

void hs_dstate_gather(const hs_dstate *s, hs_amp *full)
{
    assert(!s->broken && !s->unwritten);
    const size_t L = (size_t)1 << s->n_loc;
    for (int l = 0; l < (1 << s->p_act); l++) {
        const int root = s->mpi_of_log[l];
        if (root == s->me)
            memcpy(full + (size_t)l * L, s->amp, L * sizeof *full);
        hs_comm_bcast(full + (size_t)l * L, L * sizeof *full, root);
    }
}
