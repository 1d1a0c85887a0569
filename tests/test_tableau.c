/* Tests of the stabilizer-tableau model (k = 2, d = 2): every conditional
 * against the statevector generator and the brute-force exact model at
 * n <= 12, and at n = 200 against brute force on a graph made of small
 * components scattered over the labels (with cancelling writes across them)
 * and against the closed-form parity of docs/spec.md#task on a dense graph. */
#include <complex.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "combin.h"
#include "exact.h"
#include "hsmt.h"
#include "model.h"
#include "rng.h"
#include "sys.h"
#include "tableau.h"

/* The tableau's conditionals are exactly 0, 1/2 or 1; the statevector and
 * brute-force references compute them from at most 2^12 terms, within
 * ~1e-15. */
#define TOL 1e-12

static const int XYZ[] = {HS_BASIS_Z, 0, 1};

/* A configuration without hs_hsmt_validate, which caps n at HS_MAX_SITES
 * (a limit of the d^n engine, not of the tableau). */
static hs_hsmt make_cfg(int n, int k, int d, long ell, int q, int nbases, const int *bases)
{
    hs_hsmt c = {.n = n, .k = k, .d = d, .ell = ell, .q = q, .nbases = nbases, .seed = 5};
    for (int i = 0; i < nbases; i++)
        c.bases[i] = bases[i];
    c.M = hs_comb_binom(n, k);
    return c;
}

static void check_against_generator(int n, long ell, int nbases, const int *bases, uint64_t seed,
                                    int nseq)
{
    hs_hsmt c = make_cfg(n, 2, 2, ell, n, nbases, bases);
    c.seed = seed;
    char err[256];
    assert_int_equal(hs_hsmt_validate(&c, err, sizeof err), 0);
    hs_gen *g = hs_gen_new(&c);
    hs_model tab, ex;
    assert_int_equal(hs_tableau_open(&c, &tab, err, sizeof err), 0);
    int with_exact = n <= 8;
    if (with_exact)
        assert_int_equal(hs_exact_open(&c, &ex, err, sizeof err), 0);
    hs_seq s = {0};
    double r[2 * 12], e[2 * 12];
    for (int i = 0; i < nseq; i++) {
        hs_gen_sequence(g, (uint64_t)i, &s);
        assert_int_equal(tab.predict(tab.ctx, &c, &s, r, err, sizeof err), 0);
        for (int t = 0; t < 2 * c.q; t++)
            assert_true(fabs(r[t] - s.probs[t]) < TOL);
        if (with_exact) {
            assert_int_equal(ex.predict(ex.ctx, &c, &s, e, err, sizeof err), 0);
            for (int t = 0; t < 2 * c.q; t++)
                assert_true(fabs(r[t] - e[t]) < TOL);
        }
    }
    hs_seq_free(&s);
    if (with_exact)
        hs_model_free(&ex);
    hs_model_free(&tab);
    hs_gen_free(g);
}

static void test_matches_statevector(void **state)
{
    (void)state;
    const int x[] = {0}, yz[] = {1, HS_BASIS_Z};
    const int ns[] = {2, 3, 5, 8, 12};
    for (int i = 0; i < 5; i++) {
        int n = ns[i];
        check_against_generator(n, 0, 3, XYZ, 10 + (uint64_t)i, 5);
        check_against_generator(n, n, 3, XYZ, 20 + (uint64_t)i, 10);
        check_against_generator(n, 4 * n, 3, XYZ, 30 + (uint64_t)i, 10);
        check_against_generator(n, 2 * n, 1, x, 40 + (uint64_t)i, 5);
        check_against_generator(n, 2 * n, 2, yz, 50 + (uint64_t)i, 5);
    }
}

/* Draws s->outcomes and the exact s->probs of an n-site sequence by brute
 * force (the exact model's kernels), sequentially by the Born rule. */
static void sample_brute_force(const hs_hsmt *c, hs_seq *s, hs_rng *rng)
{
    size_t len = (size_t)1 << c->n;
    double complex *amp = hs_alloc(len * sizeof *amp);
    hs_exact_state(c, s, amp);
    for (int t = 0; t < s->q; t++) {
        double complex u[4];
        double w[2];
        hs_exact_unitary(c->bases[s->basis[t]], 2, u);
        hs_exact_apply(c->n, 2, amp, s->sites[t], u);
        hs_exact_weights(c->n, 2, amp, s->sites[t], w);
        double p[2] = {w[0] / (w[0] + w[1]), w[1] / (w[0] + w[1])};
        s->probs[2 * t] = p[0];
        s->probs[2 * t + 1] = p[1];
        s->outcomes[t] = hs_rng_pick(p, 2, hs_rng_uniform(rng));
        hs_exact_project(c->n, 2, amp, s->sites[t], s->outcomes[t]);
    }
    hs_sys_free(amp);
}

static void shuffle(int *a, int len, hs_rng *rng)
{
    for (int i = len - 1; i > 0; i--) {
        int j = (int)hs_rng_below(rng, (uint64_t)i + 1);
        int tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
    }
}

