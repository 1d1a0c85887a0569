#!/usr/bin/env python3
"""results.md from the separation, trainability and contextuality suites.

usage: report.py [-o DIR] [--models FILE] [--separation CSV...]
                 [--trainability CSV...] [--contextuality CSV...]

Model names, order and size labels come from the registry (`hypersep
models`): models.tsv beside the first CSV (the suites write it), or
--models FILE.

Reads the suites' CSVs (columns: docs/formats.md; files of one suite are
merged, the latest row per configuration kept) and writes DIR/results.md
(default DIR: the first CSV's directory):
  - where the data came from: files, row counts, git revisions and hosts;
  - separation: per task (k, ell, n, correlation length) and model the
    smallest memory (bits) whose held-out excess loss is <= epsilon, beside
    the lower bound (binom(n,k) - 1) log2 d and the quantum memory n log2 d;
    the log-log slopes of memory against correlation length;
  - trainability: the dynamical Lie algebra dimensions beside their closed
    forms; per gradient-variance curve the exponential and polynomial fits
    and the law chosen (analysis/fits.py, through plot_trainability.py's
    reductions); per (model, k, n, budget) the training runs reaching
    epsilon, with Wilson intervals, median steps and the final excess of
    the others;
  - contextuality: the LP certificates and the pre-sampling model's loss;
  - links to the plots of plot_separation.py and plot_trainability.py that
    exist in DIR.
Prints the separation summary table (markdown) on stdout. Needs only the
standard library.
"""
import argparse
import os
import sys

import plot_trainability as pt
import suite_csv as sc

PLOTS = {"separation": ["separation_state.png", "separation.png", "separation_excess.png"],
         "trainability": ["trainability_variance.png", "trainability_success.png", "trainability_curves.png"]}
NOT_REACHED = "—"


def md_table(head, rows, align=None):
    """Markdown table; align: one of 'l', 'r' per column (default right)."""
    align = align or ["r"] * len(head)
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def g3(v):
    return "" if v is None else f"{v:.3g}"


def plot_links(out, suite):
    names = [p for p in PLOTS[suite] if os.path.exists(os.path.join(out, p))]
    return "\n\n".join(f"![{os.path.splitext(p)[0]}]({p})" for p in names)


def not_reached(note, trained):
    """A cell where no size passed: the largest size's verdict (plateau or
    budget) for a trained model, the dash for one that is not trained."""
    for v in ("plateau", "budget"):
        if trained and f": {v} at " in note:
            return v
    return NOT_REACHED


def separation_section(rows):
    """(markdown section, summary table alone)."""
    summary = sc.separation_summary(rows)
    models = sc.model_order({m for t in summary for m in t["best"]})
    # d and bases become columns only when they differ between tasks, q only
    # when it is not the default q = n.
    extra = [c for c in ("d", "bases") if len({t[c] for t in summary}) > 1]
    if any(t["queries"] != t["n"] for t in summary):
        extra.append("queries")
    head = ["k", "ell", "n", "corr_length"] + [{"queries": "q"}.get(c, c) for c in extra] + models + \
           ["lower bound", "quantum"]
    body = []
    for t in summary:
        cells = [t["k"], t["ell"], t["n"], t["corr_length"]] + [t[c] for c in extra]
        for m in models:
            if m not in t["best"]:
                cells.append("")
            elif t["best"][m] is None:
                cells.append(not_reached(t["note"][m], t["trained"][m]))
            else:
                b = t["best"][m]
                cells.append(sc.fmt_num(b["memory_bits"]) + sc.size_label(b) +
                             (", undetermined" if t["status"][m] == "undetermined" else ""))
        cells += [sc.fmt_num(t["lower_bound"]), sc.fmt_num(t["quantum"])]
        body.append(cells)
    table = md_table(head, body, ["l" if h == "bases" else "r" for h in head])
    eps = sorted({r["epsilon"] if r["epsilon"] is not None else sc.DEFAULT_EPSILON for r in rows})
    state = state_table(summary, models)
    slopes = sc.separation_slopes(summary)
    slope_table = md_table(["model", "k", "points", "slope"],
                           [[m, k, len(p), sc.fmt_slope(s)] for m, k, p, s in slopes], ["l", "r", "r", "r"])
    text = (f"Smallest memory (bits) of each model whose held-out excess loss is <= epsilon "
            f"({', '.join(f'{e:g}' for e in eps)} bits per output) with every larger size of its ladder "
            f"reaching it too, the best seed per size; undetermined: a smaller size stopped on its training "
            f"budget while still improving; plateau / budget: no size reached epsilon, and the largest "
            f"plateaued / was still improving; {NOT_REACHED}: an untrained model that does not reach "
            f"epsilon; empty: not run. corr_length = ell + 2q. "
            f"Lower bound (binom(n,k) - 1) log2 d, quantum memory n log2 d.\n\n{table}\n\n"
            f"Least-squares slopes of log memory against log correlation length over the tasks "
            f"where the model reached epsilon (n/a: fewer than 2 points); lower_bound and quantum "
            f"are the reference lines.\n\n{slope_table}{state}")
    return text, table


