#!/usr/bin/env python3
"""Memory against correlation length from `hypersep suite separation` CSV.

usage: plot_separation.py [-o DIR] [--models FILE] SEPARATION.CSV [SEPARATION.CSV ...]

Model names, order and colours come from the registry (`hypersep models`):
models.tsv beside the first CSV (the suites write it), or --models FILE.

Reads separation.csv files (columns: docs/formats.md; merged, the latest row
per configuration kept) and writes into DIR (default: the first file's
directory):
  separation.png         per (model, k) the smallest memory (bits) whose
                         held-out excess loss is <= epsilon, against the
                         correlation length ell + 2q, log-log; points only
                         where some size reached epsilon; the least-squares
                         slope of log memory against log correlation length in
                         the legend; the lower bound (binom(n,k) - 1) log2 d
                         and the quantum memory n log2 d per k dashed
  separation_excess.png  per k, the best excess loss of each trained model
                         against its memory, one line per (model, ell), with
                         the epsilon line
  separation_state.png   the paper's regime (suite grid = n): per (model, k)
                         the smallest passing state dimension against n,
                         log-log, filled where determined, open where a
                         smaller size stopped on its budget; binom(n,k) - 1
                         and n dashed; fitted slopes in the legend
Prints the fitted slopes as TSV on stdout: model, k, points, slope (the
lower bound and quantum memory as models lower_bound and quantum), then the
state-dimension slopes against n as model state:NAME.

Run through analysis/python.sh (finds a Python with matplotlib and numpy).
"""
import argparse
import math
import os
import sys

import suite_csv as sc

plt = ticker = None  # matplotlib, imported by suite_csv.import_pyplot() in main()


# The reference lines of separation_slopes: legend name and colour (dashed).
BOUNDS = {"lower_bound": ("lower bound (binom(n,k)-1) log2 d", "black"),
          "quantum": ("quantum n log2 d", "tab:cyan")}
MARKERS = ["o", "s", "^", "D", "v", "P"]
STYLES = ["-", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2))]
EXCESS_FLOOR = 1e-12  # log axis: an excess of 0 would not show
# Left out of the state-dimension plot: models whose state is not what the
# comparison with binom(n,k) - 1 is about (the noncontextual presample
# model does not reach epsilon at k >= 2; the tableau is exact for k = 2
# only, with 2n(2n + 1) bits); their numbers stay in the tables.
STATE_SKIP = {"presample", "tableau"}


def by_k(k, ks, seq):
    return seq[ks.index(k) % len(seq)]


def plot_memory(summary, slopes, path):
    ks = sorted({t["k"] for t in summary})
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for label, k, pts, slope in slopes:
        if not pts:
            continue
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        tail = f" k={k} (slope {sc.fmt_slope(slope)})"
        if label in BOUNDS:
            name, col = BOUNDS[label]
            ax.plot(xs, ys, ls="--", lw=1.0, color=col, marker=by_k(k, ks, MARKERS), ms=3, mfc="none",
                    label=name + tail)
        else:
            ax.plot(xs, ys, ls=by_k(k, ks, STYLES), marker=by_k(k, ks, MARKERS), color=sc.colour(label),
                    label=label + tail)
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)  # memory in bits: ticks at powers of 2
    plain_ticks(ax.xaxis)
    ax.set_xlabel("correlation length ell + 2q (tokens)")
    ax.set_ylabel("smallest memory reaching epsilon (bits)")
    ax.set_title("Memory needed against correlation length")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    sc.save_png(fig, path, bbox_inches="tight")


