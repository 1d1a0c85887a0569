"""Reading and reducing the CSVs of the separation, trainability and
contextuality suites, and the model registry beside them (models.tsv);
shared by plot_separation.py, plot_trainability.py and report.py. Standard
library only, so report.py runs without matplotlib.

Formats (header, key columns): docs/formats.md; the tables below must equal
`hypersep suite NAME --print-header` (suites/schema.c; tests/cli_models.sh). Every file must carry the
exact header of its suite. Rows of several files are merged; a configuration
present more than once (same key columns) keeps its latest row by timestamp
(ISO-8601 UTC strings, so string order is time order; on a tie the row read
last wins). Problems in the input end the program with one line on stderr and
exit status 2.
"""
import csv
import math
import os
import sys

PROG = os.path.basename(sys.argv[0]) or "analysis"

DEFAULT_EPSILON = 0.01

# The model registry, `hypersep models` (the grid suites write it to
# DIR/models.tsv): names in registry order (the order of tables and
# legends), classes, colours, size labels. Set by use_models().
MODELS_COLUMNS = ["model", "class", "trainable", "fixed", "color", "size", "size_label", "hyperparameters",
                  "memory_bits", "state_dim", "description"]
_models = []

I, F, S = int, float, str
# Provenance is kept as text: only reported, never computed with.
PROVENANCE = [(c, S) for c in ("slice", "rank", "version", "git_rev", "host", "ranks", "threads",
                               "counters", "timestamp")]


class Table:
    """A suite's CSV layout: typed columns, the first nkey of them the key."""

    def __init__(self, name, columns, nkey):
        self.name = name
        self.columns = columns + PROVENANCE
        self.names = [c for c, _ in self.columns]
        self.nkey = nkey


SEPARATION = Table("separation", [
    ("k", I), ("ell", I), ("n", I), ("d", I), ("bases", S), ("queries", I), ("model", S),
    ("size", I), ("layers", I), ("steps", I), ("batch", I), ("lr", F), ("seed", I),
    ("corr_length", I), ("params", I), ("memory_bits", F), ("excess_loss_bits", F),
    ("cross_entropy_bits", F), ("optimum_bits", F), ("tv", F), ("eval_sequences", I),
    ("train_seconds", F), ("eval_seconds", F), ("lower_bound_bits", F), ("quantum_bits", F),
    ("exact_bits", F), ("epsilon", F)], 13)

TRAINABILITY = Table("trainability", [
    ("kind", S), ("model", S), ("k", I), ("n", I), ("ell", I), ("queries", I), ("seed", I),
    ("step", I), ("samples", I), ("params", I), ("grad_var", F), ("grad_var_query", F),
    ("grad_abs_mean", F), ("loss_bits", F), ("excess_loss_bits", F), ("seconds", F)], 8)

CONTEXTUALITY = Table("contextuality", [
    ("k", I), ("n", I), ("d", I), ("bases", S), ("states", I), ("seed", I), ("contexts", I),
    ("lp_rows", I), ("lp_cols", I), ("infeasible", I), ("ncf_mean", F), ("ncf_min", F),
    ("ncf_max", F), ("presample_excess_bits", F), ("presample_memory_bits", F),
    ("exact_bits", F), ("eval_sequences", I), ("lp_seconds", F)], 6)


def fail(msg):
    """One line on stderr, exit status 2 (invalid input)."""
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


def _check_header(path, table, header):
    """Fails naming the first column that differs from the suite's header."""
    want = table.names
    for i, (got, exp) in enumerate(zip(header, want)):
        if got != exp:
            fail(f"{path}: wrong header: column {i + 1} is '{got}', expected '{exp}' "
                 f"(the header of {table.name}.csv)")
    if len(header) < len(want):
        fail(f"{path}: wrong header: it ends after column {len(header)}, expected "
             f"'{want[len(header)]}' next (the header of {table.name}.csv)")
    if len(header) > len(want):
        fail(f"{path}: wrong header: column {len(want) + 1} '{header[len(want)]}' is extra "
             f"(the header of {table.name}.csv ends with '{want[-1]}')")


def _convert(path, line, table, fields):
    row = {}
    for (name, typ), v in zip(table.columns, fields):
        if v == "":
            row[name] = None
            continue
        try:
            row[name] = typ(v)
        except ValueError:
            what = "an integer" if typ is int else "a number"
            fail(f"{path}:{line}: column {name}: '{v}' is not {what}")
    return row