static uint64_t pair_rank(int a, int b)
{
    int e[2] = {a < b ? a : b, a < b ? b : a};
    return hs_comb_rank(e, 2);
}

#define BIG 200
#define CMAX 8

/* n = 200 as a disjoint union of components of 1..8 sites on scattered
 * labels. Measurements on one component do not touch the others, so the
 * conditionals of the interleaved query sequence are those of each component
 * alone, computed here by brute force on 2^8 states. 300 extra pairs across
 * the whole graph are written twice each (CZ^2 = I), shuffled among the
 * others, so the tableau passes through dense intermediate states. */
static void test_components_at_200(void **state)
{
    (void)state;
    hs_rng rng;
    hs_rng_init(&rng, 2024, 0, HS_RNG_TRAIN);
    int perm[BIG];
    for (int i = 0; i < BIG; i++)
        perm[i] = i;
    shuffle(perm, BIG, &rng);

    /* comp_start[c]..comp_start[c+1]-1 index perm: the labels of component c. */
    int comp_start[BIG + 1], ncomp = 0;
    for (int i = 0; i < BIG; ncomp++) {
        comp_start[ncomp] = i;
        i += 1 + (int)hs_rng_below(&rng, CMAX);
        if (i > BIG)
            i = BIG;
    }
    comp_start[ncomp] = BIG;

    const long noise = 300;
    uint64_t *writes = hs_alloc((size_t)(3 * BIG + 2 * noise) * sizeof *writes);
    long ell = 0;
    /* Per component: local query list in order (global site, basis) and
     * the brute-force outcomes and probabilities. */
    int qsite[BIG], qbasis[BIG], qout[BIG];
    double qprob[2 * BIG];
    for (int cc = 0; cc < ncomp; cc++) {
        const int *lab = perm + comp_start[cc];
        int size = comp_start[cc + 1] - comp_start[cc];
        long lell = size >= 2 ? (long)hs_rng_below(&rng, (uint64_t)(3 * size)) : 0;
        hs_hsmt lc = make_cfg(size, 2, 2, lell, size, 3, XYZ);
        hs_seq ls = {0};
        hs_seq_alloc(&ls, lell, size, 2);
        for (long t = 0; t < lell; t++) {
            int a = (int)hs_rng_below(&rng, (uint64_t)size), b;
            do
                b = (int)hs_rng_below(&rng, (uint64_t)size);
            while (b == a);
            ls.writes[t] = pair_rank(a, b);
            writes[ell++] = pair_rank(lab[a], lab[b]);
        }
        int order[CMAX];
        for (int i = 0; i < size; i++)
            order[i] = i;
        shuffle(order, size, &rng);
        for (int t = 0; t < size; t++) {
            ls.sites[t] = order[t];
            ls.basis[t] = (int)hs_rng_below(&rng, 3);
        }
        sample_brute_force(&lc, &ls, &rng);
        for (int t = 0; t < size; t++) {
            int g = comp_start[cc] + t;
            qsite[g] = lab[ls.sites[t]];
            qbasis[g] = ls.basis[t];
            qout[g] = ls.outcomes[t];
            qprob[2 * g] = ls.probs[2 * t];
            qprob[2 * g + 1] = ls.probs[2 * t + 1];
        }
        hs_seq_free(&ls);
    }
    for (long i = 0; i < noise; i++) {
        int a = (int)hs_rng_below(&rng, BIG), b;
        do
            b = (int)hs_rng_below(&rng, BIG);
        while (b == a);
        writes[ell++] = pair_rank(a, b);
        writes[ell++] = pair_rank(a, b);
    }
    /* Shuffle the writes (Fisher-Yates on 64-bit entries). */
    for (long i = ell - 1; i > 0; i--) {
        long j = (long)hs_rng_below(&rng, (uint64_t)i + 1);
        uint64_t tmp = writes[i];
        writes[i] = writes[j];
        writes[j] = tmp;
    }

    /* Interleave: owner[t] is the component whose next query comes t-th. */
    int owner[BIG], next[BIG];
    for (int cc = 0; cc < ncomp; cc++)
        for (int i = comp_start[cc]; i < comp_start[cc + 1]; i++)
            owner[i] = cc;
    shuffle(owner, BIG, &rng);
    hs_hsmt c = make_cfg(BIG, 2, 2, ell, BIG, 3, XYZ);
    hs_seq s = {0};
    hs_seq_alloc(&s, ell, BIG, 2);
    memcpy(s.writes, writes, (size_t)ell * sizeof *writes);
    double *want = hs_alloc(2 * BIG * sizeof *want);
    for (int cc = 0; cc < ncomp; cc++)
        next[cc] = comp_start[cc];
    for (int t = 0; t < BIG; t++) {
        int g = next[owner[t]]++;
        s.sites[t] = qsite[g];
        s.basis[t] = qbasis[g];
        s.outcomes[t] = qout[g];
        want[2 * t] = qprob[2 * g];
        want[2 * t + 1] = qprob[2 * g + 1];
    }

    hs_model m;
    char err[256];
    assert_int_equal(hs_tableau_open(&c, &m, err, sizeof err), 0);
    double *r = hs_alloc(2 * BIG * sizeof *r);
    assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
    int deterministic = 0;
    for (int t = 0; t < 2 * BIG; t++) {
        assert_true(fabs(r[t] - want[t]) < TOL);
        deterministic += r[t] == 1.0;
    }
    /* Isolated sites and last-measured sites of small components make some
     * answers certain: the comparison covers both kinds of row. */
    assert_true(deterministic > 0 && deterministic < BIG);
    hs_model_free(&m);
    hs_sys_free(r);
    hs_sys_free(want);
    hs_seq_free(&s);
    hs_sys_free(writes);
}

