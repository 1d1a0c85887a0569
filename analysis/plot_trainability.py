#!/usr/bin/env python3
"""Trainability plots and tables from `hypersep suite trainability` CSV.

usage: plot_trainability.py [-o DIR] [--models FILE] TRAINABILITY.CSV [TRAINABILITY.CSV ...]

Model colours come from the registry (`hypersep models`): models.tsv beside
the first CSV (the suites write it), or --models FILE.

Reads trainability.csv files (columns: docs/formats.md; merged, the latest row
per configuration kept) and writes into DIR (default: the first file's
directory):
  trainability_variance.png  rows of kind variance: grad_var (write-cell
                             parameters, left) and grad_var_query (query-cell
                             parameters, right) against n, log y, error bars
                             the bootstrap intervals, one row of panels per
                             reading of the loss (first, all, last); one
                             series per (model, k, init): colour the model,
                             marker the k, filled for init uniform, open for
                             small; the chosen fit (fits.py) as a thin line,
                             solid exponential, dashed polynomial, none when
                             there is no decay
  trainability_success.png   rows of kind run: the fraction of runs reaching
                             epsilon (verdict reached) against n with its
                             Wilson 95% interval, and the median steps_used of
                             the runs that reached it (log y); one line per
                             (model, k, budget), a budget being the key's
                             steps and lr
  trainability_curves.png    rows of kind curve: held-out excess loss against
                             step, log y floored at 1e-12, one line per seed
                             (its run's verdict in the legend), one panel per
                             (model, k, n, ell, budget), the largest 4 n of
                             each (model, k, budget), at most 16 panels
  trainability_fits.tsv      per (model, k, reading, init) and part (write:
                             grad_var, query: grad_var_query) the fits of
                             fits.fit_decay over the rows' (n, V) with V > 0:
                             model k reading init part points exp_slope exp_se
                             poly_exponent poly_se aic_exp aic_poly choice;
                             exp_slope is b of ln V = a + b n (per site),
                             poly_exponent c of ln V = a + c ln n; empty
                             without a fit (fewer than 3 points); choice
                             exponential, polynomial or none
  trainability_success.tsv   per (model, k, n, ell, steps, lr) over the run
                             rows (the runs of one configuration but its
                             seed): model k n ell steps lr runs reached trap
                             budget
                             success_rate wilson_lo wilson_hi
                             median_steps_reached
                             median_final_excess_not_reached (bits per
                             output; empty when no run is in that class)
  trainability_lie.tsv       the lie rows: model reading k n lie_dim
                             lie_expected (reading write: the k-HRNN's write
                             cells; all: with the query cells)
Each TSV has a header line and is rewritten at every run (header only when
there are no rows of its kind). The fits table is also printed on stdout.
A PNG is written when there are rows for it. report.py imports the
reductions below (variance_fits, success_table, lie_table).

Run through analysis/python.sh (finds a Python with matplotlib and numpy).
"""
import argparse
import math
import os
import statistics
import sys

import fits
import suite_csv as sc

plt = ticker = None  # matplotlib, imported by suite_csv.import_pyplot() in main()

KINDS = ("lie", "variance", "run", "curve")
READINGS = ("first", "all", "last")
READING_TITLE = {"first": "loss of the first query", "all": "mean loss over the queries",
                 "last": "loss of the last query"}
INITS = ("uniform", "small")
PARTS = (("write", "grad_var"), ("query", "grad_var_query"))
EXCESS_FLOOR = 1e-12  # log axis: a converged k-HRNN reaches ~1e-16 or 0
CURVE_NS = 4          # curve panels: the largest n of each (model, k, steps, lr) ...
MAX_PANELS = 16       # ... and at most this many panels
MARKERS = ["o", "s", "^", "D", "v", "P"]
LINE_STYLES = ["-", "--", ":", "-."]

FITS_COLUMNS = ["model", "k", "reading", "init", "part", "points", "exp_slope", "exp_se", "poly_exponent",
                "poly_se", "aic_exp", "aic_poly", "choice"]
SUCCESS_COLUMNS = ["model", "k", "n", "ell", "steps", "lr", "runs", "reached", "trap", "budget", "success_rate",
                   "wilson_lo", "wilson_hi", "median_steps_reached", "median_final_excess_not_reached"]
LIE_COLUMNS = ["model", "reading", "k", "n", "lie_dim", "lie_expected"]


def rank(known, v):
    """Sort key: the position of v in the tuple known, unknown values after
    them by name."""
    return (known.index(v), "") if v in known else (len(known), v or "")


