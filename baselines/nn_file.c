/* Saved trained models: serialisation, checksum, atomic write, verified load
 * (format in nn_file.h). */
#include "nn_file.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"

#define MAGIC "HSNNMODL"
#define HEADER_BYTES 136

uint64_t hs_nnfile_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

size_t hs_nnfile_bytes(const hs_nn *net) { return HEADER_BYTES + net->nparams * sizeof(hs_real) + 8; }

int hs_nnfile_write(FILE *f, const hs_nn *net, const hs_hsmt *task, uint64_t steps)
{
    assert(net->hp.quant_bits == 0);
    const size_t rb = sizeof(hs_real), total = HEADER_BYTES + net->nparams * rb + 8;
    unsigned char *buf = hs_calloc(total, 1), *p = buf;
    memcpy(p, MAGIC, 8);
    put_u32(p + 8, HS_NNFILE_VERSION);
    put_u32(p + 12, (uint32_t)rb);
    const hs_nn_hparams *hp = &net->hp;
    const int hv[9] = {hp->kind, hp->vocab, hp->nout, hp->hidden, hp->embed,
                       hp->d_model, hp->layers, hp->heads, hp->max_t};
    for (int i = 0; i < 9; i++)
        put_u32(p + 16 + 4 * i, (uint32_t)hv[i]);
    const int tv[5] = {task->n, task->k, task->d, task->q, task->nbases};
    for (int i = 0; i < 5; i++)
        put_u32(p + 52 + 4 * i, (uint32_t)tv[i]);
    for (int i = 0; i < HS_MAX_BASES; i++)
        put_u32(p + 72 + 4 * i, (uint32_t)(i < task->nbases ? task->bases[i] : 0));
    put_u64(p + 104, (uint64_t)task->ell);
    put_u64(p + 112, task->seed);
    put_u64(p + 120, steps);
    put_u64(p + 128, (uint64_t)net->nparams);
    p += HEADER_BYTES;
    for (size_t i = 0; i < net->nparams; i++, p += rb) {
        if (rb == 4) {
            uint32_t u;
            const float v = (float)net->params[i];
            memcpy(&u, &v, 4);
            put_u32(p, u);
        } else {
            uint64_t u;
            const double v = (double)net->params[i];
            memcpy(&u, &v, 8);
            put_u64(p, u);
        }
    }
    put_u64(p, hs_nnfile_fnv(HS_NNFILE_FNV_INIT, buf, total - 8));
    const int rc = fwrite(buf, 1, total, f) == total ? 0 : -1;
    hs_sys_free(buf);
    return rc;
}

/* Reads the whole file; NULL with a message when it cannot. Only a regular
 * file is read, and only when its size fits in memory: a FIFO would block
 * the open, a device (/dev/zero) never ends, and what is allocated is what
 * the file holds. */
