"""The five figures of a classified log, as matplotlib Figures (Agg, no GUI).

  cr3_bands         which address space is loaded, over instruction count
  window_staircase  each address space's window IDT base across the 4 GiB space,
                    then one panel per address space whose window moved
  visit_histogram   instructions per kernel visit, by cause (log x, log counts)
  walk_histogram    page walks per kernel visit, by cause (log counts)
  cr3_rate          CR3 loads per million instructions over time

Long logs are drawn from binned data, so a figure costs the same for a
thousand events or ten million.  Every address space keeps one colour of
its own; labels (phases, window addresses) are placed after layout and
kept only where they overlap nothing and fit (tests/analysis/test_figures.py
measures them).  cr3_bands, window_staircase and cr3_rate keep what they
drew in `fig.drawn` (colours, move counts, the labels placed) for the tests.
"""
import io
import os

import matplotlib
matplotlib.use("Agg")
import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, LogNorm, hsv_to_rgb, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import EngFormatter, FuncFormatter, MultipleLocator
from matplotlib.transforms import Affine2D

from analysis.classify import KERNEL_INDEX
from analysis.summary import visit_arrays
from analysis.vectors import CAUSES

KERNEL_COLOUR = "#c0392b"
CAUSE_COLOURS = {"timer": "#1f77b4", "syscall": "#2ca02c", "page fault": "#ff7f0e",
                 "window move": "#c0392b", "other": "#7f7f7f", "idle": "#d9d9d9"}
BANDS_BINS = 4000
RATE_BINS = 200
PHASE_LABEL_CHARS = 24     # a phase label longer than this is shortened (the strip's height)
PHASE_FONT = 7
DENSE_MOVES = 60           # more moves than this in one space: drawn as density, not markers
DENSITY_BINS = (60, 32)    # time x address cells of the density (32 cells of 128 MiB)
PANEL_COLUMNS = 2
LEGEND_ROWS = 34           # legend entries per column before another column starts


def _mix(colour, other, share):
    """colour moved `share` of the way towards `other` (both matplotlib colours)."""
    return to_hex(tuple(a + (b - a) * share for a, b in zip(to_rgb(colour), to_rgb(other))))


def _ink(colour):
    """A colour dark enough for text: light palette entries darkened."""
    r, g, b = to_rgb(colour)
    return _mix(colour, "black", 0.45) if 0.3 * r + 0.59 * g + 0.11 * b > 0.55 else colour


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _user_palette():
    """Distinct colours for user address spaces: tab10, the light tab20 and
    tab20b/c, none of them the kernel's red."""
    names = [to_hex(col) for col in colormaps["tab10"].colors] + \
            [to_hex(col) for col in colormaps["tab20"].colors[1::2]] + \
            [to_hex(col) for cmap in ("tab20b", "tab20c") for col in colormaps[cmap].colors]
    reds = {"#d62728", "#ff9896"}
    return list(dict.fromkeys(n for n in names if n not in reds))


USER_COLOURS = _user_palette()


def space_colour(index):
    """Address space `index`'s colour: unique per index (past the palette,
    golden-ratio hues with alternating brightness)."""
    if index == KERNEL_INDEX:
        return KERNEL_COLOUR
    i = index - 1
    if i < len(USER_COLOURS):
        return USER_COLOURS[i]
    k = i - len(USER_COLOURS)
    return to_hex(hsv_to_rgb(((0.11 + k * 0.6180339887) % 1.0, 0.75, 0.5 + 0.4 * (k % 2))))


def _span(c):
    """The x range: from the kernel's first event (BIOS and GRUB can take
    most of a short run) to the end of the log."""
    start = c.kernel_start if c.kernel_start is not None else c.first_icount or 0
    return start, max(c.last_icount, start + 1)


def _agg(fig):
    """fig on an Agg canvas, laid out: text extents are then final (texts
    added later are kept out of the layout)."""
    FigureCanvasAgg(fig).draw()
    return fig.canvas.get_renderer()


