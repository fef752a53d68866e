"""Two logs side by side: the same figures and figures-of-merit, with B/A ratios."""
import html
import os

from analysis import plots, report, tables
from analysis.vectors import CAUSES


def _rate(s):
    span = (s["icount"]["last"] or 0) - (s["icount"]["first"] or 0)
    loads = s["cr3_loads"]["to_kernel"] + s["cr3_loads"]["to_user"]
    return round(loads * 1e6 / span, 1) if span else None


def metrics(s):
    """(name, value) pairs worth comparing."""
    v = s["visits"]
    rows = [("events", s["events"]),
            ("instructions", (s["icount"]["last"] or 0) - (s["icount"]["first"] or 0)),
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


def write_html(result, analysis_a, analysis_b, out_dir):
    """compare.html: the ratio table, then each figure for A and B side by side."""
    pngs_a = plots.save_all(analysis_a, os.path.join(out_dir, "a"))
    pngs_b = plots.save_all(analysis_b, os.path.join(out_dir, "b"))
    body = [f"<p>A = {html.escape(result['a'])}<br>B = {html.escape(result['b'])}</p>",
            tables.html_table(*table(result)), "<h2>Figures (A left, B right)</h2>\n"]
    for name in plots.NAMES:
        body.append(f"<h3>{name}</h3><div class='pair' id='{name}'>"
                    f"{report.img_tag(pngs_a[name], 'A ' + name)}"
                    f"{report.img_tag(pngs_b[name], 'B ' + name)}</div>\n"
                    f"<p>{html.escape(report.CAPTIONS[name])}</p>\n")
    path = os.path.join(out_dir, "compare.html")
    with open(path, "w") as f:
        f.write(report.page("Bounce log comparison", "".join(body)))
    return path
