/* Tests of the sharded state (dist/dstate.h) and the distributed generator
 * (dist/dgen.h) against the serial engine, run by ctest under mpirun with 1, 2
 * and 4 ranks (and alone in a build without MPI). Every check compares
 * quantities every rank holds (probabilities, gathered states), so a failure
 * fails on all ranks alike and no rank is left waiting in a collective.
 *
 * With HS_DSTATE_DUMP=FILE, rank 0 writes every probability it checked as a
 * hex float; ctest compares the files of the 1-, 2- and 4-rank runs byte for
 * byte (the results must not depend on the rank count). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "combin.h"
#include "comm.h"
#include "dgen.h"
#include "dsize.h"
#include "dstate.h"
#include "hsmt.h"
#include "rng.h"
#include "state.h"
#include "sum.h"
#include "write.h"

/* Serial and sharded engines sum the same non-negative terms (at most 2^17
 * of size <= 1) in different orders once their layouts differ: rounding
 * differences are a few 1e-16, far inside the 1e-12 the issue asks for. The
 * amplitudes are products of such sums' inverse square roots with exact
 * signs, so the same bound holds for them. */
#define TOL 1e-12

static FILE *dump;

static void dump_probs(const double *p)
{
    if (dump && hs_comm_rank() == 0)
        fprintf(dump, "%a %a\n", p[0], p[1]);
}

/* Odd-multiplicity hyperedges of a sequence, as the generators build them. */
static size_t seq_edges(const hs_hsmt *cfg, const hs_seq *s, hs_edge *e)
{
    uint64_t *rank = calloc((size_t)cfg->ell + 1, sizeof *rank);
    long *count = calloc((size_t)cfg->ell + 1, sizeof *count);
    size_t distinct = hs_hsmt_multiplicities(s->writes, cfg->ell, rank, count), ne = 0;
    for (size_t i = 0; i < distinct; i++)
        if (count[i] % 2)
            e[ne++] = (hs_edge){hs_comb_unrank_mask(rank[i], cfg->n, cfg->k), 1};
    free(rank);
    free(count);
    return ne;
}

/* The gathered sharded state equals the serial one amplitude by amplitude,
 * matching basis states through the site labels (the layouts differ). */
static void assert_state_within(const hs_dstate *ds, const hs_state *st, double tol)
{
    assert_int_equal(ds->n_act, st->n_act);
    const size_t N = (size_t)1 << ds->n_act;
    hs_amp *full = malloc(N * sizeof *full);
    hs_dstate_gather(ds, full);
    for (size_t z = 0; z < N; z++) {
        size_t zs = 0;
        for (int pos = 0; pos < ds->n_act; pos++)
            if (z >> pos & 1) {
                int sp = st->pos_of_site[ds->site_at_pos[pos]];
                assert_true(sp >= 0);
                zs |= (size_t)1 << sp;
            }
        if (!(cabs(full[z] - st->amp[zs]) <= tol))
            fail_msg("amplitude %zu: %.17g%+.17gi against %.17g%+.17gi", z, creal(full[z]), cimag(full[z]),
                     creal(st->amp[zs]), cimag(st->amp[zs]));
    }
    free(full);
}

static void assert_same_state(const hs_dstate *ds, const hs_state *st) { assert_state_within(ds, st, TOL); }

static hs_hsmt config(int n, int k, long ell, uint64_t seed)
{
    hs_hsmt cfg = {.n = n, .k = k, .d = 2, .ell = ell, .seed = seed};
    hs_hsmt_defaults(&cfg);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&cfg, err, sizeof err), 0);
    return cfg;
}

/* One serial sequence replayed on both engines with site `top` placed at the
 * top position (global as soon as there are two ranks): probabilities within
 * TOL at every query, states equal after every collapse, and the sampled
 * outcome the serial generator drew. */
