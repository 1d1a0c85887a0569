/* Reading and checking the suites' results files (see csvfile.h). */
#include "csvfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"

int hs_csvfile_open(const char *path, int flags, int *fd, off_t *size, char *err, size_t errlen)
{
    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
    int f = open(path, flags | O_NONBLOCK | O_CLOEXEC);
    if (f < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "cannot open '%s' (%s)", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a regular file (allowed: a results file written by hypersep)", path);
        close(f);
        return -1;
    }
    const int fl = fcntl(f, F_GETFL);
    if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        snprintf(err, errlen, "cannot open '%s' (%s)", path, strerror(errno));
        close(f);
        return -1;
    }
    *fd = f;
    *size = st.st_size;
    return 0;
}

int hs_csvfile_pread(int fd, const char *path, off_t from, off_t to, char **buf, char *err, size_t errlen)
{
    const size_t n = (size_t)(to - from);
    char *b = hs_alloc(n + 1);
    for (size_t got = 0; got < n;) {
        const ssize_t r = pread(fd, b + got, n - got, from + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(err, errlen, "reading '%s': %s", path, r < 0 ? strerror(errno) : "the file shrank while read");
            hs_sys_free(b);
            return -1;
        }
        got += (size_t)r;
    }
    b[n] = '\0';
    *buf = b;
    return 0;
}

int hs_csvfile_header(const char *path, const char *text, size_t len, const char *header, size_t *body, char *err,
                      size_t errlen)
{
    const size_t h = strlen(header);
    if (len <= h || memcmp(text, header, h) != 0 || text[h] != '\n') {
        snprintf(err, errlen, "%s: existing file has another header (allowed: the header of this version, or a "
                 "new --out)", path);
        return -1;
    }
    *body = h + 1;
    return 0;
}

long hs_csvfile_lines(const char *text, size_t len)
{
    long n = 0;
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    return n;
}

int hs_csvfile_rows(const hs_csvfile_spec *s, const char *text, size_t len, size_t off, long lineno, size_t *end,
                    hs_csvfile_fn fn, void *ctx, char *err, size_t errlen)
{
    for (size_t at = off; at < len; lineno++) {
        const char *line = text + at;
        const char *nl = memchr(line, '\n', len - at);
        const size_t ll = nl ? (size_t)(nl - line) : len - at;
        const char *nul = memchr(line, '\0', ll);
        if (nul) {
            snprintf(err, errlen, "%s:%ld: NUL byte at column %zu (a damaged file; allowed: text rows)", s->path,
                     lineno, (size_t)(nul - line) + 1);
            return -1;
        }
        if (!nl) {
            if (s->repair) {
                *end = at;
                return 0;
            }
            snprintf(err, errlen, "%s:%ld: last line has no newline (a row cut by an interrupted write; %s)",
                     s->path, lineno, s->torn_hint);
            return -1;
        }
        if (ll + 1 > HS_CSV_MAX_LINE) {
            snprintf(err, errlen, "%s:%ld: line of %zu bytes (allowed at most %d)", s->path, lineno, ll + 1,
                     HS_CSV_MAX_LINE);
            return -1;
        }
        int fields = 1;
        size_t keylen = ll;
        for (size_t i = 0; i < ll; i++)
            if (line[i] == ',' && fields++ == s->nkey)
                keylen = i;
        if (fields != s->ncols) {
            snprintf(err, errlen, "%s:%ld: %d fields, the header has %d (a row cut short or run into another; "
                     "allowed: complete rows)", s->path, lineno, fields, s->ncols);
            return -1;
        }
        fn(ctx, line, ll, keylen);
        at += ll + 1;
    }
    *end = len;
    return 0;
}
