"""Which decay law does a gradient-variance curve follow? And the binomial
interval of a success fraction. Used by plot_trainability.py and report.py;
tested by tests/fit_select.py (synthetic curves) and tests/analysis.sh (the
fixture). Standard library only, so report.py runs without numpy.

A barren plateau is a gradient variance V(n) that decays exponentially in
the number of sites n; a trainable model's may decay polynomially, or not at
all. fit_decay() fits both laws to points (n_i, V_i), V_i > 0:

  exponential  ln V = a + b n       (b: the decay rate per site; V ~ e^(b n))
  polynomial   ln V = a + c ln n    (c: the exponent; V ~ n^c)

each by ordinary least squares on ln V, unweighted: the suite measures every
point from the same number of initialisations, so the relative error of V,
the error of ln V, is about the same at every n; the bootstrap intervals of
the points are reported beside the fits and not used as weights (they are
percentile intervals, asymmetric, themselves noisy). The standard errors are
the usual OLS ones, sigma^2 = RSS / (N - 2).

The law chosen is the one with the lower AIC = N ln(RSS / N) + 2p. Both laws
have p = 2 parameters, so this is the comparison of their residual sums of
squares (the same data, the same N); AIC is reported so that the margin,
delta AIC, reads on the usual scale (a difference above about 2 is
substantial, above 10 decisive). An exact fit (RSS = 0) has its RSS / N
floored at the smallest normal double, so its AIC stays finite and below any
inexact fit's. On a tie the exponential law is taken.

The choice is "none" when there is no decay to attribute: fewer than
MIN_POINTS distinct n, or the chosen law's slope (b or c) not significantly
negative, slope + 2 se >= 0 (with N - 2 degrees of freedom small, as with
three points, this is a lenient test: t_1 exceeds 2 with probability 0.15).
"""
import math
import sys
from dataclasses import dataclass

MIN_POINTS = 3  # distinct n needed to tell the two laws apart (three points, one degree of freedom left)
Z95 = 1.959963984540054  # the standard normal's 97.5% quantile


@dataclass(frozen=True)
class Line:
    """ln V = intercept + slope * x fitted by OLS: x = n (exponential) or
    ln n (polynomial); standard errors, residual sum of squares, AIC."""
    intercept: float
    intercept_se: float
    slope: float
    slope_se: float
    rss: float
    aic: float

    def significant_decay(self):
        return self.slope + 2 * self.slope_se < 0


@dataclass(frozen=True)
class DecayFit:
    """The two fits of one curve (None with fewer than 3 points or a single
    n), the choice ("exponential", "polynomial" or "none") and
    delta_aic = AIC(polynomial) - AIC(exponential) (> 0 favours the
    exponential law; None without fits)."""
    points: int
    exponential: "Line | None"
    polynomial: "Line | None"
    choice: str
    delta_aic: "float | None"


def ols(xs, ys):
    """Line through (xs, ys) by ordinary least squares; needs >= 3 points
    and >= 2 distinct x (for the standard errors: N - 2 >= 1). ys is taken
    relative to its first value, so that equal ys give a slope and residuals
    of exactly 0 (a mean of equal values can round away from them)."""
    n, y0 = len(xs), ys[0]
    dy = [y - y0 for y in ys]
    mx, my = math.fsum(xs) / n, math.fsum(dy) / n
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, dy))
    slope = sxy / sxx
    rss = math.fsum((y - my - slope * (x - mx)) ** 2 for x, y in zip(xs, dy))
    intercept = y0 + my - slope * mx
    s2 = rss / (n - 2)
    aic = n * math.log(max(rss / n, sys.float_info.min)) + 2 * 2
    return Line(intercept, math.sqrt(s2 * (1 / n + mx * mx / sxx)), slope, math.sqrt(s2 / sxx), rss, aic)


def fit_decay(points):
    """DecayFit of [(n, V), ...]: n >= 1, V > 0 and finite (ValueError
    otherwise); several points may share an n (other seeds)."""
    pts = [(float(n), float(v)) for n, v in points]
    for n, v in pts:
        if not (n >= 1 and math.isfinite(n) and v > 0 and math.isfinite(v)):
            raise ValueError(f"fit_decay: point ({n:g}, {v:g}): needs n >= 1 and V > 0, finite")
    distinct = len({n for n, _ in pts})
    if len(pts) < 3 or distinct < 2:
        return DecayFit(len(pts), None, None, "none", None)
    ns, lv = [n for n, _ in pts], [math.log(v) for _, v in pts]
    exp = ols(ns, lv)
    poly = ols([math.log(n) for n in ns], lv)
    best, name = (exp, "exponential") if exp.aic <= poly.aic else (poly, "polynomial")
    if distinct < MIN_POINTS or not best.significant_decay():
        name = "none"
    return DecayFit(len(pts), exp, poly, name, poly.aic - exp.aic)


def wilson(successes, trials, z=Z95):
    """Wilson score interval (lo, hi) of a binomial fraction, 95% by
    default; (0, 1) without trials."""
    if trials == 0:
        return 0.0, 1.0
    p, z2 = successes / trials, z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)
