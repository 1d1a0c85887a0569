/* The separation summary's decision for one group of rows (one task, model,
 * fit and quantisation; several sizes, several seeds per size), on plain
 * values so that it can be tested on hand-made rows (docs/spec.md#suite-separation):
 *   - a size passes when some seed reached epsilon; a size that does not
 *     is `plateau` when every seed's run plateaued, else `budget`;
 *   - the smallest passing size is the smallest one from which every larger
 *     size of the ladder passes (monotone: a size that passes below a
 *     failing one does not count, and the note says so);
 *   - the result is `determined` when every smaller size plateaued,
 *     `undetermined` when one of them stopped on its budget (a longer run
 *     might pass it), `none` when the largest size does not pass. */
#ifndef HS_SEPSUM_H
#define HS_SEPSUM_H

#include <stddef.h>

#include "schema.h"
#include "sys.h"

typedef struct {
    double size;      /* the ladder value (0 for models without a size) */
    double state_dim; /* orders the sizes */
    double excess;    /* held-out excess loss, bits per output */
    int verdict;      /* HS_VERDICT_* (core/train.h) */
    int trained;      /* 0: a model scored as it is (its miss counts as a plateau) */
} hs_sepsum_row;

enum { HS_SEPSUM_DETERMINED, HS_SEPSUM_UNDETERMINED, HS_SEPSUM_NONE };

typedef struct {
    int status; /* HS_SEPSUM_* */
    int best;   /* index (into the rows) of the smallest passing size's best seed; -1 for none */
    char note[192];
} hs_sepsum_result;

/* rows[0..n) of one group, in any order; n >= 1. A row of a model that is
 * not trained (verdict "missed" in the CSV) counts as a plateau; its note
 * says "not reached". */
void hs_sepsum_group(const hs_sepsum_row *rows, int n, hs_sepsum_result *out);
const char *hs_sepsum_status_name(int status);

/* The summary's name in the results directory. */
#define HS_SEPSUM_FILE "separation_summary.tsv"

/* The summary of a separation CSV (schema S) over the rows whose keys are
 * keys[0..nkeys) (this grid's; keys NULL: every row): one line per group (the key without size
 * and seed), in the order of keys, on stdout and in DIR/separation_summary.tsv
 * (atomically, under the lock of DIR; columns: docs/formats.md). HS_EXIT_FAILURE with a message
 * when the summary cannot be written. */
int hs_sepsum_write(const char *csv_path, const hs_schema *S, const char *const *keys, int nkeys, const char *dir,
                    hs_err *e);

#endif
