"""The four figures of a classified log, as matplotlib Figures (Agg, no GUI).

  cr3_bands         which address space is loaded, over instruction count
  window_staircase  each address space's window IDT base across the 4 GiB space
  visit_histogram   instructions per kernel visit, by cause (log-scale x)
  cr3_rate          CR3 loads per million instructions over time

Long logs are drawn from binned data, so a figure costs the same for a
thousand events or ten million.
"""
import io
import os

import matplotlib
matplotlib.use("Agg")
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import EngFormatter, FuncFormatter, MultipleLocator

from analysis.classify import KERNEL_INDEX
from analysis.summary import visit_arrays
from analysis.vectors import CAUSES

KERNEL_COLOUR = "#c0392b"
USER_COLOURS = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79"]
CAUSE_COLOURS = {"timer": "#1f77b4", "syscall": "#2ca02c", "page fault": "#ff7f0e",
                 "window move": "#c0392b", "other": "#7f7f7f", "idle": "#d9d9d9"}
BANDS_BINS = 4000
RATE_BINS = 200
ANNOTATED_MOVES = 30
LABELLED_PHASES = 24
LEGEND_SPACES = 12         # address spaces named in a legend; colours repeat anyway
LABEL_MIN_WIDTH = 0.02     # of the x range: narrower phases stay unlabelled
NAMES = ("cr3_bands", "window_staircase", "visit_histogram", "cr3_rate")


def space_colour(index):
    return KERNEL_COLOUR if index == KERNEL_INDEX else USER_COLOURS[(index - 1) % len(USER_COLOURS)]


def _span(c):
    """The x range: from the kernel's first event (BIOS and GRUB can take
    most of a short run) to the end of the log."""
    start = c.kernel_start if c.kernel_start is not None else c.first_icount or 0
    return start, max(c.last_icount, start + 1)


def _shade_phases(ax, c, labels=True):
    """Alternate grey bands for MARK phases; the wider ones labelled along the top."""
    x0, x1 = _span(c)
    phases = c.phases[1:]              # the stretch before the first MARK is not a phase
    for n, p in enumerate(phases):
        end = max(p.end, p.start)
        ax.axvspan(p.start, end, color="0.5", alpha=0.08 if n % 2 else 0.16, lw=0, zorder=0)
        wide = (end - p.start) >= LABEL_MIN_WIDTH * (x1 - x0)
        if labels and wide and len(phases) <= LABELLED_PHASES:
            label = p.label if len(p.label) <= 28 else p.label[:27] + "…"
            ax.text(p.start, 1.0, " " + label, transform=ax.get_xaxis_transform(),
                    rotation=90, va="top", ha="left", fontsize=7, color="0.3", clip_on=True)


