#!/usr/bin/env python3
"""Speed-up and efficiency of the sharded engine from `hypersep suite engine` CSV.

usage: plot_engine.py [-o DIR] ENGINE.CSV [ENGINE.CSV ...]

Reads one or more engine.csv files (columns: slurm/README.md) and writes into
DIR (default: the first file's directory):
  engine_strong.png   strong scaling: speed-up T(1)/T(P) and efficiency
                      speed-up/P against ranks P, one line per operation and n
  engine_weak.png     weak scaling: efficiency T(1, n0)/T(P, n0 + log2 P)
                      against P (the slice per rank stays 2^n0 amplitudes)
  engine_passes.png   time per operation in streaming passes of the rank's
                      slice (the same-run bandwidth reference) against n
  engine_table.md     every measurement with its passes, speed-up, efficiency
Times are the median over repeats of the slowest rank. When a configuration
(n, ranks, threads, operation) was measured more than once, the latest row
(by timestamp) is used.

Needs matplotlib: on Debian `apt-get install python3-matplotlib` and run
with /usr/bin/python3.
"""
import argparse
import csv
import math
import os
import sys
from collections import defaultdict

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("plot_engine.py: needs matplotlib (Debian: apt-get install python3-matplotlib, "
             "then run with /usr/bin/python3)")

REQUIRED = ["n", "ranks", "threads", "operation", "median_s", "passes", "timestamp"]


def load(paths):
    """Latest row per (n, ranks, threads, operation), values converted."""
    rows = {}
    for path in paths:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                sys.exit(f"plot_engine.py: {path}: missing columns {', '.join(missing)} "
                         "(expected the header of `hypersep suite engine`)")
            for line, r in enumerate(reader, start=2):
                try:
                    key = (int(r["n"]), int(r["ranks"]), int(r["threads"]), r["operation"])
                    r["median_s"] = float(r["median_s"])
                    r["passes"] = float(r["passes"])
                except ValueError as e:
                    sys.exit(f"plot_engine.py: {path}:{line}: {e}")
                if key not in rows or r["timestamp"] >= rows[key]["timestamp"]:
                    rows[key] = r
    if not rows:
        sys.exit("plot_engine.py: no measurements in " + ", ".join(paths))
    return rows


def strong(rows):
    """{(n, threads, op): [(P, speed-up, efficiency)]} where P = 1 exists."""
    out = defaultdict(list)
    for (n, p, t, op), r in rows.items():
        base = rows.get((n, 1, t, op))
        if base:
            s = base["median_s"] / r["median_s"]
            out[(n, t, op)].append((p, s, s / p))
    return {k: sorted(v) for k, v in out.items() if len(v) > 1}


def weak(rows):
    """{(n0, threads, op): [(P, efficiency)]}: slice 2^n0 per rank."""
    out = defaultdict(list)
    for (n, p, t, op), r in rows.items():
        n0 = n - int(round(math.log2(p)))
        base = rows.get((n0, 1, t, op))
        if base:
            out[(n0, t, op)].append((p, base["median_s"] / r["median_s"]))
    return {k: sorted(v) for k, v in out.items() if len(v) > 1}


def plot_strong(data, path):
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
    pmax = 1
    for (n, t, op), pts in sorted(data.items()):
        ps = [p for p, _, _ in pts]
        pmax = max(pmax, max(ps))
        lab = f"{op} n={n} t={t}"
        a1.plot(ps, [s for _, s, _ in pts], "o-", label=lab)
        a2.plot(ps, [e for _, _, e in pts], "o-", label=lab)
    a1.plot([1, pmax], [1, pmax], "k--", lw=0.8, label="ideal")
    a2.axhline(1.0, color="k", ls="--", lw=0.8)
    for a, yl in ((a1, "speed-up T(1)/T(P)"), (a2, "efficiency speed-up / P")):
        a.set_xscale("log", base=2)
        a.set_xlabel("MPI ranks P")
        a.set_ylabel(yl)
        a.grid(alpha=0.3)
    a1.legend(fontsize=7)
    fig.suptitle("Strong scaling (fixed n)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_weak(data, path):
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for (n0, t, op), pts in sorted(data.items()):
        ax.plot([p for p, _ in pts], [e for _, e in pts], "o-", label=f"{op} 2^{n0}/rank t={t}")
    ax.axhline(1.0, color="k", ls="--", lw=0.8)
    ax.axhline(0.8, color="r", ls=":", lw=0.8, label="80 %")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("MPI ranks P (n = n0 + log2 P)")
    ax.set_ylabel("weak-scaling efficiency T(1)/T(P)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_passes(rows, path):
    fig, ax = plt.subplots(figsize=(6, 4.5))
    series = defaultdict(list)
    for (n, p, t, op), r in rows.items():
        if op != "stream":
            series[(op, p, t)].append((n, r["passes"]))
    for (op, p, t), pts in sorted(series.items()):
        pts.sort()
        ax.plot([n for n, _ in pts], [v for _, v in pts], "o-", label=f"{op} P={p} t={t}")
    ax.set_xlabel("n (qubits)")
    ax.set_ylabel("time / streaming pass of the rank's slice")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def table(rows, sdata, wdata, path):
    su = {(n, t, op, p): (s, e) for (n, t, op), pts in sdata.items() for p, s, e in pts}
    we = {(n0 + int(round(math.log2(p))), t, op, p): e
          for (n0, t, op), pts in wdata.items() for p, e in pts}
    lines = ["| n | ranks | threads | operation | median (s) | passes | speed-up | efficiency | weak eff. |",
             "|---:|---:|---:|:---|---:|---:|---:|---:|---:|"]
    for (n, p, t, op) in sorted(rows):
        r = rows[(n, p, t, op)]
        s, e = su.get((n, t, op, p), (None, None))
        w = we.get((n, t, op, p))
        f = lambda v, fmt: "" if v is None else format(v, fmt)
        lines.append(f"| {n} | {p} | {t} | {op} | {r['median_s']:.4g} | {r['passes']:.2f} | "
                     f"{f(s, '.2f')} | {f(e, '.0%')} | {f(w, '.0%')} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv", nargs="+", help="engine.csv files from hypersep suite engine")
    ap.add_argument("-o", "--out", help="output directory (default: the first CSV's directory)")
    args = ap.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.csv[0]))
    os.makedirs(out, exist_ok=True)
    rows = load(args.csv)
    sdata, wdata = strong(rows), weak(rows)
    written = []
    if sdata:
        plot_strong(sdata, os.path.join(out, "engine_strong.png"))
        written.append("engine_strong.png")
    if wdata:
        plot_weak(wdata, os.path.join(out, "engine_weak.png"))
        written.append("engine_weak.png")
    plot_passes(rows, os.path.join(out, "engine_passes.png"))
    table(rows, sdata, wdata, os.path.join(out, "engine_table.md"))
    written += ["engine_passes.png", "engine_table.md"]
    print(f"plot_engine.py: wrote {', '.join(written)} to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
