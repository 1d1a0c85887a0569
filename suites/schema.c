/* The suites' column tables. */
#include "schema.h"

#include <assert.h>
#include <string.h>

#define I HS_COL_INT
#define F HS_COL_FLOAT
#define S HS_COL_TEXT
/* Provenance of every grid-suite row (suites/runner.c writes them); text:
 * they are reported, never computed with. */
#define PROVENANCE                                                                                           \
    {"slice", S}, {"rank", S}, {"version", S}, {"git_rev", S}, {"host", S}, {"ranks", S}, {"threads", S},   \
        {"counters", S}, {"timestamp", S}

static const hs_col separation[] = {
    {"k", I}, {"ell", I}, {"n", I}, {"d", I}, {"bases", S}, {"queries", I}, {"model", S}, {"size", I},
    {"layers", I}, {"steps", I}, {"batch", I}, {"lr", F}, {"seed", I}, {"loss", S}, {"quant_bits", I},
    {"curriculum", S},
    {"fit", S}, {"corr_length", I}, {"params", I}, {"memory_bits", F}, {"state_dim", F}, {"alt_state_dim", F},
    {"excess_loss_bits", F}, {"cross_entropy_bits", F}, {"optimum_bits", F}, {"tv", F}, {"eval_sequences", I},
    {"train_seconds", F}, {"eval_seconds", F}, {"steps_used", I}, {"verdict", S}, {"lower_bound_bits", F},
    {"lower_bound_dim", F}, {"quantum_bits", F}, {"exact_bits", F}, {"epsilon", F}, {"curve", S}, PROVENANCE};

/* One table for the four parts (docs/formats.md#trainability): kind lie,
 * variance, run and curve rows leave the columns of the other parts empty. */
static const hs_col trainability[] = {
    {"kind", S}, {"model", S}, {"k", I}, {"n", I}, {"ell", I}, {"queries", I}, {"reading", S}, {"init", S},
    {"seed", I}, {"steps", I}, {"lr", F}, {"step", I},
    {"samples", I}, {"params", I}, {"grad_var", F}, {"grad_var_lo", F}, {"grad_var_hi", F},
    {"grad_var_query", F}, {"grad_var_query_lo", F}, {"grad_var_query_hi", F}, {"grad_abs_mean", F},
    {"loss_bits", F}, {"excess_loss_bits", F}, {"steps_used", I}, {"verdict", S}, {"lie_dim", I},
    {"lie_expected", F}, {"seconds", F}, PROVENANCE};

static const hs_col contextuality[] = {
    {"k", I}, {"n", I}, {"d", I}, {"bases", S}, {"states", I}, {"seed", I},
    {"contexts", I}, {"lp_rows", I}, {"lp_cols", I}, {"infeasible", I}, {"ncf_mean", F}, {"ncf_min", F},
    {"ncf_max", F}, {"presample_excess_bits", F}, {"presample_memory_bits", F}, {"exact_bits", F},
    {"eval_sequences", I}, {"lp_seconds", F}, PROVENANCE};

/* The engine suite's key is a measurement group (one n of one run
 * configuration), shared by the rows of its operations. */
static const hs_col engine[] = {
    {"n", I}, {"k", I}, {"ell", I}, {"ranks", I}, {"threads", I}, {"repeats", I}, {"seed", I},
    {"operation", S}, {"median_s", F}, {"min_s", F}, {"max_s", F}, {"stream_median_s", F}, {"passes", F},
    {"slice_amps", I}, {"exchange_bytes", F}, {"exchange_median_s", F}, {"mem_per_rank_bytes", I},
    {"counters", S}, {"ctr1", F}, {"ctr2", F}, {"ctr3", F}, {"ctr4", F}, {"nodes", I}, {"transport", S},
    {"kernels", S}, {"version", S}, {"git_rev", S}, {"host", S}, {"timestamp", S}};

#define TABLE(name, key) {#name, name, (int)(sizeof name / sizeof name[0]), key}
static const hs_schema schemas[] = {
    TABLE(separation, 16),
    TABLE(trainability, 12),
    TABLE(contextuality, 6),
    TABLE(engine, 7),
};
enum { NSCHEMAS = sizeof schemas / sizeof schemas[0] };

const hs_schema *hs_schema_find(const char *name)
{
    for (int i = 0; i < NSCHEMAS; i++)
        if (strcmp(schemas[i].suite, name) == 0)
            return &schemas[i];
    return NULL;
}

const hs_schema *hs_schema_of_file(const char *file)
{
    for (int i = 0; i < NSCHEMAS; i++) {
        const size_t n = strlen(schemas[i].suite);
        if (strncmp(file, schemas[i].suite, n) == 0 && strcmp(file + n, ".csv") == 0)
            return &schemas[i];
    }
    return NULL;
}

const char *hs_schema_names(void)
{
    static char names[128];
    if (!names[0])
        for (int i = 0; i < NSCHEMAS; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", schemas[i].suite);
    return names;
}

void hs_schema_header(const hs_schema *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->ncols && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "", s->cols[i].name);
    assert(used < len);
}

int hs_schema_col(const hs_schema *s, const char *name)
{
    for (int i = 0; i < s->ncols; i++)
        if (strcmp(s->cols[i].name, name) == 0)
            return i;
    assert(!"column not in the suite's table");
    return -1;
}

void hs_schema_print(const hs_schema *s, FILE *out)
{
    static const char *type[] = {"int", "float", "text"};
    fputs("column\ttype\tkey\n", out);
    for (int i = 0; i < s->ncols; i++)
        fprintf(out, "%s\t%s\t%s\n", s->cols[i].name, type[s->cols[i].type], i < s->nkey ? "yes" : "no");
}
