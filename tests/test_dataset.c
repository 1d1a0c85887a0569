/* Tests of the dataset TSV reader/writer (core/dataset.c): exact round trips,
 * the writer's bytes against hand-written text, and rejection of every kind of
 * malformed, inconsistent or truncated file with the right line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "combin.h"
#include "dataset.h"
#include "hsmt.h"
#include "state.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", "/tmp/hs_test_dataset.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/data.tsv", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

static void put_file(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Reads the whole file at `path`: returns the number of sequences read before
 * the end (*status 0) or the first error (*status -1, message in err). */
static int read_all(int *status, char *err, size_t errlen)
{
    hs_hsmt cfg;
    hs_dataset_reader *r = hs_dataset_open(path, &cfg, err, errlen);
    if (!r) {
        *status = -1;
        return 0;
    }
    hs_seq s = {0};
    int n = 0, rc;
    while ((rc = hs_dataset_next(r, &s, err, errlen)) == 1)
        n++;
    *status = rc;
    if (rc < 0) {
        /* An error is sticky: the reader does not resume past a bad line. */
        char again[512];
        assert_int_equal(hs_dataset_next(r, &s, again, sizeof again), -1);
        assert_string_equal(again, err);
    }
    hs_seq_free(&s);
    hs_dataset_close(r);
    return n;
}

static void assert_seq_equal(const hs_seq *a, const hs_seq *b)
{
    assert_true(a->id == b->id);
    assert_int_equal(a->ell, b->ell);
    assert_int_equal(a->q, b->q);
    assert_int_equal(a->d, b->d);
    if (a->ell > 0)
        assert_memory_equal(a->writes, b->writes, (size_t)a->ell * sizeof *a->writes);
    assert_memory_equal(a->sites, b->sites, (size_t)a->q * sizeof *a->sites);
    assert_memory_equal(a->basis, b->basis, (size_t)a->q * sizeof *a->basis);
    assert_memory_equal(a->outcomes, b->outcomes, (size_t)a->q * sizeof *a->outcomes);
    /* Bit-identical doubles, not merely close: 17 digits round-trip. */
    assert_memory_equal(a->probs, b->probs, (size_t)a->q * a->d * sizeof *a->probs);
}

/* Writes cfg and seqs to `path`, reads them back and compares exactly. */
static void round_trip(const hs_hsmt *cfg, const hs_seq *seqs, int count)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(hs_dataset_write_header(f, cfg), 0);
    for (int i = 0; i < count; i++)
        assert_int_equal(hs_dataset_write_seq(f, cfg, &seqs[i]), 0);
    assert_int_equal(fclose(f), 0);

    char err[512] = "";
    hs_hsmt got;
    memset(&got, 0xAB, sizeof got);
    hs_dataset_reader *r = hs_dataset_open(path, &got, err, sizeof err);
    if (!r)
        fail_msg("open failed: %s", err);
    assert_int_equal(got.n, cfg->n);
    assert_int_equal(got.k, cfg->k);
    assert_int_equal(got.d, cfg->d);
    assert_int_equal(got.q, cfg->q);
    assert_int_equal(got.ell, cfg->ell);
    assert_int_equal(got.nbases, cfg->nbases);
    assert_memory_equal(got.bases, cfg->bases, (size_t)cfg->nbases * sizeof *cfg->bases);
    assert_true(got.seed == cfg->seed);
    assert_true(got.M == hs_comb_binom(cfg->n, cfg->k));
    hs_seq s = {0};
    for (int i = 0; i < count; i++) {
        int rc = hs_dataset_next(r, &s, err, sizeof err);
        if (rc != 1)
            fail_msg("sequence %d: rc %d: %s", i, rc, err);
        assert_seq_equal(&s, &seqs[i]);
    }
    assert_int_equal(hs_dataset_next(r, &s, err, sizeof err), 0);
    hs_seq_free(&s);
    hs_dataset_close(r);
}

static hs_hsmt make_cfg(int n, int k, int d, long ell, int q, int nbases, const int *bases, uint64_t seed)
{
    hs_hsmt c;
    memset(&c, 0, sizeof c);
    c.n = n, c.k = k, c.d = d, c.ell = ell, c.q = q, c.nbases = nbases, c.seed = seed;
    memcpy(c.bases, bases, (size_t)nbases * sizeof *bases);
    char err[256];
    if (hs_hsmt_validate(&c, err, sizeof err) != 0)
        fail_msg("%s", err);
    return c;
}

