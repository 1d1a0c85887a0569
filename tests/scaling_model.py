#!/usr/bin/env python3
"""Does analysis/scaling.py compute the model docs/scaling.md states? On a
fixture engine file (tests/fixtures/scaling_engine.csv: n = 12, one rank,
stream pass 1 s over 4096 amplitudes, so BW = 32 x 4096 B/s and S(4096) =
1 s; the deferred layer 1 pass, a local query 3 passes) against values
worked out by hand from the formulas:

  one rank:  trajectory = 1 + 3 (1 + 1/2 + ... + 1/2^11) = 1 + 3 (2 - 2^-11)
  two ranks (net 8 x 2048 B/s, so half a slice of 2048 moves in 1 s; no
  query_global rows, so q_glob = q_loc): the write and query 0 on slices
  of 2048 (0.5 s a pass), query 0's site global with chance 1/12; from
  query 1 on the state is on one rank (a slice stays >= 2048), 2^(12-j):
     trajectory = 0.5 + 3 (0.5) + 1/12 + 3 (1/2 + ... + 1/2^11)
  memory per rank at n = 12 over 2 ranks, one state (dist/dsize.c):
     cap = 4096 (the 4 x block floor), spare = min(2^20, 2048) = 2048:
     16 (4096 + 2048) + 4096/8 + 8 + 32 (4096/2048 + 1) = 98920 bytes.
Exits 1 naming the first value that differs by more than 1e-12 relative
(the sums are of a dozen doubles). Standard library only.
usage: python3 tests/scaling_model.py
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "analysis"))
import scaling  # noqa: E402

fails = 0


def check(what, got, want):
    global fails
    ok = abs(got - want) <= 1e-12 * abs(want)
    print(f"{'ok' if ok else 'FAIL'}: {what}: {got!r} (hand: {want!r})")
    fails += 0 if ok else 1


rows = scaling.read_csv(os.path.join(here, "fixtures", "scaling_engine.csv"))
c = scaling.Constants(rows, net_gbs=8 * 2048 * 1e-9)
check("bandwidth (B/s)", c.bw, 32 * 4096)
one = 1 + 3 * (2 - 2 ** -11)
check("trajectory, 1 rank", scaling.trajectory(c, 12, 0)[0], one)
check("scored sequence, 1 rank", scaling.scored(c, 12, 0)[0], 2 * one)
two = 0.5 + 3 * 0.5 + 1 / 12 + 3 * sum(0.5 ** j for j in range(1, 12))
check("trajectory, 2 ranks", scaling.trajectory(c, 12, 1)[0], two)
check("bytes sent per trajectory, 2 ranks", scaling.trajectory(c, 12, 1)[1], 8 * 2048 / 12)
check("memory per rank, n = 12, 2 ranks", scaling.rank_bytes(12, 2, 1), 98920)
check("memory per rank, n = 30, 16 ranks, 2 states", scaling.rank_bytes(30, 16, 2),
      2 * (16 * (2 ** 26 + 2 ** 20) + 2 ** 26 // 8 + 8 + 32 * (2 ** 26 // 2048 + 1)))
print(f"scaling_model: {fails} failed")
sys.exit(1 if fails else 0)
