/* The configuration keys of `hypersep suite separation`: the keys every
 * grid has, and those the model registry adds (per trainable model M its
 * learning rate M_lr; per trained model M_<hyperparameter>, a list for the
 * size ladder; one key NAME for a hyperparameter they all share). */
#ifndef HS_SEPKEYS_H
#define HS_SEPKEYS_H

#include <stddef.h>

#include "config.h"
#include "registry.h"

/* The key table and the storage of its generated names and defaults. */
typedef struct {
    hs_config_key keys[HS_CONFIG_MAX_KEYS];
    char names[HS_CONFIG_MAX_KEYS][48], defs[HS_CONFIG_MAX_KEYS][32], help[HS_CONFIG_MAX_KEYS][112];
    char models[256];
    int n;
} hs_sepkeys;

/* Fills K (its keys terminated by a NULL key). */
void hs_sepkeys_build(hs_sepkeys *K);
/* The config key of model m's hyperparameter j (-1: its learning rate). */
void hs_sepkeys_hp(const hs_model_desc *m, int j, char *buf, size_t len);

#endif