def _overlaps(box, boxes):
    return any(box.overlaps(b) for b in boxes)


def _keep_if_clear(text, renderer, kept, inside):
    """Keep `text` if its box lies inside `inside` and clear of the `kept`
    boxes; otherwise remove it.  Returns whether it stayed."""
    box = text.get_window_extent(renderer)
    fits = inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
    if fits and not _overlaps(box, kept):
        kept.append(box)
        return True
    text.remove()
    return False


def _shade_phases(ax, c):
    """Alternate grey bands for MARK phases."""
    for n, p in enumerate(c.phases[1:]):   # the stretch before the first MARK is not a phase
        ax.axvspan(p.start, max(p.end, p.start), color="0.5", alpha=0.08 if n % 2 else 0.16,
                   lw=0, zorder=0)


def _short(label, chars):
    return label if len(label) <= chars else label[:chars - 1] + "…"


def _spread(wanted, slot, left, right):
    """Positions near `wanted` (sorted, pixels) at least `slot` apart inside
    [left, right], or None if they do not fit."""
    if len(wanted) * slot > right - left:
        return None
    pos = []
    for w in wanted:
        pos.append(max(w, left, pos[-1] + slot if pos else left))
    limit = right
    for i in range(len(pos) - 1, -1, -1):
        pos[i] = min(pos[i], limit)
        limit = pos[i] - slot
    return pos


def _label_phases(fig, strip, ax, c):
    """Each phase's label, upright in the strip above ax, pushed sideways
    just enough not to overlap and tied to its phase by a leader line.  When
    there are more phases than room, the narrowest go unlabelled.  Returns
    the labels (Text) and how many phases went without one."""
    x0, x1 = ax.get_xlim()
    phases = [p for p in c.phases[1:] if p.end >= x0 and p.start <= x1]
    slot = PHASE_FONT * fig.dpi / 72 * 1.35
    left, right = ax.bbox.x0 + slot / 2, ax.bbox.x1 - slot / 2
    to_px = ax.transData.transform
    chosen = sorted(phases, key=lambda p: p.end - p.start, reverse=True)
    while chosen:
        chosen.sort(key=lambda p: p.start)
        wanted = [to_px(((max(p.start, x0) + min(max(p.end, p.start), x1)) / 2, 0))[0] for p in chosen]
        pos = _spread(wanted, slot, left, right)
        if pos is not None:
            break
        chosen = sorted(chosen, key=lambda p: p.end - p.start, reverse=True)[:int((right - left) // slot)]
    else:
        return [], len(phases)
    from_px = ax.transData.inverted().transform
    trans = strip.get_xaxis_transform()
    texts = []
    for p, w, x in zip(chosen, wanted, pos):
        xd, wd = from_px((x, 0))[0], from_px((w, 0))[0]
        strip.plot([wd, wd, xd], [0, 0.04, 0.1], transform=trans, color="0.5", lw=0.6)
        t = strip.text(xd, 0.12, _short(p.label, PHASE_LABEL_CHARS), transform=trans, rotation=90,
                       ha="center", va="bottom", fontsize=PHASE_FONT, color="0.25")
        t.set_in_layout(False)
        texts.append(t)
    return texts, len(phases) - len(chosen)


def _phase_strip(fig, main_height):
    """(strip, ax): ax for the data under a strip for phase labels, sharing x."""
    strip, ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.6, main_height]})
    strip.set_ylim(0, 1)
    strip.axis("off")
    return strip, ax


