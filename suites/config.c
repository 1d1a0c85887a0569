/* Suite configuration files: parsing and validation against a key table. */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

/* "hypersep suite SUITE: message" with status HS_EXIT_USAGE. Every rank
 * reads the same file and reaches the same verdict. */
static int fail(hs_err *e, const char *suite, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(hs_err *e, const char *suite, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hs_err_usage(e, "suite", "%s: %s", suite, msg);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int find(const hs_config *c, const char *key)
{
    for (int i = 0; i < c->nkeys; i++)
        if (strcmp(c->keys[i].key, key) == 0)
            return i;
    return -1;
}

static int is_word(const char *words, const char *w)
{
    if (!words)
        return 0;
    size_t n = strlen(w);
    for (const char *p = words; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, w, n) == 0)
            return 1;
        p += len + (e != NULL);
    }
    return 0;
}

static void range_text(const hs_config_key *k, char *buf, size_t len)
{
    if (k->type == HS_CFG_WORDS)
        snprintf(buf, len, "%s", k->words ? k->words : "words without spaces");
    else if (k->type == HS_CFG_INT && k->words)
        snprintf(buf, len, "%s or an integer in %.15g..%.15g", k->words, k->min, k->max);
    else
        snprintf(buf, len, "%s in %.15g..%.15g",
                 k->type == HS_CFG_DOUBLE ? "a number" : k->type == HS_CFG_DOUBLES ? "numbers" : "integers", k->min,
                 k->max);
}

/* Checks one value against its key; HS_EXIT_USAGE naming where it came from.
 * A list may not repeat an item: every item is a configuration or a model,
 * and the grid would hold it twice. */
static int check(const hs_config *c, int i, const char *src, const char *v, hs_err *e)
{
    const hs_config_key *k = &c->keys[i];
    char allowed[512];
    range_text(k, allowed, sizeof allowed);
    if (!*v)
        return fail(e, c->suite, "%s: %s: empty value (allowed: %s)", src, k->key, allowed);
    const int list = k->type == HS_CFG_INTS || k->type == HS_CFG_DOUBLES || k->type == HS_CFG_WORDS;
    const int real = k->type == HS_CFG_DOUBLE || k->type == HS_CFG_DOUBLES;
    char seen[HS_CONFIG_MAX_LIST][256];
    int count = 0;
    for (const char *p = v;; count++) {
        const char *comma = strchr(p, ',');
        char item[256];
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len >= sizeof item)
            return fail(e, c->suite, "%s: %s: value too long (allowed: %s)", src, k->key, allowed);
        memcpy(item, p, len);
        item[len] = '\0';
        char *w = trim(item);
        if (!list && comma)
            return fail(e, c->suite, "%s: %s: '%s' is a list, one value expected (allowed: %s)", src, k->key, v,
                        allowed);
        if (count == HS_CONFIG_MAX_LIST)
            return fail(e, c->suite, "%s: %s: more than %d values", src, k->key, HS_CONFIG_MAX_LIST);
        if (!*w)
            return fail(e, c->suite, "%s: %s: empty item in '%s' (allowed: %s)", src, k->key, v, allowed);
        if (k->type == HS_CFG_WORDS) {
            if (k->words ? !is_word(k->words, w) : strpbrk(w, " \t") != NULL)
                return fail(e, c->suite, "%s: %s: '%s' is not allowed (allowed: %s)", src, k->key, w, allowed);
        } else if (!(k->type == HS_CFG_INT && is_word(k->words, w))) {
            char *end;
            errno = 0;
            double x = real ? strtod(w, &end) : (double)strtoll(w, &end, 10);
            if (errno || *end || x != x)
                return fail(e, c->suite, "%s: %s: '%s' is not %s (allowed: %s)", src, k->key, w,
                            real ? "a number" : "an integer", allowed);
            if (x < k->min || x > k->max)
                return fail(e, c->suite, "%s: %s: %s is out of range (allowed: %s)", src, k->key, w, allowed);
        }
        for (int j = 0; j < count; j++)
            if (strcmp(seen[j], w) == 0)
                return fail(e, c->suite, "%s: %s: '%s' is listed twice in '%s' (allowed: distinct items)", src,
                            k->key, w, v);
        snprintf(seen[count], sizeof seen[count], "%s", w);
        if (!comma)
            break;
        p = comma + 1;
    }
    return HS_OK;
}

static int set(hs_config *c, int i, const char *src, const char *v, hs_err *e)
{
    int rc = check(c, i, src, v, e);
    if (rc != HS_OK)
        return rc;
    hs_sys_free(c->value[i]);
    hs_sys_free((void *)c->source[i]);
    c->value[i] = hs_alloc(strlen(v) + 1);
    strcpy(c->value[i], v);
    char *s = hs_alloc(strlen(src) + 1);
    strcpy(s, src);
    c->source[i] = s;
    return HS_OK;
}