static void replay(const hs_hsmt *cfg, uint64_t index, int top, const hs_dstate_opts *o)
{
    const int n = cfg->n;
    hs_gen *g = hs_gen_new(cfg);
    hs_seq s = {0};
    hs_gen_sequence(g, index, &s);
    hs_edge *e = calloc((size_t)cfg->ell + 1, sizeof *e);
    size_t ne = seq_edges(cfg, &s, e);

    int order[HS_MAX_SITES];
    for (int pos = 0, site = 0; pos < n - 1; site++)
        if (site != top)
            order[pos++] = site;
    order[n - 1] = top;
    hs_dstate *ds = hs_dstate_new(n, o);
    hs_dstate_reset(ds, order);
    hs_dstate_write_deferred(ds, e, ne, 1);
    if (hs_comm_size() > 1 && ds->p_act > 0)
        assert_true(hs_dstate_is_global(ds, top));
    hs_state *st = hs_state_new(n, 2);
    hs_write_deferred(st, e, ne, 1);
    assert_same_state(ds, st);

    hs_rng ro;
    hs_rng_init(&ro, cfg->seed, index, HS_RNG_OUTCOMES);
    for (int t = 0; t < s.q; t++) {
        hs_unitary u = hs_unitary_basis(cfg->bases[s.basis[t]], 2);
        double p[2], ps[2];
        hs_dstate_probs(ds, s.sites[t], &u, p);
        hs_state_probs(st, s.sites[t], &u, ps);
        dump_probs(p);
        for (int o2 = 0; o2 < 2; o2++) {
            assert_true(fabs(p[o2] - ps[o2]) < TOL);
            assert_true(fabs(p[o2] - s.probs[2 * t + o2]) < TOL);
        }
        assert_int_equal(hs_rng_pick(p, 2, hs_rng_uniform(&ro)), s.outcomes[t]);
        assert_int_equal(hs_dstate_collapse(ds, s.outcomes[t]), 0);
        assert_int_equal(hs_state_collapse(st, s.outcomes[t]), 0);
        assert_same_state(ds, st);
        assert_true(fabs(hs_dstate_norm2(ds) - 1.0) < TOL);
    }
    hs_state_free(st);
    hs_dstate_free(ds);
    free(e);
    hs_seq_free(&s);
    hs_gen_free(g);
}

/* Every site in turn global, n <= 12, k = 1..3. Block 4 pairs and chunk 8
 * amplitudes keep four ranks active to the last queries and split every
 * exchange into many tagged messages. */
static void test_every_site_global(void **state)
{
    (void)state;
    const hs_dstate_opts small = {.block = 4, .chunk = 8};
    static const int cases[][3] = {{5, 2, 9}, {8, 3, 40}, {12, 2, 60}, {9, 1, 7}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        hs_hsmt cfg = config(cases[c][0], cases[c][1], cases[c][2], 11 + c);
        for (int top = 0; top < cfg.n; top++)
            replay(&cfg, (uint64_t)top, top, &small);
    }
}

/* The default block (1024 pairs) and chunk: at n = 12 two ranks are active
 * and the merge to one happens after the first query. */
static void test_default_block(void **state)
{
    (void)state;
    hs_hsmt cfg = config(12, 3, 200, 5);
    for (int top = 0; top < cfg.n; top += 3)
        replay(&cfg, (uint64_t)top, top, NULL);
}

/* Before the first query both engines have the same layout and block sums:
 * the norm and the first distribution are then bitwise the serial ones. */
