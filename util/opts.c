/* Typed command-line option parsing with range checks. */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void range_text(const hs_opt *o, char *buf, size_t len)
{
    if (o->max >= 1e300)
        snprintf(buf, len, ">= %.15g", o->min);
    else
        snprintf(buf, len, "%.15g..%.15g", o->min, o->max);
}

int hs_opts_u64(const char *s, uint64_t *out)
{
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        const unsigned dgt = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return -1;
        v = v * 10 + dgt;
    }
    *out = v;
    return 0;
}

/* A signed decimal integer: an optional '-', then digits only. */
static int parse_i64(const char *s, long long *out)
{
    const int neg = s[0] == '-';
    uint64_t u;
    if (hs_opts_u64(s + neg, &u) != 0 || u > (uint64_t)LLONG_MAX + (uint64_t)neg)
        return -1;
    *out = neg ? (long long)(0 - u) : (long long)u;
    return 0;
}

static int set_value(const char *cmd, hs_opt *o, const char *v, hs_err *e)
{
    char range[80];
    range_text(o, range, sizeof range);
    switch (o->type) {
    case HS_OPT_INT:
    case HS_OPT_LONG:
    case HS_OPT_U64: {
        double x;
        uint64_t u = 0;
        long long l = 0;
        if (o->type == HS_OPT_U64 ? hs_opts_u64(v, &u) != 0 : parse_i64(v, &l) != 0)
            return hs_err_usage(e, cmd, "--%s: '%s' is not an integer (allowed %s)", o->name, v, range);
        x = o->type == HS_OPT_U64 ? (double)u : (double)l;
        if (x < o->min || x > o->max)
            return hs_err_usage(e, cmd, "--%s: %s is out of range (allowed %s)", o->name, v, range);
        if (o->type == HS_OPT_U64)
            *(uint64_t *)o->dst = u;
        else if (o->type == HS_OPT_INT)
            *(int *)o->dst = (int)l; /* in range: min and max are ints */
        else
            *(long *)o->dst = (long)l;
        return HS_OK;
    }
    case HS_OPT_DOUBLE: {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        if (!*v || isspace((unsigned char)*v) || errno || *end || !isfinite(x))
            return hs_err_usage(e, cmd, "--%s: '%s' is not a number (allowed %s)", o->name, v, range);
        if (x < o->min || x > o->max)
            return hs_err_usage(e, cmd, "--%s: %s is out of range (allowed %s)", o->name, v, range);
        *(double *)o->dst = x;
        return HS_OK;
    }
    case HS_OPT_STR:
        if (!*v)
            return hs_err_usage(e, cmd, "--%s: empty value (a value is required)", o->name);
        *(const char **)o->dst = v;
        return HS_OK;
    case HS_OPT_FLAG:
        *(int *)o->dst = 1;
        return HS_OK;
    }
    return HS_OK;
}

int hs_opts_parse(const char *cmd, const char *usage, hs_opt *opts, int argc, char **argv, hs_err *e)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return HS_DONE;
        }
        if (strncmp(a, "--", 2) != 0)
            return hs_err_usage(e, cmd, "unexpected argument '%s' (options start with --; see hypersep %s --help)",
                                a, cmd);
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        hs_opt *o = NULL;
        for (hs_opt *p = opts; p->name; p++)
            if (strlen(p->name) == nlen && strncmp(p->name, name, nlen) == 0)
                o = p;
        if (!o)
            return hs_err_usage(e, cmd, "unknown option '%.*s' (see hypersep %s --help)", (int)(nlen + 2), a, cmd);
        if (o->seen)
            return hs_err_usage(e, cmd, "--%s given twice (give it once)", o->name);
        o->seen = 1;
        const char *v;
        if (o->type == HS_OPT_FLAG) {
            if (eq)
                return hs_err_usage(e, cmd, "--%s takes no value", o->name);
            v = "";
        } else if (eq) {
            v = eq + 1;
        } else {
            if (i + 1 >= argc)
                return hs_err_usage(e, cmd, "--%s needs a value", o->name);
            v = argv[++i];
        }
        int rc = set_value(cmd, o, v, e);
        if (rc != HS_OK)
            return rc;
    }
    return HS_OK;
}

int hs_opts_seen(const hs_opt *opts, const char *name)
{
    for (const hs_opt *p = opts; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p->seen;
    return 0;
}
