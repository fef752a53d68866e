"""Two logs side by side: the same figures and figures-of-merit, with B/A ratios."""
from analysis import tables
from analysis.vectors import CAUSES


def _kernel_instructions(s):
    """Instructions from the kernel's first event on: boot time is not the kernel's."""
    icount = s["icount"]
    start = icount["kernel_start"] if icount["kernel_start"] is not None else icount["first"]
    return (icount["last"] or 0) - (start or 0)


def _rate(s):
    span = _kernel_instructions(s)
    loads = s["cr3_loads"]["to_kernel"] + s["cr3_loads"]["to_user"]
    return round(loads * 1e6 / span, 1) if span else None


def metrics(s):
    """(name, value) pairs worth comparing."""
    v = s["visits"]
    rows = [("events", s["events"]),
            ("instructions after boot", _kernel_instructions(s)),
            ("CR3 loads to kernel", s["cr3_loads"]["to_kernel"]),
            ("CR3 loads to user", s["cr3_loads"]["to_user"]),
            ("CR3 loads per million instructions", _rate(s)),
            ("window moves (LIDT)", s["window_moves"]["observed"]),
            ("kernel visits", v["count"]),
            ("instructions in kernel visits", v["total"])]
    rows += [(f"visit {k}", v[k]) for k in ("min", "median", "p99", "max")]
    rows += [(f"median visit: {c}", v["by_cause"][c]["median"]) for c in CAUSES]
    rows += [(f"{k} events", n) for k, n in s["kinds"].items()]
    rows += [(f"INT {x['name']} ({x['vector']})", x["count"]) for x in s["vectors"]]
    return rows


def compare(sa, sb):
    a, b = dict(metrics(sa)), dict(metrics(sb))
    names = list(a) + [k for k in b if k not in a]
    rows = []
    for name in names:
        va, vb = a.get(name), b.get(name)
        ratio = round(vb / va, 3) if va and vb is not None else None
        rows.append({"metric": name, "a": va, "b": vb, "ratio": ratio})
    return {"a": sa["log"], "b": sb["log"], "rows": rows}


def table(result):
    fmt = lambda v: "-" if v is None else f"{v:g}" if isinstance(v, float) else str(v)
    return ("A vs B", ["metric", "A", "B", "B/A"],
            [[r["metric"], fmt(r["a"]), fmt(r["b"]), fmt(r["ratio"])] for r in result["rows"]])


def text(result):
    return f"A = {result['a']}\nB = {result['b']}\n\n" + tables.text([table(result)])