static void test_first_query_bitwise(void **state)
{
    (void)state;
    hs_hsmt cfg = config(13, 3, 100, 9);
    hs_gen *g = hs_gen_new(&cfg);
    hs_seq s = {0};
    hs_gen_sequence(g, 0, &s);
    hs_edge *e = calloc((size_t)cfg.ell + 1, sizeof *e);
    size_t ne = seq_edges(&cfg, &s, e);
    hs_dstate *ds = hs_dstate_new(cfg.n, NULL);
    hs_dstate_write_deferred(ds, e, ne, 1);
    hs_state *st = hs_state_new(cfg.n, 2);
    hs_write_deferred(st, e, ne, 1);
    assert_true(hs_dstate_norm2(ds) == hs_state_norm2(st));
    for (int site = 0; site < cfg.n; site++) {
        hs_unitary u = hs_unitary_basis(0, 2);
        double p[2], ps[2];
        hs_dstate_probs(ds, site, &u, p);
        hs_state_probs(st, site, &u, ps);
        assert_true(p[0] == ps[0] && p[1] == ps[1]);
        /* Back to the written state for the next site. */
        int o = p[1] > p[0];
        assert_int_equal(hs_dstate_collapse(ds, o), 0);
        hs_dstate_reset(ds, NULL);
        hs_dstate_write_deferred(ds, e, ne, 1);
        assert_int_equal(hs_state_collapse(st, o), 0);
        hs_write_deferred(st, e, ne, 1);
    }
    hs_state_free(st);
    hs_dstate_free(ds);
    free(e);
    hs_seq_free(&s);
    hs_gen_free(g);
}

/* The first query from the phase bits (hs_dstate_write_deferred_first) is
 * bitwise the serial engine's (hs_write_first_bits): both add integer
 * counts. Its collapse writes the slice from the bits: bitwise the serial
 * collapse of the written layer (hs_write_deferred_first, the same products
 * on the same amplitudes); a global first site goes through the exchange
 * (within TOL). The next distribution (two sites on) is summed from the half
 * written, within TOL of the serial generator's counts
 * (hs_state_collapse_probs after hs_write_first_bits); dumped, it is compared across rank counts
 * bitwise. Every first site, with and without a next one. */
static void test_first_query_from_bits(void **state)
{
    (void)state;
    hs_hsmt cfg = config(13, 3, 100, 9);
    hs_gen *g = hs_gen_new(&cfg);
    hs_seq s = {0};
    hs_gen_sequence(g, 0, &s);
    hs_edge *e = calloc((size_t)cfg.ell + 1, sizeof *e);
    size_t ne = seq_edges(&cfg, &s, e);
    hs_dstate *ds = hs_dstate_new(cfg.n, NULL);
    hs_state *st = hs_state_new(cfg.n, 2), *sb = hs_state_new(cfg.n, 2);
    uint64_t *bits = calloc((size_t)1 << (cfg.n - 6), sizeof *bits);
    for (int site = 0; site < cfg.n; site++)
        for (int fused = 0; fused < 2; fused++) {
            const hs_unitary u = hs_unitary_basis(1, 2), un = hs_unitary_basis(0, 2);
            const int next = (site + 2) % cfg.n;
            double p[2], ps[2], pb[2], rho[4];
            hs_dstate_reset(ds, NULL);
            hs_dstate_write_deferred_first(ds, e, ne, site, &u, p);
            const int local = !hs_dstate_is_global(ds, site);
            hs_write_deferred_first(st, e, ne, site, rho);
            hs_state_probs_rho(st, site, &u, rho, ps);
            hs_write_first_bits(sb, e, ne, site, bits, rho);
            hs_state_probs_rho(sb, site, &u, rho, pb);
            dump_probs(p);
            if (!local)
                assert_true(fabs(p[0] - ps[0]) < TOL && fabs(p[1] - ps[1]) < TOL);
            else
                assert_true(p[0] == ps[0] && p[1] == ps[1] && p[0] == pb[0] && p[1] == pb[1]);
            const int o = p[1] > p[0];
            if (fused) {
                assert_int_equal(hs_dstate_collapse_probs(ds, o, next, &un, p), 0);
                assert_int_equal(hs_state_collapse_probs(sb, o, next, &un, pb), 0);
                dump_probs(p);
                assert_true(fabs(p[0] - pb[0]) < TOL && fabs(p[1] - pb[1]) < TOL);
            } else {
                assert_int_equal(hs_dstate_collapse(ds, o), 0);
            }
            assert_int_equal(hs_state_collapse(st, o), 0);
            assert_state_within(ds, st, local ? 0.0 : TOL);
        }
    free(bits);
    hs_state_free(st);
    hs_state_free(sb);
    hs_dstate_free(ds);
    free(e);
    hs_seq_free(&s);
    hs_gen_free(g);
}

