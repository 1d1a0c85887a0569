/* `hypersep suite merge`: combines the CSV files of one suite written by
 * separate processes (the tasks of a Slurm job array, each into its own
 * directory) into one results file. Headers must be identical; a
 * configuration (the suite's key columns) already in the output or seen in
 * an earlier input is kept once, the first time it is seen. Every input is
 * checked whole (suites/csvfile.h) before the new rows are appended to the
 * output as one group, so merging again adds nothing; keys are looked up in
 * hash sets, so a merge is linear in the rows. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comm.h"
#include "csvfile.h"
#include "csvlog.h"
#include "keyset.h"
#include "schema.h"
#include "suite.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep suite merge --out DIR FILE.csv...\n"
    "Merges result files of one suite (all named <suite>.csv, with the same header)\n"
    "into DIR/<suite>.csv, keeping each configuration once (the first seen; rows\n"
    "already in DIR/<suite>.csv win). Prints rows_added= and duplicates= on stdout.\n";

/* One input file whole: a regular file (csvfile.h), NULL with a message
 * otherwise. */
static char *read_input(const char *path, size_t *len, hs_err *e)
{
    char err[768], *text = NULL;
    int fd = -1;
    off_t size;
    int rc = hs_csvfile_open(path, O_RDONLY, &fd, &size, err, sizeof err);
    if (rc == 1)
        snprintf(err, sizeof err, "cannot read '%s' (%s)", path, strerror(ENOENT));
    if (rc == 0 && hs_csvfile_pread(fd, path, 0, size, &text, err, sizeof err) != 0)
        rc = -1;
    if (fd >= 0)
        close(fd);
    if (rc != 0) {
        hs_err_usage(e, "suite merge", "%s", err);
        return NULL;
    }
    *len = (size_t)size;
    return text;
}

/* The rows to add: those whose key is neither in the output nor in an
 * earlier input (`seen`), in input order. */
typedef struct {
    const hs_csv *out;
    hs_keyset *seen;
    char *rows;
    size_t len, cap;
    long added, dup;
} collect;

