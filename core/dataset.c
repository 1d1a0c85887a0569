/* The HSMT dataset text format (docs/spec.md#datasets, docs/formats.md). The writer's
 * output is a pure function of the configuration and the sequences, so equal
 * runs give byte-identical files. The reader checks every field against the
 * header's configuration: a file is either read back exactly as written
 * (bit-identical probabilities) or rejected with "FILE:LINE: problem". */
#include "dataset.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "combin.h"
#include "sys.h"

#define MAGIC "# hypersep-hsmt "
#define VERSION "v1"
#define COLUMNS "id\twrites\tqueries\toutcomes\tprobs"
/* Longest "Z,X,Y"-style list: HS_MAX_BASES names of at most 2 digits. */
#define BASES_LEN (HS_MAX_BASES * 4)
/* Bytes of an offending token quoted in a message. */
#define SHOW_LEN 48

/* A distribution read back must sum to 1 within this. Probabilities are
 * printed with 17 significant digits, which round-trips every double exactly,
 * so the sum read equals the generator's own sum, whose rounding is ~d * 1e-16
 * (<= 1e-14 for d <= 64). 1e-9 leaves five orders of magnitude for that and
 * still rejects any distribution edited by hand or produced by another tool
 * with fewer digits than it should. */
#define SUM_TOL 1e-9

static void bases_list(const hs_hsmt *cfg, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int b = 0; b < cfg->nbases; b++) {
        char name[16];
        hs_hsmt_basis_name(cfg->bases[b], cfg->d, name, sizeof name);
        int w = snprintf(buf + at, len - at, "%s%s", b ? "," : "", name);
        assert(w > 0 && (size_t)w < len - at);
        at += (size_t)w;
    }
}

int hs_dataset_write_header(FILE *f, const hs_hsmt *cfg)
{
    char bases[BASES_LEN];
    bases_list(cfg, bases, sizeof bases);
    fprintf(f, MAGIC VERSION " n=%d k=%d d=%d ell=%ld q=%d bases=%s seed=%" PRIu64 "\n" COLUMNS "\n",
            cfg->n, cfg->k, cfg->d, cfg->ell, cfg->q, bases, cfg->seed);
    return ferror(f) ? -1 : 0;
}

int hs_dataset_write_seq(FILE *f, const hs_hsmt *cfg, const hs_seq *s)
{
    assert(s->ell == cfg->ell && s->q == cfg->q && s->d == cfg->d);
    fprintf(f, "%" PRIu64 "\t", s->id);
    int sites[HS_MAX_SITES];
    for (long t = 0; t < s->ell; t++) {
        hs_comb_unrank(s->writes[t], cfg->n, cfg->k, sites);
        for (int i = 0; i < cfg->k; i++)
            fprintf(f, "%s%d", i ? "." : t ? "," : "", sites[i]);
    }
    putc('\t', f);
    for (int t = 0; t < s->q; t++) {
        char name[16];
        assert(s->basis[t] >= 0 && s->basis[t] < cfg->nbases);
        fprintf(f, "%s%d:%s", t ? "," : "", s->sites[t],
                hs_hsmt_basis_name(cfg->bases[s->basis[t]], cfg->d, name, sizeof name));
    }
    putc('\t', f);
    for (int t = 0; t < s->q; t++)
        fprintf(f, "%s%d", t ? "," : "", s->outcomes[t]);
    putc('\t', f);
    /* %.17g: 17 significant digits identify a double uniquely. */
    for (int t = 0; t < s->q; t++)
        for (int o = 0; o < s->d; o++)
            fprintf(f, "%s%.17g", o ? "/" : t ? "," : "", s->probs[(size_t)t * s->d + o]);
    putc('\n', f);
    return ferror(f) ? -1 : 0;
}

struct hs_dataset_reader {
    FILE *f;
    char *path;
    char *line;          /* getline buffer: grows to the longest line */
    size_t cap;
    long lineno;         /* 1-based number of the line in `line` */
    hs_hsmt cfg;
    char bases[BASES_LEN];
    int have_id;
    uint64_t last_id;
    int failed;          /* after an error every call repeats msg */
    char msg[512];
};

/* Formats "PATH:LINE: problem" into r->msg and err; always returns -1. */
__attribute__((format(printf, 4, 5)))
static int fail(hs_dataset_reader *r, char *err, size_t errlen, const char *fmt, ...)
{
    int at = snprintf(r->msg, sizeof r->msg, "%s:%ld: ", r->path, r->lineno);
    if (at >= 0 && (size_t)at < sizeof r->msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg + at, sizeof r->msg - (size_t)at, fmt, ap);
        va_end(ap);
    }
    r->failed = 1;
    snprintf(err, errlen, "%s", r->msg);
    return -1;
}

