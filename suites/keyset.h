/* A set of byte strings (the key columns of results rows): open addressing
 * with FNV-1a hashes, keys copied into growing blocks, so adding and looking
 * up cost O(key length) on average and a file of R rows is indexed in O(R)
 * time, where a list scanned per row would cost O(R^2). */
#ifndef HS_KEYSET_H
#define HS_KEYSET_H

#include <stddef.h>

typedef struct hs_keyset hs_keyset;

hs_keyset *hs_keyset_new(void);
/* 1 when the len bytes at key are in the set. */
int hs_keyset_has(const hs_keyset *s, const char *key, size_t len);
/* Adds the key; returns 1 when it was new, 0 when it was already there. */
int hs_keyset_add(hs_keyset *s, const char *key, size_t len);
size_t hs_keyset_count(const hs_keyset *s);
void hs_keyset_free(hs_keyset *s);

#endif
