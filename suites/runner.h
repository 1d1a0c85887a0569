/* What every grid suite (separation, trainability, contextuality) shares:
 * a list of independent configurations, split deterministically over Slurm
 * array slices (--slice I/N) and MPI ranks, each configuration's rows
 * appended to DIR/<suite>.csv as one atomic group with provenance columns;
 * --resume skips configurations already in the file; progress (done/total,
 * current configuration, elapsed, ETA) on stderr; SIGTERM or SIGINT (Slurm at
 * the time limit, Ctrl-C) lets the configuration in progress finish and then
 * stops, a second signal stops at once (the row in progress is dropped: rows
 * are only ever written whole).
 *
 * Split: configurations are taken in decreasing estimated cost and each goes
 * to the slice, then the rank, with the least estimated work so far
 * (longest-processing-time first); every process computes the same split. */
#ifndef HS_RUNNER_H
#define HS_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hsmt.h"
#include "model.h"
#include "schema.h"
#include "score.h"
#include "sys.h"

typedef struct {
    char key[256];   /* the row's key columns, comma-joined (the CSV's first nkey) */
    char label[160]; /* for progress lines */
    double cost;     /* estimated relative cost (only ratios matter) */
    int index;       /* the suite's own index of the configuration */
    int ranks;       /* ranks that run it together (a power of two; 0 or 1: one rank) */
} hs_run_item;

typedef struct {
    const hs_schema *schema; /* the suite's columns, ending with the provenance ones; the file is
                                DIR/<schema->suite>.csv */
    const char *out;    /* results directory */
    const char *slice;  /* "I/N" or NULL for 0/1 */
    int resume;
    int print_grid;     /* 1: print the configurations (key, label, estimated cost) and stop */
    int threads;        /* recorded in the provenance columns */
    const char *note;   /* printed by rank 0 once the options are valid, or NULL */
    const char *summary; /* the file the suite writes beside the CSV after the grid
                            (hs_csv_replace_beside), or NULL */
} hs_run_opts;

typedef struct hs_run hs_run;

/* The options every grid suite takes: --config, --out, --resume, --slice,
 * --print-config, --print-header, --print-grid and (with_threads)
 * --threads. */
typedef struct {
    const char *config, *out, *slice;
    int resume, threads, print_grid;
} hs_run_cli;

/* Parses them and loads the configuration against keys into *cfg. Returns
 * HS_OK; HS_DONE after --help, --print-config (rank 0 printed the
 * configuration) or --print-header (the schema); or HS_EXIT_USAGE with the
 * message in e. *cfg is to be freed (hs_config_free) whenever the return is
 * HS_OK. */
int hs_run_parse(const hs_schema *schema, const char *usage, const hs_config_key *keys, int with_threads,
                 int argc, char **argv, hs_run_cli *cli, hs_config *cfg, hs_err *e);

/* Produces the CSV rows (complete lines, each ending with ",", then the
 * provenance written by hs_run_prov, and "\n") of configuration `it`. */
typedef void (*hs_run_fn)(void *ctx, const hs_run_item *it, hs_run *run, char **rows, size_t *len);

/* Collective. Validates the options (HS_EXIT_USAGE: bad --slice, existing
 * rows of this grid without --resume, an existing file with another header
 * or malformed, suites/csvlog.h), then runs this process's share of
 * items[0..count). Items with ranks = g > 1 run on groups of g consecutive
 * ranks (dist/comm.h), one phase per group size, largest first: fn is
 * called on every rank of the group (it may use collectives, which then
 * span the group) and the group's first rank appends the rows; items of
 * one rank are spread over all ranks. A group size that does not divide the
 * run's rank count is refused (HS_EXIT_USAGE). Returns HS_OK when all of it was done (rows appended),
 * HS_EXIT_INTERRUPTED (with the message to resume) when a signal stopped it,
 * HS_EXIT_FAILURE when a row could not be written (a full disk: the file
 * keeps the rows before it, --resume continues). */
int hs_run_grid(const hs_run_opts *o, hs_run_item *items, int count, hs_run_fn fn, void *ctx, hs_err *e);

/* Appends the provenance fields (no leading comma, no newline) to the
 * growing buffer *rows of length *len. */
void hs_run_prov(const hs_run *run, char **rows, size_t *len);
/* printf-style append to a growing buffer. */
void hs_run_cat(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 1 once a stop signal arrived: long configurations may poll it and give up
 * (then they return no rows). Always 0 inside a configuration that a group
 * of ranks runs together: they must not part ways; the group stops between
 * configurations. */
int hs_run_stopping(void);

/* Scores model m on sequences first .. first + count - 1 of task t (drawn
 * with the exact generator), adding to sc. A model that cannot follow a
 * sequence is an internal error (fatal). */
void hs_run_score_model(const hs_hsmt *t, hs_model *m, uint64_t first, long count, hs_score *sc);

/* Path of DIR/<suite>.csv (for summaries read after the grid ran). */
void hs_run_csv_path(const hs_run_opts *o, char *buf, size_t len);

#endif
