/* The HSMT dataset text format (docs/spec.md#datasets; docs/formats.md): a header
 * line with the configuration, a column line, then one sequence per line with
 * writes, queries, outcomes and the exact conditional probabilities. */
#ifndef HS_DATASET_H
#define HS_DATASET_H

#include <stdio.h>

#include "hsmt.h"

/* Writers return 0, or -1 on an I/O error (errno set). */
int hs_dataset_write_header(FILE *f, const hs_hsmt *cfg);
int hs_dataset_write_seq(FILE *f, const hs_hsmt *cfg, const hs_seq *s);

/* Reader. Every error message is one line of the form
 * "FILE:LINE: what is wrong (what is allowed)". */
typedef struct hs_dataset_reader hs_dataset_reader;
/* Opens the file and parses the two header lines into cfg (validated). NULL on
 * error, with the message in err. */
hs_dataset_reader *hs_dataset_open(const char *path, hs_hsmt *cfg, char *err, size_t errlen);
/* Reads the next sequence into s (hs_seq_alloc'd or zeroed; reallocated as
 * needed). Returns 1 for a sequence, 0 at a clean end of file, -1 on a
 * malformed, truncated or inconsistent line. */
int hs_dataset_next(hs_dataset_reader *r, hs_seq *s, char *err, size_t errlen);
void hs_dataset_close(hs_dataset_reader *r);

#endif