def state_table(summary, models):
    """The paper's regime: the smallest passing state dimension per (k, n)
    beside binom(n,k) - 1, and its slopes against n; '' when no model has
    two n at some k."""
    points = sc.state_points(summary)
    if not any(len(p) > 1 for (label, _), p in points.items() if label not in ("lower_bound", "quantum")):
        return ""
    by_kn = {(t["k"], t["n"]): t for t in summary}
    body = []
    for (k, n), t in sorted(by_kn.items()):
        cells = [k, n, t["ell"], sc.fmt_num(t["lower_bound_dim"])]
        for m in models:
            b = t["best"].get(m)
            if m not in t["best"]:
                cells.append("")
            elif b is None:
                cells.append(not_reached(t["note"][m], t["trained"][m]))
            else:
                cells.append(sc.fmt_num(b["state_dim"]) + sc.size_label(b) +
                             (", undetermined" if t["status"][m] == "undetermined" else ""))
        body.append(cells)
    table = md_table(["k", "n", "ell", "binom(n,k) - 1"] + models, body)
    slopes = sc.state_slopes(points)
    slope_table = md_table(["model", "k", "points", "slope"],
                           [[m, k, p, sc.fmt_slope(s)] for m, k, p, s in slopes], ["l", "r", "r", "r"])
    return ("\n\nState dimension (units crossing the context boundary, docs/spec.md#memory) of the smallest "
            "passing size, against binom(n,k) - 1: does a model whose state dimension is below the bound "
            f"fail, and one above it pass?\n\n{table}\n\nLeast-squares slopes of log state dimension "
            f"against log n (lower_bound: binom(n,k) - 1; quantum: n).\n\n{slope_table}")


GENERATORS = {"write": "write cells", "all": "write and query cells"}


def trainability_section(rows):
    parts = []
    lie = pt.lie_table(rows)
    if lie:
        body = [[m, GENERATORS.get(reading, reading or ""), k, n, "" if dim is None else dim, sc.fmt_num(exp),
                 "" if None in (dim, exp) else "yes" if dim == exp else "no"] for m, reading, k, n, dim, exp in lie]
        parts.append("Dimension of the dynamical Lie algebra generated by each model's cell generators on n "
                     "qubits: measured (commutator closure, core/dla.h) beside the closed form (the k-HRNN's "
                     "write cells: sum over j <= k of binom(n, j), abelian; with its query rotations, and the "
                     "generic ansatz: all of u(2^n) or su(2^n) for k >= 2, a product of su(2) for k = 1). "
                     "At small n the measured dimension may fall short of the closed form.\n\n" +
                     md_table(["model", "generators", "k", "n", "measured", "closed form", "equal"], body,
                              ["l", "l", "r", "r", "r", "r", "l"]))
    vf = pt.variance_fits(rows)
    if vf:
        def coef(line):
            return "" if line is None else f"{line.slope + 0.0:.4f} ± {line.slope_se:.4f}"
        body = [[c["model"], c["k"], c["reading"] or "", c["init"] or "", c["part"], c["fit"].points,
                 coef(c["fit"].exponential), coef(c["fit"].polynomial),
                 "" if c["fit"].delta_aic is None else f"{c['fit'].delta_aic:.1f}", c["fit"].choice] for c in vf]
        parts.append("Decay of the gradient variance over random initialisations with n, per model, k, "
                     "reading of the loss (first: the first query's; all: the mean over the queries; last: the "
                     "last query's), initialisation (uniform over the full period, or small around 0) and "
                     "parameters (write or query cells). Both laws are fitted to ln V by ordinary least squares "
                     "(analysis/fits.py): exponential ln V = a + b n (b per site) and polynomial ln V = a + c ln n, "
                     "± one standard error; delta AIC = AIC(polynomial) - AIC(exponential), > 0 favours the "
                     "exponential law; the choice is the law of lower AIC, or none when its slope is not "
                     "significantly negative (slope + 2 se >= 0) or there are fewer than 3 n. The bootstrap "
                     "intervals of the points are in the plot.\n\n" +
                     md_table(["model", "k", "reading", "init", "part", "points", "exponential b", "polynomial c",
                               "delta AIC", "choice"], body, ["l", "r", "l", "l", "l", "r", "r", "r", "r", "l"]))
    st = pt.success_table(rows)
    if st:
        body = [[s["model"], s["k"], s["n"], s["ell"], s["steps"], g3(s["lr"]), s["runs"], s["reached"], s["trap"],
                 s["budget"], f"{s['rate']:.2f} [{s['lo']:.3f}, {s['hi']:.3f}]", sc.fmt_num(s["median_steps"]),
                 g3(s["median_excess"])] for s in st]
        parts.append("Training from random starts with exact gradients, both models through the one training "
                     "loop, per budget (steps, peak learning rate lr): runs that reached epsilon (held-out "
                     "excess loss), that were trapped (not reached, the held-out loss flattened above epsilon: "
                     "more budget would not help) and that ran out of budget still improving; the fraction "
                     "reaching epsilon with its Wilson 95% interval; the median steps of the runs that reached "
                     "it and the median final excess (bits per output) of the others.\n\n" +
                     md_table(["model", "k", "n", "ell", "steps", "lr", "runs", "reached", "trap", "budget",
                               "reached fraction [95%]", "median steps (reached)",
                               "median excess (not reached)"], body, ["l"] + ["r"] * 12))
    return "\n\n".join(parts) or "No rows of kind lie, variance or run."


