/* The task options shared by sample, train and the benchmarks. */
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "state.h"

int hs_cli_task(const char *cmd, int n, int k, long ell, int d, const char *bases, int q, uint64_t seed,
                hs_hsmt *cfg, hs_err *e)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n = n;
    cfg->k = k;
    cfg->ell = ell;
    cfg->d = d;
    cfg->q = q;
    cfg->seed = seed;
    if (k > n)
        return hs_err_usage(e, cmd, "--k: %d is larger than --n %d (allowed 1..n)", k, n);
    if (q > n)
        return hs_err_usage(e, cmd, "--queries: %d is larger than --n %d (allowed 1..n)", q, n);
    if (bases) {
        const char *p = bases;
        for (;;) {
            const char *end = strchr(p, ',');
            const size_t len = end ? (size_t)(end - p) : strlen(p);
            char tok[64];
            if (len == 0 || len >= sizeof tok)
                return hs_err_usage(e, cmd, "--bases: '%s' has an empty or overlong entry (allowed: a "
                                    "comma-separated list of basis names)", bases);
            memcpy(tok, p, len);
            tok[len] = '\0';
            int code;
            if (hs_hsmt_basis_parse(tok, d, &code) != 0) {
                if (d == 2)
                    return hs_err_usage(e, cmd, "--bases: '%s' is not a basis for d=2 (allowed: Z, X, Y)", tok);
                return hs_err_usage(e, cmd, "--bases: '%s' is not a basis for d=%d (allowed: Z or a chirp index "
                                    "0..%d)", tok, d, d - 1);
            }
            if (cfg->nbases == HS_MAX_BASES)
                return hs_err_usage(e, cmd, "--bases: more than %d bases in '%s'", HS_MAX_BASES, bases);
            for (int j = 0; j < cfg->nbases; j++)
                if (cfg->bases[j] == code)
                    return hs_err_usage(e, cmd, "--bases: '%s' is listed twice in '%s' (bases must be distinct)",
                                        tok, bases);
            cfg->bases[cfg->nbases++] = code;
            if (!end)
                break;
            p = end + 1;
        }
    }
    hs_hsmt_defaults(cfg);
    char err[256];
    if (hs_hsmt_validate(cfg, err, sizeof err) != 0)
        return hs_err_usage(e, cmd, "%s", err);
    return HS_OK;
}

int hs_cli_check_fit(const char *cmd, int n, int d, hs_err *e)
{
    char err[256];
    if (hs_state_check_fit(n, d, err, sizeof err) != 0)
        return hs_err_usage(e, cmd, "%s", err);
    return HS_OK;
}
