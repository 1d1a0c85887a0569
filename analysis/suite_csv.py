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
    ("size", I), ("layers", I), ("steps", I), ("batch", I), ("lr", F), ("seed", I), ("loss", S),
    ("quant_bits", I), ("curriculum", S),
    ("fit", S), ("corr_length", I), ("params", I), ("memory_bits", F), ("state_dim", F), ("alt_state_dim", F),
    ("excess_loss_bits", F), ("cross_entropy_bits", F), ("optimum_bits", F), ("tv", F), ("eval_sequences", I),
    ("train_seconds", F), ("eval_seconds", F), ("steps_used", I), ("verdict", S), ("lower_bound_bits", F),
    ("lower_bound_dim", F), ("quantum_bits", F), ("exact_bits", F), ("epsilon", F), ("curve", S)], 16)

TRAINABILITY = Table("trainability", [
    ("kind", S), ("model", S), ("k", I), ("n", I), ("ell", I), ("queries", I), ("reading", S), ("init", S),
    ("seed", I), ("steps", I), ("lr", F), ("step", I),
    ("samples", I), ("params", I), ("grad_var", F), ("grad_var_lo", F), ("grad_var_hi", F),
    ("grad_var_query", F), ("grad_var_query_lo", F), ("grad_var_query_hi", F), ("grad_abs_mean", F),
    ("loss_bits", F), ("excess_loss_bits", F), ("steps_used", I), ("verdict", S), ("lie_dim", I),
    ("lie_expected", F), ("seconds", F)], 12)

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
    """Sort key: registry order of the model (the first word of a column
    label such as 'khrnn trained'), unknown names after them by name."""
    names = [d["model"] for d in _models]
    base = m.split(" ")[0]
    return (names.index(base) if base in names else len(names), m)


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

def group_decision(rows):
    """The summary's decision for the rows of one group (one task, model,
    fit, quantisation; sizes and seeds), as suites/sepsum.c decides it:
    a size passes when some seed reached epsilon, else it is 'plateau' when
    every seed plateaued (or, untrained, missed) and 'budget' otherwise; the
    smallest passing size is the smallest from which every larger size
    passes; 'determined' when every smaller size plateaued, 'undetermined'
    when one stopped on its budget, 'none' when the largest does not pass.

    Returns (status, best row or None, note)."""
    sizes = {}
    for r in rows:
        v = r["verdict"] if r["verdict"] in ("reached", "budget") else "plateau"
        s = sizes.setdefault(r["size"] or 0, {"dim": r["state_dim"] or 0, "rows": []})
        s["rows"].append((v, r))
    ladder = []
    for size, s in sizes.items():
        vs = [v for v, _ in s["rows"]]
        verdict = "reached" if "reached" in vs else "budget" if "budget" in vs else "plateau"
        pool = [r for v, r in s["rows"] if v == "reached"] if verdict == "reached" else [r for _, r in s["rows"]]
        best = min(pool, key=lambda r: r["excess_loss_bits"])
        ladder.append((s["dim"], size, verdict, best))
    ladder.sort(key=lambda x: x[0])
    first = len(ladder)
    while first > 0 and ladder[first - 1][2] == "reached":
        first -= 1
    if first == len(ladder):
        _, size, verdict, best = ladder[-1]
        if best["fit"] != "trained":
            return "none", None, f"not reached: {best['excess_loss_bits']:.3g} bits"
        return "none", None, f"largest size {size:g}: {verdict} at {best['excess_loss_bits']:.3g} bits"
    status, notes = "determined", []
    for _, size, verdict, best in reversed(ladder[:first]):
        if verdict == "budget":
            status = "undetermined"
            notes.append(f"size {size:g} below stopped on its budget at {best['excess_loss_bits']:.3g} bits")
            break
    for _, size, verdict, _ in ladder[:first]:
        if verdict == "reached":
            notes.append(f"non-monotone: size {size:g} passed, size {ladder[first - 1][1]:g} did not")
            break
    return status, ladder[first][3], "; ".join(notes)


def column_label(r):
    """The report's column of a row: the model, ' trained' for a model that
    also predicts as it is, ' b=B' when quantised."""
    label = r["model"]
    if r["fit"] == "trained" and not is_trained(r["model"]):
        label += " trained"
    if r["quant_bits"]:
        label += f" b={r['quant_bits']}"
    return label


