/* The training loop: sequences drawn in parallel, AdamW, schedule,
 * curriculum, held-out log points, progress. */
#include "train.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "adamw.h"
#include "sys.h"

double hs_train_lr(double lr, long s, long S, long W, double floor)
{
    if (s < W)
        return lr * (double)(s + 1) / (double)W;
    const double u = S > W ? (double)(s - W) / (double)(S - W) : 0;
    return lr * (floor + (1 - floor) * 0.5 * (1 + cos(M_PI * u)));
}

long hs_train_warmup(long S) { return S / 10 < 100 ? S / 10 : 100; }

int hs_train_curriculum_parse(const char *name)
{
    static const struct {
        const char *name;
        int flags;
    } names[] = {{"none", 0},
                 {"ell", HS_CURRICULUM_ELL},
                 {"queries", HS_CURRICULUM_QUERIES},
                 {"ell+queries", HS_CURRICULUM_ELL | HS_CURRICULUM_QUERIES},
                 {"ell,queries", HS_CURRICULUM_ELL | HS_CURRICULUM_QUERIES}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].flags;
    return -1;
}

void hs_train_curriculum_name(int flags, char *buf, size_t len)
{
    snprintf(buf, len, "%s", flags == (HS_CURRICULUM_ELL | HS_CURRICULUM_QUERIES) ? "ell+queries"
                             : flags == HS_CURRICULUM_ELL                            ? "ell"
                             : flags == HS_CURRICULUM_QUERIES                        ? "queries"
                                                                                      : "none");
}

int hs_train_check(const hs_train_opts *o, char *err, size_t errlen)
{
    const char *bad = o->steps < 0 ? "steps" : o->batch < 1 ? "batch" : !(o->lr > 0) ? "lr"
                      : o->warmup < HS_TRAIN_WARMUP_AUTO ? "warmup"
                      : !(o->lr_floor > 0 && o->lr_floor <= 1) ? "lr-floor"
                      : !(o->weight_decay >= 0) ? "wd" : o->eval < 1 ? "eval" : o->every < -1 ? "every"
                      : o->loss != HS_LOSS_CE && o->loss != HS_LOSS_NLL ? "loss"
                      : o->curriculum & ~(HS_CURRICULUM_ELL | HS_CURRICULUM_QUERIES) ? "curriculum"
                      : !(o->target >= 0) ? "target" : !(o->advance_below >= 0) ? "advance-below" : NULL;
    if (bad) {
        snprintf(err, errlen,
                 "--%s: invalid training option (steps=%ld batch=%d lr=%g warmup=%ld lr-floor=%g wd=%g eval=%ld; "
                 "need steps >= 0, batch >= 1, lr > 0, lr-floor in (0, 1], wd >= 0, eval >= 1)",
                 bad, o->steps, o->batch, o->lr, o->warmup, o->lr_floor, o->weight_decay, o->eval);
        return -1;
    }
    if ((double)o->steps * o->batch > (double)HS_EVAL_FIRST) {
        snprintf(err, errlen, "--steps: %ld steps of %d sequences reach the held-out range 2^40 (allowed: "
                 "steps * batch <= 2^40)", o->steps, o->batch);
        return -1;
    }
    return 0;
}

/* Where sequences come from: a source given in the options (a sharded
 * generator, dist/), or one serial generator per OpenMP thread, drawing in
 * parallel over sequences (the engine's passes inside each draw then run on
 * one thread). */
typedef struct {
    const hs_seq_source *src;
    hs_hsmt cfg;
    int nt;
    hs_gen **g;
} gen_pool;

static void pool_open(gen_pool *p, const hs_hsmt *cfg, const hs_seq_source *src)
{
    p->src = src;
    p->cfg = *cfg;
    p->nt = src ? 0 : omp_get_max_threads();
    p->g = src ? NULL : hs_alloc((size_t)p->nt * sizeof *p->g);
    for (int i = 0; i < p->nt; i++)
        p->g[i] = hs_gen_new(cfg);
}

static void pool_close(gen_pool *p)
{
    for (int i = 0; i < p->nt; i++)
        hs_gen_free(p->g[i]);
    hs_sys_free(p->g);
    p->nt = 0;
    p->g = NULL;
}

/* Sequences first .. first + count - 1 into seqs (zeroed or reused); each
 * depends only on (cfg, index), not on the thread. */