/* The fused collapse (hs_dstate_collapse_probs) gives bitwise the
 * distribution and the state of hs_dstate_collapse then hs_dstate_probs, at
 * every query of sequences in random site orders (every pair of measured and
 * next position comes up, fused or not), with block 4 (waves from the first
 * fused, and the early-wave path) and the default block at n = 14 (fused
 * while a slice holds 2^12 amplitudes). */
static void test_collapse_probs_bitwise(void **state)
{
    (void)state;
    const hs_dstate_opts small = {.block = 4, .chunk = 8};
    for (int c = 0; c < 2; c++) {
        hs_hsmt cfg = config(c ? 14 : 10, 3, 80, 21 + (uint64_t)c);
        hs_gen *g = hs_gen_new(&cfg);
        hs_seq s = {0};
        hs_edge *e = calloc((size_t)cfg.ell + 1, sizeof *e);
        const size_t amps = (size_t)1 << cfg.n;
        hs_amp *fa = malloc(amps * sizeof *fa), *fb = malloc(amps * sizeof *fb);
        for (uint64_t i = 0; i < 6; i++) {
            hs_gen_sequence(g, i, &s);
            size_t ne = seq_edges(&cfg, &s, e);
            hs_dstate *a = hs_dstate_new(cfg.n, c ? NULL : &small), *b = hs_dstate_new(cfg.n, c ? NULL : &small);
            hs_dstate_write_deferred(a, e, ne, 1);
            hs_dstate_write_deferred(b, e, ne, 1);
            hs_unitary u = hs_unitary_basis(cfg.bases[s.basis[0]], 2);
            double pa[2], pb[2];
            hs_dstate_probs(a, s.sites[0], &u, pa);
            hs_dstate_probs(b, s.sites[0], &u, pb);
            for (int t = 0; t + 1 < s.q; t++) {
                const int o = pa[1] > pa[0];
                u = hs_unitary_basis(cfg.bases[s.basis[t + 1]], 2);
                assert_int_equal(hs_dstate_collapse_probs(a, o, s.sites[t + 1], &u, pa), 0);
                assert_int_equal(hs_dstate_collapse(b, o), 0);
                hs_dstate_probs(b, s.sites[t + 1], &u, pb);
                dump_probs(pa);
                assert_memory_equal(pa, pb, sizeof pa);
                hs_dstate_gather(a, fa);
                hs_dstate_gather(b, fb);
                assert_memory_equal(fa, fb, ((size_t)1 << a->n_act) * sizeof *fa);
            }
            hs_dstate_free(a);
            hs_dstate_free(b);
        }
        free(fa);
        free(fb);
        free(e);
        hs_seq_free(&s);
        hs_gen_free(g);
    }
}

/* Writes one cell at a time (hs_dstate_write_exact) give exactly the state of
 * the deferred pass: both are sign flips of the same |+> amplitude. */
static void test_exact_equals_deferred(void **state)
{
    (void)state;
    const int n = 10, k = 3;
    const hs_dstate_opts small = {.block = 4, .chunk = 8};
    hs_rng r;
    hs_rng_init(&r, 3, 0, HS_RNG_WRITES);
    const size_t ne = 37;
    hs_edge e[37];
    hs_dstate *a = hs_dstate_new(n, &small), *b = hs_dstate_new(n, &small);
    for (size_t i = 0; i < ne; i++) {
        int sites[3];
        hs_comb_unrank(hs_rng_below(&r, hs_comb_binom(n, k)), n, k, sites);
        e[i] = (hs_edge){(1ull << sites[0]) | (1ull << sites[1]) | (1ull << sites[2]), 1};
        hs_dstate_write_exact(a, sites, k, 1);
    }
    hs_dstate_write_deferred(b, e, ne, 1);
    const size_t N = (size_t)1 << n;
    hs_amp *fa = malloc(N * sizeof *fa), *fb = malloc(N * sizeof *fb);
    hs_dstate_gather(a, fa);
    hs_dstate_gather(b, fb);
    for (size_t z = 0; z < N; z++)
        assert_true(fa[z] == fb[z]);
    /* Deferred on top of the cells undoes them: back to |+>. */
    hs_dstate_write_deferred(a, e, ne, 0);
    hs_dstate_gather(a, fa);
    for (size_t z = 0; z < N; z++)
        assert_true(fa[z] == 1.0 / 32.0);
    free(fa);
    free(fb);
    hs_dstate_free(a);
    hs_dstate_free(b);
}

