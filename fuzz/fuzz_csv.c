/* Fuzz target: the results-CSV reader (suites/csvfile.c) on the bytes of a
 * file, with the schema whose header the input starts with (separation's
 * otherwise, reading from the first newline), both refusing and repairing a
 * torn last line; every row's key goes into a key set (suites/keyset.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvfile.h"
#include "keyset.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    hs_keyset *keys;
    int ncols, nkey;
} rows_ctx;

static void on_row(void *vctx, const char *line, size_t len, size_t keylen)
{
    rows_ctx *c = vctx;
    /* What the reader promises: a row without newline or NUL, whose key is
     * its first nkey fields. */
    if (keylen >= len || memchr(line, '\n', len) || memchr(line, '\0', len) || line[keylen] != ',')
        __builtin_trap();
    hs_keyset_add(c->keys, line, keylen);
    if (!hs_keyset_has(c->keys, line, keylen))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    static const char *const suites[] = {"separation", "trainability", "contextuality", "engine"};
    const hs_schema *s = hs_schema_find("separation");
    size_t body = 0;
    char err[768], header[2048];
    for (int i = 0; i < 4; i++) {
        const hs_schema *t = hs_schema_find(suites[i]);
        hs_schema_header(t, header, sizeof header);
        if (hs_csvfile_header("fuzz.csv", text, size, header, &body, err, sizeof err) == 0) {
            s = t;
            break;
        }
    }
    if (!body) {
        const char *nl = memchr(text, '\n', size);
        body = nl ? (size_t)(nl - text) + 1 : size;
    }
    for (int repair = 0; repair < 2; repair++) {
        rows_ctx c = {hs_keyset_new(), s->ncols, s->nkey};
        const hs_csvfile_spec spec = {"fuzz.csv", s->ncols, s->nkey, repair, "fuzz"};
        size_t end = 0;
        const int rc = hs_csvfile_rows(&spec, text, size, body, 2, &end, on_row, &c, err, sizeof err);
        if (rc == 0 && (end > size || end < body || (!repair && end != size) ||
                        (end < size && memchr(text + end, '\n', size - end))))
            __builtin_trap(); /* only a last line without newline is left over */
        if (rc != 0 && (!err[0] || strchr(err, '\n')))
            __builtin_trap();
        hs_keyset_free(c.keys);
    }
    return 0;
}
