/* Cell generators of the k-HRNN and the ansatz, and their algebra. */
#include "dla.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "combin.h"
#include "lie.h"
#include "sys.h"

static const char *names[HS_DLA_COUNT] = {"khrnn_write", "khrnn_all", "ansatz"};

const char *hs_dla_name(int which) { return which >= 0 && which < HS_DLA_COUNT ? names[which] : "?"; }

int hs_dla_parse(const char *name)
{
    for (int i = 0; i < HS_DLA_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

double hs_dla_expected(int which, int n, int k)
{
    if (which == HS_DLA_KHRNN_WRITE) {
        double s = 0;
        for (int j = 0; j <= k; j++)
            s += (double)hs_comb_binom(n, j);
        return s;
    }
    const int id = which == HS_DLA_KHRNN_ALL; /* the k-HRNN's theta_0 cell is the identity */
    return k == 1 || n == 1 ? 3.0 * n + id : pow(4.0, n) - 1 + id;
}

/* Generators as term lists; one generator's terms are contiguous. */
typedef struct {
    hs_pauli *p;
    double *c;
    int nterms, cap;
    hs_lie_gen *g;
    int ngens, gcap;
    int start; /* first term of the generator being built */
} gens;

static void term(gens *G, uint32_t x, uint32_t z, double c)
{
    if (G->nterms == G->cap) {
        G->cap = G->cap ? 2 * G->cap : 64;
        G->p = hs_realloc(G->p, (size_t)G->cap * sizeof *G->p);
        G->c = hs_realloc(G->c, (size_t)G->cap * sizeof *G->c);
    }
    G->p[G->nterms] = (hs_pauli){x, z};
    G->c[G->nterms++] = c;
}

static void close_gen(gens *G)
{
    if (G->ngens == G->gcap) {
        G->gcap = G->gcap ? 2 * G->gcap : 64;
        G->g = hs_realloc(G->g, (size_t)G->gcap * sizeof *G->g);
    }
    /* Pointers are set once all terms exist (the arrays may move). */
    G->g[G->ngens++] = (hs_lie_gen){G->nterms - G->start, NULL, NULL};
    G->start = G->nterms;
}

int hs_dla_dimension(int which, int n, int k, long max_dim, long *dim, char *err, size_t errlen)
{
    if (n < 1 || n > 10 || k < 1 || k > n || which < 0 || which >= HS_DLA_COUNT) {
        snprintf(err, errlen, "Lie algebra: n = %d, k = %d (allowed 1 <= k <= n <= 10)", n, k);
        return -1;
    }
    gens G = {0};
    const uint64_t M = hs_comb_binom(n, k);
    if (which != HS_DLA_ANSATZ)
        for (uint64_t r = 0; r < M; r++) {
            int s[64];
            hs_comb_unrank(r, n, k, s);
            uint32_t T = 0;
            for (int a = 0; a < k; a++)
                T |= 1u << s[a];
            /* theta_j's Hamiltonian: every j-subset S of T, as a Z-string. */
            for (int j = 0; j <= k; j++) {
                for (uint32_t S = T;; S = (S - 1) & T) {
                    if (__builtin_popcount(S) == j)
                        term(&G, 0, S, 1);
                    if (S == 0)
                        break;
                }
                close_gen(&G);
            }
        }
    if (which != HS_DLA_KHRNN_WRITE)
        for (int i = 0; i < n; i++) {
            term(&G, 0, 1u << i, 1); /* Z_i */
            close_gen(&G);
            term(&G, 1u << i, 1u << i, 1); /* Y_i */
            close_gen(&G);
        }
    if (which == HS_DLA_ANSATZ && k >= 2) {
        /* Pairs adjacent in the sorted sites of some hyperedge. */
        unsigned char adj[32][32] = {{0}};
        for (uint64_t r = 0; r < M; r++) {
            int s[64];
            hs_comb_unrank(r, n, k, s);
            for (int a = 0; a + 1 < k; a++)
                adj[s[a]][s[a + 1]] = 1;
        }
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
                if (adj[a][b]) {
                    term(&G, 0, (1u << a) | (1u << b), 1);
                    term(&G, 0, 1u << a, -1);
                    term(&G, 0, 1u << b, -1);
                    close_gen(&G);
                }
    }
    for (int g = 0, t = 0; g < G.ngens; t += G.g[g++].nterms) {
        G.g[g].p = G.p + t;
        G.g[g].c = G.c + t;
    }
    const int rc = hs_lie_dimension(n, G.g, G.ngens, max_dim, 1e-9, dim, err, errlen);
    hs_sys_free(G.p);
    hs_sys_free(G.c);
    hs_sys_free(G.g);
    return rc;
}