/* The distributed generator draws what the serial one draws: writes, sites,
 * bases and outcomes exactly, probabilities within TOL; q < n included. At
 * n = 17 the compaction pass splits its waves into several chunks. */
static void test_dgen_matches_serial(void **state)
{
    (void)state;
    static const int cases[][4] = {{6, 2, 10, 6}, {11, 3, 150, 7}, {12, 1, 30, 5}, {9, 4, 120, 9},
                                   {17, 3, 600, 17}};
    const hs_dstate_opts small = {.block = 4, .chunk = 16};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        hs_hsmt cfg = config(cases[c][0], cases[c][1], cases[c][2], 100 + c);
        cfg.q = cases[c][3];
        hs_gen *g = hs_gen_new(&cfg);
        hs_dgen *dg = hs_dgen_new(&cfg, c % 2 ? NULL : &small);
        hs_seq s = {0}, ds = {0};
        for (uint64_t i = 0; i < 6; i++) {
            hs_gen_sequence(g, i, &s);
            hs_dgen_sequence(dg, i, &ds);
            assert_memory_equal(s.writes, ds.writes, (size_t)cfg.ell * sizeof *s.writes);
            assert_memory_equal(s.sites, ds.sites, (size_t)cfg.q * sizeof *s.sites);
            assert_memory_equal(s.basis, ds.basis, (size_t)cfg.q * sizeof *s.basis);
            assert_memory_equal(s.outcomes, ds.outcomes, (size_t)cfg.q * sizeof *s.outcomes);
            for (int t = 0; t < cfg.q; t++) {
                dump_probs(ds.probs + 2 * t);
                for (int o = 0; o < 2; o++)
                    assert_true(fabs(s.probs[2 * t + o] - ds.probs[2 * t + o]) < TOL);
            }
        }
        hs_seq_free(&s);
        hs_seq_free(&ds);
        hs_dgen_free(dg);
        hs_gen_free(g);
    }
}

/* Refusals are decided identically on every rank. */
static void test_check_fit(void **state)
{
    (void)state;
    char err[256];
    const int P = hs_comm_size();
    assert_int_equal(hs_dsize_check_fit(12, NULL, err, sizeof err), 0);
    if (P > 1) {
        /* n = 1: two amplitudes; four ranks are too many. */
        int rc = hs_dsize_check_fit(1, NULL, err, sizeof err);
        assert_int_equal(rc, P > 2 ? -1 : 0);
        if (rc)
            assert_non_null(strstr(err, "more ranks than"));
    }
    setenv("HYPERSEP_MEM_LIMIT", "1M", 1);
    assert_int_equal(hs_dsize_check_fit(20, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "HYPERSEP_MEM_LIMIT"));
    unsetenv("HYPERSEP_MEM_LIMIT");
}

int main(int argc, char **argv)
{
    hs_comm_init(&argc, &argv);
    const char *path = getenv("HS_DSTATE_DUMP");
    if (path && hs_comm_rank() == 0 && !(dump = fopen(path, "w"))) {
        perror(path);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_site_global),
        cmocka_unit_test(test_default_block),
        cmocka_unit_test(test_first_query_bitwise),
        cmocka_unit_test(test_first_query_from_bits),
        cmocka_unit_test(test_collapse_probs_bitwise),
        cmocka_unit_test(test_exact_equals_deferred),
        cmocka_unit_test(test_dgen_matches_serial),
        cmocka_unit_test(test_check_fit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (dump)
        fclose(dump);
    hs_comm_finalize();
    return rc;
}