def load(table, paths):
    """Rows of the given files, merged, latest per key; and provenance info.

    Returns (rows, info): rows is a list of dicts (column -> int, float, str or
    None for an empty field) in order of first appearance of each key; info
    holds per-file row counts, the number of rows dropped as superseded, and
    the git_rev and host values seen.
    """
    latest = {}
    info = {"files": [], "superseded": 0, "git_rev": set(), "host": set()}
    for path in paths:
        try:
            f = open(path, newline="")
        except FileNotFoundError:
            fail(f"{path}: no such file")
        except OSError as e:
            fail(f"{path}: {e.strerror}")
        with f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                fail(f"{path}: empty file (no header; expected the header of {table.name}.csv)")
            _check_header(path, table, header)
            count = 0
            for fields in reader:
                if not fields:
                    continue
                if len(fields) != len(table.names):
                    fail(f"{path}:{reader.line_num}: {len(fields)} fields, expected {len(table.names)}")
                row = _convert(path, reader.line_num, table, fields)
                count += 1
                key = tuple(fields[:table.nkey])
                old = latest.get(key)
                if old is not None:
                    info["superseded"] += 1
                    if (row["timestamp"] or "") < (old["timestamp"] or ""):
                        continue
                latest[key] = row
            info["files"].append((path, count))
    if not latest:
        fail(f"no rows in {', '.join(paths)} (header only)")
    rows = list(latest.values())
    for r in rows:
        for c in ("git_rev", "host"):
            if r[c]:
                info[c].add(r[c])
    return rows, info


def provenance_line(table, info, nrows):
    """'separation: a.csv (12 rows), b.csv (3 rows); 14 configurations ...'."""
    files = ", ".join(f"{p} ({n} rows)" for p, n in info["files"])
    dup = f", {info['superseded']} superseded duplicate(s) dropped" if info["superseded"] else ""
    revs = ", ".join(sorted(info["git_rev"])) or "none recorded"
    hosts = ", ".join(sorted(info["host"])) or "none recorded"
    return f"{table.name}: {files}; {nrows} configurations{dup}; git_rev {revs}; host {hosts}"


def fit_slope(xs, ys):
    """Least-squares slope of ys against xs; None with < 2 points or one x."""
    if len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def fmt_slope(s):
    return "n/a" if s is None else f"{s + 0.0:.4f}"  # + 0.0 turns -0.0 into 0.0


def fmt_num(v):
    """Integers as such (memory 12288 stays 12288), others with 4 digits."""
    if v is None:
        return ""
    if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4g}"


def models_path(arg, first_csv):
    """--models FILE, else models.tsv beside the first CSV."""
    return arg or os.path.join(os.path.dirname(os.path.abspath(first_csv)), "models.tsv")


def use_models(path):
    """Reads the registry (output of `hypersep models`) for the helpers below."""
    global _models
    try:
        with open(path, newline="") as f:
            lines = [line.rstrip("\n").split("\t") for line in f]
    except FileNotFoundError:
        fail(f"{path}: no such file (the model registry: `hypersep models > {path}`; the suites write it)")
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if not lines or lines[0] != MODELS_COLUMNS:
        fail(f"{path}: not the output of `hypersep models` (expected the header "
             f"{chr(9).join(MODELS_COLUMNS)})")
    models = []
    for i, fields in enumerate(lines[1:], 2):
        if len(fields) != len(MODELS_COLUMNS):
            fail(f"{path}:{i}: {len(fields)} fields, expected {len(MODELS_COLUMNS)}")
        models.append(dict(zip(MODELS_COLUMNS, fields)))
    if not models:
        fail(f"{path}: no models")
    _models = models


def _model(m):
    for d in _models:
        if d["model"] == m:
            return d
    return None


def model_rank(m):
    """Sort key: registry order, unknown names after them by name."""
    names = [d["model"] for d in _models]
    return (names.index(m) if m in names else len(names), m)


def is_trained(m):
    """A classical model trained by the suites (class trained)."""
    d = _model(m)
    return d is not None and d["class"] == "trained"


def colour(m):
    d = _model(m)
    return d["color"] if d else "#7f7f7f"


def size_label(r):
    """' (h=16)', ' (d_model=8, L=1)' for a trained row, '' otherwise."""
    d = _model(r["model"])
    if d is None or d["class"] != "trained" or d["size_label"] == "-":
        return ""
    layers = f", L={r['layers']}" if "layers=" in d["hyperparameters"] else ""
    return f" ({d['size_label']}={r['size']}{layers})"


def model_order(names):
    return sorted(names, key=model_rank)


# ---- separation ----

def _reaches(r):
    eps = r["epsilon"] if r["epsilon"] is not None else DEFAULT_EPSILON
    e = r["excess_loss_bits"]
    return e is not None and r["memory_bits"] is not None and e <= eps


