/* The reader of the suites' results files (docs/formats.md#suite-results-files):
 * a header line, then rows of exactly `ncols` comma-separated fields, each
 * line ending with a newline, keyed by their first `nkey` fields. A file is
 * either read whole or refused with "FILE:LINE: what is wrong (what is
 * allowed)": a NUL byte, a line of another field count (a row cut short, or
 * run into the next one), a line longer than HS_CSV_MAX_LINE, a last line
 * without its newline (what a write cut by a crash leaves: a torn line). A
 * caller that repairs (--resume) asks for the torn line to be reported
 * instead of refused and drops it itself. Nothing here allocates more than
 * the file holds, and only regular files are read (a FIFO or a device would
 * block or never end). */
#ifndef HS_CSVFILE_H
#define HS_CSVFILE_H

#include <stddef.h>
#include <sys/types.h>

/* The longest line a results file may have, newline included. The suites'
 * rows are well under 1 KiB (numbers, model names, provenance); the
 * separation summary reads rows with a buffer of this size. */
#define HS_CSV_MAX_LINE 8192

/* What the rows must look like. */
typedef struct {
    const char *path;      /* for messages */
    int ncols, nkey;       /* 0 < nkey < ncols */
    int repair;            /* 1: a torn last line is returned in *torn, not refused */
    const char *torn_hint; /* the end of the torn-line message, e.g. "rerun with --resume to drop it" */
} hs_csvfile_spec;

/* Called for each row: the line without its newline and the length of its
 * key (the first nkey fields, without the comma after them). */
typedef void (*hs_csvfile_fn)(void *ctx, const char *line, size_t len, size_t keylen);

/* Opens path for reading (never blocking on a FIFO) and checks that it is a
 * regular file. Returns 0 with *fd and *size set, 1 when it does not exist,
 * -1 with a message in err. */
int hs_csvfile_open(const char *path, int flags, int *fd, off_t *size, char *err, size_t errlen);
/* Reads bytes [from, to) of fd into a new NUL-terminated buffer (free with
 * hs_sys_free). -1 with a message when fewer bytes are there. */
int hs_csvfile_pread(int fd, const char *path, off_t from, off_t to, char **buf, char *err, size_t errlen);
/* Checks that text[0..len) starts with the line `header` and its newline;
 * sets *body to the offset after it. -1 with a message otherwise. */
int hs_csvfile_header(const char *path, const char *text, size_t len, const char *header, size_t *body, char *err,
                      size_t errlen);
/* Checks the rows of text[off..len), whose first line is line number
 * `lineno` of the file, calling fn on each. Returns 0 with *end the offset
 * after the last complete row (len, or the start of a torn last line when
 * s->repair is set), or -1 with "PATH:LINE: ..." in err. */
int hs_csvfile_rows(const hs_csvfile_spec *s, const char *text, size_t len, size_t off, long lineno, size_t *end,
                    hs_csvfile_fn fn, void *ctx, char *err, size_t errlen);
/* The number of lines (newlines) in text[0..len). */
long hs_csvfile_lines(const char *text, size_t len);

#endif