static void draw(const gen_pool *p, uint64_t first, long count, hs_seq *seqs)
{
    if (p->src) {
        p->src->draw(p->src->ctx, &p->cfg, first, count, seqs);
        return;
    }
#pragma omp parallel if (count > 1 && p->nt > 1)
    {
        hs_gen *g = p->g[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (long i = 0; i < count; i++)
            hs_gen_sequence(g, first + (uint64_t)i, &seqs[i]);
    }
}

static void free_seqs(hs_seq *seqs, long count)
{
    for (long i = 0; i < count; i++)
        hs_seq_free(&seqs[i]);
    hs_sys_free(seqs);
}

/* Scores the predictions r of seqs (layout of hs_trainable) into sc. */
static void add_scores(const hs_seq *seqs, long count, int q, int d, const double *r, hs_score *sc)
{
    for (long i = 0; i < count; i++)
        for (int t = 0; t < seqs[i].q; t++)
            hs_score_add(sc, seqs[i].probs + (size_t)t * d, r + ((size_t)i * q + t) * d, d, seqs[i].outcomes[t]);
}

static int score_seqs(hs_trainable *tr, const hs_hsmt *cfg, const hs_seq *seqs, long count, hs_score *sc,
                      char *err, size_t errlen)
{
    double *r = hs_alloc((size_t)(count > 0 ? count : 1) * (size_t)cfg->q * (size_t)cfg->d * sizeof *r);
    int rc = tr->predict(tr->ctx, cfg, seqs, count, r, err, errlen);
    if (rc == 0)
        add_scores(seqs, count, cfg->q, cfg->d, r, sc);
    hs_sys_free(r);
    return rc;
}

/* Sequences scored at a time by hs_train_score (bounds its memory). */
#define SCORE_BLOCK 1024

int hs_train_score(hs_trainable *tr, const hs_hsmt *cfg, uint64_t first, long count, hs_score *sc, char *err,
                   size_t errlen)
{
    gen_pool pool;
    pool_open(&pool, cfg, NULL);
    const long blk = count < SCORE_BLOCK ? (count > 0 ? count : 1) : SCORE_BLOCK;
    hs_seq *seqs = hs_calloc((size_t)blk, sizeof *seqs);
    int rc = 0;
    for (long done = 0; done < count && rc == 0; done += blk) {
        const long n = count - done < blk ? count - done : blk;
        draw(&pool, first + (uint64_t)done, n, seqs);
        rc = score_seqs(tr, cfg, seqs, n, sc, err, errlen);
    }
    free_seqs(seqs, blk);
    pool_close(&pool);
    return rc;
}

/* Whether the log-spaced schedule logs after `s` updates: s = 0, or s is the
 * rounding of 10^(i/10) for some integer i (about 10 points per decade). */
static int log_spaced(long s)
{
    if (s <= 0)
        return 1;
    const double i = round(10.0 * log10((double)s));
    for (double di = -1; di <= 1; di++)
        if (lround(pow(10.0, (i + di) / 10.0)) == s)
            return 1;
    return 0;
}

/* The curriculum's stages: ell_s[i], q_s[i] for i < the returned count (one
 * stage of the task itself when off, or when nothing is to be shortened). */
static int stages(const hs_hsmt *cfg, int curriculum, long *ell_s, int *q_s)
{
    const int by_ell = (curriculum & HS_CURRICULUM_ELL) && cfg->ell > 1;
    const int by_q = (curriculum & HS_CURRICULUM_QUERIES) && cfg->q > 1;
    int S = 0;
    for (long e = 1;; e *= 2) {
        ell_s[S] = by_ell && e < cfg->ell ? e : cfg->ell;
        q_s[S] = by_q && e < cfg->q ? (int)e : cfg->q;
        S++;
        if (ell_s[S - 1] == cfg->ell && q_s[S - 1] == cfg->q)
            return S;
    }
}

/* Latest first update of stage i of S over `steps`: the S - 1 shorter
 * stages share the first half equally, the last stage has the second half
 * (it starts earlier when a stage before it ends early). */
static long stage_begin(int i, int S, long steps)
{
    if (i >= S)
        return steps;
    if (S == 1 || i == 0)
        return 0;
    return (long)((double)steps / 2 * (double)i / (double)(S - 1));
}

/* Training sequences are drawn this many at a time (whole updates, within
 * one stage), so drawing costs one parallel region per block. */
#define DRAW_BLOCK 1024
/* A stage may end early after this many updates, when the running training
 * excess (an exponential average with this time constant, in updates) is
 * at or below advance_below. */
#define ADVANCE_WINDOW 50

/* Everything of one run that the update and log steps share. */
typedef struct {
    hs_trainable *tr;
    const hs_hsmt *cfg;
    const hs_train_opts *o;
    hs_seq *held;      /* [o->eval] */
    hs_score last;     /* held-out scores at the last log point */
    hs_score win;      /* training batches since the last progress line */
    double t0, last_line, seconds, tokens;
    hs_train_result *res;
} run_state;

static int log_point(run_state *st, long s, char *err, size_t errlen)
{
    memset(&st->last, 0, sizeof st->last);
    if (score_seqs(st->tr, st->cfg, st->held, st->o->eval, &st->last, err, errlen) != 0)
        return -1;
    const double ex = st->last.kl / (double)st->last.outputs, ce = st->last.ce / (double)st->last.outputs;
    hs_train_result *res = st->res;
    const int i = res->npoints < HS_TRAIN_MAX_POINTS ? res->npoints++ : HS_TRAIN_MAX_POINTS - 1;
    res->curve[i] = (hs_train_point){s, ex, ce};
    if (st->o->log)
        st->o->log(st->o->log_ctx, s, ex, ce);
    if (st->o->progress)
        fprintf(stderr, "train: step %ld/%ld held-out excess %.4g bits cross-entropy %.6g bits\n", s,
                st->o->steps, ex, ce);
    return 0;
}

static void progress(run_state *st, long done, long total)
{
    const double now = hs_sys_now();
    if (!st->o->progress || (now - st->last_line < 1.0 && done < total) || st->win.outputs == 0)
        return;
    const double rate = st->seconds > 0 ? st->tokens / st->seconds : 0;
    const double eta = st->seconds / (double)done * (double)(total - done);
    fprintf(stderr, "train: step %ld/%ld loss %.4f bits excess %.4f bits %.0f tok/s ETA %.0f s\n", done, total,
            st->win.nll / (double)st->win.outputs, st->win.kl / (double)st->win.outputs, rate, eta);
    memset(&st->win, 0, sizeof st->win);
    st->last_line = now;
}

/* Whether updates done = s is a log point of o (besides 0 and the end). */
static int log_due(const hs_train_opts *o, long s)
{
    if (o->target > 0 && s == (long)(0.8 * (double)o->steps))
        return 1; /* the verdict's reference point */
    return o->every > 0 ? s % o->every == 0 : o->every == 0 ? log_spaced(s) : s == 0;
}

int hs_train_run(hs_trainable *tr, const hs_hsmt *cfg, const hs_train_opts *o, hs_train_result *res,
                 char *err, size_t errlen)
{
    if (hs_train_check(o, err, errlen) != 0)
        return -1;
    const long P = tr->nparams;
    const int B = o->batch, d = cfg->d;
    double *x = hs_alloc((size_t)(P > 0 ? P : 1) * sizeof *x), *g = hs_alloc((size_t)(P > 0 ? P : 1) * sizeof *g);
    double *r = hs_alloc((size_t)B * (size_t)cfg->q * (size_t)d * sizeof *r);
    tr->get(tr->ctx, x);
    hs_adamw opt;
    hs_adamw_init(&opt, (size_t)P, o->weight_decay, o->clip);
    long ell_s[64];
    int q_s[64];
    const int S = stages(cfg, o->curriculum, ell_s, q_s);
    const long per_block = B >= DRAW_BLOCK ? 1 : DRAW_BLOCK / B;
    hs_seq *block = hs_calloc((size_t)per_block * (size_t)B, sizeof *block);
    hs_train_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    run_state st = {.tr = tr, .cfg = cfg, .o = o, .held = hs_calloc((size_t)o->eval, sizeof *st.held), .res = res};
    gen_pool pool;
    pool_open(&pool, cfg, o->source);
    draw(&pool, HS_EVAL_FIRST, o->eval, st.held);

    hs_score tail = {0};
    const long tail_from = o->steps - (o->steps / 10 > 0 ? o->steps / 10 : 1);
    int rc = 0, stage = -1;
    long stage0 = 0, stage1 = 0, blk0 = 0, blk1 = 0, W = 0, s;
    double running = INFINITY; /* exponential average of the training batches' excess, bits */
    hs_hsmt cs = *cfg;
    st.t0 = st.last_line = hs_sys_now();
    for (s = 0;; s++) {
        /* s updates done: log, then stop or take update s. */
        const int last = s == o->steps;
        if (last || log_due(o, s)) {
            if ((rc = log_point(&st, s, err, errlen)) != 0)
                break;
            if (o->target > 0 && res->curve[res->npoints - 1].excess_bits <= o->target)
                break;
        }
        if (last)
            break;
        const double t1 = hs_sys_now();
        /* Next stage: at its latest start, or early once the running
         * training excess is low enough. */
        const int advance = stage >= 0 && stage < S - 1 && o->advance_below > 0 && s - stage0 >= ADVANCE_WINDOW &&
                            running <= o->advance_below;
        if (s >= stage1 || advance) {
            /* A stage whose latest start is not after s has no update of
             * its own (fewer than 2 (S - 1) steps): it is passed over. */
            do {
                stage++;
                stage1 = stage_begin(stage + 1, S, o->steps);
            } while (stage < S - 1 && stage1 <= s);
            stage0 = s;
            W = o->warmup == HS_TRAIN_WARMUP_AUTO ? hs_train_warmup(stage1 - stage0) : o->warmup;
            cs = *cfg;
            cs.ell = ell_s[stage];
            cs.q = q_s[stage];
            pool_close(&pool);
            pool_open(&pool, &cs, o->source);
            blk0 = blk1 = s;
            running = INFINITY;
        }
        if (s >= blk1) {
            blk0 = s;
            blk1 = s + per_block < stage1 ? s + per_block : stage1;
            draw(&pool, (uint64_t)s * (uint64_t)B, (blk1 - blk0) * B, block);
        }
        const hs_seq *batch = block + (size_t)(s - blk0) * (size_t)B;
        const double loss = tr->loss_grad(tr->ctx, &cs, batch, B, o->loss, g, r);
        /* An infinite loss (a fed-back outcome of model probability 0) has
         * no gradient to follow: the update is skipped. */
        if (isfinite(loss)) {
            const double peak = S > 1 && o->stage_lr_sqrt ? o->lr / sqrt((double)ell_s[stage]) : o->lr;
            hs_adamw_step(&opt, x, g, hs_train_lr(peak, s - stage0, stage1 - stage0, W, o->lr_floor));
            tr->set(tr->ctx, x);
            hs_score cur = {0};
            add_scores(batch, B, cs.q, d, r, &cur);
            hs_score_merge(&st.win, &cur);
            if (s >= tail_from)
                hs_score_merge(&tail, &cur);
            const double ex = cur.kl / (double)cur.outputs;
            running = isfinite(running) ? running + (ex - running) / ADVANCE_WINDOW : ex;
        }
        st.seconds += hs_sys_now() - t1;
        st.tokens += (double)B * (double)(cs.ell + 1 + 2L * cs.q);
        progress(&st, s + 1, o->steps);
    }
    if (rc == 0) {
        res->held = st.last;
        res->excess_bits = st.last.kl / (double)st.last.outputs;
        res->loss_bits = st.last.ce / (double)st.last.outputs;
        res->train_loss_bits = tail.outputs ? tail.nll / (double)tail.outputs : NAN;
        res->train_excess_bits = tail.outputs ? tail.kl / (double)tail.outputs : NAN;
        res->seconds = st.seconds;
        res->tokens_per_s = st.seconds > 0 ? st.tokens / st.seconds : 0;
        res->steps_used = s;
    }
    free_seqs(block, per_block * B);
    free_seqs(st.held, o->eval);
    pool_close(&pool);
    hs_adamw_free(&opt);
    hs_sys_free(x);
    hs_sys_free(g);
    hs_sys_free(r);
    return rc;
}

int hs_train_verdict(const hs_train_point *curve, int npoints, long steps, double target, double f)
{
    double best80 = INFINITY, best = INFINITY;
    for (int i = 0; i < npoints; i++) {
        if (curve[i].excess_bits <= target)
            return HS_VERDICT_REACHED;
        if (curve[i].step <= (long)(0.8 * (double)steps))
            best80 = fmin(best80, curve[i].excess_bits);
        best = fmin(best, curve[i].excess_bits);
    }
    return best > best80 * (1 - f) ? HS_VERDICT_PLATEAU : HS_VERDICT_BUDGET;
}

const char *hs_verdict_name(int v)
{
    return v == HS_VERDICT_REACHED ? "reached" : v == HS_VERDICT_PLATEAU ? "plateau" : "budget";
}
