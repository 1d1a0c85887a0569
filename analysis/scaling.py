#!/usr/bin/env python3
"""Time and memory per rank of the sharded engine, from a model whose
constants are measured (docs/scaling.md).

usage: scaling.py --engine ENGINE.csv [--measured M.tsv] [--predict]
                  [--grid GRID.tsv --group auto|P] [--rank-gbs G]
                  [--net-gbs G] [--rank-mem GIB] [--trained-ns T]

ENGINE.csv is `hypersep suite engine` output (operations timed at several
n and rank counts). The constants taken from it, as passes (time over the
stream pass of the same slice, the same run): the deferred write layer
(write_deferred), a local query (query_local) and the local work of a
global query (query_global minus its exchange), medians over the rows; the
memory bandwidth of one rank, BW = 32 bytes x slice / stream time, from the
largest n measured on one rank (override with --rank-gbs, GB/s per rank);
the exchange speed (exchange_bytes / exchange_median_s, medians over rows
with ranks > 1; override with --net-gbs).

The model, for a qubit task of n sites over P = 2^p ranks (q = n queries):
  slice L_j = 2^(n - j - p_j) amplitudes before query j, p_j = min(p,
  n - j - 11) (a slice keeps at least one summation block of 2048);
  stream S(L) = 32 L / BW;
  exact trajectory = w_def S(L_0) + sum_j [q_loc S(L_j)
      + g_j ((q_glob - q_loc) S(L_j) + 8 L_j / NET)],
  with g_j = p_j / (n - j) the chance that query j's site is global (a
  random remaining site), 8 L_j bytes sent (half a slice) per global query;
  trained trajectory = 0.5 S(L_0) (|+>) + D T_tr L_0 + the same queries,
  D = binom(n,k) (1 - (1 - 1/binom(n,k))^ell) distinct hyperedges, T_tr
  the trained write's seconds per amplitude and hyperedge (--trained-ns,
  measured: docs/scaling.md);
  scored sequence (generator + a predictor) = 2 exact trajectories;
  gradient sequence = 1 exact + (2 (P_par - 1) + 1) trained trajectories,
  P_par = k + 1 + 3 nbases (central differences, theta_0 skipped);
  memory per rank = states x [16 (cap + spare) + cap / 8 + 32 (cap / 2048
  + 1)], cap = max(2^(n-p), 4096), spare = min(2^20, cap / 2) when P > 1
  (dist/dsize.c).

--measured M.tsv (columns n, k, ell, ranks, what = scored|gradient,
seconds, rss_kib) prints the model beside each measurement (TSV:
ratio = measured / model). --predict prints n = 30, 34, 36 over 16..1024
ranks. --grid (`hypersep suite separation --print-grid` of a deep grid)
prints the grid's core-hours at group size --group (auto: the fewest ranks
holding two states in --rank-mem GiB). Standard library only.
"""
import argparse
import csv
import math
import statistics
import sys

BLOCK = 1024        # summation block of pairs (core/sum.h): a slice >= 2048
CHUNK = 1 << 20     # exchange chunk in amplitudes (dist/dstate.h)
NBASES = 3          # the HSMT's default bases Z, X, Y


def fail(msg):
    print(f"scaling.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_csv(path, delim=","):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f, delimiter=delim))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")


