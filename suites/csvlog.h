/* Results CSV files that are appended atomically and resumable
 * (docs/spec.md#results): a fixed header; rows are added in groups, each
 * group either wholly in the file or not at all (the file is rewritten
 * through the atomic writer, util/atomic.h, under an exclusive lock); a suite that is
 * started again skips the groups already present, identified by the first
 * `nkey` columns of their rows. Several processes (MPI ranks on one node, or
 * on a filesystem with working flock) may append to one file: every
 * read-modify-write holds an exclusive lock on PATH.lock. A process killed
 * while writing leaves at most a PATH.tmp.* file, which the next open (under
 * the lock, so no writer is active) removes. */
#ifndef HS_CSVLOG_H
#define HS_CSVLOG_H

#include <stddef.h>

typedef struct hs_csv hs_csv;

/* Creates the directory (with parents) and the file with its header if
 * needed. NULL with a one-line message when the directory cannot be made or
 * an existing file has another header. */
hs_csv *hs_csv_open(const char *dir, const char *name, const char *header, int nkey, char *err,
                    size_t errlen);
const char *hs_csv_path(const hs_csv *c);
/* 1 when a row whose first nkey columns equal `key` (comma-joined) exists. */
int hs_csv_has(const hs_csv *c, const char *key);
/* Appends `rows` (complete lines) as one group. I/O failures are fatal. */
void hs_csv_append(hs_csv *c, const char *rows);
void hs_csv_close(hs_csv *c);

#endif