static unsigned char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "--load: cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "--load: '%s' is not a regular file (allowed: a model file written by train --save)",
                 path);
        close(fd);
        return NULL;
    }
    const char *src;
    const size_t avail = hs_sys_mem_available(&src), n = (size_t)st.st_size;
    if ((uint64_t)st.st_size > avail) {
        char a[32], b[32];
        snprintf(err, errlen, "--load: '%s' is %s, more than the %s available (%s)", path,
                 hs_sys_fmt_bytes((double)st.st_size, a, sizeof a), hs_sys_fmt_bytes((double)avail, b, sizeof b),
                 src);
        close(fd);
        return NULL;
    }
    unsigned char *buf = hs_alloc(n ? n : 1);
    size_t got = 0;
    ssize_t r = 1;
    while (got < n && r > 0)
        if ((r = read(fd, buf + got, n - got)) > 0)
            got += (size_t)r;
        else if (r < 0 && errno == EINTR)
            r = 1;
    const int e = errno;
    close(fd);
    if (got != n) {
        snprintf(err, errlen, "--load: cannot read '%s': %s", path, r < 0 ? strerror(e) : "the file shrank while read");
        hs_sys_free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

hs_nn *hs_nnfile_load(const char *path, hs_hsmt *task, uint64_t *steps, char *err, size_t errlen)
{
    size_t len;
    unsigned char *buf = slurp(path, &len, err, errlen);
    if (!buf)
        return NULL;
    hs_nn *net = NULL;
    if (len < 8 || memcmp(buf, MAGIC, 8) != 0) {
        snprintf(err, errlen, "--load: '%s' is not a hypersep model file (no '" MAGIC "' magic)", path);
        goto out;
    }
    if (len < HEADER_BYTES + 8) {
        snprintf(err, errlen, "--load: '%s' is truncated (%zu bytes, a model file has at least %d)", path,
                 len, HEADER_BYTES + 8);
        goto out;
    }
    const uint32_t version = get_u32(buf + 8);
    if (version != HS_NNFILE_VERSION) {
        snprintf(err, errlen, "--load: '%s' has model format version %u (this build reads version %u)",
                 path, version, HS_NNFILE_VERSION);
        goto out;
    }
    const uint32_t rb = get_u32(buf + 12);
    const uint64_t np = get_u64(buf + 128);
    if ((rb != 4 && rb != 8) || np > (len - HEADER_BYTES - 8) / rb || HEADER_BYTES + np * rb + 8 != len) {
        snprintf(err, errlen, "--load: '%s' is truncated or corrupted (%zu bytes do not hold its %llu parameters)",
                 path, len, (unsigned long long)np);
        goto out;
    }
    if (hs_nnfile_fnv(HS_NNFILE_FNV_INIT, buf, len - 8) != get_u64(buf + len - 8)) {
        snprintf(err, errlen, "--load: '%s' is corrupted (checksum mismatch)", path);
        goto out;
    }
    hs_nn_hparams hp = {.quant_bits = 0}; /* the format holds float models only */
    int *hv[9] = {&hp.kind, &hp.vocab, &hp.nout, &hp.hidden, &hp.embed,
                  &hp.d_model, &hp.layers, &hp.heads, &hp.max_t};
    for (int i = 0; i < 9; i++)
        *hv[i] = (int)get_u32(buf + 16 + 4 * i);
    char why[256];
    if (hs_nn_hparams_check(&hp, why, sizeof why) != 0) {
        snprintf(err, errlen, "--load: '%s' holds invalid hyperparameters (%s)", path, why);
        goto out;
    }
    if (hs_nn_nparams(&hp) != np) {
        snprintf(err, errlen, "--load: '%s' is inconsistent (%llu parameters, its hyperparameters need %zu)",
                 path, (unsigned long long)np, hs_nn_nparams(&hp));
        goto out;
    }
    memset(task, 0, sizeof *task);
    int *tv[5] = {&task->n, &task->k, &task->d, &task->q, &task->nbases};
    for (int i = 0; i < 5; i++)
        *tv[i] = (int)get_u32(buf + 52 + 4 * i);
    if (task->nbases < 1 || task->nbases > HS_MAX_BASES) {
        snprintf(err, errlen, "--load: '%s' is inconsistent (%d bases)", path, task->nbases);
        goto out;
    }
    for (int i = 0; i < task->nbases; i++)
        task->bases[i] = (int)(int32_t)get_u32(buf + 72 + 4 * i);
    task->ell = (long)get_u64(buf + 104);
    task->seed = get_u64(buf + 112);
    if (hs_hsmt_validate(task, why, sizeof why) != 0) {
        snprintf(err, errlen, "--load: '%s' holds an invalid task (%s)", path, why);
        goto out;
    }
    if ((uint64_t)hp.vocab != hs_hsmt_vocab(task) || hp.nout != task->d) {
        snprintf(err, errlen, "--load: '%s' is inconsistent (a model of %d tokens and %d outputs for a task of "
                 "%llu tokens and d=%d)", path, hp.vocab, hp.nout, (unsigned long long)hs_hsmt_vocab(task),
                 task->d);
        goto out;
    }
    *steps = get_u64(buf + 120);
    net = hs_nn_new(&hp);
    const unsigned char *p = buf + HEADER_BYTES;
    for (size_t i = 0; i < np; i++, p += rb) {
        double v;
        if (rb == 4) {
            uint32_t u = get_u32(p);
            float f;
            memcpy(&f, &u, 4);
            v = f;
        } else {
            uint64_t u = get_u64(p);
            memcpy(&v, &u, 8);
        }
        /* The checksum only says the file is as written: training that
         * diverged writes NaN or inf, and a model of them predicts nothing. */
        if (!isfinite(v) || !isfinite((double)(hs_real)v)) {
            snprintf(err, errlen, "--load: '%s' holds a parameter that is not finite (parameter %zu is %g; allowed: "
                     "finite numbers)", path, i, v);
            hs_nn_free(net);
            net = NULL;
            goto out;
        }
        net->params[i] = (hs_real)v;
    }
out:
    hs_sys_free(buf);
    return net;
}