/* Hand-made sequences for d = 2, 3, 5, with probabilities that need all 17
 * digits (1/3, 0.1), extremes (the smallest subnormal, 1 - 2^-53) and exact
 * zeros on outcomes not drawn. */
static void test_round_trip_hand_made(void **state)
{
    (void)state;
    const double third = 1.0 / 3, tiny = 4.9406564584124654e-324, near1 = 1 - 0x1p-53;

    /* d = 2, n = 4, k = 2: M = 6. */
    int b2[] = {HS_BASIS_Z, 0, 1};
    hs_hsmt c2 = make_cfg(4, 2, 2, 3, 4, 3, b2, 12345678901234567890ull);
    hs_seq s2[2] = {{0}, {0}};
    for (int i = 0; i < 2; i++)
        hs_seq_alloc(&s2[i], 3, 4, 2);
    s2[0].id = 0, s2[1].id = UINT64_MAX;
    uint64_t w2[2][3] = {{5, 0, 5}, {3, 3, 1}};
    int st2[2][4] = {{3, 0, 2, 1}, {0, 1, 2, 3}}, ba2[2][4] = {{0, 1, 2, 1}, {2, 2, 0, 0}};
    int o2[2][4] = {{1, 0, 0, 1}, {0, 0, 1, 0}};
    double p2[2][8] = {{0.5, 0.5, near1, 0x1p-53, 0.1, 0.9, 0, 1},
                       {third, 1 - third, tiny, 1 - tiny, 0.25, 0.75, 1, 0}};
    for (int i = 0; i < 2; i++) {
        memcpy(s2[i].writes, w2[i], sizeof w2[i]);
        memcpy(s2[i].sites, st2[i], sizeof st2[i]);
        memcpy(s2[i].basis, ba2[i], sizeof ba2[i]);
        memcpy(s2[i].outcomes, o2[i], sizeof o2[i]);
        memcpy(s2[i].probs, p2[i], sizeof p2[i]);
    }
    round_trip(&c2, s2, 2);

    /* d = 3, n = 5, k = 3: M = 10; chirp bases 2 and 0 besides Z. */
    int b3[] = {2, HS_BASIS_Z, 0};
    hs_hsmt c3 = make_cfg(5, 3, 3, 4, 3, 3, b3, 0);
    hs_seq s3 = {0};
    hs_seq_alloc(&s3, 4, 3, 3);
    s3.id = 17;
    uint64_t w3[] = {9, 0, 4, 9};
    int st3[] = {4, 2, 0}, ba3[] = {0, 2, 1}, o3[] = {2, 0, 1};
    double p3[] = {third, third, 1 - 2 * third, 1, 0, 0, 0.2, 0.3, 0.5};
    memcpy(s3.writes, w3, sizeof w3);
    memcpy(s3.sites, st3, sizeof st3);
    memcpy(s3.basis, ba3, sizeof ba3);
    memcpy(s3.outcomes, o3, sizeof o3);
    memcpy(s3.probs, p3, sizeof p3);
    round_trip(&c3, &s3, 1);

    /* d = 5, n = 3, k = 1, ell = 0: an empty writes field. */
    int b5[] = {4, HS_BASIS_Z};
    hs_hsmt c5 = make_cfg(3, 1, 5, 0, 2, 2, b5, 99);
    hs_seq s5[2] = {{0}, {0}};
    for (int i = 0; i < 2; i++) {
        hs_seq_alloc(&s5[i], 0, 2, 5);
        s5[i].id = (uint64_t)(3 + 4 * i);
        s5[i].sites[0] = 2 - i, s5[i].sites[1] = 2 * i;
        s5[i].basis[0] = i, s5[i].basis[1] = 1 - i;
        s5[i].outcomes[0] = 4, s5[i].outcomes[1] = i;
        double p[10] = {0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.7, 0.1, 0.05, 0.05};
        memcpy(s5[i].probs, p, sizeof p);
    }
    round_trip(&c5, s5, 2);

    for (int i = 0; i < 2; i++) {
        hs_seq_free(&s2[i]);
        hs_seq_free(&s5[i]);
    }
    hs_seq_free(&s3);
}