class Constants:
    """The model's constants from engine.csv rows (see the module text)."""

    def __init__(self, rows, rank_gbs=None, net_gbs=None, trained_ns=None):
        need = {"n", "ranks", "operation", "median_s", "stream_median_s", "passes", "slice_amps",
                "exchange_bytes", "exchange_median_s"}
        if not rows or not need <= set(rows[0]):
            fail("the engine file lacks columns " + ", ".join(sorted(need - set(rows[0] if rows else []))))
        by = {}
        for r in rows:
            by.setdefault(r["operation"], []).append(r)
        for op in ("stream", "write_deferred", "query_local"):
            if op not in by:
                fail(f"the engine file has no {op} rows")
        med = lambda op: statistics.median(float(r["passes"]) for r in by[op])
        self.w_def = med("write_deferred")
        self.q_loc = med("query_local")
        glob = [r for r in by.get("query_global", []) if float(r["exchange_median_s"]) > 0]
        self.q_glob = (statistics.median((float(r["median_s"]) - float(r["exchange_median_s"]))
                                         / float(r["stream_median_s"]) for r in glob) if glob else self.q_loc)
        one = [r for r in by["stream"] if int(r["ranks"]) == 1]
        if rank_gbs:
            self.bw = rank_gbs * 1e9
        elif one:
            r = max(one, key=lambda r: int(r["n"]))
            self.bw = 32 * float(r["slice_amps"]) / float(r["median_s"])
        else:
            fail("no one-rank stream row: give --rank-gbs")
        if net_gbs:
            self.net = net_gbs * 1e9
        elif glob:
            self.net = statistics.median(float(r["exchange_bytes"]) / float(r["exchange_median_s"]) for r in glob)
        else:
            fail("no query_global rows: give --net-gbs")
        self.trained = (trained_ns or 0) * 1e-9


def slices(n, p):
    """(L_j, p_j) before each of the n queries."""
    out = []
    for j in range(n):
        left = n - j
        pj = max(0, min(p, left - 11))
        out.append((2 ** (left - pj), pj, left))
    return out


def queries(c, n, p):
    """(seconds, bytes sent per rank) of the n queries of a trajectory."""
    t = b = 0.0
    for L, pj, left in slices(n, p):
        S = 32 * L / c.bw
        g = pj / left
        t += c.q_loc * S + g * ((c.q_glob - c.q_loc) * S + 8 * L / c.net)
        b += g * 8 * L
    return t, b


def trajectory(c, n, p, k=None, ell=None, trained=False):
    L0 = 2 ** max(n - p, 11)
    tq, b = queries(c, n, p)
    if not trained:
        return c.w_def * 32 * L0 / c.bw + tq, b
    M = math.comb(n, k)
    D = M * (1 - (1 - 1 / M) ** ell)
    return 0.5 * 32 * L0 / c.bw + D * c.trained * L0 + tq, b


def scored(c, n, p):
    t, b = trajectory(c, n, p)
    return 2 * t, 2 * b


def gradient(c, n, p, k, ell):
    te, be = trajectory(c, n, p)
    tt, bt = trajectory(c, n, p, k, ell, trained=True)
    m = 2 * (k + NBASES * 3) + 1  # 2 (P_par - 1) + 1, P_par = k + 1 + 3 nbases
    return te + m * tt, be + m * bt


