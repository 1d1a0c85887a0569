#!/usr/bin/env python3
"""Core-hours of a separation grid from measured training throughput.

usage: grid_cost.py --grid GRID.tsv --bench BENCH.csv [--stop-share F]

GRID.tsv is `hypersep suite separation --config FILE --print-grid` (key,
label, cost per configuration); BENCH.csv is `hypersep bench baselines`
output (tokens per second of forward + backward + AdamW per model and size,
on this machine, one thread). For each trained classical configuration the
time is steps x batch x T tokens at the throughput interpolated (log-log in
the size) from the bench rows of its model, T = ell + 1 + 2q; a share F of
the configurations that early stopping ends sooner is not modelled: with
--stop-share F every configuration is charged (1 - F / 2) of its budget, F
the share expected to reach epsilon halfway. Configurations of models
without bench rows (analytic, k-HRNN) are listed apart by count. Prints
key=value lines: configurations, trained, core_hours, and core_hours per
model. Standard library only (suite_csv.py imports nothing else).
"""
import argparse
import csv
import math
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import suite_csv

# The key columns of the separation CSV, which --print-grid prints joined.
KEY = suite_csv.SEPARATION.names[:suite_csv.SEPARATION.nkey]


def fail(msg):
    print(f"grid_cost.py: {msg}", file=sys.stderr)
    sys.exit(2)


def throughput(bench):
    """{model: sorted [(size, tokens/s)]} from bench baselines rows."""
    out = defaultdict(list)
    for r in bench:
        size = int(r["d_model"]) if r["model"] == "transformer" else int(r["hidden"])
        out[r["model"]].append((size, float(r["median_tokens_per_s"])))
    return {m: sorted(v) for m, v in out.items()}


def interpolate(points, size):
    """tokens/s at size, log-log between the bench sizes (clamped outside)."""
    if size <= points[0][0]:
        return points[0][1]
    if size >= points[-1][0]:
        # Beyond the largest measured size: throughput falls like 1/size^2
        # (the recurrent and attention products).
        s, t = points[-1]
        return t * (s / size) ** 2
    for (s0, t0), (s1, t1) in zip(points, points[1:]):
        if s0 <= size <= s1:
            u = (math.log(size) - math.log(s0)) / (math.log(s1) - math.log(s0))
            return math.exp(math.log(t0) + u * (math.log(t1) - math.log(t0)))
    return points[-1][1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--grid", required=True, help="hypersep suite separation --print-grid output")
    ap.add_argument("--bench", required=True, help="hypersep bench baselines output")
    ap.add_argument("--stop-share", type=float, default=0.0,
                    help="share of configurations expected to stop halfway (default 0: full budgets)")
    args = ap.parse_args()
    if not 0 <= args.stop_share <= 1:
        fail(f"--stop-share {args.stop_share}: must be between 0 and 1")
    try:
        with open(args.bench, newline="") as f:
            tps = throughput(csv.DictReader(f))
        with open(args.grid, newline="") as f:
            grid = list(csv.DictReader(f, delimiter="\t"))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    if not grid or "key" not in grid[0]:
        fail(f"{args.grid}: not the output of --print-grid")
    hours, counts, other = defaultdict(float), defaultdict(int), defaultdict(int)
    factor = 1 - args.stop_share / 2
    for row in grid:
        fields = row["key"].split(",")
        if len(fields) != len(KEY):
            fail(f"{args.grid}: a key with {len(fields)} fields, expected {len(KEY)} (a grid of another version?)")
        c = dict(zip(KEY, fields))
        m = c["model"]
        if m not in tps or int(c["steps"]) == 0:
            other[m] += 1
            continue
        T = int(c["ell"]) + 1 + 2 * int(c["queries"])
        tokens = int(c["steps"]) * int(c["batch"]) * T * factor
        hours[m] += tokens / interpolate(tps[m], int(c["size"])) / 3600
        counts[m] += 1
    print(f"configurations={len(grid)}")
    print(f"trained={sum(counts.values())}")
    print(f"core_hours={sum(hours.values()):.4f}")
    for m in sorted(hours):
        print(f"core_hours_{m}={hours[m]:.4f}")
        print(f"trained_{m}={counts[m]}")
    for m in sorted(other):
        print(f"not_estimated_{m}={other[m]}")


if __name__ == "__main__":
    main()
