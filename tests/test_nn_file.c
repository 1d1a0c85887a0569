/* Tests of saved models (baselines/nn_file.c) and of opening them for `eval`
 * (baselines/nn_model.c): round trip, and every damaged or mismatched file
 * refused with a message that says why. Files are built or damaged byte by
 * byte following the layout documented in nn_file.h. */
#include <dirent.h>
#include <math.h>
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

#include "atomic.h"
#include "nn.h"
#include "nn_file.h"
#include "nn_model.h"
#include "nn_ops.h"
#include "sys.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hs_nnfile_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/model.bin", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

static hs_hsmt task(int n, long ell)
{
    hs_hsmt cfg = {.n = n, .k = 2, .d = 2, .ell = ell, .seed = 9};
    hs_hsmt_defaults(&cfg);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&cfg, err, sizeof err), 0);
    return cfg;
}

static hs_nn *model(int kind, const hs_hsmt *cfg)
{
    const hs_nn_hparams hp = {.kind = kind, .vocab = (int)hs_hsmt_vocab(cfg), .nout = cfg->d, .hidden = 6,
                              .embed = 5, .d_model = 8, .layers = 1, .heads = 2,
                              .max_t = (int)(cfg->ell + 1 + 2 * cfg->q)};
    hs_nn *net = hs_nn_new(&hp);
    hs_nn_init(net, 3);
    return net;
}

/* As `train --save`: the model file through the atomic writer. */
static void save(const hs_nn *net, const hs_hsmt *cfg)
{
    char err[256];
    hs_atomic *w = hs_atomic_open(path, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(hs_nnfile_write(hs_atomic_file(w), net, cfg, 1234), 0);
    assert_int_equal(hs_atomic_commit(w, err, sizeof err), 0);
}

static unsigned char *read_all(size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static void write_all(const unsigned char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, len, f), len);
    fclose(f);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Rewrites the trailing checksum after a deliberate edit. */
static void reseal(unsigned char *b, size_t len)
{
    put_u64(b + len - 8, hs_nnfile_fnv(HS_NNFILE_FNV_INIT, b, len - 8));
}

static void expect_refused(const char *needle)
{
    hs_hsmt t;
    uint64_t steps;
    char err[512] = "";
    assert_null(hs_nnfile_load(path, &t, &steps, err, sizeof err));
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
    assert_null(strchr(err, '\n'));
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int kind = HS_NN_LSTM; kind <= HS_NN_TRANSFORMER; kind++) {
        const hs_hsmt cfg = task(5, 7);
        hs_nn *net = model(kind, &cfg);
        save(net, &cfg);
        hs_hsmt t;
        uint64_t steps;
        char err[256];
        hs_nn *back = hs_nnfile_load(path, &t, &steps, err, sizeof err);
        assert_non_null(back);
        assert_memory_equal(&back->hp, &net->hp, sizeof net->hp);
        assert_memory_equal(back->params, net->params, net->nparams * sizeof(hs_real));
        assert_true(t.n == 5 && t.k == 2 && t.d == 2 && t.ell == 7 && t.q == cfg.q && t.seed == 9);
        assert_true(t.nbases == cfg.nbases && memcmp(t.bases, cfg.bases, sizeof t.bases) == 0);
        assert_true(steps == 1234);
        hs_nn_free(back);
        hs_nn_free(net);
    }
}

/* The width field says 4 or 8 bytes per parameter; a file of the other
 * width is converted on load (here: re-encoded as double by hand). */
static void test_other_width_is_converted(void **state)
{
    (void)state;
    const hs_hsmt cfg = task(4, 3);
    hs_nn *net = model(HS_NN_GRU, &cfg);
    save(net, &cfg);
    size_t len;
    unsigned char *b = read_all(&len);
    const size_t P = net->nparams, rb = sizeof(hs_real), ob = 12 - rb; /* the other width */
    unsigned char *o = calloc(136 + P * ob + 8, 1);
    memcpy(o, b, 136);
    o[12] = (unsigned char)ob;
    for (size_t i = 0; i < P; i++) {
        double v = (double)net->params[i];
        if (ob == 8) {
            uint64_t u;
            memcpy(&u, &v, 8);
            put_u64(o + 136 + 8 * i, u);
        } else {
            float f = (float)v;
            uint32_t u;
            memcpy(&u, &f, 4);
            for (int k = 0; k < 4; k++)
                o[136 + 4 * i + k] = (unsigned char)(u >> (8 * k));
        }
    }
    reseal(o, 136 + P * ob + 8);
    write_all(o, 136 + P * ob + 8);
    hs_hsmt t;
    uint64_t steps;
    char err[256];
    hs_nn *back = hs_nnfile_load(path, &t, &steps, err, sizeof err);
    assert_non_null(back);
    /* float parameters are exact in double and back. */
    assert_memory_equal(back->params, net->params, P * sizeof(hs_real));
    hs_nn_free(back);
    hs_nn_free(net);
    free(b);
    free(o);
}