/* A dense random graph on 200 sites (3000 writes): Z on 199 sites gives
 * uniform answers; X on the last site i then gives the parity of the Z
 * answers of its neighbours (edges of odd multiplicity), Y on it is uniform. */
static void test_parity_at_200(void **state)
{
    (void)state;
    hs_rng rng;
    hs_rng_init(&rng, 77, 0, HS_RNG_TRAIN);
    const long ell = 3000;
    hs_hsmt c = make_cfg(BIG, 2, 2, ell, BIG, 3, XYZ);
    uint8_t *adj = hs_calloc((size_t)BIG * BIG, 1);
    hs_seq s = {0};
    hs_seq_alloc(&s, ell, BIG, 2);
    for (long t = 0; t < ell; t++) {
        s.writes[t] = hs_rng_below(&rng, c.M);
        int e[2];
        hs_comb_unrank(s.writes[t], BIG, 2, e);
        adj[e[0] * BIG + e[1]] ^= 1;
        adj[e[1] * BIG + e[0]] ^= 1;
    }
    hs_model m;
    char err[256];
    assert_int_equal(hs_tableau_open(&c, &m, err, sizeof err), 0);
    double *r = hs_alloc(2 * BIG * sizeof *r);
    int order[BIG], z[BIG];
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < BIG; i++)
            order[i] = i;
        shuffle(order, BIG, &rng);
        int last = order[BIG - 1], parity = 0;
        for (int t = 0; t < BIG - 1; t++) {
            s.sites[t] = order[t];
            s.basis[t] = 0;
            s.outcomes[t] = z[order[t]] = (int)hs_rng_below(&rng, 2);
        }
        for (int j = 0; j < BIG; j++)
            if (j != last && adj[last * BIG + j])
                parity ^= z[j];
        int y = round & 1;
        s.sites[BIG - 1] = last;
        s.basis[BIG - 1] = y ? 2 : 1;
        s.outcomes[BIG - 1] = y ? (int)hs_rng_below(&rng, 2) : parity;
        assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), 0);
        for (int t = 0; t < 2 * (BIG - 1); t++)
            assert_true(r[t] == 0.5);
        if (y)
            assert_true(r[2 * BIG - 2] == 0.5 && r[2 * BIG - 1] == 0.5);
        else
            assert_true(r[2 * BIG - 2] == (parity == 0) && r[2 * BIG - 1] == (parity == 1));
    }
    /* X on the last site with the wrong parity is impossible and must be
     * reported as such (z holds the last round's Z answers). */
    s.basis[BIG - 1] = 1;
    int last = s.sites[BIG - 1], parity = 0;
    for (int j = 0; j < BIG; j++)
        if (j != last && adj[last * BIG + j])
            parity ^= z[j];
    s.outcomes[BIG - 1] = !parity;
    assert_int_equal(m.predict(m.ctx, &c, &s, r, err, sizeof err), -1);
    assert_non_null(strstr(err, "impossible"));
    hs_model_free(&m);
    hs_sys_free(r);
    hs_sys_free(adj);
    hs_seq_free(&s);
}

static void test_refuses_other_k_and_d(void **state)
{
    (void)state;
    hs_model m;
    char err[256] = "";
    hs_hsmt a = make_cfg(6, 3, 2, 5, 6, 3, XYZ);
    assert_int_equal(hs_tableau_open(&a, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "k=3"));
    hs_hsmt b = make_cfg(6, 2, 3, 5, 6, 3, XYZ);
    assert_int_equal(hs_tableau_open(&b, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "d=3"));
}

static void test_memory_bits(void **state)
{
    (void)state;
    /* 2n rows of 2n + 1 bits: n = 200 gives 400 * 401. */
    hs_hsmt c = make_cfg(BIG, 2, 2, 10, BIG, 3, XYZ);
    assert_true(hs_tableau_memory_bits(&c) == 160400.0);
    hs_model m;
    char err[256];
    assert_int_equal(hs_tableau_open(&c, &m, err, sizeof err), 0);
    assert_true(m.memory_bits == 160400.0);
    assert_int_equal(m.params, 0);
    assert_string_equal(m.name, "tableau");
    hs_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_statevector),
        cmocka_unit_test(test_components_at_200),
        cmocka_unit_test(test_parity_at_200),
        cmocka_unit_test(test_refuses_other_k_and_d),
        cmocka_unit_test(test_memory_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
