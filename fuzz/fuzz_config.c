/* Fuzz target: the suite configuration parser (suites/config.c) against a
 * key table with every kind of key; an accepted file is read back through
 * every getter and printed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const hs_config_key keys[] = {
    {"k", HS_CFG_INTS, 1, 8, "1,2,3", NULL, "orders"},
    {"ell", HS_CFG_INTS, 0, 1e6, "2,4", NULL, "lengths"},
    {"n", HS_CFG_INT, 1, 62, "auto", "auto", "sites or auto"},
    {"steps", HS_CFG_INT, 1, 1e9, "3000", NULL, "steps"},
    {"epsilon", HS_CFG_DOUBLE, 0, 10, "0.01", NULL, "target"},
    {"models", HS_CFG_WORDS, 0, 0, "lstm,exact", "lstm,gru,exact,khrnn", "models"},
    {"bases", HS_CFG_WORDS, 0, 0, "default", NULL, "bases"},
    {"seed", HS_CFG_INTS, 0, 9e18, "1", NULL, "seeds"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_config c;
    hs_err e = {{0}};
    const int rc = hs_config_load(&c, "fuzz", keys, hs_fuzz_file(data, size), &e);
    if (rc != HS_OK) {
        if (rc != HS_EXIT_USAGE || !e.msg[0] || strchr(e.msg, '\n'))
            __builtin_trap();
        hs_config_free(&c);
        return 0;
    }
    long v[HS_CONFIG_MAX_LIST];
    char w[HS_CONFIG_MAX_LIST][32];
    if (hs_config_ints(&c, "k", v) < 1 || hs_config_ints(&c, "seed", v) < 1 || hs_config_words(&c, "models", w) < 1 ||
        hs_config_words(&c, "bases", w) < 1)
        __builtin_trap();
    (void)hs_config_int(&c, "n");
    (void)hs_config_double(&c, "epsilon");
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        hs_config_print(&c, null);
        fclose(null);
    }
    hs_config_free(&c);
    return 0;
}