def variance_fits(rows):
    """Per (model, k, reading, init) and part, in registry / reading / init
    order: {model, k, reading, init, part, points: [(n, V, lo, hi)] sorted
    by n (rows with V > 0; several rows at one n are several points), fit:
    fits.DecayFit}."""
    groups = {}
    for r in rows:
        if r["kind"] == "variance":
            groups.setdefault((r["model"], r["k"], r["reading"], r["init"]), []).append(r)
    out = []
    for key in sorted(groups, key=lambda g: (sc.model_rank(g[0]), g[1], rank(READINGS, g[2]), rank(INITS, g[3]))):
        model, k, reading, init = key
        for part, col in PARTS:
            pts = sorted((r["n"], r[col], r[col + "_lo"], r[col + "_hi"]) for r in groups[key]
                         if r[col] is not None and r[col] > 0 and math.isfinite(r[col]))
            out.append({"model": model, "k": k, "reading": reading, "init": init, "part": part, "points": pts,
                        "fit": fits.fit_decay([(n, v) for n, v, _, _ in pts])})
    return out


def run_key(r):
    """A training configuration without its seed: model, k, n, ell and the
    budget (steps, lr)."""
    return r["model"], r["k"], r["n"], r["ell"], r["steps"], r["lr"]


def run_order(key):
    return (sc.model_rank(key[0]),) + tuple((v is None, v) for v in key[1:])


def success_table(rows):
    """Per training configuration (run_key) over the run rows: {model, k, n,
    ell, steps, lr, runs, reached, trap, budget, rate, lo, hi (Wilson 95%),
    median_steps (of the reached runs), median_excess (final held-out excess
    of the others)}; None where a median has no runs."""
    groups = {}
    for r in rows:
        if r["kind"] == "run":
            groups.setdefault(run_key(r), []).append(r)
    out = []
    for key in sorted(groups, key=run_order):
        rs = groups[key]
        reached = [r for r in rs if r["verdict"] == "reached"]
        others = [r["excess_loss_bits"] for r in rs if r["verdict"] != "reached" and r["excess_loss_bits"] is not None]
        steps = [r["steps_used"] for r in reached if r["steps_used"] is not None]
        lo, hi = fits.wilson(len(reached), len(rs))
        out.append(dict(zip(("model", "k", "n", "ell", "steps", "lr"), key), runs=len(rs), reached=len(reached),
                        trap=sum(r["verdict"] == "trap" for r in rs), budget=sum(r["verdict"] == "budget" for r in rs),
                        rate=len(reached) / len(rs), lo=lo, hi=hi,
                        median_steps=statistics.median(steps) if steps else None,
                        median_excess=statistics.median(others) if others else None))
    return out


def lie_table(rows):
    """The lie rows as (model, reading, k, n, lie_dim, lie_expected), by model,
    reading (write before all), k, n."""
    out = [(r["model"], r["reading"], r["k"], r["n"], r["lie_dim"], r["lie_expected"]) for r in rows
           if r["kind"] == "lie"]
    return sorted(out, key=lambda t: (sc.model_rank(t[0]), rank(("write", "all"), t[1]), t[2], t[3]))


def curve_runs(rows):
    """{run_key: {seed: (verdict or None, [(step, excess)])}} for the curve
    rows (the verdict from the run row), keeping the largest CURVE_NS n of
    each (model, k, steps, lr); then at most MAX_PANELS configurations.
    Returns (that dict, the number of configurations left out)."""
    verdict = {run_key(r) + (r["seed"],): r["verdict"] for r in rows if r["kind"] == "run"}
    out = {}
    for r in rows:
        if r["kind"] == "curve" and r["step"] is not None and r["excess_loss_bits"] is not None:
            key = run_key(r)
            run = out.setdefault(key, {}).setdefault(r["seed"], (verdict.get(key + (r["seed"],)), []))
            run[1].append((r["step"], r["excess_loss_bits"]))
    ns = {}  # per (model, k, steps, lr)
    for key in out:
        ns.setdefault(key[:2] + key[4:], set()).add(key[2])
    keys = [key for key in sorted(out, key=run_order) if key[2] in sorted(ns[key[:2] + key[4:]])[-CURVE_NS:]]
    return ({key: {s: (v, sorted(p)) for s, (v, p) in sorted(out[key].items())} for key in keys[:MAX_PANELS]},
            len(out) - len(keys[:MAX_PANELS]))


def g6(v):
    return "" if v is None else f"{v + 0.0:.6g}"  # + 0.0 turns -0.0 into 0.0


def tsv(columns, lines):
    return "\n".join(["\t".join(columns)] + ["\t".join(str(c) for c in line) for line in lines]) + "\n"