static void take_row(void *ctx, const char *line, size_t len, size_t keylen)
{
    collect *c = ctx;
    char key[HS_CSV_MAX_LINE];
    memcpy(key, line, keylen);
    key[keylen] = '\0';
    if (hs_csv_has(c->out, key) || !hs_keyset_add(c->seen, line, keylen)) {
        c->dup++;
        return;
    }
    while (c->len + len + 2 > c->cap)
        c->rows = hs_realloc(c->rows, c->cap *= 2);
    memcpy(c->rows + c->len, line, len);
    c->len += len;
    c->rows[c->len++] = '\n';
    c->rows[c->len] = '\0';
    c->added++;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int hs_suite_merge(int argc, char **argv, hs_err *e)
{
    if (hs_comm_rank() != 0)
        return HS_OK; /* one process writes the merged file */
    const char *out = NULL;
    const char **files = hs_alloc((size_t)(argc + 1) * sizeof *files);
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            hs_sys_free(files);
            return HS_DONE;
        }
        if (strcmp(argv[i], "--out") == 0) {
            if (i + 1 == argc) {
                hs_sys_free(files);
                return hs_err_usage(e, "suite merge", "--out: missing value (a directory)");
            }
            out = argv[++i];
        } else if (strncmp(argv[i], "--out=", 6) == 0) {
            out = argv[i] + 6;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            hs_sys_free(files);
            return hs_err_usage(e, "suite merge", "unknown option '%s' (allowed: --out DIR, then files)", argv[i]);
        } else {
            files[nfiles++] = argv[i];
        }
    }
    const char *name = nfiles ? base(files[0]) : "";
    const hs_schema *schema = hs_schema_of_file(name);
    int rc = HS_OK;
    if (!out || nfiles == 0)
        rc = hs_err_usage(e, "suite merge", "--out DIR and at least one FILE.csv are required (see --help)");
    else if (!schema)
        rc = hs_err_usage(e, "suite merge", "'%s': not a suite results file (allowed: <suite>.csv for the suites %s)",
                          files[0], hs_schema_names());
    for (int i = 0; rc == HS_OK && i < nfiles; i++)
        if (strcmp(base(files[i]), name) != 0)
            rc = hs_err_usage(e, "suite merge", "'%s': every file must be named %s (files of one suite)", files[i],
                              name);
    if (rc != HS_OK) {
        hs_sys_free(files);
        return rc;
    }
    /* Headers: every file's equals the first one's, which must be the
     * header of this version of the suite. */
    char header[2048], first[2048] = "", err[1024];
    hs_schema_header(schema, header, sizeof header);
    for (int i = 0; rc == HS_OK && i < nfiles; i++) {
        size_t len;
        char *text = read_input(files[i], &len, e);
        if (!text) {
            rc = HS_EXIT_USAGE;
            break;
        }
        const char *nl = memchr(text, '\n', len);
        const size_t hl = nl ? (size_t)(nl - text) : 0;
        if (!nl || hl >= sizeof first)
            rc = hs_err_usage(e, "suite merge", "'%s': no header line", files[i]);
        else if (i == 0)
            snprintf(first, sizeof first, "%.*s", (int)hl, text);
        else if (hl != strlen(first) || strncmp(text, first, hl) != 0)
            rc = hs_err_usage(e, "suite merge", "'%s': header differs from '%s' (allowed: files of one version)",
                              files[i], files[0]);
        hs_sys_free(text);
    }
    if (rc == HS_OK && strcmp(first, header) != 0)
        rc = hs_err_usage(e, "suite merge", "'%s': not the header of suite %s of this version (allowed: files "
                          "written by this version)", files[0], schema->suite);
    /* The output always resumes: a torn last line left by a killed merge is
     * dropped (csvlog.h), and merging again adds what is missing. */
    hs_csv *csv = rc == HS_OK ? hs_csv_open(out, name, header, schema->ncols, schema->nkey, 1, NULL, err,
                                            sizeof err)
                              : NULL;
    if (rc == HS_OK && !csv)
        rc = hs_err_usage(e, "suite merge", "%s", err);
    collect col = {.out = csv, .seen = hs_keyset_new(), .cap = 1 << 16};
    col.rows = hs_alloc(col.cap);
    col.rows[0] = '\0';
    /* Every input is checked whole before anything is appended. */
    for (int i = 0; rc == HS_OK && i < nfiles; i++) {
        size_t len, end;
        char *text = read_input(files[i], &len, e);
        if (!text) {
            rc = HS_EXIT_USAGE;
            break;
        }
        const hs_csvfile_spec spec = {files[i], schema->ncols, schema->nkey, 0,
                                      "allowed: complete rows; inputs are not repaired"};
        const size_t body = strlen(header) + 1;
        if (hs_csvfile_rows(&spec, text, len, body, 2, &end, take_row, &col, err, sizeof err) != 0)
            rc = hs_err_usage(e, "suite merge", "%s", err);
        hs_sys_free(text);
    }
    long skipped = 0;
    int usage = 0;
    if (rc == HS_OK && col.len && hs_csv_append(csv, col.rows, &skipped, &usage, err, sizeof err) != 0)
        rc = hs_err_set(e, usage ? HS_EXIT_USAGE : HS_EXIT_FAILURE, "hypersep suite merge: %s", err);
    if (rc == HS_OK) {
        /* Rows another writer added to the output meanwhile count as duplicates. */
        col.added -= skipped;
        col.dup += skipped;
        fprintf(stderr, "merge: %ld rows added to %s from %d files, %ld duplicates dropped\n", col.added,
                hs_csv_path(csv), nfiles, col.dup);
        printf("rows_added=%ld\nduplicates=%ld\n", col.added, col.dup);
    }
    hs_keyset_free(col.seen);
    hs_sys_free(col.rows);
    hs_sys_free(files);
    hs_csv_close(csv);
    return rc;
}
