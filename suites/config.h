/* Suite configuration files: `key = value` lines, `#` starts a comment,
 * lists are comma-separated. Each suite declares its keys (type, range,
 * built-in default, help) in a table; a file sets any subset of them and the
 * defaults fill in the rest, so running without --config is running the
 * built-in default. Every value, default or not, goes through the same
 * checks. Malformed input (unknown or repeated key, bad value, a list item
 * given twice, unreadable file) is HS_EXIT_USAGE with one line naming the
 * file, line and key; under MPI every rank parses the same file and reaches
 * the same verdict. */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stdio.h>

#include "sys.h"

#define HS_CONFIG_MAX_LIST 64
#define HS_CONFIG_MAX_KEYS 96

typedef enum {
    HS_CFG_INTS,   /* list of integers in [min, max] */
    HS_CFG_INT,    /* one integer in [min, max], or one of `words` */
    HS_CFG_DOUBLE, /* one number in [min, max] */
    HS_CFG_DOUBLES, /* list of numbers in [min, max] */
    HS_CFG_WORDS,  /* list of words, each one of `words` (comma-separated) or, when words
                      is NULL, any word without spaces */
} hs_config_type;

typedef struct {
    const char *key;
    hs_config_type type;
    double min, max;
    const char *def;   /* default value, in file syntax */
    const char *words; /* allowed words (see the types), or NULL */
    const char *help;  /* one line, for --print-config */
} hs_config_key;

typedef struct {
    const char *suite;
    const hs_config_key *keys; /* terminated by a NULL key */
    int nkeys;
    const char *source[HS_CONFIG_MAX_KEYS]; /* "FILE:LINE" or "default", per key */
    char *value[HS_CONFIG_MAX_KEYS];        /* value text, per key */
} hs_config;

/* Reads `path` (NULL: defaults only) against the table `keys`. Returns
 * HS_OK, or HS_EXIT_USAGE on malformed input (see the file comment); free c
 * in both cases. */
int hs_config_load(hs_config *c, const char *suite, const hs_config_key *keys, const char *path, hs_err *e);
void hs_config_free(hs_config *c);

/* Typed values of a key the table declares (asserted). Lists return their
 * length. hs_config_int returns -1 when the value is one of the key's words;
 * hs_config_word copies that word or value text. */
int hs_config_ints(const hs_config *c, const char *key, long *out);
/* The numbers of an HS_CFG_DOUBLES key into out[HS_CONFIG_MAX_LIST]; their count. */
int hs_config_doubles(const hs_config *c, const char *key, double *out);
long hs_config_int(const hs_config *c, const char *key);
double hs_config_double(const hs_config *c, const char *key);
int hs_config_words(const hs_config *c, const char *key, char out[][32]);
const char *hs_config_text(const hs_config *c, const char *key);

/* HS_EXIT_USAGE with "hypersep suite SUITE: SOURCE: KEY: message", for
 * checks that need several keys (e.g. a task the generator refuses). */
int hs_config_err(const hs_config *c, hs_err *e, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The effective configuration as a config file (value and where it came
 * from, with each key's help), for --print-config and for the record. */
void hs_config_print(const hs_config *c, FILE *out);

#endif
