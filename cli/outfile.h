/* Output files that appear whole or not at all: data goes to a temporary file
 * next to the target, which is fsynced and renamed over it on commit. If the
 * command fails or is interrupted (SIGINT, SIGTERM), the temporary file is
 * removed and the target is left as it was. */
#ifndef HS_OUTFILE_H
#define HS_OUTFILE_H

#include <stdio.h>

/* Opens the output: stdout when path is NULL or "-". */
FILE *hs_out_open(const char *cmd, const char *path);
/* Flushes, syncs and renames into place; exits 1 with file and line on an
 * I/O error. */
void hs_out_commit(FILE *f);

#endif
