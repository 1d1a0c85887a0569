/* The HSMT task: configuration checks, basis names, the sequence generator
 * with exact conditional probabilities, and the token layout. */
#include "hsmt.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combin.h"
#include "rng.h"
#include "state.h"
#include "sys.h"
#include "write.h"

void hs_hsmt_defaults(hs_hsmt *cfg)
{
    if (cfg->d == 0)
        cfg->d = 2;
    if (cfg->nbases == 0) {
        /* {Z, X, Y} for d = 2; {Z, m = 0, m = 1} otherwise: same codes. */
        cfg->nbases = 3;
        cfg->bases[0] = HS_BASIS_Z;
        cfg->bases[1] = 0;
        cfg->bases[2] = 1;
    }
    if (cfg->q <= 0)
        cfg->q = cfg->n;
}

int hs_hsmt_validate(hs_hsmt *cfg, char *err, size_t errlen)
{
    if (cfg->n < 1 || cfg->n > HS_MAX_SITES) {
        snprintf(err, errlen, "n=%d is out of range (allowed 1..%d)", cfg->n, HS_MAX_SITES);
        return -1;
    }
    if (cfg->k < 1 || cfg->k > cfg->n) {
        snprintf(err, errlen, "k=%d is out of range (allowed 1..n=%d)", cfg->k, cfg->n);
        return -1;
    }
    if (cfg->d < 2 || cfg->d > 64) {
        snprintf(err, errlen, "d=%d is out of range (allowed 2..64)", cfg->d);
        return -1;
    }
    if (cfg->q < 1 || cfg->q > cfg->n) {
        snprintf(err, errlen, "q=%d is out of range (allowed 1..n=%d)", cfg->q, cfg->n);
        return -1;
    }
    if (cfg->ell < 0) {
        snprintf(err, errlen, "ell=%ld is out of range (allowed >= 0)", cfg->ell);
        return -1;
    }
    if (cfg->nbases < 1 || cfg->nbases > HS_MAX_BASES) {
        snprintf(err, errlen, "%d bases given (allowed 1..%d)", cfg->nbases, HS_MAX_BASES);
        return -1;
    }
    for (int i = 0; i < cfg->nbases; i++) {
        char buf[32];
        /* Z, then chirp indices 0..d-1 (X, Y for d = 2). */
        if (cfg->bases[i] < HS_BASIS_Z || cfg->bases[i] >= (cfg->d == 2 ? 2 : cfg->d)) {
            snprintf(err, errlen, "basis code %d is not a basis for d=%d (allowed: Z, or a chirp index 0..%d)",
                     cfg->bases[i], cfg->d, cfg->d == 2 ? 1 : cfg->d - 1);
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (cfg->bases[j] == cfg->bases[i]) {
                snprintf(err, errlen, "basis %s is listed twice (bases must be distinct)",
                         hs_hsmt_basis_name(cfg->bases[i], cfg->d, buf, sizeof buf));
                return -1;
            }
    }
    cfg->M = hs_comb_binom(cfg->n, cfg->k);
    /* Token ids are 32-bit: the vocabulary must fit. */
    if (cfg->M > (uint64_t)INT32_MAX / 2) {
        snprintf(err, errlen, "binom(n=%d, k=%d) = %llu hyperedges is too many (allowed <= %d)",
                 cfg->n, cfg->k, (unsigned long long)cfg->M, INT32_MAX / 2);
        return -1;
    }
    return 0;
}

const char *hs_hsmt_basis_name(int code, int d, char *buf, size_t len)
{
    if (code == HS_BASIS_Z)
        snprintf(buf, len, "Z");
    else if (d == 2)
        snprintf(buf, len, "%s", code == 0 ? "X" : "Y");
    else
        snprintf(buf, len, "%d", code);
    return buf;
}

int hs_hsmt_basis_parse(const char *name, int d, int *code)
{
    if (strcmp(name, "Z") == 0) {
        *code = HS_BASIS_Z;
        return 0;
    }
    if (d == 2) {
        if (strcmp(name, "X") == 0 || strcmp(name, "Y") == 0) {
            *code = name[0] == 'X' ? 0 : 1;
            return 0;
        }
        return -1;
    }
    /* d > 2: a chirp index m in [0, d) written as a plain decimal. */
    char *end;
    long m = strtol(name, &end, 10);
    if (end == name || *end != '\0' || name[0] == '-' || name[0] == '+' || m < 0 || m >= d)
        return -1;
    *code = (int)m;
    return 0;
}

void hs_seq_alloc(hs_seq *s, long ell, int q, int d)
{
    hs_seq_free(s);
    s->ell = ell;
    s->q = q;
    s->d = d;
    s->writes = hs_calloc(ell > 0 ? (size_t)ell : 1, sizeof *s->writes);
    s->sites = hs_calloc((size_t)q, sizeof *s->sites);
    s->basis = hs_calloc((size_t)q, sizeof *s->basis);
    s->outcomes = hs_calloc((size_t)q, sizeof *s->outcomes);
    s->probs = hs_calloc((size_t)q * (size_t)d, sizeof *s->probs);
}

void hs_seq_free(hs_seq *s)
{
    hs_sys_free(s->writes);
    hs_sys_free(s->sites);
    hs_sys_free(s->basis);
    hs_sys_free(s->outcomes);
    hs_sys_free(s->probs);
    memset(s, 0, sizeof *s);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

size_t hs_hsmt_multiplicities(const uint64_t *writes, long ell, uint64_t *rank, long *count)
{
    memcpy(rank, writes, (size_t)ell * sizeof *rank);
    qsort(rank, (size_t)ell, sizeof *rank, cmp_u64);
    size_t m = 0;
    for (long t = 0; t < ell;) {
        long u = t;
        while (u < ell && rank[u] == rank[t])
            u++;
        rank[m] = rank[t];
        count[m++] = u - t;
        t = u;
    }
    return m;
}

struct hs_gen {
    hs_hsmt cfg;
    hs_state *st;
    uint64_t *rank;               /* [ell] scratch: distinct hyperedges */
    long *count;                  /* [ell] scratch: their multiplicities */
    hs_edge *edges;               /* [ell] those with weight != 0 mod d */
    uint64_t *bits;               /* d = 2: the layer's phase bits, [max(1, 2^n / 64)] */
    hs_unitary ub[HS_MAX_BASES];  /* U_b per basis index */
};

hs_gen *hs_gen_new(const hs_hsmt *cfg)
{
    hs_gen *g = hs_calloc(1, sizeof *g);
    g->cfg = *cfg;
    g->st = hs_state_new(cfg->n, cfg->d);
    size_t ell = cfg->ell > 0 ? (size_t)cfg->ell : 1;
    g->rank = hs_calloc(ell, sizeof *g->rank);
    g->count = hs_calloc(ell, sizeof *g->count);
    g->edges = hs_calloc(ell, sizeof *g->edges);
    if (cfg->d == 2)
        g->bits = hs_calloc(cfg->n >= 6 ? (size_t)1 << (cfg->n - 6) : 1, sizeof *g->bits);
    for (int b = 0; b < cfg->nbases; b++)
        g->ub[b] = hs_unitary_basis(cfg->bases[b], cfg->d);
    return g;
}

void hs_gen_free(hs_gen *g)
{
    if (!g)
        return;
    hs_state_free(g->st);
    hs_sys_free(g->rank);
    hs_sys_free(g->count);
    hs_sys_free(g->edges);
    hs_sys_free(g->bits);
    hs_sys_free(g);
}

size_t hs_hsmt_draw(const hs_hsmt *c, uint64_t index, hs_seq *s, uint64_t *rank, long *count,
                    hs_edge *edges)
{
    /* 1. Writes, and their multiplicities mod d (writes commute). */
    hs_rng rw;
    hs_rng_init(&rw, c->seed, index, HS_RNG_WRITES);
    for (long t = 0; t < c->ell; t++)
        s->writes[t] = hs_rng_below(&rw, c->M);
    size_t distinct = hs_hsmt_multiplicities(s->writes, c->ell, rank, count);
    size_t ne = 0;
    for (size_t i = 0; i < distinct; i++) {
        int w = (int)(count[i] % c->d);
        if (w)
            edges[ne++] = (hs_edge){hs_comb_unrank_mask(rank[i], c->n, c->k), w};
    }

    /* 3. Queries: an ordered list of q distinct sites (partial Fisher-Yates)
     * and a basis for each. */
    hs_rng rq;
    hs_rng_init(&rq, c->seed, index, HS_RNG_QUERIES);
    int perm[HS_MAX_SITES];
    for (int i = 0; i < c->n; i++)
        perm[i] = i;
    for (int t = 0; t < c->q; t++) {
        int j = t + (int)hs_rng_below(&rq, (uint64_t)(c->n - t));
        int tmp = perm[t];
        perm[t] = perm[j];
        perm[j] = tmp;
        s->sites[t] = perm[t];
        s->basis[t] = (int)hs_rng_below(&rq, (uint64_t)c->nbases);
    }
    return ne;
}

void hs_gen_sequence(hs_gen *g, uint64_t index, hs_seq *s)
{
    const hs_hsmt *c = &g->cfg;
    if (!s->writes || s->ell != c->ell || s->q != c->q || s->d != c->d)
        hs_seq_alloc(s, c->ell, c->q, c->d);
    s->id = index;

    /* Steps 1 and 3: writes, query sites and bases. */
    size_t ne = hs_hsmt_draw(c, index, s, g->rank, g->count, g->edges);
    /* 2. Latent state D_w |+>^n. Qubits: only its phase bits, with the
     * first query's sums from them (hs_write_first_bits); the first
     * collapse writes the state it leaves from the bits, so the 2^n
     * amplitudes are never written. d > 2: one write-only pass, and the
     * first query applies its basis change with FFTW, so that its collapse
     * reads one digit's slab: 17 against 27 ms a qutrit trajectory at
     * n = 14 (28 against 61 at d = 5, n = 10) than from the site's d x d
     * matrix, whose pass costs O(d) products per amplitude (bench engine). */
    if (c->d == 2) {
        double rho[4];
        hs_write_first_bits(g->st, g->edges, ne, s->sites[0], g->bits, rho);
        hs_state_probs_rho(g->st, s->sites[0], &g->ub[s->basis[0]], rho, s->probs);
    } else {
        hs_write_deferred(g->st, g->edges, ne, 1);
        if (c->q > 0)
            hs_state_probs(g->st, s->sites[0], &g->ub[s->basis[0]], s->probs);
    }

    /* 4. Born-rule outcomes, each conditioned on the earlier ones: each
     * collapse also yields the next query's distribution, in one pass
     * (hs_state_collapse_probs). */
    hs_rng ro;
    hs_rng_init(&ro, c->seed, index, HS_RNG_OUTCOMES);
    for (int t = 0; t < c->q; t++) {
        double *p = s->probs + (size_t)t * c->d;
        int o = hs_rng_pick(p, c->d, hs_rng_uniform(&ro));
        s->outcomes[t] = o;
        int rc = t + 1 < c->q
                     ? hs_state_collapse_probs(g->st, o, s->sites[t + 1], &g->ub[s->basis[t + 1]], p + c->d)
                     : hs_state_collapse(g->st, o);
        assert(rc == 0);
        (void)rc;
    }
}

uint64_t hs_hsmt_vocab(const hs_hsmt *cfg)
{
    return cfg->M + 1 + (uint64_t)cfg->n * (uint64_t)cfg->nbases + (uint64_t)cfg->d;
}

size_t hs_hsmt_seq_tokens(const hs_seq *s) { return (size_t)s->ell + 1 + 2 * (size_t)s->q; }

void hs_hsmt_tokens(const hs_hsmt *cfg, const hs_seq *s, uint32_t *tok)
{
    size_t i = 0;
    for (long t = 0; t < s->ell; t++)
        tok[i++] = (uint32_t)s->writes[t];
    tok[i++] = (uint32_t)cfg->M;
    uint32_t qbase = (uint32_t)cfg->M + 1;
    uint32_t obase = qbase + (uint32_t)(cfg->n * cfg->nbases);
    for (int t = 0; t < s->q; t++) {
        tok[i++] = qbase + (uint32_t)(s->sites[t] * cfg->nbases + s->basis[t]);
        tok[i++] = obase + (uint32_t)s->outcomes[t];
    }
    assert(i == hs_hsmt_seq_tokens(s));
}