def fits_lines(vf):
    out = []
    for c in vf:
        e, p = c["fit"].exponential, c["fit"].polynomial
        out.append([c["model"], c["k"], c["reading"], c["init"], c["part"], c["fit"].points,
                    g6(e and e.slope), g6(e and e.slope_se), g6(p and p.slope), g6(p and p.slope_se),
                    g6(e and e.aic), g6(p and p.aic), c["fit"].choice])
    return out


def success_lines(st):
    return [[s["model"], s["k"], s["n"], s["ell"], s["steps"], g6(s["lr"]), s["runs"], s["reached"], s["trap"],
             s["budget"], g6(s["rate"]), g6(s["lo"]), g6(s["hi"]), g6(s["median_steps"]), g6(s["median_excess"])]
            for s in st]


def lie_lines(lt):
    return [[m, reading, k, n, "" if dim is None else dim, sc.fmt_num(exp)] for m, reading, k, n, dim, exp in lt]


def fit_label(fit):
    if fit.choice == "exponential":
        return f"exp, b={fit.exponential.slope:.2f}/site"
    if fit.choice == "polynomial":
        return f"poly, c={fit.polynomial.slope:.2f}"
    return "no decay" if fit.points >= fits.MIN_POINTS else "too few points"


def plain_log_labels(ax):
    """Tick labels of a log y axis of counts as plain numbers (240, not
    2.4x10^2; within a decade the minor ticks are labelled too)."""
    ax.yaxis.set_major_formatter(ticker.LogFormatter())
    ax.yaxis.set_minor_formatter(ticker.LogFormatter(labelOnlyBase=False))


def plot_variance(vf, path):
    readings = sorted({c["reading"] for c in vf}, key=lambda v: rank(READINGS, v))
    ks = sorted({c["k"] for c in vf})
    fig, axes = plt.subplots(len(readings), 2, figsize=(15, 4.2 * len(readings)), squeeze=False)
    for c in vf:
        if not c["points"]:
            continue
        ax = axes[readings.index(c["reading"])][0 if c["part"] == "write" else 1]
        col, mk = sc.colour(c["model"]), MARKERS[ks.index(c["k"]) % len(MARKERS)]
        ns = [n for n, _, _, _ in c["points"]]
        vs = [v for _, v, _, _ in c["points"]]
        err = [[max(0.0, v - lo) if lo is not None else 0.0 for _, v, lo, _ in c["points"]],
               [max(0.0, hi - v) if hi is not None else 0.0 for _, v, _, hi in c["points"]]]
        ax.errorbar(ns, vs, yerr=err, fmt=mk, color=col, mfc=col if c["init"] == "uniform" else "none",
                    ms=5, capsize=2, lw=0.8,
                    label=f"{c['model']} k={c['k']} {c['init']}: {fit_label(c['fit'])}")
        byn = {}
        for n, v in zip(ns, vs):
            byn.setdefault(n, []).append(math.log(v))
        ax.plot(sorted(byn), [math.exp(sum(byn[n]) / len(byn[n])) for n in sorted(byn)], color=col, lw=0.6,
                alpha=0.35)
        f = c["fit"]
        if f.choice != "none":
            line = f.exponential if f.choice == "exponential" else f.polynomial
            xs = [min(ns) + (max(ns) - min(ns)) * i / 40 for i in range(41)]
            ys = [math.exp(line.intercept + line.slope * (x if f.choice == "exponential" else math.log(x)))
                  for x in xs]
            ax.plot(xs, ys, color=col, lw=0.9, ls="-" if f.choice == "exponential" else "--")
    for i, reading in enumerate(readings):
        for j, part in enumerate(("write-cell parameters", "query-cell parameters")):
            ax = axes[i][j]
            ax.set_yscale("log")
            ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
            ax.set_xlabel("n (sites)")
            ax.set_ylabel("Var over initialisations of dL/dx")
            ax.set_title(f"{part}, {READING_TITLE.get(reading, reading)}", fontsize=10)
            ax.grid(alpha=0.3, which="both")
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.suptitle("Gradient variance against n (bars: bootstrap 95%; filled: uniform init, open: small; "
                 "thin lines: chosen fit, solid exponential, dashed polynomial)", fontsize=10)
    fig.tight_layout()
    sc.save_png(fig, path, bbox_inches="tight")


