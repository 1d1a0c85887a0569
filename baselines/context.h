/* Contextuality certificate (docs/spec.md#suite-contextuality): the
 * noncontextual fraction of the query statistics of a small n-site state, by
 * linear programming (Abramsky, Barbosa, Mansfield, PRL 119, 050504, 2017).
 *
 * Contexts. A context c assigns one basis of B to every site (|B|^n of them);
 * measurements on distinct sites commute, so its joint outcome distribution
 * p_c(e), e in Z_d^n, is well defined, and every query statistic of the HSMT
 * (distinct sites, one basis each, any order) is a ratio of its marginals.
 * A global assignment g fixes one outcome for every (site, basis) pair
 * (d^(n|B|) of them); g|_c is its restriction to context c.
 *
 * LP. maximise sum_g b_g  s.t.  sum_{g : g|_c = e} b_g <= p_c(e) for every
 * (c, e), b >= 0. Its optimum is the noncontextual fraction NCF in [0, 1]:
 * NCF = 1 iff one joint distribution over global assignments reproduces every
 * context's statistics (a noncontextual, e.g. pre-sampling, model can be
 * exact); the contextual fraction is 1 - NCF. The dual, minimise sum p_c(e)
 * y_{c,e} s.t. sum_c y_{c, g|_c} >= 1 for every g, y >= 0, is the
 * certificate: every noncontextual model scores >= 1 on the inequality
 * sum y p >= 1, the quantum statistics score NCF.
 *
 * Factors. The state is first split into its finest tensor factors (a
 * rank-one test per site subset); NCF is multiplicative over a product state
 * (products of feasible b and of certificates stay feasible), so each factor
 * is solved alone and the bounds multiply. Isolated sites of a sparse
 * hypergraph thus cost nothing.
 *
 * Solver. Column generation over GLPK's primal simplex: the master LP holds
 * the rows with p_c(e) > 0 and the columns generated so far; pricing computes
 * sum_c y_{c, g|_c} for every g at once by contracting one site at a time
 * (hs_context_price). Rows with p_c(e) = 0 (below HS_CONTEXT_PTINY) forbid
 * every g that restricts to them; pricing gives them dual 2, so such g never
 * enter and the dual stays valid for the full LP. Both bounds are re-checked
 * in plain double arithmetic outside GLPK (ncf_lo from the primal columns,
 * ncf_hi from the dual over all g), so the verdicts do not rest on GLPK's
 * tolerances.
 *
 * Layouts (d <= 64, 1 <= |B| <= HS_MAX_BASES, n <= HS_MAX_SITES):
 *   rows: r(c, e) = sum_i (c_i d + e_i) (|B| d)^i, (|B| d)^n of them, with c_i
 *         the index into `bases` of site i's basis and e_i its outcome;
 *   columns: g = sum_i sum_b g_{i,b} d^(i |B| + b), d^(n |B|) of them, with
 *         g_{i,b} the outcome of site i in basis b;
 *   amplitudes: index z = sum_i z_i d^i (as baselines/exact.h). */
#ifndef HS_CONTEXT_H
#define HS_CONTEXT_H

#include <complex.h>
#include <stddef.h>

/* Size limits: d^(n|B|) columns (pricing keeps ~33 bytes per column, 33 MiB
 * at the limit) and the master LP's nonzeros (GLPK stores ~80 bytes per
 * nonzero: ~3 GiB at the limit; each round is also checked against the
 * available memory). Rows, (|B| d)^n, never exceed columns since
 * d^|B| >= |B| d. */
#define HS_CONTEXT_MAX_COLS (1L << 20)
#define HS_CONTEXT_MAX_NNZ (1L << 25)

/* Verdict tolerance on NCF. The p_c(e) carry relative errors ~1e-15 and the
 * verified bounds ncf_lo, ncf_hi bracket the optimum within ~1e-8 (GLPK runs
 * with primal and dual tolerances 1e-9 on rows scaled to O(1)); a contextual
 * fraction below 1e-6 would not be distinguishable from that. */
#define HS_CONTEXT_TOL 1e-6

/* Probabilities below this are exact zeros: they come out of the amplitudes
 * as rounding noise ~1e-30, while nonzero ones are >= 4^-n for qubit
 * hypergraph states (|sum of 2^n Gaussian integers|^2 / 4^n). Treating a
 * genuine p < 1e-12 as 0 moves NCF by at most rows * 1e-12. */
#define HS_CONTEXT_PTINY 1e-12

typedef struct {
    int feasible;        /* ncf_lo >= 1 - HS_CONTEXT_TOL: a noncontextual model
                            reproduces every context within total variation TOL */
    int contextual;      /* ncf_hi < 1 - HS_CONTEXT_TOL: the dual certificate
                            rules out every noncontextual model */
    double ncf;          /* LP optimum (GLPK), in [0, 1] */
    double ncf_lo;       /* verified: a feasible b rescaled in double has this mass */
    double ncf_hi;       /* verified: sum p y / min_g sum_c y_{c,g|c} */
    long rows, cols;     /* full LP: (|B| d)^n rows, d^(n|B|) columns */
    int factors;         /* tensor factors solved separately */
    long rows_used;      /* master rows (p_c(e) > 0), summed over factors */
    long cols_used;      /* columns generated, summed over factors */
    long nnz;            /* master nonzeros (|B|^(factor n) per column), summed */
    int rounds;          /* pricing rounds with a simplex solve, summed */
    double seconds;      /* wall time of hs_context_lp */
} hs_context_result;

/* Checks n, d, bases (codes as hs_hsmt.bases, distinct) and the size limits.
 * Returns 0, or -1 with a one-line message naming n, |B| and the size. */
int hs_context_check(int n, int d, const int *bases, int nbases, char *err, size_t errlen);

/* p[r(c, e)] = p_c(e) = |<e| U_{b(c_0)} x ... x U_{b(c_(n-1))} |amp>|^2 for
 * the normalised n-site state amp (d^n entries); p has (|B| d)^n entries.
 * Arguments must pass hs_context_check. */
void hs_context_probs(int n, int d, const double complex *amp, const int *bases, int nbases,
                      double *p);

/* s[g] = sum over contexts c of y[r(c, g|_c)], for all d^(n|B|) columns g;
 * y has (|B| d)^n entries. O(d^(n|B|) |B|) time. */
void hs_context_price(int n, int d, int nbases, const double *y, double *s);

/* Solves the LP for the state amp. Fills *res; when cert is not NULL it
 * receives the dual certificate y ((|B| d)^n entries, >= 0), normalised so
 * that sum_c cert[r(c, g|_c)] >= 1 for every g and sum p cert = ncf_hi.
 * Returns 0, or -1 with a one-line message (invalid arguments, size limits,
 * solver failure). GLPK prints nothing. */
int hs_context_lp(int n, int d, const double complex *amp, const int *bases, int nbases,
                  hs_context_result *res, double *cert, char *err, size_t errlen);

#endif
