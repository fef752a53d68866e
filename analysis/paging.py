"""Paging in a log: the kernel's @pageout and @pagein announcements
(docs/disk.md) counted per address space, and drawn over time with the
window moves.

    python3 -m analysis paging LOG [--json] [--out DIR]

The classifier (analysis/classify.py) records each page moved as it reads
the log, so the table and the figure cost no second pass over it.
"""
import html
import io
import os

from analysis import tables

NAME = "paging"
CURVE_POINTS = 2000
CAPTION = ("Pages the kernel wrote to swap (page-outs) and read back (page-ins), and the "
           "window moves the CPU made (LIDT to a new window), counted from the start of the "
           "kernel: steep page-outs are the pager finding room (for frames or for a window in "
           "a full space), page-ins the processes touching what it evicted. Grey bands are "
           "the phases between MARK lines.")


def paging_stats(a):
    """{spaces: [{space, cr3, pid, name, pageouts, pageins, window_moves}],
    pageouts, pageins, window_moves}: the address spaces that paged, in the
    order they appeared."""
    c = a.c
    rows = [{"space": s.label, "cr3": f"{s.cr3:#x}" if s.cr3 is not None else None,
             "pid": s.pid, "name": s.name, "pageouts": s.pageouts, "pageins": s.pageins,
             "window_moves": s.moves}
            for s in c.spaces if s.pageouts or s.pageins]
    return {"spaces": rows, "pageouts": sum(r["pageouts"] for r in rows),
            "pageins": sum(r["pageins"] for r in rows),
            "window_moves": sum(s.moves for s in c.spaces)}


def table(stats):
    """(title, header, rows) for analysis/tables.py."""
    rows = [[r["space"], r["cr3"] or "-", f"{r['pageouts']:,}", f"{r['pageins']:,}",
             f"{r['window_moves']:,}"] for r in stats["spaces"]]
    rows.append(["all", "", f"{stats['pageouts']:,}", f"{stats['pageins']:,}",
                 f"{stats['window_moves']:,}"])
    return ("Paging per address space",
            ["address space", "CR3", "page-outs", "page-ins", "window moves"], rows)


def text(stats):
    if not stats["spaces"]:
        return "no paging in this log (no @pageout or @pagein announcement)"
    return tables.text([table(stats)])


def figure(a):
    """Cumulative page-outs, page-ins and window moves over instructions."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import EngFormatter

    from analysis.plots import KERNEL_COLOUR, USER_COLOURS, _shade_phases, _span
    c = a.c
    x0, x1 = _span(c)
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax = fig.add_subplot()
    _shade_phases(ax, c)
    icount = np.frombuffer(c.paging_icount, dtype=np.int64)
    page_in = np.frombuffer(c.paging_in, dtype=np.int8).astype(bool)
    moves = np.array(sorted(m.icount for m in c.moves if m.source == "lidt"), dtype=np.int64)
    # Counts so far at fixed points, not a vertex per page: a full 4 GiB
    # fill pages a million times, and the figure costs the same.
    at = np.linspace(x0, x1, CURVE_POINTS)
    for xs, label, colour in ((icount[~page_in], "page-outs", KERNEL_COLOUR),
                              (icount[page_in], "page-ins", USER_COLOURS[0]),
                              (moves, "window moves", USER_COLOURS[1])):
        so_far = np.searchsorted(np.sort(xs), at, side="right")
        ax.step(at, so_far, where="post", color=colour, lw=1.4, label=f"{label} ({len(xs):,})")
    ax.set_xlim(x0, x1)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.yaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("instructions retired")
    ax.set_ylabel("pages / moves so far")
    ax.set_title("Paging and window moves over time")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def save(a, out_dir):
    """Write out_dir/paging.png and .svg; return the PNG's bytes."""
    os.makedirs(out_dir, exist_ok=True)
    fig = figure(a)
    fig.savefig(os.path.join(out_dir, NAME + ".svg"))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    png = buf.getvalue()
    with open(os.path.join(out_dir, NAME + ".png"), "wb") as f:
        f.write(png)
    return png


def report_html(a, out_dir):
    """The report's paging section: the table and the figure, or nothing
    for a log without paging."""
    from analysis.report import img_tag
    stats = paging_stats(a)
    if not stats["spaces"]:
        return []
    png = save(a, out_dir)
    return ["<h2>Paging</h2>\n", tables.html_table(*table(stats)),
            f'<figure id="{NAME}">{img_tag(png, NAME)}'
            f"<figcaption>{html.escape(CAPTION)}</figcaption></figure>\n"]