/* Sequences from the generator, whose probabilities carry its own rounding:
 * they must pass the sum check and round-trip exactly. */
static void test_round_trip_generator(void **state)
{
    (void)state;
    int bases[] = {HS_BASIS_Z, 0, 1};
    const int dims[] = {2, 3};
    for (int i = 0; i < 2; i++) {
        hs_hsmt cfg = make_cfg(5, 2, dims[i], 7, 5, 3, bases, 2024);
        char err[256];
        assert_int_equal(hs_state_check_fit(cfg.n, cfg.d, err, sizeof err), 0);
        hs_gen *g = hs_gen_new(&cfg);
        hs_seq s[4] = {{0}, {0}, {0}, {0}};
        for (int j = 0; j < 4; j++)
            hs_gen_sequence(g, (uint64_t)(10 * j + 1), &s[j]);
        round_trip(&cfg, s, 4);
        for (int j = 0; j < 4; j++)
            hs_seq_free(&s[j]);
        hs_gen_free(g);
    }
}

/* Lines far longer than any fixed buffer: ell = 30000 writes (~260 KB). */
static void test_round_trip_long_line(void **state)
{
    (void)state;
    int bases[] = {HS_BASIS_Z, 0};
    hs_hsmt cfg = make_cfg(40, 3, 2, 30000, 2, 2, bases, 5);
    hs_seq s = {0};
    hs_seq_alloc(&s, cfg.ell, 2, 2);
    for (long t = 0; t < cfg.ell; t++)
        s.writes[t] = (uint64_t)t * 7919 % cfg.M;
    s.sites[0] = 39, s.sites[1] = 0, s.basis[1] = 1, s.outcomes[1] = 1;
    double p[] = {0.5, 0.5, 0.5, 0.5};
    memcpy(s.probs, p, sizeof p);
    round_trip(&cfg, &s, 1);
    hs_seq_free(&s);
}

#define HDR "# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X seed=7\n"
#define COLS "id\twrites\tqueries\toutcomes\tprobs\n"
#define L1 "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n"
#define L2 "4\t0.2,0.2\t1:Z,2:Z\t0,1\t0.25/0.75,0.5/0.5\n"

/* The writer's bytes, checked against text written out by hand from the
 * format description (colex ranks: {0,1} = 0, {0,2} = 1, {1,2} = 2). */