def _runs(mask):
    """(first, length) of each run of True in a boolean array."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    return starts, np.flatnonzero(edges == -1) - starts


def _occupied_bins(starts, ends, x0, width, nbins):
    """Which of nbins bins of `width` instructions any [start, end) touches."""
    first = np.clip(((starts - x0) // width).astype(np.int64), 0, nbins - 1)
    last = np.clip(((ends - 1 - x0) // width).astype(np.int64), 0, nbins - 1)
    diff = np.zeros(nbins + 1, np.int64)
    np.add.at(diff, first, 1)
    np.add.at(diff, last + 1, -1)
    return np.cumsum(diff[:-1]) > 0


def _loads(c):
    icount = np.frombuffer(c.load_icount, dtype=np.int64) if c.load_icount else np.zeros(0, np.int64)
    return icount, np.array(c.load_space, dtype=np.int32)


def cr3_bands(a):
    c = a.c
    x0, x1 = _span(c)
    icount, space = _loads(c)
    ends = np.append(icount[1:], x1) if len(icount) else icount
    rows = [s for s in c.spaces if s.loads or s.index == KERNEL_INDEX]
    fig = Figure(figsize=(11, 1.6 + 0.45 * min(len(rows), 30)), layout="constrained")
    ax = fig.add_subplot()
    width = max((x1 - x0) / BANDS_BINS, 1.0)
    for row, s in enumerate(rows):
        mine = space == s.index
        if not mine.any():
            continue
        first, length = _runs(_occupied_bins(icount[mine], np.maximum(ends[mine], icount[mine] + 1),
                                             x0, width, BANDS_BINS))
        ax.broken_barh(list(zip(x0 + first * width, length * width)), (row - 0.35, 0.7),
                       color=space_colour(s.index))
    _shade_phases(ax, c)
    ax.set_yticks(range(len(rows)), [s.label for s in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(x0, x1)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("instructions retired")
    ax.set_ylabel("address space (CR3)")
    ax.set_title("Loaded page directory over time (kernel in red, MARK phases shaded)")
    handles = [Patch(color=space_colour(s.index), label=s.label) for s in rows[:LEGEND_SPACES]]
    handles.append(Patch(color="0.5", alpha=0.16, label="MARK phase"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return fig


def _hex_axis(ax):
    ax.set_ylim(0, 1 << 32)
    ax.yaxis.set_major_locator(MultipleLocator(1 << 29))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):#010x}"))


def window_staircase(a):
    c = a.c
    x0, x1 = _span(c)
    icount, space = _loads(c)
    fig = Figure(figsize=(11, 5.5), layout="constrained")
    ax = fig.add_subplot()
    _shade_phases(ax, c, labels=False)
    if c.kernel_idt is not None:
        ax.axhline(c.kernel_idt, color=KERNEL_COLOUR, ls="--", lw=1, label=f"kernel IDT {c.kernel_idt:#x}")
    shown = 0
    for s in c.spaces[1:]:
        if not s.staircase:
            continue
        shown += 1
        xs = [x for x, _ in s.staircase]
        ys = [y for _, y in s.staircase]
        last = icount[space == s.index]
        end = int(last[-1]) if len(last) else xs[-1]
        colour = space_colour(s.index)
        ax.step(xs + [max(end, xs[-1])], ys + ys[-1:], where="post", color=colour,
                lw=1.6, label=f"{s.label} ({s.moves} moves)" if shown <= LEGEND_SPACES else None)
        ax.plot(xs[:1], ys[:1], "o", mfc="white", color=colour, ms=5)     # placement
        ax.plot(xs[1:], ys[1:], "o", color=colour, ms=4)                  # moves
    points = sorted((x, y, s.index) for s in c.spaces[1:] for x, y in s.staircase)
    for x, y, index in points[:ANNOTATED_MOVES]:
        ax.annotate(f"{y:#x}", (x, y), textcoords="offset points", xytext=(4, 4),
                    fontsize=7, color=space_colour(index))
    if c.window_notes:
        ax.plot([x for x, _, _ in c.window_notes], [va for _, _, va in c.window_notes], "x",
                color="k", ms=5, label="@window announcement")
    lidt_moves = [m for m in c.moves if m.source == "lidt"]
    _hex_axis(ax)
    ax.set_xlim(x0, x1)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("instructions retired")
    ax.set_ylabel("window IDT base (linear address)")
    more = f", first {ANNOTATED_MOVES} bases labelled" if len(points) > ANNOTATED_MOVES else ""
    ax.set_title(f"Window IDT base per address space: {len(points) - len(lidt_moves)} "
                 f"placements (open), {len(lidt_moves)} moves (filled){more}")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return fig


def visit_histogram(a):
    length, cause, _ = visit_arrays(a.c)
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"Instructions per kernel visit, by cause ({len(length)} visits)")
    ax.set_xlabel("instructions from CR3 load to the kernel to the load back (log scale)")
    ax.set_ylabel("kernel visits")
    if len(length) == 0:
        ax.text(0.5, 0.5, "no kernel visits in this log", transform=ax.transAxes, ha="center")
        return fig
    low, high = np.log10(max(int(length.min()), 1)), np.log10(max(int(length.max()), 1))
    bins = np.logspace(low - 0.05, high + 0.05, 60)
    below = np.zeros(len(bins) - 1)
    for k in CAUSES:               # stacked: each cause sits on the ones before it
        mine = np.maximum(length[cause == k], 1)
        if len(mine) == 0:
            continue
        counts, _ = np.histogram(mine, bins=bins)
        ax.stairs(below + counts, bins, baseline=below, fill=True, color=CAUSE_COLOURS[k],
                  label=f"{k} ({len(mine)})")
        below = below + counts
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.legend(title="cause", fontsize=8)
    return fig


def cr3_rate(a):
    c = a.c
    x0, x1 = _span(c)
    icount, space = _loads(c)
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax = fig.add_subplot()
    _shade_phases(ax, c)
    edges = np.linspace(x0, x1, RATE_BINS + 1)
    width = edges[1] - edges[0]
    per_million = 1e6 / width
    total, _ = np.histogram(icount, bins=edges)
    ax.stairs(total * per_million, edges, fill=True, color=USER_COLOURS[0], alpha=0.35,
              label="all CR3 loads")
    kernel, _ = np.histogram(icount[space == KERNEL_INDEX], bins=edges)
    ax.stairs(kernel * per_million, edges, color=KERNEL_COLOUR, lw=1.2,
              label="CR3 loads to the kernel")
    ax.set_xlim(x0, x1)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("instructions retired")
    ax.set_ylabel("CR3 loads per million instructions")
    ax.set_title(f"CR3 load rate (bins of {EngFormatter(places=1)(width)} instructions)")
    ax.legend(loc="upper right", fontsize=8)
    return fig


FIGURES = {"cr3_bands": cr3_bands, "window_staircase": window_staircase,
           "visit_histogram": visit_histogram, "cr3_rate": cr3_rate}


def save_all(a, out_dir):
    """Write every figure as PNG and SVG; returns {name: png bytes}."""
    os.makedirs(out_dir, exist_ok=True)
    pngs = {}
    for name, make in FIGURES.items():
        fig = make(a)
        fig.savefig(os.path.join(out_dir, name + ".svg"))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        pngs[name] = buf.getvalue()
        with open(os.path.join(out_dir, name + ".png"), "wb") as f:
            f.write(pngs[name])
    return pngs