/* A token as it may appear in a one-line message: at most SHOW_LEN - 4 bytes,
 * control bytes replaced by '?'. */
static const char *show(const char *tok, char buf[SHOW_LEN])
{
    size_t i = 0;
    for (; tok[i] && i < SHOW_LEN - 4; i++)
        buf[i] = (unsigned char)tok[i] < 0x20 || tok[i] == 0x7f ? '?' : tok[i];
    if (tok[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

/* Splits off the token at *p ending at sep (or at the end of the string):
 * terminates it and advances *p past sep, or sets *p to NULL after the last. */
static char *next_tok(char **p, char sep)
{
    char *tok = *p, *e = strchr(tok, sep);
    if (e) {
        *e = '\0';
        *p = e + 1;
    } else {
        *p = NULL;
    }
    return tok;
}

static long count_items(const char *s, char sep)
{
    if (!*s)
        return 0;
    long c = 1;
    for (; *s; s++)
        c += *s == sep;
    return c;
}

/* A plain decimal integer (digits only). Returns 0, -1 when s is not one, or
 * -2 when it exceeds max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
    if (!*s)
        return -1;
    uint64_t x = 0;
    int big = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned dig = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - dig) / 10)
            big = 1;
        else
            x = x * 10 + dig;
    }
    if (big || x > max)
        return -2;
    *v = x;
    return 0;
}

/* Reads the next line into r->line without its newline. Returns 1, 0 at the
 * end of the file, -1 (message in err) on a read error, a NUL byte, or a last
 * line without its newline, which is what a truncated file looks like. */
static int read_line(hs_dataset_reader *r, char *err, size_t errlen)
{
    errno = 0;
    ssize_t len = getline(&r->line, &r->cap, r->f);
    r->lineno++;
    if (len < 0) {
        if (ferror(r->f))
            return fail(r, err, errlen, "read error: %s", strerror(errno));
        return 0;
    }
    if (strlen(r->line) != (size_t)len)
        return fail(r, err, errlen, "line contains a NUL byte (allowed: text)");
    if (r->line[len - 1] != '\n')
        return fail(r, err, errlen,
                    "file is truncated: last line has no newline (every line must end with one)");
    r->line[len - 1] = '\0';
    return 1;
}

/* One header value: an int, long or uint64 field, or the basis list. */
static int header_value(hs_dataset_reader *r, int field, const char *key, char *val,
                        char *err, size_t errlen)
{
    hs_hsmt *c = &r->cfg;
    char sb[SHOW_LEN];
    if (field == 5) {
        char *p = val;
        if (!*p)
            return fail(r, err, errlen, "header bases= is empty (allowed: comma-separated basis names)");
        while (p) {
            char *name = next_tok(&p, ',');
            if (c->nbases == HS_MAX_BASES)
                return fail(r, err, errlen, "header bases= lists more than %d bases (allowed 1..%d)",
                            HS_MAX_BASES, HS_MAX_BASES);
            if (hs_hsmt_basis_parse(name, c->d, &c->bases[c->nbases]) != 0)
                return fail(r, err, errlen, "header bases=: '%s' is not a basis for d=%d (allowed: %s)",
                            show(name, sb), c->d, c->d == 2 ? "Z, X, Y" : "Z or a chirp index 0..d-1");
            c->nbases++;
        }
        return 0;
    }
    uint64_t max = field == 6 ? UINT64_MAX : field == 3 ? (uint64_t)LONG_MAX : (uint64_t)INT_MAX;
    uint64_t v;
    int rc = parse_uint(val, max, &v);
    if (rc == -1)
        return fail(r, err, errlen, "header %s='%s' is not a number (allowed: a decimal integer)", key,
                    show(val, sb));
    if (rc == -2)
        return fail(r, err, errlen, "header %s=%s is too large (allowed <= %" PRIu64 ")", key,
                    show(val, sb), max);
    switch (field) {
    case 0: c->n = (int)v; break;
    case 1: c->k = (int)v; break;
    case 2: c->d = (int)v; break;
    case 3: c->ell = (long)v; break;
    case 4: c->q = (int)v; break;
    default: c->seed = v; break;
    }
    return 0;
}

/* Line 1: "# hypersep-hsmt v1 n=N k=K d=D ell=L q=Q bases=B seed=S", fields
 * in exactly this order, single spaces. */
static int parse_header(hs_dataset_reader *r, char *err, size_t errlen)
{
    static const char *const keys[] = {"n", "k", "d", "ell", "q", "bases", "seed"};
    const char *expect = "expected '" MAGIC VERSION " n= k= d= ell= q= bases= seed='";
    char sb[SHOW_LEN];
    char *p = r->line;
    if (strncmp(p, MAGIC, strlen(MAGIC)) != 0)
        return fail(r, err, errlen, "not a hypersep dataset header (%s)", expect);
    p += strlen(MAGIC);
    const char *ver = next_tok(&p, ' ');
    if (strcmp(ver, VERSION) != 0)
        return fail(r, err, errlen, "unknown format version '%s' (allowed " VERSION ")", show(ver, sb));
    memset(&r->cfg, 0, sizeof r->cfg);
    for (int i = 0; i < (int)(sizeof keys / sizeof *keys); i++) {
        if (!p)
            return fail(r, err, errlen, "header ends before %s= (%s)", keys[i], expect);
        char *tok = next_tok(&p, ' ');
        size_t kl = strlen(keys[i]);
        if (strncmp(tok, keys[i], kl) != 0 || tok[kl] != '=')
            return fail(r, err, errlen, "header field '%s' where %s= belongs (%s)", show(tok, sb),
                        keys[i], expect);
        if (header_value(r, i, keys[i], tok + kl + 1, err, errlen) != 0)
            return -1;
    }
    if (p)
        return fail(r, err, errlen, "header has extra text '%s' after seed= (%s)", show(p, sb), expect);
    char why[256];
    if (hs_hsmt_validate(&r->cfg, why, sizeof why) != 0)
        return fail(r, err, errlen, "header: %s", why);
    bases_list(&r->cfg, r->bases, sizeof r->bases);
    return 0;
}

/* Opens a regular file for reading; NULL with a message otherwise. A FIFO
 * would block the open until a writer comes, and a device (/dev/zero) may
 * never end or never send a newline. */
static FILE *open_regular(const char *path, char *err, size_t errlen)
{
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    const int fl = fcntl(fd, F_GETFL);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        snprintf(err, errlen, "%s: not a regular file (allowed: a dataset file written by hypersep sample)", path);
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
        close(fd);
        return NULL;
    }
    return f;
}

hs_dataset_reader *hs_dataset_open(const char *path, hs_hsmt *cfg, char *err, size_t errlen)
{
    FILE *f = open_regular(path, err, errlen);
    if (!f)
        return NULL;
    hs_dataset_reader *r = hs_calloc(1, sizeof *r);
    r->f = f;
    size_t pl = strlen(path) + 1;
    r->path = hs_alloc(pl);
    memcpy(r->path, path, pl);
    char sb[SHOW_LEN];
    int rc = read_line(r, err, errlen);
    if (rc == 0)
        rc = fail(r, err, errlen, "missing header (expected '" MAGIC VERSION " n=... seed=...')");
    if (rc > 0)
        rc = parse_header(r, err, errlen) == 0 ? 1 : -1;
    if (rc > 0)
        rc = read_line(r, err, errlen);
    if (rc == 0)
        rc = fail(r, err, errlen, "missing column line (expected id, writes, queries, outcomes, probs, tab-separated)");
    if (rc > 0 && strcmp(r->line, COLUMNS) != 0)
        rc = fail(r, err, errlen, "bad column line '%s' (expected id, writes, queries, outcomes, probs, tab-separated)",
                  show(r->line, sb));
    if (rc < 0) {
        hs_dataset_close(r);
        return NULL;
    }
    *cfg = r->cfg;
    return r;
}

/* A site id in [0, n); `what` names the item for the message. */
static int parse_site(hs_dataset_reader *r, const char *tok, const char *what, long item, int *site,
                      char *err, size_t errlen)
{
    char sb[SHOW_LEN];
    uint64_t v;
    int rc = parse_uint(tok, UINT64_MAX, &v);
    if (rc == -1)
        return fail(r, err, errlen, "%s %ld: site '%s' is not a number (allowed: a decimal integer)", what,
                    item, show(tok, sb));
    if (rc == -2 || v >= (uint64_t)r->cfg.n)
        return fail(r, err, errlen, "%s %ld: site %s out of range (allowed 0..%d)", what, item,
                    show(tok, sb), r->cfg.n - 1);
    *site = (int)v;
    return 0;
}

static int parse_writes(hs_dataset_reader *r, char *field, hs_seq *s, char *err, size_t errlen)
{
    const hs_hsmt *c = &r->cfg;
    char sb[SHOW_LEN];
    char *p = field; /* ell items: checked by the caller */
    for (long t = 0; t < c->ell; t++) {
        char *edge = next_tok(&p, ',');
        long size = count_items(edge, '.');
        if (size != c->k)
            return fail(r, err, errlen, "write %ld: hyperedge '%s' has %ld sites (must be k=%d)", t + 1,
                        show(edge, sb), size, c->k);
        int sites[HS_MAX_SITES];
        for (int i = 0; i < c->k; i++) {
            if (parse_site(r, next_tok(&edge, '.'), "write", t + 1, &sites[i], err, errlen) != 0)
                return -1;
            if (i > 0 && sites[i] <= sites[i - 1])
                return fail(r, err, errlen,
                            "write %ld: site %d after site %d (hyperedge sites must be strictly increasing)",
                            t + 1, sites[i], sites[i - 1]);
        }
        s->writes[t] = hs_comb_rank(sites, c->k);
    }
    return 0;
}

static int parse_queries(hs_dataset_reader *r, char *field, hs_seq *s, char *err, size_t errlen)
{
    const hs_hsmt *c = &r->cfg;
    char sb[SHOW_LEN];
    long count = count_items(field, ',');
    if (count != c->q)
        return fail(r, err, errlen, "%ld queries (must be q=%d)", count, c->q);
    uint64_t seen = 0; /* bit i: site i already queried (n <= 62) */
    char *p = field;
    for (int t = 0; t < c->q; t++) {
        char *item = next_tok(&p, ',');
        char *colon = strchr(item, ':');
        if (!colon)
            return fail(r, err, errlen, "query %d: '%s' is not site:basis", t + 1, show(item, sb));
        *colon = '\0';
        int site = 0; /* set by parse_site on success (gcc cannot see it through the inlining) */
        if (parse_site(r, item, "query", t + 1, &site, err, errlen) != 0)
            return -1;
        if (seen >> site & 1)
            return fail(r, err, errlen, "query %d: site %d is queried twice (query sites must be distinct)",
                        t + 1, site);
        seen |= 1ull << site;
        s->sites[t] = site;
        int code, b = c->nbases;
        if (hs_hsmt_basis_parse(colon + 1, c->d, &code) == 0)
            for (b = 0; b < c->nbases && c->bases[b] != code; b++)
                ;
        if (b == c->nbases)
            return fail(r, err, errlen, "query %d: unknown basis '%s' (allowed: %s)", t + 1,
                        show(colon + 1, sb), r->bases);
        s->basis[t] = b;
    }
    return 0;
}

static int parse_outcomes(hs_dataset_reader *r, char *field, hs_seq *s, char *err, size_t errlen)
{
    const hs_hsmt *c = &r->cfg;
    char sb[SHOW_LEN];
    long count = count_items(field, ',');
    if (count != c->q)
        return fail(r, err, errlen, "%ld outcomes (must be q=%d)", count, c->q);
    char *p = field;
    for (int t = 0; t < c->q; t++) {
        const char *tok = next_tok(&p, ',');
        uint64_t v;
        int rc = parse_uint(tok, UINT64_MAX, &v);
        if (rc == -1)
            return fail(r, err, errlen, "outcome %d: '%s' is not a number (allowed: a decimal integer)",
                        t + 1, show(tok, sb));
        if (rc == -2 || v >= (uint64_t)c->d)
            return fail(r, err, errlen, "outcome %d: %s out of range (allowed 0..%d)", t + 1, show(tok, sb),
                        c->d - 1);
        s->outcomes[t] = (int)v;
    }
    return 0;
}

/* digits [. digits] [e (+|-) digits]: a probability as %.17g prints it
 * (docs/formats.md). */
static int plain_decimal(const char *s)
{
    const char *p = s;
    while (isdigit((unsigned char)*p))
        p++;
    if (p == s)
        return 0;
    if (*p == '.') {
        const char *q = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        if (p == q)
            return 0;
    }
    if (*p == 'e') {
        if (p[1] != '+' && p[1] != '-')
            return 0;
        const char *q = p += 2;
        while (isdigit((unsigned char)*p))
            p++;
        if (p == q)
            return 0;
    }
    return *p == '\0';
}

/* Needs the outcomes: a sampled outcome must have positive probability. */
static int parse_probs(hs_dataset_reader *r, char *field, hs_seq *s, char *err, size_t errlen)
{
    const hs_hsmt *c = &r->cfg;
    char sb[SHOW_LEN];
    long count = count_items(field, ',');
    if (count != c->q)
        return fail(r, err, errlen, "%ld distributions (must be q=%d, one per query)", count, c->q);
    char *p = field;
    for (int t = 0; t < c->q; t++) {
        char *dist = next_tok(&p, ',');
        long entries = count_items(dist, '/');
        if (entries != c->d)
            return fail(r, err, errlen, "distribution %d has %ld entries (must be d=%d, joined by '/')", t + 1,
                        entries, c->d);
        double *row = s->probs + (size_t)t * c->d, sum = 0;
        for (int o = 0; o < c->d; o++) {
            const char *tok = next_tok(&dist, '/');
            /* Only the syntax %.17g prints (strtod alone would also take
             * white space, a sign, hexadecimal, inf and nan). Its ERANGE on
             * subnormals is not an error: the value returned is the exact
             * round trip of what was printed. */
            if (tok[0] == '-' && plain_decimal(tok + 1))
                return fail(r, err, errlen, "distribution %d: probability %s is negative (allowed: [0, 1])",
                            t + 1, show(tok, sb));
            if (!plain_decimal(tok))
                return fail(r, err, errlen, "distribution %d: '%s' is not a number (allowed: a plain decimal, "
                            "digits, an optional fraction and exponent: 0.25, 1, 2.5e-07)", t + 1, show(tok, sb));
            const double v = strtod(tok, NULL);
            if (!isfinite(v))
                return fail(r, err, errlen, "distribution %d: probability %s is not finite (allowed: [0, 1])",
                            t + 1, show(tok, sb));
            row[o] = v;
            sum += v;
        }
        if (!(fabs(sum - 1) <= SUM_TOL))
            return fail(r, err, errlen, "distribution %d sums to %.17g (must be 1 within %g)", t + 1, sum,
                        SUM_TOL);
        if (row[s->outcomes[t]] == 0)
            return fail(r, err, errlen,
                        "query %d: outcome %d has probability 0 (a sampled outcome must have positive probability)",
                        t + 1, s->outcomes[t]);
    }
    return 0;
}

int hs_dataset_next(hs_dataset_reader *r, hs_seq *s, char *err, size_t errlen)
{
    if (r->failed) {
        snprintf(err, errlen, "%s", r->msg);
        return -1;
    }
    int rc = read_line(r, err, errlen);
    if (rc <= 0)
        return rc;
    const hs_hsmt *c = &r->cfg;
    /* Unlike lists, an empty line is one (empty) field. */
    long nf = *r->line ? count_items(r->line, '\t') : 1;
    if (nf != 5)
        return fail(r, err, errlen, "%ld tab-separated fields (must be 5: id, writes, queries, outcomes, probs)",
                    nf);

    char *p = r->line, *f[5];
    for (int i = 0; i < 5; i++)
        f[i] = next_tok(&p, '\t');
    char sb[SHOW_LEN];
    uint64_t id;
    if (parse_uint(f[0], UINT64_MAX, &id) != 0)
        return fail(r, err, errlen, "id '%s' is not a number (allowed: a decimal integer < 2^64)", show(f[0], sb));
    if (r->have_id && id <= r->last_id)
        return fail(r, err, errlen, "id %" PRIu64 " after id %" PRIu64 " (ids must be strictly increasing)", id,
                    r->last_id);
    /* The sequence is allocated only once the line is seen to hold ell
     * writes, so its size is bounded by the file's, not by the header's
     * ell (a 122-byte file may say ell = 10^9). */
    const long nw = count_items(f[1], ',');
    if (nw != c->ell)
        return fail(r, err, errlen, "%ld writes (must be ell=%ld)", nw, c->ell);
    if (!s->writes || s->ell != c->ell || s->q != c->q || s->d != c->d)
        hs_seq_alloc(s, c->ell, c->q, c->d);
    s->id = id;
    if (parse_writes(r, f[1], s, err, errlen) != 0 || parse_queries(r, f[2], s, err, errlen) != 0 ||
        parse_outcomes(r, f[3], s, err, errlen) != 0 || parse_probs(r, f[4], s, err, errlen) != 0)
        return -1;
    r->have_id = 1;
    r->last_id = id;
    return 1;
}

void hs_dataset_close(hs_dataset_reader *r)
{
    if (!r)
        return;
    fclose(r->f);
    free(r->line); /* from getline: plain malloc */
    hs_sys_free(r->path);
    hs_sys_free(r);
}