def rank_bytes(n, ranks, states):
    p = int(math.log2(ranks))
    while p > 0 and 2 ** (n - p) < 2 * BLOCK:
        p -= 1
    cap = max(2 ** (n - p), min(4 * BLOCK, 2 ** n))
    spare = min(CHUNK, cap // 2) if ranks > 1 else 0
    return states * (16 * (cap + spare) + cap // 8 + 8 + 32 * (cap // 2 // BLOCK + 1))


def measured(c, path):
    print("n\tk\tell\tranks\twhat\tmeasured_s\tmodel_s\tratio\trss_mib\tmodel_mib\trss_ratio")
    for r in read_csv(path, "\t"):
        n, k, ell, P = int(r["n"]), int(r["k"]), int(r["ell"]), int(r["ranks"])
        p = int(math.log2(P))
        if r["what"] == "scored":
            t, _ = scored(c, n, p)
        elif r["what"] == "gradient":
            if not c.trained:
                fail("gradient rows need --trained-ns")
            t, _ = gradient(c, n, p, k, ell)
        else:
            fail(f"{path}: what = '{r['what']}' (allowed: scored, gradient)")
        mem = rank_bytes(n, P, 2) / 2 ** 20
        rss = float(r["rss_kib"]) / 1024
        print(f"{n}\t{k}\t{ell}\t{P}\t{r['what']}\t{float(r['seconds']):.4g}\t{t:.4g}\t{float(r['seconds']) / t:.3f}"
              f"\t{rss:.1f}\t{mem:.1f}\t{rss / mem:.3f}")


def predict(c, k=4, ell=256):
    print("n\tranks\tmem_per_rank_gib_1state\tmem_per_rank_gib_2states\tscored_s_per_seq"
          f"\tgradient_s_per_seq_k{k}_ell{ell}\tnet_bytes_per_rank_per_scored_seq")
    for n in (30, 34, 36):
        for P in (16, 64, 256, 1024):
            p = int(math.log2(P))
            ts, bs = scored(c, n, p)
            tg = gradient(c, n, p, k, ell)[0] if c.trained else float("nan")
            print(f"{n}\t{P}\t{rank_bytes(n, P, 1) / 2 ** 30:.3f}\t{rank_bytes(n, P, 2) / 2 ** 30:.3f}\t{ts:.4g}"
                  f"\t{tg:.4g}\t{bs:.4g}")


def grid_cost(c, path, group, rank_mem, ev):
    rows = read_csv(path, "\t")
    if not rows or "key" not in rows[0]:
        fail(f"{path}: not the output of --print-grid")
    total, per = 0.0, {}
    for r in rows:
        f = r["key"].split(",")
        k, ell, n, model, steps, batch = int(f[0]), int(f[1]), int(f[2]), f[6], int(f[9]), int(f[10])
        if group == "auto":
            P = 1
            while rank_bytes(n, P, 2) > rank_mem * 2 ** 30:
                P *= 2
        else:
            P = int(group)
        p = int(math.log2(P))
        ts = scored(c, n, p)[0]
        if model in ("exact", "khrnn") and steps == 0:
            sec = ev * ts
        elif model == "khrnn":
            if not c.trained:
                fail("a trained k-HRNN in the grid needs --trained-ns")
            sec = steps * batch * gradient(c, n, p, k, ell)[0] + ev * (trajectory(c, n, p)[0]
                                                                       + trajectory(c, n, p, k, ell, True)[0])
        else:  # a classical net: one generator trajectory per sequence (its own work is small beside it)
            sec = (steps * batch + ev) * trajectory(c, n, p)[0]
        h = sec * P / 3600
        total += h
        label = "khrnn trained" if model == "khrnn" and steps > 0 else model
        per[(n, label)] = per.get((n, label), 0) + h
    print(f"configurations={len(rows)}")
    print(f"core_hours={total:.4g}")
    for (n, m), h in sorted(per.items()):
        print(f"core_hours_n{n}_{m.replace(' ', '_')}={h:.4g}")



def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", required=True)
    ap.add_argument("--measured")
    ap.add_argument("--predict", action="store_true")
    ap.add_argument("--grid")
    ap.add_argument("--group", default="auto")
    ap.add_argument("--eval", type=int, default=100, help="held-out sequences per configuration of --grid")
    ap.add_argument("--rank-gbs", type=float)
    ap.add_argument("--net-gbs", type=float)
    ap.add_argument("--rank-mem", type=float, default=4.0, help="GiB per rank for --group auto (default 4)")
    ap.add_argument("--trained-ns", type=float, help="trained write: ns per amplitude and hyperedge")
    a = ap.parse_args()
    if a.group != "auto" and not (a.group.isdigit() and int(a.group) > 0 and int(a.group) & (int(a.group) - 1) == 0):
        fail(f"--group {a.group}: allowed auto or a power of two")
    for name in ("rank_gbs", "net_gbs", "trained_ns", "rank_mem"):
        v = getattr(a, name)
        if v is not None and not v > 0:
            fail(f"--{name.replace('_', '-')} {v}: must be positive")
    c = Constants(read_csv(a.engine), a.rank_gbs, a.net_gbs, a.trained_ns)
    print(f"# constants: w_def={c.w_def:.3f} q_loc={c.q_loc:.3f} q_glob={c.q_glob:.3f} passes, "
          f"BW={c.bw / 1e9:.2f} GB/s per rank, NET={c.net / 1e9:.2f} GB/s, trained={c.trained * 1e9:.3g} ns")
    if a.measured:
        measured(c, a.measured)
    if a.predict:
        predict(c)
    if a.grid:
        grid_cost(c, a.grid, a.group, a.rank_mem, a.eval)


if __name__ == "__main__":
    main()
