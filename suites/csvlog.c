/* Resumable, appendable CSV results files (see csvlog.h). */
#include "csvlog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "csvfile.h"
#include "keyset.h"
#include "sys.h"

struct hs_csv {
    char dir[4096], path[4200];
    char *header; /* without newline */
    hs_csvfile_spec spec;
    hs_keyset *keys;
    /* What this process has read or written of the file: its size in bytes,
     * its lines (the header included) and its identity. An append reads
     * only what lies beyond `known`; a file replaced meanwhile (another
     * process repaired it) is read again whole. */
    off_t known;
    long lines;
    dev_t dev;
    ino_t ino;
};

static int mkdir_p(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Exclusive lock on DIR/.hypersep.lock: the descriptor, or -1 with a
 * message. Closing the descriptor releases it. */
static int lock_dir(const char *dir, char *err, size_t errlen)
{
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/.hypersep.lock", dir);
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        snprintf(err, errlen, "locking '%s': %s", lp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Removes DIR/NAME.tmp.* for NAME = name and the names in also, left by
 * writers that were killed; the caller holds the lock of DIR, and every
 * writer of these files holds it while its temporary exists. */
static void remove_stale(const char *dir, const char *name, const char *const *also)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        for (int i = -1; i < 0 || (also && also[i]); i++) {
            char prefix[512];
            snprintf(prefix, sizeof prefix, "%s.tmp.", i < 0 ? name : also[i]);
            if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
                continue;
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) == 0)
                fprintf(stderr, "csv: removed '%s', left by an interrupted writer\n", p);
            break;
        }
    closedir(d);
}

static void add_key(void *ctx, const char *line, size_t len, size_t keylen)
{
    (void)len;
    hs_keyset_add(((hs_csv *)ctx)->keys, line, keylen);
}

static int identify(hs_csv *c, int fd, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "reading '%s': %s", c->path, strerror(errno));
        return -1;
    }
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    return 0;
}

/* Reads the whole file (lock held): header, rows, keys. With c->spec.repair
 * a torn last line is cut off by rewriting the file without it. */
static int load(hs_csv *c, int fd, off_t size, char *err, size_t errlen)
{
    char *text;
    if (hs_csvfile_pread(fd, c->path, 0, size, &text, err, errlen) != 0)
        return -1;
    size_t body, end;
    hs_keyset_free(c->keys);
    c->keys = hs_keyset_new();
    int rc = hs_csvfile_header(c->path, text, (size_t)size, c->header, &body, err, errlen);
    if (rc == 0)
        rc = hs_csvfile_rows(&c->spec, text, (size_t)size, body, 2, &end, add_key, c, err, errlen);
    if (rc == 0 && end < (size_t)size) {
        const long line = hs_csvfile_lines(text, end) + 1;
        if (hs_atomic_replace(c->path, text, end, err, errlen) != 0)
            rc = -1;
        else
            fprintf(stderr, "csv: %s:%ld: dropped a torn last line (%zu bytes without a newline, left by an "
                    "interrupted write)\n", c->path, line, (size_t)size - end);
    }
    if (rc == 0) {
        c->known = (off_t)end;
        c->lines = hs_csvfile_lines(text, end);
    }
    hs_sys_free(text);
    return rc;
}

hs_csv *hs_csv_open(const char *dir, const char *name, const char *header, int ncols, int nkey, int repair,
                    const char *const *also, char *err, size_t errlen)
{
    if (mkdir_p(dir) != 0) {
        snprintf(err, errlen, "--out: cannot create directory '%s' (%s)", dir, strerror(errno));
        return NULL;
    }
    hs_csv *c = hs_calloc(1, sizeof *c);
    if (snprintf(c->path, sizeof c->path, "%s/%s", dir, name) >= (int)sizeof c->path ||
        snprintf(c->dir, sizeof c->dir, "%s", dir) >= (int)sizeof c->dir) {
        snprintf(err, errlen, "--out: path '%s' is too long", dir);
        hs_csv_close(c);
        return NULL;
    }
    c->header = hs_alloc(strlen(header) + 1);
    strcpy(c->header, header);
    c->spec = (hs_csvfile_spec){c->path, ncols, nkey, repair, "rerun with --resume to drop it"};
    c->keys = hs_keyset_new();
    const int lk = lock_dir(dir, err, errlen);
    if (lk < 0) {
        hs_csv_close(c);
        return NULL;
    }
    remove_stale(dir, name, also);
    int fd = -1, rc;
    off_t size;
    if ((rc = hs_csvfile_open(c->path, O_RDONLY, &fd, &size, err, errlen)) == 1) {
        /* New: the header, whole or not at all. */
        char *h = hs_alloc(strlen(header) + 2);
        const size_t hl = (size_t)sprintf(h, "%s\n", header);
        rc = hs_atomic_replace(c->path, h, hl, err, errlen);
        hs_sys_free(h);
        c->known = (off_t)hl;
        c->lines = 1;
        if (rc == 0 && (rc = hs_csvfile_open(c->path, O_RDONLY, &fd, &size, err, errlen)) == 1) {
            snprintf(err, errlen, "'%s' was removed as it was created", c->path);
            rc = -1;
        }
    } else if (rc == 0) {
        rc = load(c, fd, size, err, errlen);
        if (rc == 0 && c->known < size) {
            /* Repaired: the descriptor is the replaced file's. */
            close(fd);
            fd = -1;
            rc = hs_csvfile_open(c->path, O_RDONLY, &fd, &size, err, errlen) == 0 ? 0 : -1;
        }
    }
    if (rc == 0)
        rc = identify(c, fd, err, errlen);
    if (fd >= 0)
        close(fd);
    close(lk);
    if (rc != 0) {
        hs_csv_close(c);
        return NULL;
    }
    return c;
}

