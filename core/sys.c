/* System services: checked allocation, fatal errors, memory limits, clock. */
/* madvise and MADV_HUGEPAGE (Linux) beyond the POSIX set of the build. */
#define _DEFAULT_SOURCE
#include "sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void (*abort_hook)(int status);

int hs_err_set(hs_err *e, int status, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

int hs_err_usage(hs_err *e, const char *cmd, const char *fmt, ...)
{
    if (e) {
        int off = snprintf(e->msg, sizeof e->msg, "hypersep %s: ", cmd);
        if (off < 0 || (size_t)off >= sizeof e->msg)
            off = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg + off, sizeof e->msg - (size_t)off, fmt, ap);
        va_end(ap);
    }
    return HS_EXIT_USAGE;
}

void hs_sys_set_abort_hook(void (*hook)(int status)) { abort_hook = hook; }

_Noreturn void hs_sys_exit(int status)
{
    fflush(stdout);
    if (abort_hook)
        abort_hook(status);
    exit(status);
}

_Noreturn void hs_sys_fatal_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hypersep: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (%s:%d)\n", file, line);
    va_end(ap);
    hs_sys_exit(HS_EXIT_FAILURE);
}

/* With HYPERSEP_HUGEPAGES=1, buffers of at least HUGE_MIN bytes (states, and
 * the arrays of a state's size) are aligned to 2 MiB and marked for
 * transparent huge pages (for kernels in madvise mode): a 256 MiB state then
 * takes 128 page faults instead of 65,536. Off by default: on the
 * development VM the passes of bench engine at n = 24 ran 5-10% faster, but
 * the first touch of a fresh state took 141-709 ms (the kernel compacting
 * memory for the huge pages) against 252-318 ms with small pages. */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_MIN ((size_t)32 << 20)

static int huge_enabled(void)
{
    static _Atomic int env = -1; /* read once (by any thread: atomic) */
    if (env < 0) {
        const char *v = getenv("HYPERSEP_HUGEPAGES");
        env = v && strcmp(v, "1") == 0;
    }
    return env;
}

void *hs_sys_alloc_at(size_t bytes, const char *file, int line)
{
    /* aligned_alloc needs a size that is a multiple of the alignment. */
    const int huge = bytes >= HUGE_MIN && huge_enabled();
    const size_t align = huge ? HUGE_PAGE : 64;
    size_t rounded = (bytes + align - 1) / align * align;
    if (rounded == 0)
        rounded = 64;
    void *p = aligned_alloc(align, rounded);
#ifdef MADV_HUGEPAGE
    if (p && huge)
        (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice only: pages stay small where refused */
#endif
    if (!p) {
        char buf[32];
        hs_sys_fatal_at(file, line, "out of memory allocating %s",
                        hs_sys_fmt_bytes((double)bytes, buf, sizeof buf));
    }
    return p;
}

void *hs_sys_calloc_at(size_t count, size_t size, const char *file, int line)
{
    if (size && count > SIZE_MAX / size)
        hs_sys_fatal_at(file, line, "allocation of %zu x %zu bytes overflows", count, size);
    void *p = hs_sys_alloc_at(count * size, file, line);
    memset(p, 0, count * size);
    return p;
}

void *hs_sys_realloc_at(void *p, size_t bytes, const char *file, int line)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q) {
        char buf[32];
        hs_sys_fatal_at(file, line, "out of memory reallocating %s",
                        hs_sys_fmt_bytes((double)bytes, buf, sizeof buf));
    }
    return q;
}

void hs_sys_free(void *p) { free(p); }

/* Reads one unsigned number from a small file; 0 when absent or "max". */
static int read_u64_file(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unsigned long long v;
    int ok = fscanf(f, "%llu", &v) == 1;
    fclose(f);
    if (ok)
        *out = v;
    return ok;
}

/* Parses "123", "4K", "16G" into bytes; 0 on malformed input. */
static int parse_bytes(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return 0;
    double mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1024.0; end++; break;
    case 'm': case 'M': mul = 1024.0 * 1024; end++; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; end++; break;
    case 't': case 'T': mul = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end != '\0')
        return 0;
    *out = (uint64_t)(v * mul);
    return 1;
}

size_t hs_sys_mem_available(const char **source)
{
    uint64_t best = UINT64_MAX;
    const char *src = "unknown";
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned long long kb;
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                best = (uint64_t)kb * 1024;
                src = "MemAvailable";
                break;
            }
        }
        fclose(f);
    }
    uint64_t lim, use;
    if (read_u64_file("/sys/fs/cgroup/memory.max", &lim) &&
        read_u64_file("/sys/fs/cgroup/memory.current", &use) && lim > use &&
        lim - use < best) {
        best = lim - use;
        src = "cgroup memory.max";
    }
    const char *env = getenv("HYPERSEP_MEM_LIMIT");
    uint64_t e;
    if (env && parse_bytes(env, &e) && e < best) {
        best = e;
        src = "HYPERSEP_MEM_LIMIT";
    }
    if (source)
        *source = src;
    return best > SIZE_MAX ? SIZE_MAX : (size_t)best;
}

const char *hs_sys_fmt_bytes(double bytes, char *buf, size_t len)
{
    static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024 && u < 6) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
    return buf;
}

double hs_sys_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *hs_sys_host(void)
{
    static char host[256];
    if (!host[0]) {
        if (gethostname(host, sizeof host - 1) != 0)
            strcpy(host, "unknown");
        char *dot = strchr(host, '.');
        if (dot)
            *dot = '\0';
    }
    return host;
}
