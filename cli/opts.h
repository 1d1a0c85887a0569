/* Command-line options: `--name value` or `--name=value`, typed and
 * range-checked, with one-line errors and exit status 2. */
#ifndef HS_OPTS_H
#define HS_OPTS_H

#include <stdint.h>

typedef enum { HS_OPT_INT, HS_OPT_LONG, HS_OPT_U64, HS_OPT_DOUBLE, HS_OPT_STR, HS_OPT_FLAG } hs_opt_type;

typedef struct {
    const char *name;  /* without the leading dashes */
    hs_opt_type type;
    void *dst;         /* int*, long*, uint64_t*, double*, const char**, int* (flag) */
    double min, max;   /* allowed range for numbers (inclusive) */
    int seen;          /* set by the parser */
} hs_opt;

/* Parses argv[0..argc-1] (options only) into opts, a NULL-name-terminated
 * array. `--help` prints usage to stdout and exits 0; anything malformed exits
 * 2 with "hypersep CMD: ..." on stderr. */
void hs_opts_parse(const char *cmd, const char *usage, hs_opt *opts, int argc, char **argv);
int hs_opts_seen(const hs_opt *opts, const char *name);
/* Prints "hypersep CMD: <message>" and exits 2. */
_Noreturn void hs_opts_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
