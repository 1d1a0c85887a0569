/* Grid suites: split, resume, signals, progress and atomic rows. */
#include "runner.h"

#include <assert.h>
#include <ctype.h>
#include <omp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "comm.h"
#include "counters.h"
#include "csvlog.h"
#include "opts.h"
#include "registry.h"
#include "sys.h"
#include "version.h"

struct hs_run {
    const hs_run_opts *o;
    int slice, nslices;
    int group; /* ranks of the current phase's groups */
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    if (stop_flag) {
        /* Second signal: stop now; rows are written whole or not at all. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_flag = 1;
    static const char msg[] = "suite: signal received: finishing the configuration in progress, then "
                              "stopping (send it again to stop at once)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
}

/* Ranks per group of the phase running now (1 outside hs_run_grid). */
static int phase_group = 1;

int hs_run_stopping(void) { return phase_group == 1 && stop_flag != 0; }

void hs_run_cat(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *buf = hs_realloc(*buf, *len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

void hs_run_prov(const hs_run *run, char **rows, size_t *len)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* ranks: of the run, and ":g" when g ranks ran the configuration. */
    char ranks[32];
    if (run->group > 1)
        snprintf(ranks, sizeof ranks, "%d:%d", hs_comm_world_size(), run->group);
    else
        snprintf(ranks, sizeof ranks, "%d", hs_comm_world_size());
    hs_run_cat(rows, len, "%d/%d,%d,%s,%s,%s,%s,%d,%s,%s", run->slice, run->nslices, hs_comm_world_rank(),
               hs_version, hs_git_rev, hs_sys_host(), ranks, run->o->threads, hs_ctr_names(), ts);
}

void hs_run_score_model(const hs_hsmt *t, hs_model *m, uint64_t first, long count, hs_score *sc)
{
    hs_gen *g = hs_gen_new(t);
    hs_seq s = {0};
    double *r = hs_alloc((size_t)t->q * (size_t)t->d * sizeof *r);
    char err[512];
    for (long i = 0; i < count; i++) {
        hs_gen_sequence(g, first + (uint64_t)i, &s);
        if (m->predict(m->ctx, t, &s, r, err, sizeof err) != 0)
            hs_sys_fatal("%s on sequence %llu: %s", m->name, (unsigned long long)(first + (uint64_t)i), err);
        for (int u = 0; u < s.q; u++)
            hs_score_add(sc, s.probs + (size_t)u * t->d, r + (size_t)u * t->d, t->d, s.outcomes[u]);
    }
    hs_sys_free(r);
    hs_seq_free(&s);
    hs_gen_free(g);
}

int hs_run_parse(const hs_schema *schema, const char *usage, const hs_config_key *keys, int with_threads,
                 int argc, char **argv, hs_run_cli *cli, hs_config *cfg, hs_err *e)
{
    *cli = (hs_run_cli){.out = "results", .threads = 1};
    int print = 0, header = 0;
    hs_opt opts[] = {
        {"config", HS_OPT_STR, &cli->config, 0, 0, 0},  {"out", HS_OPT_STR, &cli->out, 0, 0, 0},
        {"resume", HS_OPT_FLAG, &cli->resume, 0, 0, 0}, {"slice", HS_OPT_STR, &cli->slice, 0, 0, 0},
        {"print-config", HS_OPT_FLAG, &print, 0, 0, 0}, {"print-header", HS_OPT_FLAG, &header, 0, 0, 0},
        {"print-grid", HS_OPT_FLAG, &cli->print_grid, 0, 0, 0},
        {"threads", HS_OPT_INT, &cli->threads, 1, 1024, 0}, {NULL, 0, NULL, 0, 0, 0},
    };
    if (!with_threads)
        opts[7].name = NULL;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "suite %s", schema->suite);
    int rc = hs_opts_parse(cmd, usage, opts, argc, argv, e);
    if (rc != HS_OK)
        return rc;
    if (header) {
        if (hs_comm_rank() == 0)
            hs_schema_print(schema, stdout);
        return HS_DONE;
    }
    if ((rc = hs_config_load(cfg, schema->suite, keys, cli->config, e)) != HS_OK || print) {
        if (rc == HS_OK && hs_comm_rank() == 0)
            hs_config_print(cfg, stdout);
        hs_config_free(cfg);
        return rc == HS_OK ? HS_DONE : rc;
    }
    return HS_OK;
}

void hs_run_csv_path(const hs_run_opts *o, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.csv", o->out, o->schema->suite);
}

static int fail(const hs_run_opts *o, hs_err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const hs_run_opts *o, hs_err *e, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hs_err_usage(e, "suite", "%s: %s", o->schema->suite, msg);
}

static int parse_slice(const hs_run_opts *o, int *i, int *n, hs_err *e)
{
    *i = 0;
    *n = 1;
    if (!o->slice)
        return HS_OK;
    char *end;
    long a = strtol(o->slice, &end, 10), b = -1;
    if (end != o->slice && *end == '/') {
        char *e2;
        b = strtol(end + 1, &e2, 10);
        if (e2 == end + 1 || *e2)
            b = -1;
    }
    if (b < 1 || b > 1000000 || a < 0 || a >= b || !isdigit((unsigned char)o->slice[0]))
        return fail(o, e, "--slice: '%s' is not a slice (allowed: I/N with 0 <= I < N <= 1000000)", o->slice);
    *i = (int)a;
    *n = (int)b;
    return HS_OK;
}

/* DIR/models.tsv: `hypersep models`, replaced atomically under the lock of
 * DIR. 0, or -1 with a message. */
static int write_models(const char *dir, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        hs_sys_fatal("open_memstream: out of memory");
    hs_models_print(f);
    fclose(f);
    const int rc = hs_csv_replace_beside(dir, "models.tsv", buf, len, err, errlen);
    free(buf);
    return rc;
}

/* Order of items by decreasing cost, then increasing index. */
static int by_cost(const void *a, const void *b)
{
    const hs_run_item *x = *(const hs_run_item *const *)a, *y = *(const hs_run_item *const *)b;
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Longest-processing-time assignment of items (sorted) to nbins bins; only
 * items with owner[i] == want take part; writes the bin into bin[]. */
static void lpt(hs_run_item **sorted, int count, const int *owner, int want, int nbins, int *bin)
{
    double *load = hs_calloc((size_t)nbins, sizeof *load);
    for (int i = 0; i < count; i++) {
        if (owner && owner[i] != want)
            continue;
        int best = 0;
        for (int b = 1; b < nbins; b++)
            if (load[b] < load[best])
                best = b;
        bin[i] = best;
        load[best] += sorted[i]->cost > 0 ? sorted[i]->cost : 1e-9;
    }
    hs_sys_free(load);
}

static void fmt_time(double s, char *buf, size_t len)
{
    if (s < 100)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 6000)
        snprintf(buf, len, "%.1f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

static int item_ranks(const hs_run_item *it) { return it->ranks > 1 ? it->ranks : 1; }

static void free_grid(hs_csv *csv, hs_run_item **sorted, int *sl, int *bin)
{
    hs_csv_close(csv);
    hs_sys_free(sorted);
    hs_sys_free(sl);
    hs_sys_free(bin);
}

/* Progress of this rank (group leaders and single ranks report). */
typedef struct {
    int todo, done, elsewhere;
    double todo_cost, done_cost, t0;
} progress;

/* Runs the items of one phase (group size g) assigned to this rank's group,
 * in cost order. Returns HS_OK, or this rank's failure to append (the
 * message in e; the group's other ranks get HS_EXIT_FAILURE too). */
static int run_phase(const hs_run_opts *o, hs_run *run, hs_csv *csv, hs_run_item **sorted, const int *sl,
                     const int *bin, int count, int g, hs_run_fn fn, void *ctx, progress *pr, hs_err *e)
{
    const int lead = hs_comm_rank() == 0, me = hs_comm_group_index(), wrank = hs_comm_world_rank();
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    char err[1024];
    for (int i = 0; i < count; i++) {
        const hs_run_item *it = sorted[i];
        if (sl[i] != run->slice || item_ranks(it) != g || bin[i] != me)
            continue;
        /* The group agrees on stopping and on whether the key is there
         * (written meanwhile by another process on the same --out: the
         * leader's keys are brought up to date at every append). */
        double v[2] = {stop_flag ? 1 : 0, lead && hs_csv_has(csv, it->key) ? 1 : 0};
        if (g > 1)
            hs_comm_max(v, 2);
        else
            v[1] = hs_csv_has(csv, it->key);
        if (v[0])
            return HS_OK;
        if (v[1]) {
            pr->elsewhere++;
            continue;
        }
        if (lead)
            fprintf(stderr, "%s [rank %d] %d/%d: %s%s ...\n", o->schema->suite, wrank, pr->done + 1, pr->todo,
                    it->label, g > 1 ? " (sharded)" : "");
        const double t1 = hs_sys_now();
        char *rows = NULL;
        size_t len = 0;
        fn(ctx, it, run, &rows, &len);
        double failed = 0;
        if (lead && rows && len) {
            sigset_t old;
            int usage;
            sigprocmask(SIG_BLOCK, &block, &old);
            if (hs_csv_append(csv, rows, NULL, &usage, err, sizeof err) != 0) {
                fail(o, e, "%s", err); /* sets the message */
                failed = usage ? 2 : 1;
            }
            sigprocmask(SIG_SETMASK, &old, NULL);
        }
        hs_sys_free(rows);
        if (g > 1)
            hs_comm_max(&failed, 1);
        if (failed)
            return failed > 1 ? HS_EXIT_USAGE : HS_EXIT_FAILURE;
        if (!len)
            return HS_OK; /* the configuration gave up on a stop signal */
        pr->done++;
        pr->done_cost += it->cost;
        if (lead) {
            const double el = hs_sys_now() - pr->t0;
            char a[32], b[32], c[32];
            fmt_time(hs_sys_now() - t1, a, sizeof a);
            fmt_time(el, b, sizeof b);
            fmt_time(pr->done_cost > 0 ? el * (pr->todo_cost - pr->done_cost) / pr->done_cost : 0, c, sizeof c);
            fprintf(stderr, "%s [rank %d] %d/%d done in %s; elapsed %s, ETA %s\n", o->schema->suite, wrank,
                    pr->done, pr->todo, a, b, c);
        }
    }
    return HS_OK;
}

int hs_run_grid(const hs_run_opts *o, hs_run_item *items, int count, hs_run_fn fn, void *ctx, hs_err *e)
{
    if (o->print_grid) {
        if (hs_comm_rank() == 0) {
            printf("key\tlabel\tcost\tranks\n");
            for (int i = 0; i < count; i++)
                printf("%s\t%s\t%.6g\t%d\n", items[i].key, items[i].label, items[i].cost, item_ranks(&items[i]));
        }
        return HS_DONE;
    }
    hs_run run = {.o = o, .group = 1};
    hs_ctr_init(); /* only to record which counters this machine has */
    int rc = parse_slice(o, &run.slice, &run.nslices, e);
    if (rc != HS_OK)
        return rc;
    const int rank = hs_comm_rank(), nranks = hs_comm_size();

    /* The phases: the distinct group sizes, largest first; each must divide
     * the run's rank count. */
    int sizes[32], nsizes = 0;
    for (int i = 0; i < count; i++) {
        const int g = item_ranks(&items[i]);
        int seen = 0;
        for (int j = 0; j < nsizes; j++)
            seen |= sizes[j] == g;
        if (!seen) {
            assert(nsizes < 32 && (g & (g - 1)) == 0);
            int j = nsizes++;
            for (; j > 0 && sizes[j - 1] < g; j--)
                sizes[j] = sizes[j - 1];
            sizes[j] = g;
        }
        if (g > nranks || nranks % g)
            return fail(o, e, "%s runs on %d ranks, but the run has %d (allowed: a multiple of the largest "
                        "ranks_per_config, a power of two)", items[i].label, g, nranks);
    }

    hs_run_item **sorted = hs_alloc((size_t)(count ? count : 1) * sizeof *sorted);
    for (int i = 0; i < count; i++)
        sorted[i] = &items[i];
    qsort(sorted, (size_t)count, sizeof *sorted, by_cost);
    int *sl = hs_alloc((size_t)(count ? count : 1) * sizeof *sl);
    int *bin = hs_alloc((size_t)(count ? count : 1) * sizeof *bin);
    lpt(sorted, count, NULL, 0, run.nslices, sl);
    /* Within this slice, each phase's items over its groups. */
    int *want = hs_alloc((size_t)(count ? count : 1) * sizeof *want);
    for (int p = 0; p < nsizes; p++) {
        for (int i = 0; i < count; i++)
            want[i] = sl[i] == run.slice && item_ranks(sorted[i]) == sizes[p];
        lpt(sorted, count, want, 1, nranks / sizes[p], bin);
    }
    hs_sys_free(want);

    char err[1024], name[256], header[2048];
    snprintf(name, sizeof name, "%s.csv", o->schema->suite);
    hs_schema_header(o->schema, header, sizeof header);
    /* The files this suite writes atomically in DIR, whose temporaries an
     * interrupted run may have left. */
    const char *also[] = {"models.tsv", o->summary, NULL};
    hs_csv *csv = hs_csv_open(o->out, name, header, o->schema->ncols, o->schema->nkey, o->resume, also, err,
                              sizeof err);
    double bad = csv ? 0 : 1;
    hs_comm_max(&bad, 1);
    if (bad) {
        free_grid(csv, sorted, sl, bin);
        return fail(o, e, "%s", csv ? "another rank could not open the results file" : err);
    }

    /* The registry beside the results, for analysis/ (names, classes,
     * colours of the models in the rows). */
    bad = rank == 0 && write_models(o->out, err, sizeof err) != 0;
    hs_comm_max(&bad, 1);
    if (bad) {
        free_grid(csv, sorted, sl, bin);
        return rank == 0 ? hs_err_set(e, HS_EXIT_FAILURE, "hypersep suite: %s: %s", o->schema->suite, err)
                         : HS_EXIT_FAILURE;
    }

    /* Every rank checks the whole slice against the file before anyone
     * appends, so all reach the same verdict. */
    int in_slice = 0, present = 0, first_present = -1;
    for (int i = 0; i < count; i++)
        if (sl[i] == run.slice) {
            in_slice++;
            if (hs_csv_has(csv, sorted[i]->key)) {
                present++;
                if (first_present < 0)
                    first_present = i;
            }
        }
    if (present && !o->resume) {
        char msg[768];
        snprintf(msg, sizeof msg, "%s already has %d of this grid's %d configurations (first: %s); use --resume "
                 "to continue the run, or a new --out", hs_csv_path(csv), present, in_slice,
                 sorted[first_present]->label);
        free_grid(csv, sorted, sl, bin);
        return fail(o, e, "%s", msg);
    }
    hs_comm_barrier();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    /* What this rank takes part in (in a group: its group's items). */
    progress pr = {.t0 = hs_sys_now()};
    for (int i = 0; i < count; i++) {
        const int g = item_ranks(sorted[i]);
        if (sl[i] == run.slice && bin[i] == rank / g && !hs_csv_has(csv, sorted[i]->key)) {
            pr.todo++;
            pr.todo_cost += sorted[i]->cost;
        }
    }
    if (rank == 0 && o->note && *o->note)
        fputs(o->note, stderr);
    if (rank == 0 || nranks > 1)
        fprintf(stderr, "%s: %d configurations in the grid, %d in slice %d/%d, %d already in %s; "
                        "rank %d of %d runs %d\n",
                o->schema->suite, count, in_slice, run.slice, run.nslices, present, hs_csv_path(csv), rank, nranks,
                pr.todo);

    int wrc = HS_OK; /* this rank's failure to append */
    double failed[2] = {0, 0};
    for (int p = 0; p < nsizes && !failed[0]; p++) {
        const int g = sizes[p];
        if (hs_comm_group_split(g, err, sizeof err) != 0)
            hs_sys_fatal("%s", err); /* checked above */
        run.group = phase_group = g;
        wrc = run_phase(o, &run, csv, sorted, sl, bin, count, g, fn, ctx, &pr, e);
        run.group = phase_group = 1;
        hs_comm_group_end();
        failed[0] = wrc == HS_EXIT_USAGE ? 2 : wrc != HS_OK ? 1 : 0;
        hs_comm_max(failed, 1);
    }
    free_grid(csv, sorted, sl, bin);
    failed[1] = pr.done + pr.elsewhere < pr.todo ? 1 : 0;
    hs_comm_max(failed, 2);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    if (wrc != HS_OK)
        return wrc;
    if (failed[0])
        return failed[0] > 1 ? HS_EXIT_USAGE : HS_EXIT_FAILURE; /* another rank has the message */
    if (!failed[1])
        return HS_OK;
    return hs_err_set(e, HS_EXIT_INTERRUPTED, "%s: stopped by a signal before the grid was complete; rerun the "
                      "same command with --resume to continue", o->schema->suite);
}