def separation_summary(rows):
    """Per task (k, ell, n, d, bases, queries), per column label (model, fit,
    quantisation): the group decision over its sizes and seeds.

    Returns a list of task dicts sorted by task key, each with k, ell, n, d,
    bases, queries, corr_length, lower_bound, lower_bound_dim, quantum, exact,
    best {label: row or None}, status {label: 'determined' | 'undetermined' |
    'none'}, note {label: text} and trained {label: whether its rows were
    trained}.
    """
    tasks, groups = {}, {}
    for r in rows:
        key = (r["k"], r["ell"], r["n"], r["d"], r["bases"] or "", r["queries"])
        t = tasks.get(key)
        if t is None:
            k, n, d = r["k"], r["n"], r["d"]
            lb, qb, lbd = r["lower_bound_bits"], r["quantum_bits"], r["lower_bound_dim"]
            if lb is None and None not in (k, n, d):
                lb = (math.comb(n, k) - 1) * math.log2(d)
            if lbd is None and None not in (k, n):
                lbd = math.comb(n, k) - 1
            if qb is None and None not in (n, d):
                qb = n * math.log2(d)
            t = tasks[key] = {"k": k, "ell": r["ell"], "n": n, "d": d, "bases": r["bases"] or "",
                              "queries": r["queries"], "corr_length": r["corr_length"],
                              "lower_bound": lb, "lower_bound_dim": lbd, "quantum": qb,
                              "exact": r["exact_bits"], "best": {}, "status": {}, "note": {},
                              "trained": {}, "rows": {}}
        groups.setdefault((key, column_label(r)), []).append(r)
    for (key, label), g in groups.items():
        status, best, note = group_decision(g)
        t = tasks[key]
        t["best"][label], t["status"][label], t["note"][label] = best, status, note
        t["trained"][label] = any(r["fit"] == "trained" for r in g)
        t["rows"][label] = g[0]
    return [tasks[k] for k in sorted(tasks, key=lambda k: tuple((x is None, x) for x in k))]


SUMMARY_COLUMNS = ["k", "ell", "n", "corr_length", "model", "fit", "quant_bits", "min_size", "min_state_dim",
                   "min_memory_bits", "excess_loss_bits", "status", "note", "lower_bound_dim",
                   "lower_bound_bits", "quantum_bits", "exact_bits"]


def summary_tsv(rows):
    """The lines of separation_summary.tsv (header first) from the rows, as
    `hypersep suite summary` writes them (tests/analysis.sh compares the
    two); one line per group, by task then column order."""
    g6 = lambda v: "" if v is None else f"{v:.6g}"
    out = ["\t".join(SUMMARY_COLUMNS)]
    for t in separation_summary(rows):
        for label in model_order(t["best"]):
            b, any_row = t["best"][label], t["rows"][label]
            fields = [t["k"], t["ell"], t["n"], t["corr_length"], any_row["model"], any_row["fit"],
                      any_row["quant_bits"] or 0]
            if b is None:
                fields += ["", "", "", ""]
            else:
                fields += [b["size"] or 0, g6(b["state_dim"]), g6(b["memory_bits"]), f"{b['excess_loss_bits']:.4g}"]
            fields += [t["status"][label], t["note"][label], g6(t["lower_bound_dim"]), g6(t["lower_bound"]),
                       g6(t["quantum"]), g6(t["exact"])]
            out.append("\t".join(str(f) for f in fields))
    return out


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


def state_points(summary):
    """The paper's regime: per (label, k), the smallest passing state
    dimension against n, over the tasks of that k (one task per n: the last
    one read if a grid holds several ell at one n).

    Returns {(label, k): [(n, state_dim, status)]} sorted by n, with status
    'determined' or 'undetermined' (the points), plus per k the reference
    lines {('lower_bound', k): [(n, binom(n,k) - 1, 'determined')],
    ('quantum', k): [(n, n, ...)]}."""
    out = {}
    by_kn = {}
    for t in summary:
        by_kn[(t["k"], t["n"])] = t
    for (k, n), t in sorted(by_kn.items()):
        for label, b in t["best"].items():
            if b is not None and b["state_dim"]:
                out.setdefault((label, k), []).append((n, b["state_dim"], t["status"][label]))
        if t["lower_bound_dim"]:
            out.setdefault(("lower_bound", k), []).append((n, t["lower_bound_dim"], "determined"))
        out.setdefault(("quantum", k), []).append((n, n, "determined"))
    return out


def state_slopes(points):
    """Least-squares slopes of log state_dim against log n per (label, k):
    [(label, k, npoints, slope)], labels in registry order, the references
    last."""
    keys = sorted(points, key=lambda lk: (lk[0] in ("lower_bound", "quantum"), model_rank(lk[0]), lk[1]))
    return [(label, k, len(pts), fit_slope([math.log(n) for n, _, _ in pts], [math.log(v) for _, v, _ in pts]))
            for label, k in keys for pts in [points[(label, k)]]]


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
