/* The column tables of the suites' results files (docs/formats.md): one per
 * suite, the only place a suite's CSV layout is written down. Each column has
 * a name, a type and whether it is part of the row's key (the first nkey
 * columns: a configuration, or for the engine suite a measurement group).
 * The suites build their headers from these tables, `suite merge` takes the
 * key width from them, `hypersep suite NAME --print-header` prints them, and
 * a test checks analysis/suite_csv.py against that output. */
#ifndef HS_SCHEMA_H
#define HS_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

typedef enum { HS_COL_INT, HS_COL_FLOAT, HS_COL_TEXT } hs_col_type;

typedef struct {
    const char *name;
    hs_col_type type;
} hs_col;

typedef struct {
    const char *suite;  /* the file is DIR/<suite>.csv */
    const hs_col *cols; /* [ncols] */
    int ncols, nkey;
} hs_schema;

/* The grid suites' provenance columns, after their own. */
#define HS_SCHEMA_NPROV 9

/* The schema of suite `name` ("separation", "trainability",
 * "contextuality", "engine"), or of a results file name ("separation.csv");
 * NULL for others. */
const hs_schema *hs_schema_find(const char *name);
const hs_schema *hs_schema_of_file(const char *file);
/* Names of the suites with a schema, comma-separated. */
const char *hs_schema_names(void);

/* The CSV header line, no newline: the names joined by commas. */
void hs_schema_header(const hs_schema *s, char *buf, size_t len);
/* Index of column `name` (asserted to exist). */
int hs_schema_col(const hs_schema *s, const char *name);
/* `--print-header`: "column<TAB>type<TAB>key" then one line per column
 * (type int, float or text; key yes or no). */
void hs_schema_print(const hs_schema *s, FILE *out);

#endif