def plot_state(points, slopes, path):
    """The smallest passing state dimension against n (log-log), one line
    per (model, k), filled markers where determined, open where a smaller
    size stopped on its budget (undetermined); binom(n,k) - 1 and n
    dashed. False when no model has two n."""
    if not any(len(pts) for (label, _), pts in points.items() if label not in BOUNDS):
        return False
    ks = sorted({k for _, k in points})
    slope_of = {(label, k): s for label, k, _, s in slopes}
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for (label, k), pts in sorted(points.items(), key=lambda kv: (sc.model_rank(kv[0][0]), kv[0][1])):
        if label.split(" ")[0] in STATE_SKIP:
            continue
        ns, vs = [n for n, _, _ in pts], [v for _, v, _ in pts]
        tail = f" k={k} (slope {sc.fmt_slope(slope_of[(label, k)])})"
        if label in BOUNDS:
            name, col = BOUNDS[label]
            name = "binom(n,k) - 1" if label == "lower_bound" else "quantum: n sites"
            ax.plot(ns, vs, ls="--", lw=1.0, color=col, marker=by_k(k, ks, MARKERS), ms=3, mfc="none",
                    label=name + tail)
            continue
        col = sc.colour(label.split(" ")[0])
        ax.plot(ns, vs, ls=by_k(k, ks, STYLES), color=col, lw=1.0, label=label + tail)
        for n, v, status in pts:
            ax.plot([n], [v], marker=by_k(k, ks, MARKERS), color=col,
                    mfc=col if status == "determined" else "none", ls="none")
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    plain_ticks(ax.xaxis)
    ax.set_xlabel("n (sites); ell = binom(n,k) writes or more")
    ax.set_ylabel("smallest state dimension reaching epsilon")
    ax.set_title("State dimension needed against n (open: undetermined)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    sc.save_png(fig, path, bbox_inches="tight")
    return True


def plot_excess(rows, path):
    """Best excess per (k, model, ell, memory) of the trained models; False if none."""
    best = {}
    eps = {}
    for r in rows:
        if sc.is_trained(r["model"]) and None not in (r["memory_bits"], r["excess_loss_bits"]):
            key = (r["k"], r["model"], r["ell"], r["memory_bits"])
            e = max(r["excess_loss_bits"], EXCESS_FLOOR)
            if not math.isnan(e):
                best[key] = min(best.get(key, e), e)
            eps[r["k"]] = r["epsilon"] if r["epsilon"] is not None else sc.DEFAULT_EPSILON
    if not best:
        return False
    ks = sorted(eps)
    fig, axes = plt.subplots(1, len(ks), figsize=(4.5 * len(ks), 4.2), squeeze=False)
    for ax, k in zip(axes[0], ks):
        lines = {}
        for (kk, m, ell, mem), e in best.items():
            if kk == k:
                lines.setdefault((sc.model_rank(m), ell, m), []).append((mem, e))
        ells = sorted({ell for _, ell, _ in lines})
        for (_, ell, m), pts in sorted(lines.items()):
            pts.sort()
            ax.plot([p for p, _ in pts], [e for _, e in pts], color=sc.colour(m),
                    marker=MARKERS[ells.index(ell) % len(MARKERS)],
                    ls=STYLES[ells.index(ell) % len(STYLES)], label=f"{m} ell={ell}")
        ax.axhline(eps[k], color="k", ls="--", lw=0.8, label=f"epsilon {eps[k]:g}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("memory (bits)")
        ax.set_ylabel("best held-out excess loss (bits/output)")
        ax.set_title(f"k = {k}")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=6)
    fig.tight_layout()
    sc.save_png(fig, path, bbox_inches="tight")
    return True


def plain_ticks(axis):
    """Every tick of a log axis labelled as a plain number: correlation
    lengths may span less than a decade, where only minor ticks fall."""
    fmt = ticker.FuncFormatter(lambda v, _: f"{v:g}")
    axis.set_major_formatter(fmt)
    axis.set_minor_formatter(fmt)


def main():
    global plt, ticker
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv", nargs="+", help="separation.csv files of hypersep suite separation")
    ap.add_argument("-o", "--out", help="output directory (default: the first CSV's directory)")
    ap.add_argument("--models", help="the model registry, `hypersep models` (default: models.tsv beside the "
                    "first CSV)")
    args = ap.parse_args()
    rows, _ = sc.load(sc.SEPARATION, args.csv)
    sc.use_models(sc.models_path(args.models, args.csv[0]))
    out = sc.out_dir(args.out, args.csv[0])
    summary = sc.separation_summary(rows)
    slopes = sc.separation_slopes(summary)
    plt, ticker = sc.import_pyplot()
    plot_memory(summary, slopes, os.path.join(out, "separation.png"))
    written = ["separation.png"]
    if plot_excess(rows, os.path.join(out, "separation_excess.png")):
        written.append("separation_excess.png")
    points = sc.state_points(summary)
    sslopes = sc.state_slopes(points)
    if plot_state(points, sslopes, os.path.join(out, "separation_state.png")):
        written.append("separation_state.png")
    print("model\tk\tpoints\tslope")
    for label, k, pts, slope in slopes:
        print(f"{label}\t{k}\t{len(pts)}\t{sc.fmt_slope(slope)}")
    for label, k, npts, slope in sslopes:
        print(f"state:{label}\t{k}\t{npts}\t{sc.fmt_slope(slope)}")
    print(f"{sc.PROG}: wrote {', '.join(written)} to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
