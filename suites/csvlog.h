/* Resumable CSV results files (docs/spec.md#results, docs/formats.md): a
 * fixed header, then rows appended in groups (one configuration's rows), each
 * row keyed by its first `nkey` columns; a suite started again skips the
 * keys already present.
 *
 * Writers: several processes (MPI ranks on one node, two suites given the
 * same --out, on a file system with working flock) may append to one file.
 * Every change of a file in DIR holds an exclusive lock on DIR/.hypersep.lock;
 * under it an append first reads what other writers added since (so a key
 * written by another process is found and its rows are not written twice),
 * then appends the group with one write and fsyncs the file: O(group), not
 * O(file). A failed write (full disk) is cut back, leaving the file as
 * before the group. Only a file that is created or repaired is written
 * whole, through the atomic writer (util/atomic.h), which also fsyncs the
 * directory after its rename.
 *
 * Reading (suites/csvfile.h): an existing file is checked whole when opened;
 * a malformed one is refused with FILE:LINE. A last line without its newline
 * (a write cut by a crash) is refused too, unless the caller repairs
 * (--resume): then it is dropped, the file rewritten and a line printed on
 * stderr. Rows are never glued: appends only follow a complete line.
 *
 * Temporaries: a process killed while writing a file of DIR atomically
 * leaves NAME.tmp.*; opening a results file removes those of the file itself
 * and of the other files the suite writes there (under the lock, so none
 * belongs to a live writer, which writes them under the lock too:
 * hs_csv_replace_beside). */
#ifndef HS_CSVLOG_H
#define HS_CSVLOG_H

#include <stddef.h>

typedef struct hs_csv hs_csv;

/* Creates the directory (with parents) and the file with its header if
 * needed, removes stale temporaries of `name` and of the names in `also`
 * (NULL-terminated, or NULL), and reads the keys present. With repair, a torn
 * last line is dropped (and reported on stderr). NULL with a one-line message
 * when the directory cannot be made, the file cannot be read or locked, has
 * another header or is malformed. */
hs_csv *hs_csv_open(const char *dir, const char *name, const char *header, int ncols, int nkey, int repair,
                    const char *const *also, char *err, size_t errlen);
const char *hs_csv_path(const hs_csv *c);
/* 1 when a row whose first nkey columns equal `key` (comma-joined) exists,
 * as of the last open or append of this process. */
int hs_csv_has(const hs_csv *c, const char *key);
/* Appends `rows` (complete lines of ncols fields) as one group, leaving out
 * the rows whose key another writer added meanwhile (their count in
 * *skipped, when not NULL). Returns 0, or -1 with a one-line message: *usage
 * is set to 1 when the file turned out malformed (invalid input), 0 for an
 * I/O failure (the file is as it was before the group). */
int hs_csv_append(hs_csv *c, const char *rows, long *skipped, int *usage, char *err, size_t errlen);
void hs_csv_close(hs_csv *c);

/* Replaces DIR/NAME by `len` bytes of data atomically, under the lock of
 * DIR (files the suites write beside their results: models.tsv,
 * summaries). Returns 0 or -1 with a message. */
int hs_csv_replace_beside(const char *dir, const char *name, const void *data, size_t len, char *err,
                          size_t errlen);

#endif