static void test_writer_bytes(void **state)
{
    (void)state;
    int bases[] = {HS_BASIS_Z, 0};
    hs_hsmt cfg = make_cfg(3, 2, 2, 2, 2, 2, bases, 7);
    hs_seq s[2] = {{0}, {0}};
    uint64_t w[2][2] = {{0, 2}, {1, 1}};
    int st[2][2] = {{2, 0}, {1, 2}}, ba[2][2] = {{1, 0}, {0, 0}}, o[2][2] = {{1, 0}, {0, 1}};
    double p[2][4] = {{0.5, 0.5, 1, 0}, {0.25, 0.75, 0.5, 0.5}};
    for (int i = 0; i < 2; i++) {
        hs_seq_alloc(&s[i], 2, 2, 2);
        s[i].id = (uint64_t)(4 * i);
        memcpy(s[i].writes, w[i], sizeof w[i]);
        memcpy(s[i].sites, st[i], sizeof st[i]);
        memcpy(s[i].basis, ba[i], sizeof ba[i]);
        memcpy(s[i].outcomes, o[i], sizeof o[i]);
        memcpy(s[i].probs, p[i], sizeof p[i]);
    }
    const char *want = HDR COLS L1 L2;
    char buf[1024];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    assert_int_equal(hs_dataset_write_header(f, &cfg), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(hs_dataset_write_seq(f, &cfg, &s[i]), 0);
    long len = ftell(f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(len, (long)strlen(want));
    assert_memory_equal(buf, want, strlen(want));

    /* The reader gives back the same sequences from the hand-written text. */
    put_file(want, strlen(want));
    char err[512];
    hs_hsmt got;
    hs_dataset_reader *r = hs_dataset_open(path, &got, err, sizeof err);
    assert_non_null(r);
    hs_seq t = {0};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(hs_dataset_next(r, &t, err, sizeof err), 1);
        assert_seq_equal(&t, &s[i]);
    }
    assert_int_equal(hs_dataset_next(r, &t, err, sizeof err), 0);
    hs_dataset_close(r);
    hs_seq_free(&t);
    for (int i = 0; i < 2; i++)
        hs_seq_free(&s[i]);
}

/* One malformed file: its error must name `line`, contain `needle`, and come
 * after `before` good sequences. len 0: the text is a C string. */
typedef struct {
    const char *text;
    size_t len;
    long line;
    int before;
    const char *needle;
} bad_case;

#define NUL_TEXT HDR COLS L1 "4\t0.2,0.2\t1:Z,2\0:Z\t0,1\t0.25/0.75,0.5/0.5\n"

static const bad_case bad_cases[] = {
    /* Header and column line. */
    {"", 0, 1, 0, "missing header"},
    {"# hypersep-hsmt v2 n=3 k=2 d=2 ell=2 q=2 bases=Z,X seed=7\n" COLS, 0, 1, 0, "version 'v2'"},
    {"# hypersep-data v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X seed=7\n" COLS, 0, 1, 0, "not a hypersep"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X\n" COLS, 0, 1, 0, "before seed="},
    {"# hypersep-hsmt v1 n=3 d=2 k=2 ell=2 q=2 bases=Z,X seed=7\n" COLS, 0, 1, 0, "'d=2' where k="},
    {"# hypersep-hsmt v1 n=three k=2 d=2 ell=2 q=2 bases=Z,X seed=7\n" COLS, 0, 1, 0, "n='three' is not a number"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=-1 q=2 bases=Z,X seed=7\n" COLS, 0, 1, 0, "ell='-1' is not a number"},
    {"# hypersep-hsmt v1 n=3 k=4 d=2 ell=2 q=2 bases=Z,X seed=7\n" COLS, 0, 1, 0, "k=4"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=4 bases=Z,X seed=7\n" COLS, 0, 1, 0, "q=4"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,W seed=7\n" COLS, 0, 1, 0, "'W' is not a basis"},
    {"# hypersep-hsmt v1 n=3 k=2 d=3 ell=2 q=2 bases=Z,3 seed=7\n" COLS, 0, 1, 0, "'3' is not a basis"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X,Z seed=7\n" COLS, 0, 1, 0, "twice"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X seed=7 x=1\n" COLS, 0, 1, 0, "extra text 'x=1'"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X seed=99999999999999999999\n" COLS, 0, 1, 0,
     "too large"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=2 q=2 bases=Z,X seed=7", 0, 1, 0, "truncated"},
    {HDR, 0, 2, 0, "missing column line"},
    {HDR "id\twrites\tqueries\toutcomes\n", 0, 2, 0, "bad column line"},
    {HDR "id,writes,queries,outcomes,probs\n", 0, 2, 0, "bad column line"},
    /* Fields and ids. */
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\n", 0, 3, 0, "4 tab-separated fields"},
    {HDR COLS "\n", 0, 3, 0, "1 tab-separated fields"},
    {HDR COLS L1 "4\t0.2,0.2\t1:Z,2:Z\t0,1\t0.25/0.75,0.5/0.5\textra\n", 0, 4, 1, "6 tab-separated"},
    {HDR COLS "x\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "id 'x' is not a number"},
    {HDR COLS "-1\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "id '-1' is not a number"},
    {HDR COLS L1 "0\t0.2,0.2\t1:Z,2:Z\t0,1\t0.25/0.75,0.5/0.5\n", 0, 4, 1, "strictly increasing"},
    {HDR COLS "5\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n" L2, 0, 4, 1, "id 4 after id 5"},
    /* Writes. */
    {HDR COLS "0\t0.1\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "1 writes (must be ell=2)"},
    {HDR COLS "0\t\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "0 writes (must be ell=2)"},
    {HDR COLS "0\t0.1,0.1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "write 2: hyperedge '0.1.2' has 3"},
    {HDR COLS "0\t0.1,1\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "has 1 sites (must be k=2)"},
    {HDR COLS "0\t0.3,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "site 3 out of range (allowed 0..2)"},
    {HDR COLS "0\t0.1,2.1\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "site 1 after site 2"},
    {HDR COLS "0\t1.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "strictly increasing"},
    {HDR COLS "0\t0.a,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "site 'a' is not a number"},
    {HDR COLS "0\t0.,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "site '' is not a number"},
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=0 q=2 bases=Z,X seed=7\n" COLS "0\t0.1\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n",
     0, 3, 0, "1 writes (must be ell=0)"},
    /* Queries. */
    {HDR COLS "0\t0.1,1.2\t2:X\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "1 queries (must be q=2)"},
    {HDR COLS "0\t0.1,1.2\t2:X,2:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "site 2 is queried twice"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Y\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "unknown basis 'Y' (allowed: Z,X)"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:0\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "unknown basis '0'"},
    {HDR COLS "0\t0.1,1.2\t2:X,0\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "query 2: '0' is not site:basis"},
    {HDR COLS "0\t0.1,1.2\t3:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "query 1: site 3 out of range"},
    {HDR COLS "0\t0.1,1.2\t:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "site '' is not a number"},
    /* Outcomes. */
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1\t0.5/0.5,1/0\n", 0, 3, 0, "1 outcomes (must be q=2)"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0,1\t0.5/0.5,1/0\n", 0, 3, 0, "3 outcomes"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t2,0\t0.5/0.5,1/0\n", 0, 3, 0, "outcome 1: 2 out of range (allowed 0..1)"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,-1\t0.5/0.5,1/0\n", 0, 3, 0, "outcome 2: '-1' is not a number"},
    /* Distributions. */
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5\n", 0, 3, 0, "1 distributions (must be q=2"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,0.5/0.25/0.25\n", 0, 3, 0, "distribution 2 has 3 entries"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1.5/-0.5\n", 0, 3, 0, "-0.5 is negative"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\tnan/0.5,1/0\n", 0, 3, 0, "'nan' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,inf/0\n", 0, 3, 0, "'inf' is not a number"},
    /* Only plain decimals (docs/formats.md), though strtod takes these. */
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0x1p-1/0.5,1/0\n", 0, 3, 0, "'0x1p-1' is not a number (allowed: a plain"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t+0.5/0.5,1/0\n", 0, 3, 0, "'+0.5' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t.5/0.5,1/0\n", 0, 3, 0, "'.5' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1./0\n", 0, 3, 0, "'1.' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1e/0\n", 0, 3, 0, "'1e' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1E+0/0\n", 0, 3, 0, "'1E+0' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,INF/0\n", 0, 3, 0, "'INF' is not a number"},
    /* A header asking for more than the file holds: refused at the line,
     * with nothing allocated for it (8 bytes a write: 1.6 TB, more than
     * any allocator here gives, so a reader that allocated first would
     * stop the test). */
    {"# hypersep-hsmt v1 n=3 k=2 d=2 ell=200000000000 q=2 bases=Z,X seed=7\n" COLS
     "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\n", 0, 3, 0, "2 writes (must be ell=200000000000)"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1e+999/0\n", 0, 3, 0, "1e+999 is not finite"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5x/0.5,1/0\n", 0, 3, 0, "'0.5x' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t 0.5/0.5,1/0\n", 0, 3, 0, "' 0.5' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5//0.5,1/0\n", 0, 3, 0, "has 3 entries"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/\n", 0, 3, 0, "'' is not a number"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5000001,1/0\n", 0, 3, 0, "distribution 1 sums to"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,0.9/0\n", 0, 3, 0, "distribution 2 sums to 0.9"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,1\t0.5/0.5,1/0\n", 0, 3, 0, "outcome 1 has probability 0"},
    {HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/0\r\n", 0, 3, 0, "'0?' is not a number"},
    /* Truncation and stray bytes. */
    {HDR COLS L1 "4\t0.2,0.2\t1:Z,2:Z\t0,1\t0.25/0.75,0.5/0.5", 0, 4, 1, "truncated"},
    {HDR COLS L1 "4\t0.2,0.\n", 0, 4, 1, "tab-separated fields"},
    {NUL_TEXT, sizeof NUL_TEXT - 1, 4, 1, "NUL byte"},
};

static void test_rejects_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const bad_case *c = &bad_cases[i];
        put_file(c->text, c->len ? c->len : strlen(c->text));
        char err[512] = "", prefix[200];
        int status, n = read_all(&status, err, sizeof err);
        snprintf(prefix, sizeof prefix, "%s:%ld: ", path, c->line);
        if (status != -1 || n != c->before || strncmp(err, prefix, strlen(prefix)) != 0 ||
            !strstr(err, c->needle) || strchr(err, '\n'))
            fail_msg("case %zu: status %d after %d sequences, message '%s' (want line %ld, '%s')", i, status, n,
                     err, c->line, c->needle);
    }
}

/* Accepted edge cases: an empty data section, a distribution off by 1e-14
 * (generator-scale rounding, inside the 1e-9 tolerance), and a file that
 * cannot be opened (error names the path). */
static void test_accepts_and_open_errors(void **state)
{
    (void)state;
    char err[512];
    int status;
    put_file(HDR COLS, strlen(HDR COLS));
    assert_int_equal(read_all(&status, err, sizeof err), 0);
    assert_int_equal(status, 0);

    const char *near = HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.50000000000001,1/0\n";
    put_file(near, strlen(near));
    assert_int_equal(read_all(&status, err, sizeof err), 1);
    assert_int_equal(status, 0);

    /* Exponents as %.17g prints them. */
    const char *expo = HDR COLS "0\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/1e-300\n"
                                "1\t0.1,1.2\t2:X,0:Z\t1,0\t0.5/0.5,1/2.5e-17\n";
    put_file(expo, strlen(expo));
    assert_int_equal(read_all(&status, err, sizeof err), 2);
    assert_int_equal(status, 0);

    char missing[200];
    snprintf(missing, sizeof missing, "%s/absent.tsv", dir);
    hs_hsmt cfg;
    assert_null(hs_dataset_open(missing, &cfg, err, sizeof err));
    assert_true(strncmp(err, missing, strlen(missing)) == 0);
    assert_non_null(strstr(err, "cannot open"));
}

/* Inputs that are not files are refused at once: a device that never ends
 * (/dev/zero, no newline ever) and a FIFO, whose open would wait for a
 * writer (alarm turns a hang into a failure). */
static void test_refuses_non_files(void **state)
{
    (void)state;
    char err[512];
    hs_hsmt cfg;
    assert_null(hs_dataset_open("/dev/zero", &cfg, err, sizeof err));
    assert_string_equal(err, "/dev/zero: not a regular file (allowed: a dataset file written by hypersep sample)");
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(20);
    hs_dataset_reader *r = hs_dataset_open(fifo, &cfg, err, sizeof err);
    alarm(0);
    unlink(fifo);
    assert_null(r);
    assert_non_null(strstr(err, "fifo: not a regular file"));
}

/* Every prefix of a valid file: a cut at a line boundary after the column line
 * reads the complete lines and ends cleanly; any other cut is an error on the
 * line that was cut. A truncated file is never read as a shorter valid one. */
static void test_every_truncation(void **state)
{
    (void)state;
    const char *full = HDR COLS L1 L2;
    size_t total = strlen(full), data_start = strlen(HDR COLS);
    for (size_t cut = 0; cut < total; cut++) {
        put_file(full, cut);
        long newlines = 0;
        for (size_t i = 0; i < cut; i++)
            newlines += full[i] == '\n';
        int at_boundary = cut >= data_start && (cut == data_start || full[cut - 1] == '\n');
        char err[512] = "", prefix[200];
        int status, n = read_all(&status, err, sizeof err);
        if (at_boundary) {
            if (status != 0 || n != newlines - 2)
                fail_msg("cut %zu: status %d, %d sequences: %s", cut, status, n, err);
            continue;
        }
        snprintf(prefix, sizeof prefix, "%s:%ld: ", path, newlines + 1);
        if (status != -1 || strncmp(err, prefix, strlen(prefix)) != 0)
            fail_msg("cut %zu: status %d, message '%s' (want line %ld)", cut, status, err, newlines + 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_hand_made),
        cmocka_unit_test(test_round_trip_generator),
        cmocka_unit_test(test_round_trip_long_line),
        cmocka_unit_test(test_writer_bytes),
        cmocka_unit_test(test_rejects_malformed),
        cmocka_unit_test(test_accepts_and_open_errors),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_refuses_non_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
