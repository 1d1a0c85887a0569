/* Atomic, resumable CSV results files. */
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
#include "sys.h"

struct hs_csv {
    char path[4096];
    char *header;  /* with trailing newline */
    int nkey;
    char **keys;   /* key prefixes of the rows present */
    size_t nkeys, capkeys;
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

/* Whole file into a NUL-terminated buffer; NULL (errno set) on failure. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = hs_alloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = hs_realloc(buf, cap);
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        hs_sys_fatal("reading '%s': %s", path, strerror(errno));
    buf[len] = '\0';
    return buf;
}

static void add_key(hs_csv *c, const char *line, size_t len)
{
    size_t end = 0;
    for (int commas = 0; end < len; end++)
        if (line[end] == ',' && ++commas == c->nkey)
            break;
    if (c->nkeys == c->capkeys) {
        c->capkeys = c->capkeys ? 2 * c->capkeys : 64;
        c->keys = hs_realloc(c->keys, c->capkeys * sizeof *c->keys);
    }
    char *k = hs_alloc(end + 1);
    memcpy(k, line, end);
    k[end] = '\0';
    c->keys[c->nkeys++] = k;
}

/* The whole file replaced atomically (util/atomic.h); failures are fatal. */
static void replace_file(const char *path, const char *content)
{
    char err[512];
    if (hs_atomic_replace(path, content, strlen(content), err, sizeof err) != 0)
        hs_sys_fatal("%s", err);
}

/* Exclusive lock on PATH.lock for read-modify-write of PATH. */
static int lock_file(const char *path)
{
    char lp[4200];
    snprintf(lp, sizeof lp, "%s.lock", path);
    int fd = open(lp, O_RDWR | O_CREAT, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0)
        hs_sys_fatal("locking '%s': %s", lp, strerror(errno));
    return fd;
}

/* Removes DIR/NAME.tmp.* left by a writer that was killed; the caller holds
 * the lock, so no temporary belongs to a live writer. */
static void remove_stale(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s.tmp.", name);
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) == 0)
                fprintf(stderr, "csv: removed '%s', left by an interrupted writer\n", p);
        }
    closedir(d);
}

hs_csv *hs_csv_open(const char *dir, const char *name, const char *header, int nkey, char *err,
                    size_t errlen)
{
    if (mkdir_p(dir) != 0) {
        snprintf(err, errlen, "--out: cannot create directory '%s' (%s)", dir, strerror(errno));
        return NULL;
    }
    hs_csv *c = hs_calloc(1, sizeof *c);
    if (snprintf(c->path, sizeof c->path, "%s/%s", dir, name) >= (int)sizeof c->path) {
        snprintf(err, errlen, "--out: path '%s' is too long", dir);
        hs_csv_close(c);
        return NULL;
    }
    c->nkey = nkey;
    c->header = hs_alloc(strlen(header) + 2);
    sprintf(c->header, "%s\n", header);
    int lk = lock_file(c->path);
    remove_stale(dir, name);
    char *text = slurp(c->path);
    if (!text) {
        if (errno != ENOENT)
            hs_sys_fatal("reading '%s': %s", c->path, strerror(errno));
        replace_file(c->path, c->header);
    } else if (strncmp(text, c->header, strlen(c->header)) != 0) {
        snprintf(err, errlen, "%s: existing file has another header (allowed: the header of this version, or a new --out)",
                 c->path);
        hs_sys_free(text);
        close(lk);
        hs_csv_close(c);
        return NULL;
    } else {
        for (char *line = text + strlen(c->header); *line;) {
            char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            if (len)
                add_key(c, line, len);
            line += len + (nl != NULL);
        }
    }
    hs_sys_free(text);
    close(lk);
    return c;
}

const char *hs_csv_path(const hs_csv *c) { return c->path; }

int hs_csv_has(const hs_csv *c, const char *key)
{
    for (size_t i = 0; i < c->nkeys; i++)
        if (strcmp(c->keys[i], key) == 0)
            return 1;
    return 0;
}

void hs_csv_append(hs_csv *c, const char *rows)
{
    int lk = lock_file(c->path);
    char *text = slurp(c->path);
    if (!text)
        hs_sys_fatal("reading '%s': %s", c->path, strerror(errno));
    size_t a = strlen(text), b = strlen(rows);
    char *all = hs_alloc(a + b + 1);
    memcpy(all, text, a);
    memcpy(all + a, rows, b + 1);
    replace_file(c->path, all);
    close(lk);
    for (const char *line = rows; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len)
            add_key(c, line, len);
        line += len + (nl != NULL);
    }
    hs_sys_free(all);
    hs_sys_free(text);
}

void hs_csv_close(hs_csv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nkeys; i++)
        hs_sys_free(c->keys[i]);
    hs_sys_free(c->keys);
    hs_sys_free(c->header);
    hs_sys_free(c);
}
