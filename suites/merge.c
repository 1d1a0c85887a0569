/* `hypersep suite merge`: combines the CSV files of one suite written by
 * separate processes (the tasks of a Slurm job array, each into its own
 * directory) into one results file. Headers must be identical; a
 * configuration (the suite's key columns) already in the output or seen in
 * an earlier input is kept once, the first time it is seen. The output is
 * appended to as one atomic group, so merging again adds nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "csvlog.h"
#include "schema.h"
#include "suite.h"
#include "sys.h"

static const char usage[] =
    "usage: hypersep suite merge --out DIR FILE.csv...\n"
    "Merges result files of one suite (all named <suite>.csv, with the same header)\n"
    "into DIR/<suite>.csv, keeping each configuration once (the first seen; rows\n"
    "already in DIR/<suite>.csv win). Prints rows_added= and duplicates= on stdout.\n";

/* Whole file; NULL with a message when it cannot be read. */
static char *read_all(const char *path, hs_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        hs_err_usage(e, "suite merge", "cannot read '%s' (%s)", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0, got;
    char *buf = hs_alloc(cap);
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0)
        if ((len += got) == cap - 1)
            buf = hs_realloc(buf, cap *= 2);
    if (ferror(f))
        hs_sys_fatal("reading '%s': %s", path, strerror(errno));
    fclose(f);
    buf[len] = '\0';
    return buf;
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
    const int nkey = schema->nkey;
    char **text = hs_calloc((size_t)nfiles, sizeof *text);
    size_t hlen = 0;
    for (int i = 0; rc == HS_OK && i < nfiles; i++) {
        if (!(text[i] = read_all(files[i], e))) {
            rc = HS_EXIT_USAGE;
            break;
        }
        const char *nl = strchr(text[i], '\n');
        if (!nl)
            rc = hs_err_usage(e, "suite merge", "'%s': no header line", files[i]);
        else if (i == 0)
            hlen = (size_t)(nl - text[0]);
        else if ((size_t)(nl - text[i]) != hlen || strncmp(text[i], text[0], hlen) != 0)
            rc = hs_err_usage(e, "suite merge", "'%s': header differs from '%s' (allowed: files of one version)",
                              files[i], files[0]);
    }
    char *header = hs_alloc(hlen + 1);
    memcpy(header, text[0] ? text[0] : "", hlen);
    header[hlen] = '\0';
    char err[1024];
    hs_csv *csv = rc == HS_OK ? hs_csv_open(out, name, header, nkey, err, sizeof err) : NULL;
    if (rc == HS_OK && !csv)
        rc = hs_err_usage(e, "suite merge", "%s", err);
    if (rc != HS_OK) {
        for (int i = 0; i < nfiles; i++)
            hs_sys_free(text[i]);
        hs_sys_free(text);
        hs_sys_free(header);
        hs_sys_free(files);
        return rc;
    }

    /* Rows to add, and the keys they bring, so a key repeated across the
     * inputs is added once. */
    size_t cap = 1 << 16, len = 0;
    char *rows = hs_alloc(cap);
    rows[0] = '\0';
    char **seen = NULL;
    size_t nseen = 0;
    long dup = 0;
    for (int i = 0; i < nfiles; i++)
        for (char *line = strchr(text[i], '\n') + 1; *line;) {
            char *nl = strchr(line, '\n');
            size_t ll = nl ? (size_t)(nl - line) : strlen(line);
            if (ll) {
                size_t kl = 0;
                for (int commas = 0; kl < ll; kl++)
                    if (line[kl] == ',' && ++commas == nkey)
                        break;
                char *key = hs_alloc(kl + 1);
                memcpy(key, line, kl);
                key[kl] = '\0';
                int known = hs_csv_has(csv, key);
                for (size_t s = 0; s < nseen && !known; s++)
                    known = strcmp(seen[s], key) == 0;
                if (known) {
                    dup++;
                    hs_sys_free(key);
                } else {
                    seen = hs_realloc(seen, (nseen + 1) * sizeof *seen);
                    seen[nseen++] = key;
                    while (len + ll + 2 > cap)
                        rows = hs_realloc(rows, cap *= 2);
                    memcpy(rows + len, line, ll);
                    len += ll;
                    rows[len++] = '\n';
                    rows[len] = '\0';
                }
            }
            line += ll + (nl != NULL);
        }
    if (len)
        hs_csv_append(csv, rows);
    fprintf(stderr, "merge: %zu rows added to %s from %d files, %ld duplicates dropped\n", nseen,
            hs_csv_path(csv), nfiles, dup);
    printf("rows_added=%zu\nduplicates=%ld\n", nseen, dup);
    for (size_t s = 0; s < nseen; s++)
        hs_sys_free(seen[s]);
    hs_sys_free(seen);
    hs_sys_free(rows);
    for (int i = 0; i < nfiles; i++)
        hs_sys_free(text[i]);
    hs_sys_free(text);
    hs_sys_free(header);
    hs_sys_free(files);
    hs_csv_close(csv);
    return HS_OK;
}
