/* System services shared by every module: checked allocation, fatal errors with
 * file and line, and the memory limit that runs are checked against before they
 * allocate. Under MPI, dist/ installs an abort hook so a fatal error on one rank
 * stops all ranks. */
#ifndef HS_SYS_H
#define HS_SYS_H

#include <stddef.h>
#include <stdint.h>

/* Statuses. Library functions return one of these and, when it is not
 * HS_OK, a one-line message in an hs_err; only cli/main.c turns a status into
 * the process's exit code (collectively under MPI).
 *   HS_OK               done;
 *   HS_DONE             nothing more to do (`--help` printed): exit 0;
 *   HS_EXIT_FAILURE     an I/O failure the caller reports;
 *   HS_EXIT_USAGE       invalid user input (every command): exit 2;
 *   HS_EXIT_INTERRUPTED a grid suite stopped by SIGTERM/SIGINT (128 + 15).
 * Allocation failures and broken internal invariants do not come back as a
 * status: hs_sys_fatal stops the run (all ranks) with file and line. */
#define HS_OK 0
#define HS_DONE (-1)
#define HS_EXIT_FAILURE 1
#define HS_EXIT_USAGE 2
#define HS_EXIT_INTERRUPTED 143

/* The message that goes with a status: the whole line the CLI prints, e.g.
 * "hypersep sample: --n: 0 is out of range (allowed 1..62)". */
typedef struct {
    char msg[1024];
} hs_err;

/* Sets e->msg (e may be NULL) and returns status. */
int hs_err_set(hs_err *e, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* HS_EXIT_USAGE with the message "hypersep CMD: <message>". */
int hs_err_usage(hs_err *e, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Report "hypersep: <message> (file:line)" on stderr and stop the run (all
 * ranks under MPI). */
_Noreturn void hs_sys_fatal_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define hs_sys_fatal(...) hs_sys_fatal_at(__FILE__, __LINE__, __VA_ARGS__)

/* Hook called before exit(status) by hs_sys_fatal_at and hs_sys_exit; dist/
 * sets it to MPI_Abort, which does not return. */
void hs_sys_set_abort_hook(void (*hook)(int status));
_Noreturn void hs_sys_exit(int status);

/* Checked allocation: never returns NULL; a failure is fatal with the caller's
 * file and line. Buffers from hs_sys_alloc are 64-byte aligned; free them with
 * hs_sys_free. */
void *hs_sys_alloc_at(size_t bytes, const char *file, int line);
void *hs_sys_calloc_at(size_t count, size_t size, const char *file, int line);
void *hs_sys_realloc_at(void *p, size_t bytes, const char *file, int line);
void hs_sys_free(void *p);
#define hs_alloc(bytes) hs_sys_alloc_at((bytes), __FILE__, __LINE__)
#define hs_calloc(count, size) hs_sys_calloc_at((count), (size), __FILE__, __LINE__)
#define hs_realloc(p, bytes) hs_sys_realloc_at((p), (bytes), __FILE__, __LINE__)

/* Bytes this process may still allocate: the smallest of MemAvailable
 * (/proc/meminfo), the cgroup v2 limit minus usage, and HYPERSEP_MEM_LIMIT
 * (bytes, optional suffix K, M, G) when set. Returns SIZE_MAX when nothing is
 * known. Sets *source to a short description of the binding limit. */
size_t hs_sys_mem_available(const char **source);

/* Format a byte count for humans ("1.5 GiB") into buf. */
const char *hs_sys_fmt_bytes(double bytes, char *buf, size_t len);

/* Monotonic wall clock in seconds. */
double hs_sys_now(void);

/* Whether a pass over `amps` amplitudes (or equivalent element updates)
 * should run as an OpenMP parallel region: below HS_SYS_PAR_MIN the work
 * (a few microseconds on one core) is worth less than the fork and join,
 * which costs microseconds on idle cores and can cost milliseconds when the
 * cores are busy with other work. Used through HS_PAR_FOR; results do not
 * depend on it (sums use fixed blocks). */
#define HS_SYS_PAR_MIN ((size_t)8192)
static inline int hs_sys_par(size_t amps) { return amps >= HS_SYS_PAR_MIN; }

/* HS_PAR_FOR(cond, for-statement): the loop as `omp parallel for
 * schedule(static)` when cond holds, else as plain code. Not `#pragma omp
 * parallel for if (cond)`: libgomp enters a region even when the condition
 * is false, and its closing barrier makes a futex system call (0.4 us per
 * region measured here); the small-state passes of sequence generation and
 * training make millions of them (40% of a training run's time at n = 5
 * was system time). The statement is the macro's argument, so it may
 * contain commas but no preprocessor directives. */
#define HS_PAR_FOR(cond, ...)                                                                               \
    do {                                                                                                    \
        if (cond) {                                                                                         \
            _Pragma("omp parallel for schedule(static)") __VA_ARGS__                                        \
        } else {                                                                                            \
            __VA_ARGS__                                                                                     \
        }                                                                                                   \
    } while (0)

/* Host name (short), for provenance. */
const char *hs_sys_host(void);

#endif
