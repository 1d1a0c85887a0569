/* Tests of what the grid suites run on rank groups (dist/comm.h groups,
 * dist/dsource.h, dist/dkhrnn.h, dist/dkgrad.h) against the serial engine
 * and models, under mpirun with 1, 2 and 4 ranks (and alone without MPI).
 * Sharded states use a summation block of 4 pairs, so that states of 2^6
 * .. 2^8 amplitudes really are spread over 4 ranks. Every check compares
 * quantities every rank holds, so a failure fails on all ranks alike.
 *
 * With HS_DSHARD_DUMP=FILE, rank 0 writes every sharded prediction and
 * gradient it checked as hex floats; ctest compares the 1-, 2- and 4-rank
 * files byte for byte. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "comm.h"
#include "dkgrad.h"
#include "dkhrnn.h"
#include "dsource.h"
#include "hsmt.h"
#include "khrnn.h"
#include "khrnn_grad.h"
#include "score.h"
#include "state.h"

static FILE *dump;
static const hs_dstate_opts small = {.block = 4, .chunk = 4};

static void dump_vals(const double *v, int n)
{
    if (dump && hs_comm_rank() == 0) {
        for (int i = 0; i < n; i++)
            fprintf(dump, "%a%c", v[i], i + 1 < n ? ' ' : '\n');
    }
}

static hs_hsmt task(int n, int k, long ell, uint64_t seed)
{
    hs_hsmt t = {.n = n, .k = k, .d = 2, .ell = ell, .q = n, .seed = seed};
    hs_hsmt_defaults(&t);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&t, err, sizeof err), 0);
    return t;
}

/* Groups of 1, 2 and 4 (those dividing the run): sizes, indices, and a
 * group-local sum of the world ranks, worked out from the layout (group g
 * holds world ranks g s .. g s + s - 1). After the end, the whole run again. */
static void test_groups(void **state)
{
    (void)state;
    const int W = hs_comm_world_size(), me = hs_comm_world_rank();
    for (int s = 1; s <= 4; s *= 2) {
        char err[256];
        if (W % s) {
            assert_int_equal(hs_comm_group_split(s, err, sizeof err), -1);
            assert_non_null(strstr(err, "not a power of two dividing"));
            continue;
        }
        assert_int_equal(hs_comm_group_split(s, err, sizeof err), 0);
        const int gs = s < W ? s : W;
        assert_int_equal(hs_comm_size(), gs);
        assert_int_equal(hs_comm_rank(), me % gs);
        assert_int_equal(hs_comm_group_index(), me / gs);
        assert_int_equal(hs_comm_group_count(), W / gs);
        double v = me;
        hs_comm_sum(&v, 1);
        const int g0 = me / gs * gs;
        assert_int_equal((int)v, gs * g0 + gs * (gs - 1) / 2);
        hs_comm_group_end();
        assert_int_equal(hs_comm_size(), W);
    }
    char err[256];
    assert_int_equal(hs_comm_group_split(3, err, sizeof err), -1);
}

/* The source draws the serial generator's sequences: the same writes,
 * queries and outcomes, probabilities to 1e-12 (dgen's bound, dstate.h), for
 * a changing task (as the curriculum changes it). */
static void test_source(void **state)
{
    (void)state;
    hs_dsource *src = hs_dsource_new(&small);
    for (int v = 0; v < 2; v++) {
        const hs_hsmt t = task(7, 2, v ? 9 : 3, 5);
        hs_gen *g = hs_gen_new(&t);
        hs_seq a[3] = {{0}}, b = {0};
        hs_dsource_draw(src, &t, 100, 3, a);
        for (int i = 0; i < 3; i++) {
            hs_gen_sequence(g, 100 + (uint64_t)i, &b);
            assert_memory_equal(a[i].writes, b.writes, (size_t)t.ell * sizeof *b.writes);
            assert_memory_equal(a[i].outcomes, b.outcomes, (size_t)t.q * sizeof *b.outcomes);
            for (int u = 0; u < 2 * t.q; u++)
                assert_float_equal(a[i].probs[u], b.probs[u], 1e-12);
            dump_vals(a[i].probs, 2 * t.q);
            hs_seq_free(&a[i]);
        }
        hs_seq_free(&b);
        hs_gen_free(g);
    }
    hs_dsource_free(src);
}

/* Predictions of sequences drawn from task `drawn` by predictors built for
 * task `full` (the same, or a curriculum stage's shorter one: fewer writes
 * and queries). The exact model's are bitwise the generator's
 * conditionals (the same steps on the same layout); a trained k-HRNN's
 * agree with the serial core/khrnn.c to 1e-12 (the serial engine sums in
 * another order). `dumped`: rank 0 writes them for the bitwise comparison
 * across rank counts. */