def separation_summary(rows):
    """Per task (k, ell, n, d, bases, queries), per model: the row with the
    smallest memory_bits among those whose excess loss is <= epsilon (ties:
    the smaller excess), or None when a model ran but no size reached it.

    Returns a list of task dicts sorted by task key, each with k, ell, n, d,
    bases, queries, corr_length, lower_bound, quantum, exact and best
    {model: row or None}. Seeds are pooled: the smallest memory that reached
    epsilon for any seed.
    """
    tasks = {}
    for r in rows:
        key = (r["k"], r["ell"], r["n"], r["d"], r["bases"] or "", r["queries"])
        t = tasks.get(key)
        if t is None:
            k, n, d = r["k"], r["n"], r["d"]
            lb, qb = r["lower_bound_bits"], r["quantum_bits"]
            if lb is None and None not in (k, n, d):
                lb = (math.comb(n, k) - 1) * math.log2(d)
            if qb is None and None not in (n, d):
                qb = n * math.log2(d)
            t = tasks[key] = {"k": k, "ell": r["ell"], "n": n, "d": d, "bases": r["bases"] or "",
                              "queries": r["queries"], "corr_length": r["corr_length"],
                              "lower_bound": lb, "quantum": qb, "exact": r["exact_bits"],
                              "best": {}}
        best = t["best"].setdefault(r["model"], None)
        if _reaches(r) and (best is None or (r["memory_bits"], r["excess_loss_bits"])
                            < (best["memory_bits"], best["excess_loss_bits"])):
            t["best"][r["model"]] = r
    return [tasks[k] for k in sorted(tasks, key=lambda k: tuple((x is None, x) for x in k))]


def separation_slopes(summary):
    """Log-log slopes of memory against correlation length.

    Returns a list of (label, k, points, slope): one per (model, k) over the
    tasks where the model reached epsilon, then per k the lower bound
    ('lower_bound') and the quantum memory ('quantum') over all tasks. points
    are sorted (corr_length, memory_bits) pairs with both > 0 (log scale);
    slope is None with fewer than 2 points.
    """
    ks = sorted({t["k"] for t in summary})
    models = model_order({m for t in summary for m in t["best"]})
    out = []

    def add(label, k, pts):
        pts = sorted((x, y) for x, y in pts if x is not None and y is not None and x > 0 and y > 0)
        out.append((label, k, pts, fit_slope([math.log(x) for x, _ in pts],
                                             [math.log(y) for _, y in pts])))

    for m in models:
        for k in ks:
            ts = [t for t in summary if t["k"] == k and m in t["best"]]
            if ts:
                add(m, k, [(t["corr_length"], t["best"][m]["memory_bits"])
                           for t in ts if t["best"][m] is not None])
    for label, col in (("lower_bound", "lower_bound"), ("quantum", "quantum")):
        for k in ks:
            add(label, k, [(t["corr_length"], t[col]) for t in summary if t["k"] == k])
    return out


# ---- trainability ----

def variance_series(rows):
    """{(model, k): [(n, mean grad_var, mean grad_var_query, rows)]} sorted by n,
    means over the rows of that n (seeds, ell); kind = variance only."""
    acc = {}
    for r in rows:
        if r["kind"] == "variance" and r["grad_var"] is not None:
            a = acc.setdefault((r["model"], r["k"]), {}).setdefault(r["n"], ([], []))
            a[0].append(r["grad_var"])
            if r["grad_var_query"] is not None:
                a[1].append(r["grad_var_query"])
    mean = lambda v: sum(v) / len(v) if v else None
    return {key: [(n, mean(g), mean(q), len(g)) for n, (g, q) in sorted(byn.items())]
            for key, byn in sorted(acc.items(), key=lambda kv: (model_rank(kv[0][0]), kv[0][1]))}


def decay_rate(series, query=False):
    """Slope of log2 grad_var (query: grad_var_query) against n (per site)
    over the points where it is > 0, and the number of such points."""
    pts = [(n, q if query else g) for n, g, q, _ in series]
    pts = [(n, g) for n, g in pts if g is not None and g > 0]
    return fit_slope([n for n, _ in pts], [math.log2(g) for _, g in pts]), len(pts)


def curves(rows):
    """{(k, n): {(ell, seed): [row, ...] sorted by step}} for kind = curve."""
    out = {}
    for r in rows:
        if r["kind"] == "curve" and r["step"] is not None:
            out.setdefault((r["k"], r["n"]), {}).setdefault((r["ell"], r["seed"]), []).append(r)
    return {kn: {ls: sorted(v, key=lambda r: r["step"]) for ls, v in sorted(c.items())}
            for kn, c in sorted(out.items())}


def import_pyplot():
    """(matplotlib.pyplot, matplotlib.ticker) with the Agg backend (headless).
    The plot scripts call it once their input has been read, so that an input
    error is reported without matplotlib's start-up time."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot
        import matplotlib.ticker
    except ImportError:
        fail("needs matplotlib: run through analysis/python.sh "
             "(Debian: apt-get install python3-matplotlib python3-numpy)")
    return matplotlib.pyplot, matplotlib.ticker


def save_png(fig, path, **kw):
    """Writes fig as a PNG through a temporary file renamed into place, and
    closes it."""
    import matplotlib.pyplot

    tmp = f"{path}.tmp{os.getpid()}.png"
    fig.savefig(tmp, dpi=120, **kw)
    matplotlib.pyplot.close(fig)
    os.replace(tmp, path)


def write_atomic(path, text):
    """Writes text to path through a temporary file renamed into place."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def out_dir(arg, first_path):
    """The output directory: -o, else the first CSV's directory; created."""
    out = arg or os.path.dirname(os.path.abspath(first_path))
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        fail(f"{out}: cannot create the output directory: {e.strerror}")
    return out
