/* Typed command-line option parsing with range checks. */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

_Noreturn void hs_opts_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hypersep %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    hs_sys_exit(HS_EXIT_USAGE);
}

static void range_text(const hs_opt *o, char *buf, size_t len)
{
    if (o->max >= 1e300)
        snprintf(buf, len, ">= %.15g", o->min);
    else
        snprintf(buf, len, "%.15g..%.15g", o->min, o->max);
}

static void set_value(const char *cmd, hs_opt *o, const char *v)
{
    char range[80];
    range_text(o, range, sizeof range);
    char *end;
    errno = 0;
    switch (o->type) {
    case HS_OPT_INT:
    case HS_OPT_LONG:
    case HS_OPT_U64: {
        if (!*v || (o->type == HS_OPT_U64 && v[0] == '-'))
            hs_opts_fail(cmd, "--%s: '%s' is not an integer (allowed %s)", o->name, v, range);
        double x;
        if (o->type == HS_OPT_U64) {
            unsigned long long u = strtoull(v, &end, 10);
            x = (double)u;
            if (!errno && !*end)
                *(uint64_t *)o->dst = u;
        } else {
            long long l = strtoll(v, &end, 10);
            x = (double)l;
            if (!errno && !*end) {
                if (o->type == HS_OPT_INT && x >= -2147483648.0 && x <= 2147483647.0)
                    *(int *)o->dst = (int)l;
                else if (o->type == HS_OPT_LONG)
                    *(long *)o->dst = (long)l;
            }
        }
        if (errno || *end)
            hs_opts_fail(cmd, "--%s: '%s' is not an integer (allowed %s)", o->name, v, range);
        if (x < o->min || x > o->max)
            hs_opts_fail(cmd, "--%s: %s is out of range (allowed %s)", o->name, v, range);
        break;
    }
    case HS_OPT_DOUBLE: {
        double x = strtod(v, &end);
        if (!*v || errno || *end || !isfinite(x))
            hs_opts_fail(cmd, "--%s: '%s' is not a number (allowed %s)", o->name, v, range);
        if (x < o->min || x > o->max)
            hs_opts_fail(cmd, "--%s: %s is out of range (allowed %s)", o->name, v, range);
        *(double *)o->dst = x;
        break;
    }
    case HS_OPT_STR:
        if (!*v)
            hs_opts_fail(cmd, "--%s: empty value (a value is required)", o->name);
        *(const char **)o->dst = v;
        break;
    case HS_OPT_FLAG:
        *(int *)o->dst = 1;
        break;
    }
}

void hs_opts_parse(const char *cmd, const char *usage, hs_opt *opts, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0)
            hs_opts_fail(cmd, "unexpected argument '%s' (options start with --; see hypersep %s --help)",
                         a, cmd);
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        hs_opt *o = NULL;
        for (hs_opt *p = opts; p->name; p++)
            if (strlen(p->name) == nlen && strncmp(p->name, name, nlen) == 0)
                o = p;
        if (!o)
            hs_opts_fail(cmd, "unknown option '%.*s' (see hypersep %s --help)", (int)(nlen + 2), a, cmd);
        if (o->seen)
            hs_opts_fail(cmd, "--%s given twice (give it once)", o->name);
        o->seen = 1;
        const char *v;
        if (o->type == HS_OPT_FLAG) {
            if (eq)
                hs_opts_fail(cmd, "--%s takes no value", o->name);
            v = "";
        } else if (eq) {
            v = eq + 1;
        } else {
            if (i + 1 >= argc)
                hs_opts_fail(cmd, "--%s needs a value", o->name);
            v = argv[++i];
        }
        set_value(cmd, o, v);
    }
}

int hs_opts_seen(const hs_opt *opts, const char *name)
{
    for (const hs_opt *p = opts; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p->seen;
    return 0;
}