static void check_predictions(const hs_hsmt *full, const hs_hsmt *drawn, int dumped)
{
    hs_dsource *src = hs_dsource_new(&small);
    hs_dkhrnn *ex = hs_dkhrnn_new(full, NULL, &small);
    hs_khrnn m;
    hs_khrnn_random(&m, full, 4);
    hs_dkhrnn *tr = hs_dkhrnn_new(full, &m, &small);
    hs_state *st = hs_state_new(full->n, 2);
    hs_seq s = {0};
    double r[16], ref[16];
    for (int i = 0; i < 4; i++) {
        hs_dsource_draw(src, drawn, (uint64_t)i, 1, &s);
        assert_int_equal(s.q, drawn->q);
        assert_int_equal(hs_dkhrnn_predict(ex, &s, r), 0);
        assert_memory_equal(r, s.probs, (size_t)s.q * 2 * sizeof *r);
        assert_int_equal(hs_dkhrnn_predict(tr, &s, r), 0);
        assert_int_equal(hs_khrnn_predict(&m, st, &s, ref, NULL), 0);
        for (int u = 0; u < 2 * s.q; u++)
            assert_float_equal(r[u], ref[u], 1e-12);
        if (dumped)
            dump_vals(r, 2 * s.q);
    }
    hs_seq_free(&s);
    hs_state_free(st);
    hs_dkhrnn_free(ex);
    hs_dkhrnn_free(tr);
    hs_dsource_free(src);
}

static void test_predictions(void **state)
{
    (void)state;
    const hs_hsmt t = task(8, 3, 20, 9);
    check_predictions(&t, &t, 1);
}

/* Predictors built for a task also predict a curriculum stage's shorter
 * sequences (6 writes, 3 queries). */
static void test_shorter_stage(void **state)
{
    (void)state;
    const hs_hsmt full = task(8, 3, 20, 9);
    hs_hsmt stage = full;
    stage.ell = 6;
    stage.q = 3;
    check_predictions(&full, &stage, 0);
}

/* The central-difference gradient of the mean loss against the exact
 * forward-mode tangents (core/khrnn_grad.h), both losses, k = 2 and 3:
 * relative 1e-6 in the 2-norm (the steps give ~1e-8: dkgrad.h). */
static void test_gradient(void **state)
{
    (void)state;
    const int cases[][3] = {{6, 2, 12}, {7, 3, 30}};
    for (int c = 0; c < 2; c++)
        for (int kind = 0; kind < 2; kind++) {
            const hs_hsmt t = task(cases[c][0], cases[c][1], cases[c][2], 3);
            const int lk = kind ? HS_LOSS_NLL : HS_LOSS_CE;
            hs_gen *g = hs_gen_new(&t);
            hs_seq seqs[3] = {{0}};
            for (int i = 0; i < 3; i++)
                hs_gen_sequence(g, (uint64_t)i, &seqs[i]);
            hs_khrnn m;
            hs_khrnn_random(&m, &t, 11);
            const int P = hs_khrnn_grad_nparams(&m);
            double x[32], ref[32], got[32] = {0}, L[16], dL[16 * 32];
            hs_khrnn_grad_get(&m, x);
            hs_khrnn_grad_loss(&m, &t, seqs, 3, lk, ref, NULL);
            hs_dkgrad *dg = hs_dkgrad_new(&t, &small);
            for (int i = 0; i < 3; i++) {
                assert_int_equal(hs_dkgrad_outputs(dg, x, &seqs[i], lk, L, NULL, dL), 0);
                for (int u = 0; u < t.q; u++)
                    for (int j = 0; j < P; j++)
                        got[j] += dL[u * P + j] / (3.0 * t.q);
            }
            double diff = 0, norm = 0;
            for (int j = 0; j < P; j++) {
                diff += (got[j] - ref[j]) * (got[j] - ref[j]);
                norm += ref[j] * ref[j];
            }
            if (!(sqrt(diff) <= 1e-6 * sqrt(norm)))
                fail_msg("n = %d k = %d kind %d: |diff| %.3g, |grad| %.3g", t.n, t.k, kind, sqrt(diff), sqrt(norm));
            dump_vals(got, P);
            hs_dkgrad_free(dg);
            for (int i = 0; i < 3; i++)
                hs_seq_free(&seqs[i]);
            hs_gen_free(g);
        }
}

int main(int argc, char **argv)
{
    hs_comm_init(&argc, &argv);
    const char *path = getenv("HS_DSHARD_DUMP");
    if (path && hs_comm_rank() == 0 && !(dump = fopen(path, "w"))) {
        perror(path);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_source),
        cmocka_unit_test(test_predictions),
        cmocka_unit_test(test_shorter_stage),
        cmocka_unit_test(test_gradient),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (dump)
        fclose(dump);
    hs_comm_finalize();
    return rc;
}
