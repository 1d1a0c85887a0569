/* The one atomic writer of hypersep (dataset files, saved models, results
 * CSV files, summaries): output appears whole or not at all. Data goes to a
 * temporary PATH.tmp.XXXXXX in the target's directory; commit flushes and
 * fsyncs it, renames it over PATH and fsyncs the directory, so the new file
 * survives a crash once commit returns. A writer that fails or is aborted,
 * and one whose process exits or is stopped by SIGINT or SIGTERM before its
 * commit (when no other handler is installed for them), removes its
 * temporary and leaves PATH as it was. */
#ifndef HS_ATOMIC_H
#define HS_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

typedef struct hs_atomic hs_atomic;

/* Creates the temporary (mode 0666 less the umask, as a plain file would
 * have). NULL with "cannot create 'PATH' (reason)" in err. */
hs_atomic *hs_atomic_open(const char *path, char *err, size_t errlen);
FILE *hs_atomic_file(const hs_atomic *a);
/* Reserves `bytes` on disk now (posix_fallocate), so a full disk is found
 * before the work whose result will be written. Returns 0, or -1 with a
 * message (the writer stays open: abort it). */
int hs_atomic_reserve(hs_atomic *a, size_t bytes, char *err, size_t errlen);
/* Flush, fsync, rename, fsync of the directory; frees a. Returns 0, or -1
 * with "writing 'PATH': reason" (the temporary is removed, PATH untouched). */
int hs_atomic_commit(hs_atomic *a, char *err, size_t errlen);
/* Removes the temporary and frees a (a may be NULL). */
void hs_atomic_abort(hs_atomic *a);

/* Replaces PATH by `len` bytes of data, atomically as above. */
int hs_atomic_replace(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* fsyncs the directory holding path (after a rename into it). Returns 0 or
 * -1 (errno set); file systems that cannot sync a directory count as 0. */
int hs_atomic_sync_dir(const char *path);

#endif