def _finish_phases(fig, strip, ax, c, title):
    """Lay the figure out, then label its phases (records them in fig.drawn)
    and title it, saying how many phases went without a label."""
    fig.suptitle(title)
    _agg(fig)
    labels, unlabelled = _label_phases(fig, strip, ax, c)
    fig.drawn["phase_labels"] = labels
    fig.drawn["phases_unlabelled"] = unlabelled
    if unlabelled:
        fig.suptitle(f"{title}; {unlabelled} narrow phases unlabelled")


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
    height = 0.5 + 0.26 * min(len(rows), 120)
    fig = Figure(figsize=(11, 2.3 + height), layout="constrained")
    fig.drawn = {"colours": {s.label: space_colour(s.index) for s in rows}}
    strip, ax = _phase_strip(fig, height)
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
    ax.set_yticks(range(len(rows)), [s.label for s in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(x0, x1)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("instructions retired")
    ax.set_ylabel("address space (CR3)")
    _finish_phases(fig, strip, ax, c, "Loaded page directory over time "
                   "(kernel in red; MARK phases shaded and named above)")
    return fig


def _hex_axis(ax, step=1 << 29, fontsize=None):
    ax.set_ylim(0, 1 << 32)
    ax.yaxis.set_major_locator(MultipleLocator(step))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):#010x}"))
    if fontsize:
        ax.tick_params(axis="y", labelsize=fontsize)


def _moves_label(s):
    announced = f", {s.announced_moves} announced" if s.announced_moves != s.moves else ""
    return f"{s.label} ({_plural(s.moves, 'move')}{announced})"


def _life(s, icount, space):
    """(first window, last CR3 load) of an address space."""
    last = icount[space == s.index]
    start = s.staircase[0][0]
    return start, max(int(last[-1]) if len(last) else start, start)


def _density(ax, s, start, end):
    """The moves of `s` as shaded cells (moves per cell), for where markers
    would pile into a solid block."""
    xs = np.array([x for x, _ in s.staircase[1:]], dtype=np.float64)
    ys = np.array([y for _, y in s.staircase[1:]], dtype=np.float64)
    xedges = np.linspace(start, max(end, start + 1), DENSITY_BINS[0] + 1)
    yedges = np.linspace(0, 1 << 32, DENSITY_BINS[1] + 1)
    counts, _, _ = np.histogram2d(xs, ys, bins=[xedges, yedges])
    colour = space_colour(s.index)
    cmap = LinearSegmentedColormap.from_list("moves", [_mix(colour, "white", 0.6),
                                                       _mix(colour, "black", 0.55)])
    return ax.pcolormesh(xedges, yedges, np.ma.masked_equal(counts.T, 0), cmap=cmap,
                         norm=LogNorm(vmin=1, vmax=max(counts.max(), 2)), lw=0)


def _steps(ax, s, end, marker_size=4, lw=1.4):
    xs = [x for x, _ in s.staircase]
    ys = [y for _, y in s.staircase]
    colour = space_colour(s.index)
    artists = ax.step(xs + [end], ys + ys[-1:], where="post", color=colour, lw=lw)
    artists += ax.plot(xs[:1], ys[:1], "o", mfc="white", color=colour, ms=marker_size + 1)  # placement
    if len(xs) > 1:
        artists += ax.plot(xs[1:], ys[1:], "o", color=colour, ms=marker_size)                # moves
    return artists


def _address_labels(ax, points, renderer, kept, transform=None):
    """Label each distinct base at its first point; a label that would
    overlap another or leave the axes is left out."""
    texts, seen = [], set()
    for x, y, colour in points:
        if y in seen:
            continue
        seen.add(y)
        high = y > 0xd0000000
        t = ax.annotate(f"{y:#x}", (x, y), xycoords=transform or "data", textcoords="offset points",
                        xytext=(4, -3 if high else 3), va="top" if high else "bottom", fontsize=7,
                        color=_ink(colour))
        t.set_in_layout(False)
        if _keep_if_clear(t, renderer, kept, ax.bbox):
            texts.append(t)
    return texts


def _overview(ax, c, spaces, icount, space, x0, x1):
    """Every address space's windows over the whole run."""
    _shade_phases(ax, c)
    handles = []
    if c.kernel_idt is not None:
        handles.append(ax.axhline(c.kernel_idt, color=KERNEL_COLOUR, ls="--", lw=1,
                                  label=f"kernel IDT {c.kernel_idt:#x}"))
    for s in spaces:
        start, end = _life(s, icount, space)
        if s.moves > DENSE_MOVES:
            _density(ax, s, start, end)
            ax.plot([start], [s.staircase[0][1]], "o", mfc="white", color=space_colour(s.index), ms=5)
            handles.append(Patch(color=space_colour(s.index), label=_moves_label(s) + ", shaded"))
        else:
            _steps(ax, s, end)
            handles.append(Line2D([], [], color=space_colour(s.index), marker="o", ms=4,
                                  label=_moves_label(s)))
    sparse = {s.index for s in spaces if s.moves <= DENSE_MOVES}
    notes = [(x, va) for x, index, va in c.window_notes if index in sparse]
    if notes:
        handles.append(ax.plot([x for x, _ in notes], [va for _, va in notes], "x", color="k", ms=4,
                               alpha=0.6, label="@window announcement")[0])
    _hex_axis(ax)
    ax.set_xlim(x0, x1)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("instructions retired")
    ax.set_ylabel("window IDT base")
    ax.set_title("Every address space: ○ first window (placement), ● move, "
                 "shaded: many moves", fontsize=9)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7,
                  ncol=-(-len(handles) // LEGEND_ROWS), title="address space (window moves)",
                  title_fontsize=8)


def _panel(ax, s, icount, space):
    """One address space with moves, over its own lifetime (x counted from
    its first window, so short lives get readable ticks)."""
    start, end = _life(s, icount, space)
    colour = space_colour(s.index)
    offset = Affine2D().translate(-start, 0) + ax.transData
    if s.moves > DENSE_MOVES:
        _density(ax, s, start, end).set_transform(offset)
        ax.plot([start], [s.staircase[0][1]], "o", mfc="white", color=colour, ms=5, transform=offset)
        what = f"{s.moves} moves, shaded by moves per cell (darker: more)"
    else:
        for artist in _steps(ax, s, end, marker_size=3, lw=1.2):
            artist.set_transform(offset)
        what = _plural(s.moves, "move")
    life = end - start + 1
    ax.set_xlim(-0.02 * life, 1.02 * life)
    _hex_axis(ax, step=1 << 30, fontsize=7)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel(f"instructions since its first window (icount {start:,})", fontsize=7)
    ax.set_title(f"{s.label}: {what}", fontsize=8, color=_ink(colour), loc="left")
    return offset


def window_staircase(a):
    c = a.c
    x0, x1 = _span(c)
    icount, space = _loads(c)
    spaces = [s for s in c.spaces[1:] if s.staircase]
    moved = [s for s in spaces if s.moves]
    rows = -(-len(moved) // PANEL_COLUMNS)
    fig = Figure(figsize=(11, 6 + 2.3 * rows), layout="constrained")
    fig.drawn = {"moves": {s.label: s.moves for s in spaces},
                 "colours": {s.label: space_colour(s.index) for s in spaces},
                 "panels": [s.label for s in moved]}
    lidt_moves = sum(s.moves for s in spaces)
    fig.suptitle(f"Window IDT base per address space: {len(spaces)} placements, {lidt_moves} moves"
                 + (" (below: one panel per address space that moved)" if moved else ""))
    top, bottom = fig.subfigures(2, 1, height_ratios=[6, 2.3 * rows]) if moved else (fig, None)
    ax = top.add_subplot()
    _overview(ax, c, spaces, icount, space, x0, x1)
    panels = list(bottom.subplots(rows, PANEL_COLUMNS, squeeze=False).flat) if moved else []
    offsets = [_panel(p, s, icount, space) for p, s in zip(panels, moved)]
    for p in panels[len(moved):]:
        p.axis("off")
    renderer = _agg(fig)
    kept = []
    labels = _address_labels(ax, [(s.staircase[0][0], s.staircase[0][1], space_colour(s.index))
                                  for s in spaces], renderer, kept)
    for p, s, offset in zip(panels, moved, offsets):
        if s.moves <= DENSE_MOVES:
            labels += _address_labels(p, [(x, y, space_colour(s.index)) for x, y in s.staircase],
                                      renderer, kept, offset)
    fig.drawn["address_labels"] = labels
    return fig


def _by_cause(ax, values, cause, log):
    """values stacked by each visit's cause, as a histogram on ax."""
    low, high = max(int(values.min()), 1), max(int(values.max()), 1)
    if log:
        bins = np.logspace(np.log10(low) - 0.05, np.log10(high) + 0.05, 60)
    else:
        lo, hi = min(int(values.min()), 0), int(values.max()) + 1
        bins = np.linspace(lo, hi, min(hi - lo, 200) + 1) - 0.5   # one per count, at most 200
    below = np.zeros(len(bins) - 1)
    for k in CAUSES:               # stacked: each cause sits on the ones before it
        mine = values[cause == k]
        if log:
            mine = np.maximum(mine, 1)
        if len(mine) == 0:
            continue
        counts, _ = np.histogram(mine, bins=bins)
        ax.stairs(below + counts, bins, baseline=below, fill=True, color=CAUSE_COLOURS[k],
                  label=f"{k} ({len(mine)})")
        below = below + counts
    if log:
        ax.set_xscale("log")
    ax.set_yscale("log")           # one cause's thousands must not flatten another's tens
    ax.set_ylim(bottom=0.7, top=max(below.max(), 1) * 2)
    ax.legend(title="cause", fontsize=8)


def visit_histogram(a):
    length, cause, _ = visit_arrays(a.c)
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"Instructions per kernel visit, by cause ({len(length)} visits)")
    ax.set_xlabel("instructions from CR3 load to the kernel to the load back (log scale)")
    ax.set_ylabel("kernel visits (log scale)")
    if len(length) == 0:
        ax.text(0.5, 0.5, "no kernel visits in this log", transform=ax.transAxes, ha="center")
        return fig
    _by_cause(ax, length, cause, log=True)
    return fig


def walk_histogram(a):
    _, cause, _ = visit_arrays(a.c)
    walks = np.frombuffer(a.c.visit_walks, dtype=np.int64) if a.c.visit_walks else np.zeros(0, np.int64)
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"Page walks (TLB misses) per kernel visit, by cause ({len(walks)} visits)")
    ax.set_xlabel("page walks from CR3 load to the kernel to the load back")
    ax.set_ylabel("kernel visits (log scale)")
    if not a.c.has_walks or len(walks) == 0:
        why = "no kernel visits in this log" if a.c.has_walks else \
            "no MMU counters in this log (format before version 3)"
        ax.text(0.5, 0.5, why, transform=ax.transAxes, ha="center")
        return fig
    _by_cause(ax, walks, cause, log=False)
    return fig


def cr3_rate(a):
    c = a.c
    x0, x1 = _span(c)
    icount, space = _loads(c)
    fig = Figure(figsize=(11, 6), layout="constrained")
    fig.drawn = {}
    strip, ax = _phase_strip(fig, 4.5)
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
    ax.legend(loc="upper right", fontsize=8)
    _finish_phases(fig, strip, ax, c, f"CR3 load rate (bins of {EngFormatter(places=1)(width)} "
                   "instructions; MARK phases shaded and named above)")
    return fig


FIGURES = {"cr3_bands": cr3_bands, "window_staircase": window_staircase,
           "visit_histogram": visit_histogram, "walk_histogram": walk_histogram,
           "cr3_rate": cr3_rate}
NAMES = tuple(FIGURES)


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
