/* Command-line options: `--name value` or `--name=value`, typed and
 * range-checked. Parsing returns a status (sys.h) and a one-line message
 * naming the option, the value and what is allowed; the caller returns it to
 * cli/main.c, which prints it and exits 2. */
#ifndef HS_OPTS_H
#define HS_OPTS_H

#include <stdint.h>

#include "sys.h"

typedef enum { HS_OPT_INT, HS_OPT_LONG, HS_OPT_U64, HS_OPT_DOUBLE, HS_OPT_STR, HS_OPT_FLAG } hs_opt_type;

typedef struct {
    const char *name;  /* without the leading dashes */
    hs_opt_type type;
    void *dst;         /* int*, long*, uint64_t*, double*, const char**, int* (flag) */
    double min, max;   /* allowed range for numbers (inclusive) */
    int seen;          /* set by the parser */
} hs_opt;

/* Parses argv[0..argc-1] (options only) into opts, a NULL-name-terminated
 * array. Returns HS_OK; HS_DONE after `--help` printed usage to stdout; or
 * HS_EXIT_USAGE with "hypersep CMD: ..." in e. */
int hs_opts_parse(const char *cmd, const char *usage, hs_opt *opts, int argc, char **argv, hs_err *e);
int hs_opts_seen(const hs_opt *opts, const char *name);

/* Parses a decimal unsigned integer: digits only (no sign, no spaces), no
 * overflow. Returns 0, or -1 when s is not one. */
int hs_opts_u64(const char *s, uint64_t *out);

#endif
