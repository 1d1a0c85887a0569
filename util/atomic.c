/* Atomic output files: temporary + fsync + rename + directory fsync, with
 * the temporaries of live writers removed on exit and on SIGINT/SIGTERM. */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"

struct hs_atomic {
    char *path, *tmp;
    FILE *f;
    int slot; /* index in live[] */
};

/* Temporaries of the writers that are open now, for the exit and signal
 * handlers (which only read this table and call unlink, which is
 * async-signal-safe). */
#define MAX_LIVE 32
static char *volatile live[MAX_LIVE];
static int handlers_installed;

static void remove_live(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i])
            unlink(live[i]);
}

static void on_signal(int sig)
{
    remove_live();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Once: the exit handler, and the signal handlers for SIGINT and SIGTERM
 * where the process has none of its own (the grid suites install theirs and
 * block both signals around their writes). */
static void install_handlers(void)
{
    if (handlers_installed)
        return;
    handlers_installed = 1;
    atexit(remove_live);
    const int sigs[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = hs_alloc(n);
    memcpy(d, s, n);
    return d;
}

static void release(hs_atomic *a)
{
    if (a->slot >= 0)
        live[a->slot] = NULL;
    hs_sys_free(a->tmp);
    hs_sys_free(a->path);
    hs_sys_free(a);
}

hs_atomic *hs_atomic_open(const char *path, char *err, size_t errlen)
{
    install_handlers();
    hs_atomic *a = hs_calloc(1, sizeof *a);
    a->slot = -1;
    a->path = dup_str(path);
    const size_t n = strlen(path) + 16;
    a->tmp = hs_alloc(n);
    snprintf(a->tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create '%s' (%s)", path, strerror(errno));
        release(a);
        return NULL;
    }
    for (int i = 0; i < MAX_LIVE && a->slot < 0; i++)
        if (!live[i]) {
            live[i] = a->tmp;
            a->slot = i;
        }
    const mode_t mask = umask(0);
    umask(mask);
    a->f = fdopen(fd, "w");
    if (fchmod(fd, 0666 & ~mask) != 0 || !a->f) {
        snprintf(err, errlen, "cannot create '%s' (%s)", path, strerror(errno));
        if (!a->f)
            close(fd);
        hs_atomic_abort(a);
        return NULL;
    }
    return a;
}

FILE *hs_atomic_file(const hs_atomic *a) { return a->f; }

int hs_atomic_reserve(hs_atomic *a, size_t bytes, char *err, size_t errlen)
{
    if (bytes == 0)
        return 0;
    int rc = posix_fallocate(fileno(a->f), 0, (off_t)bytes);
    /* EINVAL/EOPNOTSUPP: the file system cannot reserve; writing will tell. */
    if (rc == 0 || rc == EINVAL || rc == EOPNOTSUPP)
        return 0;
    char b[32];
    snprintf(err, errlen, "cannot reserve %s for '%s' (%s)", hs_sys_fmt_bytes((double)bytes, b, sizeof b), a->path,
             strerror(rc));
    return -1;
}

int hs_atomic_sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && (e == EINVAL || e == EROFS))
        rc = 0;
    errno = e;
    return rc;
}

int hs_atomic_commit(hs_atomic *a, char *err, size_t errlen)
{
    FILE *f = a->f;
    a->f = NULL;
    int bad = fflush(f) != 0 || ferror(f);
    /* A reserved tail beyond what was written is cut off. */
    off_t end = bad ? 0 : ftello(f);
    bad = bad || end < 0 || ftruncate(fileno(f), end) != 0 || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(a->tmp, a->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        snprintf(err, errlen, "writing '%s': %s", a->path, strerror(e ? e : EIO));
        unlink(a->tmp);
        release(a);
        return -1;
    }
    if (hs_atomic_sync_dir(a->path) != 0) {
        snprintf(err, errlen, "syncing the directory of '%s': %s", a->path, strerror(errno));
        release(a);
        return -1;
    }
    release(a);
    return 0;
}

void hs_atomic_abort(hs_atomic *a)
{
    if (!a)
        return;
    if (a->f)
        fclose(a->f);
    unlink(a->tmp);
    release(a);
}

int hs_atomic_replace(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    hs_atomic *a = hs_atomic_open(path, err, errlen);
    if (!a)
        return -1;
    if (len && fwrite(data, 1, len, a->f) != len) {
        snprintf(err, errlen, "writing '%s': %s", path, strerror(errno));
        hs_atomic_abort(a);
        return -1;
    }
    return hs_atomic_commit(a, err, errlen);
}