def contextuality_section(rows):
    body = []
    for r in sorted(rows, key=lambda r: tuple((r[c] is None, r[c]) for c in sc.CONTEXTUALITY.names[:6])):
        lp = "" if r["lp_rows"] is None else f"{r['lp_rows']} x {r['lp_cols']}"
        body.append([r["k"], r["n"], r["d"], r["bases"] or "", r["states"], r["seed"], r["contexts"], lp,
                     f"{r['infeasible']}/{r['states']}", g3(r["ncf_mean"]), g3(r["ncf_min"]),
                     g3(r["ncf_max"]), g3(r["presample_excess_bits"]),
                     sc.fmt_num(r["presample_memory_bits"]), sc.fmt_num(r["exact_bits"]),
                     g3(r["lp_seconds"])])
    head = ["k", "n", "d", "bases", "states", "seed", "contexts", "LP rows x cols", "infeasible",
            "ncf mean", "ncf min", "ncf max", "presample excess (bits)", "presample memory (bits)",
            "exact memory (bits)", "LP seconds"]
    align = ["r"] * 3 + ["l"] + ["r"] * 12
    return ("Noncontextuality certificates for the latent hypergraph states of the first `states` "
            "sequences: infeasible = states whose query statistics no noncontextual joint "
            "distribution reproduces (LP infeasible); ncf = noncontextual fraction (1 = "
            "noncontextual). The pre-sampling (noncontextual) model's held-out excess loss "
            "beside its memory.\n\n" + md_table(head, body, align))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for s in ("separation", "trainability", "contextuality"):
        ap.add_argument(f"--{s}", nargs="+", action="extend", default=[], metavar="CSV",
                        help=f"{s}.csv files of hypersep suite {s}")
    ap.add_argument("-o", "--out", help="output directory (default: the first CSV's directory)")
    ap.add_argument("--models", help="the model registry, `hypersep models` (default: models.tsv beside the "
                    "first CSV)")
    ap.add_argument("--summary-tsv", metavar="FILE",
                    help="also write the separation summary as `hypersep suite summary` does (TSV)")
    args = ap.parse_args()
    given = [(sc.SEPARATION, args.separation), (sc.TRAINABILITY, args.trainability),
             (sc.CONTEXTUALITY, args.contextuality)]
    given = [(t, p) for t, p in given if p]
    if not given:
        sc.fail("nothing to report: give --separation, --trainability and/or --contextuality CSV files")
    loaded = [(t, paths) + sc.load(t, paths) for t, paths in given]
    sc.use_models(sc.models_path(args.models, given[0][1][0]))
    out = sc.out_dir(args.out, given[0][1][0])

    prov = [sc.provenance_line(t, info, len(rows)) for t, _, rows, info in loaded]
    doc = ["# hypersep results", "",
           "Generated by analysis/report.py. Data: " + "; ".join(prov) + "."]
    sections = {"separation": separation_section, "trainability": trainability_section,
                "contextuality": contextuality_section}
    summary = None
    for t, _, rows, _ in loaded:
        text = sections[t.name](rows)
        if t.name == "separation":
            text, summary = text
        doc += ["", f"## {t.name.capitalize()}", "", text]
        links = plot_links(out, t.name) if t.name in PLOTS else ""
        if links:
            doc += ["", links]
    sc.write_atomic(os.path.join(out, "results.md"), "\n".join(doc) + "\n")
    if args.summary_tsv and args.separation:
        sep_rows = next(rows for t, _, rows, _ in loaded if t.name == "separation")
        sc.write_atomic(args.summary_tsv, "\n".join(sc.summary_tsv(sep_rows)) + "\n")
    if summary is not None:
        print(summary)
    print(f"{sc.PROG}: wrote results.md to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