const char *hs_csv_path(const hs_csv *c) { return c->path; }

int hs_csv_has(const hs_csv *c, const char *key) { return hs_keyset_has(c->keys, key, strlen(key)); }

/* Brings the key set up to date with the file (lock held): the rows other
 * writers appended since, or the whole file when it was replaced. */
static int catch_up(hs_csv *c, int fd, off_t size, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "reading '%s': %s", c->path, strerror(errno));
        return -1;
    }
    if (st.st_dev != c->dev || st.st_ino != c->ino || size < c->known) {
        const int repair = c->spec.repair;
        c->spec.repair = 0; /* only an open repairs; a torn line now is another writer's crash */
        const int rc = load(c, fd, size, err, errlen);
        c->spec.repair = repair;
        c->dev = st.st_dev;
        c->ino = st.st_ino;
        return rc;
    }
    if (size == c->known)
        return 0;
    char *tail;
    if (hs_csvfile_pread(fd, c->path, c->known, size, &tail, err, errlen) != 0)
        return -1;
    hs_csvfile_spec s = c->spec;
    s.repair = 0;
    size_t end;
    const size_t n = (size_t)(size - c->known);
    const int rc = hs_csvfile_rows(&s, tail, n, 0, c->lines + 1, &end, add_key, c, err, errlen);
    if (rc == 0) {
        c->lines += hs_csvfile_lines(tail, n);
        c->known = size;
    }
    hs_sys_free(tail);
    return rc;
}

/* The rows of a group, for the check that they are complete lines. */
static void count_row(void *ctx, const char *line, size_t len, size_t keylen)
{
    (void)line, (void)len, (void)keylen;
    ++*(long *)ctx;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int hs_csv_append(hs_csv *c, const char *rows, long *skipped, int *usage, char *err, size_t errlen)
{
    const size_t n = strlen(rows);
    hs_csvfile_spec own = c->spec;
    own.path = "the rows to append";
    own.repair = 0;
    long nrows = 0;
    size_t end;
    if (hs_csvfile_rows(&own, rows, n, 0, 1, &end, count_row, &nrows, err, errlen) != 0)
        hs_sys_fatal("%s", err); /* the suites write complete rows of their own schema */
    *usage = 0;
    if (skipped)
        *skipped = 0;
    const int lk = lock_dir(c->dir, err, errlen);
    if (lk < 0)
        return -1;
    int fd = -1, rc;
    off_t size;
    if ((rc = hs_csvfile_open(c->path, O_RDWR | O_APPEND, &fd, &size, err, errlen)) == 1)
        snprintf(err, errlen, "'%s' was removed while the suite ran", c->path);
    if (rc == 0 && catch_up(c, fd, size, err, errlen) != 0) {
        rc = -1;
        *usage = 1;
    }
    if (rc != 0) {
        if (fd >= 0)
            close(fd);
        close(lk);
        return -1;
    }
    /* Rows whose key is already there were written by another process (the
     * whole group is looked up before any of its keys is added: the rows of
     * one group may share a key). */
    char *out = hs_alloc(n + 1);
    size_t len = 0;
    long kept = 0;
    for (const char *line = rows; *line; line = strchr(line, '\n') + 1) {
        const char *nl = strchr(line, '\n');
        size_t kl = 0;
        for (int commas = 0; line + kl < nl; kl++)
            if (line[kl] == ',' && ++commas == c->spec.nkey)
                break;
        if (!hs_keyset_has(c->keys, line, kl)) {
            memcpy(out + len, line, (size_t)(nl - line) + 1);
            len += (size_t)(nl - line) + 1;
            kept++;
        }
    }
    if (skipped)
        *skipped = nrows - kept;
    if (len && (write_all(fd, out, len) != 0 || fsync(fd) != 0)) {
        const int e = errno;
        /* Cut back to the rows before this group: no partial row stays. */
        const int cut = ftruncate(fd, c->known) == 0 && fsync(fd) == 0;
        snprintf(err, errlen, "writing '%s': %s (%s)", c->path, strerror(e),
                 cut ? "the file is as before this group" : "could not cut the partial group back");
        rc = -1;
    }
    if (rc == 0) {
        for (const char *line = out; line < out + len; line = strchr(line, '\n') + 1) {
            size_t kl = 0;
            for (int commas = 0; line[kl] != '\n'; kl++)
                if (line[kl] == ',' && ++commas == c->spec.nkey)
                    break;
            hs_keyset_add(c->keys, line, kl);
        }
        c->known += (off_t)len;
        c->lines += kept;
    }
    hs_sys_free(out);
    close(fd);
    close(lk);
    return rc;
}

void hs_csv_close(hs_csv *c)
{
    if (!c)
        return;
    hs_keyset_free(c->keys);
    hs_sys_free(c->header);
    hs_sys_free(c);
}

int hs_csv_replace_beside(const char *dir, const char *name, const void *data, size_t len, char *err,
                          size_t errlen)
{
    char path[4200];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        snprintf(err, errlen, "--out: path '%s' is too long", dir);
        return -1;
    }
    const int lk = lock_dir(dir, err, errlen);
    if (lk < 0)
        return -1;
    const int rc = hs_atomic_replace(path, data, len, err, errlen);
    close(lk);
    return rc;
}