def plot_success(st, path):
    lines = {}
    for s in st:
        lines.setdefault((s["model"], s["k"], s["steps"], s["lr"]), []).append(s)
    ks = sorted({key[1] for key in lines})
    budgets = sorted({key[2:] for key in lines}, key=lambda b: tuple((v is None, v) for v in b))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for i, ((model, k, steps, lr), ss) in enumerate(lines.items()):
        dx = 0.06 * (i - (len(lines) - 1) / 2)  # keeps the error bars of the lines apart
        b = budgets.index((steps, lr))  # several budgets: told apart by the line style
        label = f"{model} k={k}" + (f" steps={steps} lr={lr:g}" if len(budgets) > 1 else "")
        style = dict(color=sc.colour(model), marker=MARKERS[ks.index(k) % len(MARKERS)], label=label,
                     ls=LINE_STYLES[b % len(LINE_STYLES)])
        left.errorbar([s["n"] + dx for s in ss], [s["rate"] for s in ss],
                      yerr=[[s["rate"] - s["lo"] for s in ss], [s["hi"] - s["rate"] for s in ss]],
                      capsize=2, **style)
        med = [(s["n"], s["median_steps"]) for s in ss if s["median_steps"] is not None and s["median_steps"] > 0]
        if med:
            right.plot([n for n, _ in med], [m for _, m in med], **style)
    left.set_ylim(-0.05, 1.05)
    left.set_ylabel("fraction of runs reaching epsilon")
    left.set_title("success from random starts (bars: Wilson 95%)", fontsize=10)
    if not any(s["median_steps"] for s in st):
        right.text(0.5, 0.5, "no run reached epsilon", ha="center", va="center", transform=right.transAxes)
    right.set_yscale("log")
    plain_log_labels(right)
    right.set_ylabel("median steps of the runs reaching epsilon")
    right.set_title("updates to reach epsilon", fontsize=10)
    for ax in (left, right):
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        ax.set_xlabel("n (sites)")
        ax.grid(alpha=0.3, which="both")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    sc.save_png(fig, path)


def plot_curves(curves, path):
    cr, left_out = curves
    panels = list(cr)
    cols = min(4, len(panels))
    nrows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.6 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, key in zip(axes.flat, panels):
        model, k, n, ell, steps, lr = key
        for seed, (verdict, pts) in cr[key].items():
            ax.plot([s for s, _ in pts], [max(e, EXCESS_FLOOR) for _, e in pts], marker=".", ms=3, lw=0.9,
                    label=f"seed {seed}" + (f" ({verdict})" if verdict else ""))
        ax.set_title(f"{model} k={k} n={n} ell={ell}, steps={steps} lr={lr:g}", fontsize=8)
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel("held-out excess loss (bits/output)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=6, ncol=2)
    more = f"; {left_out} more configurations not shown" if left_out else ""
    fig.suptitle(f"Training from random starts (floor {EXCESS_FLOOR:g}; the largest {CURVE_NS} n of each "
                 f"model, k and budget{more})", fontsize=10)
    fig.tight_layout()
    sc.save_png(fig, path)


def main():
    global plt, ticker
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv", nargs="+", help="trainability.csv files of hypersep suite trainability")
    ap.add_argument("-o", "--out", help="output directory (default: the first CSV's directory)")
    ap.add_argument("--models", help="the model registry, `hypersep models` (default: models.tsv beside the "
                    "first CSV)")
    args = ap.parse_args()
    rows, _ = sc.load(sc.TRAINABILITY, args.csv)
    sc.use_models(sc.models_path(args.models, args.csv[0]))
    other = sorted({r["kind"] or "" for r in rows} - set(KINDS))
    if other:
        print(f"{sc.PROG}: ignoring rows of kind {', '.join(other)} (known: {', '.join(KINDS)})", file=sys.stderr)
    if not any(r["kind"] in KINDS for r in rows):
        sc.fail(f"no rows of kind {', '.join(KINDS)} in {', '.join(args.csv)}")
    vf, st, lt, cr = variance_fits(rows), success_table(rows), lie_table(rows), curve_runs(rows)
    out = sc.out_dir(args.out, args.csv[0])
    plt, ticker = sc.import_pyplot()
    written = []
    for name, data, plot, some in (("trainability_variance.png", vf, plot_variance, vf),
                                   ("trainability_success.png", st, plot_success, st),
                                   ("trainability_curves.png", cr, plot_curves, cr[0])):
        if some:
            plot(data, os.path.join(out, name))
            written.append(name)
    fits_text = tsv(FITS_COLUMNS, fits_lines(vf))
    for name, text in (("trainability_fits.tsv", fits_text),
                       ("trainability_success.tsv", tsv(SUCCESS_COLUMNS, success_lines(st))),
                       ("trainability_lie.tsv", tsv(LIE_COLUMNS, lie_lines(lt)))):
        sc.write_atomic(os.path.join(out, name), text)
        written.append(name)
    sys.stdout.write(fits_text)
    print(f"{sc.PROG}: wrote {', '.join(written)} to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