static void test_damaged_files_are_refused(void **state)
{
    (void)state;
    const hs_hsmt cfg = task(4, 3);
    hs_nn *net = model(HS_NN_LSTM, &cfg);
    save(net, &cfg);
    size_t len;
    unsigned char *b = read_all(&len);
    unsigned char *c = malloc(len);

    memcpy(c, b, len);
    c[200] ^= 0x10; /* one parameter bit */
    write_all(c, len);
    expect_refused("checksum mismatch");

    write_all(b, len - 5);
    expect_refused("truncated or corrupted");
    write_all(b, 40);
    expect_refused("truncated (40 bytes");

    memcpy(c, b, len);
    c[0] = 'X';
    write_all(c, len);
    expect_refused("is not a hypersep model file");

    memcpy(c, b, len);
    c[8] = 2; /* version 2 */
    reseal(c, len);
    write_all(c, len);
    expect_refused("model format version 2 (this build reads version 1)");

    memcpy(c, b, len);
    c[16 + 4 * 3] += 1; /* hidden: parameter count no longer matches */
    reseal(c, len);
    write_all(c, len);
    expect_refused("is inconsistent");

    unlink(path);
    expect_refused("cannot open");
    free(b);
    free(c);
    hs_nn_free(net);
}

/* Values and tasks a checksum does not vouch for: NaN or inf parameters (a
 * diverged training writes them faithfully), a basis code outside 0..d-1;
 * and inputs that are not files (a device never ends, a FIFO blocks the
 * open: alarm turns a hang into a failure). */
static void test_bad_values_and_inputs(void **state)
{
    (void)state;
    hs_hsmt cfg = {.n = 4, .k = 2, .d = 3, .ell = 3, .seed = 9};
    hs_hsmt_defaults(&cfg);
    char err[256];
    assert_int_equal(hs_hsmt_validate(&cfg, err, sizeof err), 0);
    hs_nn *net = model(HS_NN_LSTM, &cfg);
    save(net, &cfg);
    size_t len;
    unsigned char *b = read_all(&len);
    unsigned char *c = malloc(len);
    const size_t rb = sizeof(hs_real), P = net->nparams;
    const double bad[3] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        memcpy(c, b, len);
        const size_t at = 136 + (i == 0 ? 0 : P - 1) * rb; /* first and last parameter */
        const hs_real v = (hs_real)bad[i];
        memcpy(c + at, &v, rb); /* little-endian host, as the format */
        reseal(c, len);
        write_all(c, len);
        expect_refused("holds a parameter that is not finite");
    }
    memcpy(c, b, len);
    c[72 + 4 * 2] = 5; /* bases[2] = 5 at d = 3 */
    reseal(c, len);
    write_all(c, len);
    expect_refused("basis code 5 is not a basis for d=3");

    hs_hsmt t;
    uint64_t steps;
    char msg[512];
    assert_null(hs_nnfile_load("/dev/zero", &t, &steps, msg, sizeof msg));
    assert_non_null(strstr(msg, "'/dev/zero' is not a regular file"));
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(20);
    hs_nn *none = hs_nnfile_load(fifo, &t, &steps, msg, sizeof msg);
    alarm(0);
    unlink(fifo);
    assert_null(none);
    assert_non_null(strstr(msg, "is not a regular file"));
    free(b);
    free(c);
    hs_nn_free(net);
}

static void test_open_for_eval(void **state)
{
    (void)state;
    const hs_hsmt cfg = task(4, 3);
    hs_nn *net = model(HS_NN_TRANSFORMER, &cfg);
    save(net, &cfg);
    hs_nn_free(net);
    hs_model m;
    char err[512];
    assert_int_equal(hs_nnmodel_open("transformer", path, &cfg, &m, err, sizeof err), 0);
    assert_string_equal(m.name, "transformer");
    /* Key/value cache at the end of the context: 2 L d_model (ell + 1). */
    assert_true(m.memory_bits == 2.0 * 1 * 8 * 4 * 32);
    hs_model_free(&m);

    assert_int_equal(hs_nnmodel_open("lstm", path, &cfg, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "holds a transformer model, not --model lstm"));
    const hs_hsmt other = task(5, 3);
    assert_int_equal(hs_nnmodel_open("transformer", path, &other, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "trained on n=4 k=2 d=2 bases=Z,X,Y, the data has n=5"));
    const hs_hsmt longer = task(4, 4);
    assert_int_equal(hs_nnmodel_open("transformer", path, &longer, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "knows 12 positions"));
    assert_int_equal(hs_nnmodel_open("transformer", NULL, &cfg, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "--load: required"));
}

/* The writer the model files go through (util/atomic.h); `train` adds the
 * "--save: " of its messages (tests/test_nn_cli.sh). */
static void test_writer_is_atomic(void **state)
{
    (void)state;
    char err[256], bad[160];
    snprintf(bad, sizeof bad, "%s/missing/model.bin", dir);
    assert_null(hs_atomic_open(bad, err, sizeof err));
    assert_non_null(strstr(err, "cannot create '"));
    /* Until commit the destination does not exist; abort leaves nothing. */
    hs_atomic *w = hs_atomic_open(path, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(access(path, F_OK), -1);
    hs_atomic_abort(w);
    assert_int_equal(access(path, F_OK), -1);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    assert_int_equal(entries, 0); /* no temporary file left */
}

int main(void)
{
    /* One BLAS thread: threads only slow down products this small. */
    hs_nn_blas_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_width_is_converted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_values_and_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_for_eval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_is_atomic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
