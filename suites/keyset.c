/* Hash set of results-row keys (see keyset.h). */
#include "keyset.h"

#include <stdint.h>
#include <string.h>

#include "sys.h"

/* Keys are stored back to back in blocks of at least BLOCK bytes; a slot
 * points into a block, so growing the table never moves a key. */
#define BLOCK ((size_t)1 << 16)

typedef struct {
    const char *key; /* NULL: empty slot */
    size_t len;
    uint64_t hash;
} slot;

typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block;

struct hs_keyset {
    slot *slots;
    size_t cap, count; /* cap a power of two; count <= cap / 2 */
    block *blocks;
};

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

hs_keyset *hs_keyset_new(void)
{
    hs_keyset *s = hs_calloc(1, sizeof *s);
    s->cap = 64;
    s->slots = hs_calloc(s->cap, sizeof *s->slots);
    return s;
}

/* The slot holding the key, or the empty slot where it belongs. */
static slot *find(const hs_keyset *s, const char *key, size_t len, uint64_t h)
{
    for (size_t i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        slot *e = &s->slots[i];
        if (!e->key || (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0))
            return e;
    }
}

int hs_keyset_has(const hs_keyset *s, const char *key, size_t len)
{
    return find(s, key, len, fnv(key, len))->key != NULL;
}

static const char *store(hs_keyset *s, const char *key, size_t len)
{
    block *b = s->blocks;
    if (!b || b->cap - b->used < len + 1) {
        const size_t cap = len + 1 > BLOCK ? len + 1 : BLOCK;
        b = hs_alloc(sizeof *b + cap);
        b->next = s->blocks;
        b->used = 0;
        b->cap = cap;
        s->blocks = b;
    }
    char *k = b->data + b->used;
    memcpy(k, key, len);
    k[len] = '\0';
    b->used += len + 1;
    return k;
}

static void grow(hs_keyset *s)
{
    slot *old = s->slots;
    const size_t n = s->cap;
    s->cap *= 2;
    s->slots = hs_calloc(s->cap, sizeof *s->slots);
    for (size_t i = 0; i < n; i++)
        if (old[i].key)
            *find(s, old[i].key, old[i].len, old[i].hash) = old[i];
    hs_sys_free(old);
}

int hs_keyset_add(hs_keyset *s, const char *key, size_t len)
{
    const uint64_t h = fnv(key, len);
    slot *e = find(s, key, len, h);
    if (e->key)
        return 0;
    *e = (slot){store(s, key, len), len, h};
    if (++s->count > s->cap / 2)
        grow(s);
    return 1;
}

size_t hs_keyset_count(const hs_keyset *s) { return s->count; }

void hs_keyset_free(hs_keyset *s)
{
    if (!s)
        return;
    for (block *b = s->blocks, *next; b; b = next) {
        next = b->next;
        hs_sys_free(b);
    }
    hs_sys_free(s->slots);
    hs_sys_free(s);
}
