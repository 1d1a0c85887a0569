#!/usr/bin/env python3
"""Gradient variance and training curves from `hypersep suite trainability` CSV.

usage: plot_trainability.py [-o DIR] [--models FILE] TRAINABILITY.CSV [TRAINABILITY.CSV ...]

Model colours come from the registry (`hypersep models`): models.tsv beside
the first CSV (the suites write it), or --models FILE.

Reads trainability.csv files (columns: docs/formats.md; merged, the latest row
per configuration kept) and writes into DIR (default: the first file's
directory):
  trainability_variance.png  rows of kind variance, two panels: grad_var
                             (variance over random initialisations of dL/dx,
                             mean over the write-cell parameters) and
                             grad_var_query (the same over the query-cell
                             angles, which both models share) against n, log
                             y, one line per (model, k) (mean over the rows
                             of an n), with the fitted decay rates in the
                             legends
  trainability_curves.png    rows of kind curve: held-out excess loss against
                             training step, log y (floored at 1e-12), one line
                             per seed, one panel per (k, n)
The decay rate is the least-squares slope of log2 grad_var against n (bits
per site: -1 halves the variance with every added site); printed as TSV on
stdout: model, k, points, log2_slope (write cells), query_log2_slope.

Run through analysis/python.sh (finds a Python with matplotlib and numpy).
"""
import argparse
import math
import os
import sys

import suite_csv as sc

plt = ticker = None  # matplotlib, imported by suite_csv.import_pyplot() in main()


EXCESS_FLOOR = 1e-12  # log axis: a converged k-HRNN reaches ~1e-16 or 0
MARKERS = ["o", "s", "^", "D", "v", "P"]


def plot_variance(series, path):
    ks = sorted({k for _, k in series})
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, query in zip(axes, (False, True)):
        for (model, k), pts in series.items():
            rate, _ = sc.decay_rate(pts, query)
            good = [(n, q if query else g) for n, g, q, _ in pts]
            good = [(n, v) for n, v in good if v is not None and v > 0]
            if not good:
                continue
            ax.plot([n for n, _ in good], [v for _, v in good], marker=MARKERS[ks.index(k) % len(MARKERS)],
                    color=sc.colour(model), ls="-" if model == "khrnn" else "--",
                    label=f"{model} k={k} (log2 slope {sc.fmt_slope(rate)}/site)")
        ax.set_yscale("log", base=2)  # the fitted slope is in these units per site
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        ax.set_xlabel("n (sites)")
        ax.set_ylabel("Var over initialisations of dL/dx")
        ax.set_title("query-cell angles (shared by both models)" if query else "write-cell parameters")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle("Gradient variance against n")
    fig.tight_layout()
    sc.save_png(fig, path)


def plot_curves(curves, path):
    panels = list(curves)
    cols = min(3, len(panels))
    nrows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.5 * cols, 3.8 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (k, n) in zip(axes.flat, panels):
        lines = curves[(k, n)]
        several_ell = len({ell for ell, _ in lines}) > 1
        for (ell, seed), rs in lines.items():
            pts = [(r["step"], max(r["excess_loss_bits"], EXCESS_FLOOR)) for r in rs
                   if r["excess_loss_bits"] is not None]
            ax.plot([s for s, _ in pts], [e for _, e in pts], marker=".",
                    label=f"seed {seed}" + (f" ell={ell}" if several_ell else ""))
        ells = sorted({ell for ell, _ in lines})
        ax.set_title(f"k = {k}, n = {n}" + ("" if several_ell else f", ell = {ells[0]}"))
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel("held-out excess loss (bits/output)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(f"k-HRNN training from random starts (floor {EXCESS_FLOOR:g})")
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
    other = sorted({r["kind"] or "" for r in rows} - {"variance", "curve"})
    if other:
        print(f"{sc.PROG}: ignoring rows of kind {', '.join(other)} (known: variance, curve)",
              file=sys.stderr)
    series, cur = sc.variance_series(rows), sc.curves(rows)
    if not series and not cur:
        sc.fail(f"no rows of kind variance or curve in {', '.join(args.csv)}")
    out = sc.out_dir(args.out, args.csv[0])
    plt, ticker = sc.import_pyplot()
    written = []
    if series:
        plot_variance(series, os.path.join(out, "trainability_variance.png"))
        written.append("trainability_variance.png")
    if cur:
        plot_curves(cur, os.path.join(out, "trainability_curves.png"))
        written.append("trainability_curves.png")
    print("model\tk\tpoints\tlog2_slope\tquery_log2_slope")
    for (model, k), pts in series.items():
        rate, npts = sc.decay_rate(pts)
        print(f"{model}\t{k}\t{npts}\t{sc.fmt_slope(rate)}\t{sc.fmt_slope(sc.decay_rate(pts, True)[0])}")
    print(f"{sc.PROG}: wrote {', '.join(written)} to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
