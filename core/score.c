/* Per-output scores of predictions against exact conditionals. */
#include "score.h"

#include <math.h>
#include <string.h>

const char *hs_loss_name(int kind) { return kind == HS_LOSS_CE ? "soft" : "hard"; }

int hs_loss_parse(const char *name)
{
    if (strcmp(name, "soft") == 0)
        return HS_LOSS_CE;
    if (strcmp(name, "hard") == 0)
        return HS_LOSS_NLL;
    return -1;
}

void hs_score_add(hs_score *s, const double *p, const double *r, int d, int outcome)
{
    double ce = 0, opt = 0, tv = 0;
    for (int o = 0; o < d; o++) {
        double ro = r[o] > HS_SCORE_FLOOR ? r[o] : HS_SCORE_FLOOR;
        if (p[o] > 0) {
            ce -= p[o] * log2(ro);
            opt -= p[o] * log2(p[o]);
        }
        tv += fabs(p[o] - r[o]);
    }
    /* KL as a sum of p log(p / r) terms rather than ce - opt: no cancellation
     * when the model is nearly exact. */
    double kl = 0;
    for (int o = 0; o < d; o++)
        if (p[o] > 0) {
            double ro = r[o] > HS_SCORE_FLOOR ? r[o] : HS_SCORE_FLOOR;
            kl += p[o] * log2(p[o] / ro);
        }
    double ro = r[outcome] > HS_SCORE_FLOOR ? r[outcome] : HS_SCORE_FLOOR;
    s->outputs++;
    s->ce += ce;
    s->opt += opt;
    s->kl += kl;
    s->tv += 0.5 * tv;
    s->nll -= log2(ro);
}

void hs_score_merge(hs_score *into, const hs_score *from)
{
    into->outputs += from->outputs;
    into->ce += from->ce;
    into->opt += from->opt;
    into->kl += from->kl;
    into->tv += from->tv;
    into->nll += from->nll;
}

void hs_score_print(const hs_score *s, FILE *out)
{
    double n = s->outputs > 0 ? (double)s->outputs : 1.0;
    fprintf(out, "outputs=%ld\n", s->outputs);
    fprintf(out, "cross_entropy_bits=%.12g\n", s->ce / n);
    fprintf(out, "optimum_bits=%.12g\n", s->opt / n);
    fprintf(out, "excess_loss_bits=%.12g\n", s->kl / n);
    fprintf(out, "tv=%.12g\n", s->tv / n);
    fprintf(out, "nll_bits=%.12g\n", s->nll / n);
}
