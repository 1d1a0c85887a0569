/* The HSMT(ell, n, k; d, B, q) task (docs/spec.md#task): configuration, one drawn
 * sequence with its exact conditional probabilities, and the token layout that
 * sequence models read. Sequence i of a configuration is a pure function of
 * (seed, i): see rng.h. */
#ifndef HS_HSMT_H
#define HS_HSMT_H

#include <stddef.h>
#include <stdint.h>

#include "write.h"

#define HS_MAX_BASES 8
#define HS_MAX_SITES 62
/* First held-out sequence index: training uses indices below it, evaluation
 * HS_EVAL_FIRST + i, so the two sets never overlap (docs/spec.md#training);
 * `hypersep sample --first 1099511627776` writes the held-out sequences. */
#define HS_EVAL_FIRST (UINT64_C(1) << 40)
/* Basis code for the computational basis; codes >= 0 are chirp indices m
 * (U_m = F^dagger C_m); for d = 2, m = 0 is X and m = 1 is Y. */
#define HS_BASIS_Z (-1)

typedef struct {
    int n;        /* sites, 1 <= n <= HS_MAX_SITES */
    int k;        /* hyperedge order, 1 <= k <= n */
    int d;        /* local dimension >= 2 */
    int q;        /* queries per sequence, 1 <= q <= n */
    long ell;     /* writes per sequence >= 0 */
    int nbases;   /* |B| */
    int bases[HS_MAX_BASES]; /* basis codes, distinct */
    uint64_t seed;
    uint64_t M;   /* binom(n, k): derived by hs_hsmt_validate */
} hs_hsmt;

/* One sequence. Arrays are owned by the struct (hs_seq_free). */
typedef struct {
    uint64_t id;       /* sequence index: the RNG stream it was drawn from */
    long ell;
    int q, d;
    uint64_t *writes;  /* [ell] colex ranks of T_1..T_ell, drawn order */
    int *sites;        /* [q] s_1..s_q, distinct */
    int *basis;        /* [q] index into hs_hsmt.bases */
    int *outcomes;     /* [q] o_t in [0, d) */
    double *probs;     /* [q * d] p_t(o), row t is the conditional at query t */
} hs_seq;

/* Fills defaults (bases by d, q = n when q <= 0) only where the caller left
 * zeros; then checks every field. On error writes a one-line message naming
 * the field, the value and what is allowed into err and returns -1. */
void hs_hsmt_defaults(hs_hsmt *cfg);
int hs_hsmt_validate(hs_hsmt *cfg, char *err, size_t errlen);

void hs_seq_alloc(hs_seq *s, long ell, int q, int d);
void hs_seq_free(hs_seq *s);

/* Basis names: "Z", "X", "Y" for d = 2; "Z" or the chirp index m for d > 2.
 * hs_hsmt_basis_parse returns 0 and sets *code, or -1 when the name is not a
 * basis for dimension d. */
const char *hs_hsmt_basis_name(int code, int d, char *buf, size_t len);
int hs_hsmt_basis_parse(const char *name, int d, int *code);

/* Generator: owns a state buffer sized for the configuration. */
typedef struct hs_gen hs_gen;
/* The state memory (d^n * 16 bytes) must have been checked by the caller
 * (hs_state_check_fit); allocation failure is fatal. */
hs_gen *hs_gen_new(const hs_hsmt *cfg);
void hs_gen_free(hs_gen *g);
/* Draws sequence `index` into s (allocated by the callee on first use,
 * reallocated as needed). */
void hs_gen_sequence(hs_gen *g, uint64_t index, hs_seq *s);

/* Distinct hyperedges of a write list with their multiplicities (writes
 * commute, so this is all a state needs of them): fills rank[i] (increasing)
 * and count[i] for i below the returned number. rank and count have room for
 * ell entries. */
size_t hs_hsmt_multiplicities(const uint64_t *writes, long ell, uint64_t *rank, long *count);

/* Steps 1 and 3 of drawing sequence `index` (docs/spec.md#task-drawing), engine-free:
 * fills s->writes, s->sites and s->basis (s already sized for cfg), and
 * reduces the writes to the hyperedges of nonzero multiplicity mod d in
 * edges[0 .. returned count). rank, count and edges are scratch of ell
 * entries. The engine then prepares D_w|+>^n and draws the outcomes; both
 * the serial generator and dist/'s sharded one use this, so they draw the
 * same task. */
size_t hs_hsmt_draw(const hs_hsmt *cfg, uint64_t index, hs_seq *s, uint64_t *rank, long *count,
                    hs_edge *edges);

/* Token layout (docs/spec.md#tokens):
 *   [0, M)                         write tokens W(T), T by colex rank
 *   M                              SEP
 *   M + 1 + site * nbases + b      query tokens Q(site, b)
 *   M + 1 + n * nbases + o         outcome tokens O(o)
 * A sequence has ell + 1 + 2 q tokens; query t sits at position
 * hs_hsmt_query_pos(s, t) = ell + 1 + 2 t and its outcome token right after. A
 * model scores query t by its distribution over the d outcome tokens after
 * reading tokens [0, query_pos]. */
uint64_t hs_hsmt_vocab(const hs_hsmt *cfg);
size_t hs_hsmt_seq_tokens(const hs_seq *s);
static inline size_t hs_hsmt_query_pos(const hs_seq *s, int t) { return (size_t)s->ell + 1 + 2 * (size_t)t; }
/* Writes the hs_hsmt_seq_tokens(s) token ids into tok. */
void hs_hsmt_tokens(const hs_hsmt *cfg, const hs_seq *s, uint32_t *tok);

#endif