int hs_config_load(hs_config *c, const char *suite, const hs_config_key *keys, const char *path, hs_err *e)
{
    memset(c, 0, sizeof *c);
    c->suite = suite;
    c->keys = keys;
    while (keys[c->nkeys].key)
        c->nkeys++;
    assert(c->nkeys <= HS_CONFIG_MAX_KEYS);
    int rc = HS_OK;
    for (int i = 0; i < c->nkeys && rc == HS_OK; i++)
        rc = set(c, i, "default", keys[i].def, e);
    if (rc != HS_OK || !path)
        return rc;
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(e, suite, "--config: cannot read '%s' (%s)", path, strerror(errno));
    char line[4096], src[4200];
    unsigned char given[HS_CONFIG_MAX_KEYS] = {0};
    for (int lineno = 1; rc == HS_OK && fgets(line, sizeof line, f); lineno++) {
        snprintf(src, sizeof src, "%s:%d", path, lineno);
        if (!strchr(line, '\n') && !feof(f)) {
            rc = fail(e, suite, "%s: line longer than %zu characters", src, sizeof line - 2);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = fail(e, suite, "%s: '%s' is not a 'key = value' line", src, s);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        int i = find(c, key);
        if (i < 0) {
            char names[2048] = "";
            for (int j = 0; j < c->nkeys; j++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", j ? ", " : "", keys[j].key);
            rc = fail(e, suite, "%s: unknown key '%s' (allowed: %s)", src, key, names);
            break;
        }
        if (given[i]) {
            rc = fail(e, suite, "%s: key '%s' given twice (first at %s)", src, key, c->source[i]);
            break;
        }
        given[i] = 1;
        rc = set(c, i, src, val, e);
    }
    if (rc == HS_OK && ferror(f))
        rc = fail(e, suite, "--config: error reading '%s'", path);
    fclose(f);
    return rc;
}

void hs_config_free(hs_config *c)
{
    for (int i = 0; i < c->nkeys; i++) {
        hs_sys_free(c->value[i]);
        hs_sys_free((void *)c->source[i]);
    }
}

static int index_of(const hs_config *c, const char *key)
{
    int i = find(c, key);
    assert(i >= 0 && "key not in the suite's table");
    return i;
}

int hs_config_ints(const hs_config *c, const char *key, long *out)
{
    int i = index_of(c, key), n = 0;
    assert(c->keys[i].type == HS_CFG_INTS);
    for (const char *p = c->value[i]; p; n++) {
        out[n] = strtol(p, NULL, 10);
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return n;
}

long hs_config_int(const hs_config *c, const char *key)
{
    int i = index_of(c, key);
    assert(c->keys[i].type == HS_CFG_INT);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", c->value[i]);
    return is_word(c->keys[i].words, trim(buf)) ? -1 : strtol(c->value[i], NULL, 10);
}

int hs_config_doubles(const hs_config *c, const char *key, double *out)
{
    int i = index_of(c, key), n = 0;
    assert(c->keys[i].type == HS_CFG_DOUBLES);
    for (const char *p = c->value[i]; p; n++) {
        out[n] = strtod(p, NULL);
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return n;
}

double hs_config_double(const hs_config *c, const char *key)
{
    int i = index_of(c, key);
    assert(c->keys[i].type == HS_CFG_DOUBLE);
    return strtod(c->value[i], NULL);
}

int hs_config_words(const hs_config *c, const char *key, char out[][32])
{
    int i = index_of(c, key), n = 0;
    assert(c->keys[i].type == HS_CFG_WORDS);
    for (const char *p = c->value[i]; p; n++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char item[256];
        memcpy(item, p, len < sizeof item ? len : sizeof item - 1);
        item[len < sizeof item ? len : sizeof item - 1] = '\0';
        snprintf(out[n], 32, "%s", trim(item));
        p = e ? e + 1 : NULL;
    }
    return n;
}

const char *hs_config_text(const hs_config *c, const char *key) { return c->value[index_of(c, key)]; }

int hs_config_err(const hs_config *c, hs_err *e, const char *key, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(e, c->suite, "%s: %s: %s", c->source[index_of(c, key)], key, msg);
}

void hs_config_print(const hs_config *c, FILE *out)
{
    fprintf(out, "# hypersep suite %s configuration (key = value; lists comma-separated)\n", c->suite);
    for (int i = 0; i < c->nkeys; i++) {
        char allowed[512];
        range_text(&c->keys[i], allowed, sizeof allowed);
        fprintf(out, "\n# %s\n# allowed: %s%s%s\n%s = %s\n", c->keys[i].help, allowed,
                strcmp(c->source[i], "default") ? "; set at " : "",
                strcmp(c->source[i], "default") ? c->source[i] : "", c->keys[i].key, c->value[i]);
    }
}
