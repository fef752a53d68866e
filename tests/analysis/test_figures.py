"""The figures judged by what they draw, and the chrome-trace export judged
by its format, on a crowded log: 30 processes, each in its own MARK phase,
windows placed close together, a few moves each, one process's window moved
before it first ran, and a chase of 2,000 moves at the end."""
import itertools
import json
import random
import re
import shutil
import struct
import subprocess

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection, QuadMesh

import gen_log
from analysis import plots, summary
from analysis.classify import analyze
from analysis_helpers import REPO, run_cli

PROCS = 30
CHASE = 2000
CHASER_MOVES = CHASE + (PROCS - 1) % 4     # the last process's own moves, then the chase


def _crowd_events(out):
    rng = random.Random(3)
    log = gen_log.LogWriter(out)
    m = gen_log.Machine(log, rng)
    m.boot()
    procs = [gen_log.Process(i + 1, 0x01000000 + i * 0x1000, f"prog{i + 1}", 0xffbff000 - i * 0x400000)
             for i in range(PROCS)]
    current = None
    for n, p in enumerate(procs):
        m.mark(f"test prog{p.pid}")
        m.spawn(p)
        if n == 0:                      # moved before it first runs: announced, then placed
            p.window = 0x10000000
            m.announce_window(p)
        if current is None:
            m.return_to(p)
        else:
            m.bounce(current, 32, 800, to=p)
        current = p
        for _ in range(20):
            m.bounce(p, 0x80, 300)
        for _ in range(n % 4):
            m.bounce(p, 14, 1500, move_to=rng.randrange(0x10, 0xfff00) << 12)
    m.mark("chase")
    for _ in range(CHASE):
        m.bounce(current, 14, 2000, move_to=rng.randrange(0x10, 0xfff00) << 12)
    m.mark("done")
    log.event(500, "EXIT", "status=0")
    log.end()


def _with_walks(text):
    """The log as format version 3: cumulative page walks on CR3 and INT events."""
    walks = itertools.count(5, 7)
    lines = []
    for line in text.splitlines():
        if line.startswith("# bounce-trace"):
            line = "# bounce-trace 3"
        elif re.match(r"\d+ (CR3|INT) ", line):
            line += f" walks={next(walks)} ptes=0 flushes=0"
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def crowd_log(tmp_path_factory):
    import io
    buf = io.StringIO()
    _crowd_events(buf)
    path = tmp_path_factory.mktemp("crowd") / "crowd.log"
    path.write_text(_with_walks(buf.getvalue()))
    return str(path)


@pytest.fixture(scope="module")
def crowd(crowd_log):
    return analyze(crowd_log)


@pytest.fixture(scope="module")
def figures(crowd):
    """Each figure of the crowd drawn once: {name: (Figure, renderer)}."""
    return {name: (fig, _drawn(fig)) for name, fig in
            ((name, make(crowd)) for name, make in plots.FIGURES.items())}


def _drawn(fig):
    """fig laid out and drawn on Agg; returns the renderer."""
    FigureCanvasAgg(fig).draw()
    return fig.canvas.get_renderer()


def _boxes_clear(texts, renderer, fig):
    """No two texts overlap, and each lies inside the figure."""
    boxes = [t.get_window_extent(renderer) for t in texts]
    for box, t in zip(boxes, texts):
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 + 0.5, f"{t.get_text()!r} is cut"
        assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1 + 0.5, f"{t.get_text()!r} is cut"
    for (a, ta), (b, tb) in itertools.combinations(zip(boxes, texts), 2):
        assert not a.overlaps(b), f"{ta.get_text()!r} overlaps {tb.get_text()!r}"


def _visible_texts(fig):
    return [t for ax in fig.axes for t in ax.texts if t.get_visible() and t.get_text().strip()]


def _legend_entries(fig):
    """{label: colour} of every legend entry in the figure."""
    from matplotlib.colors import to_hex
    entries = {}
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles if hasattr(legend, "legend_handles")
                                else legend.legendHandles, legend.get_texts()):
            colour = handle.get_color() if hasattr(handle, "get_color") and \
                not isinstance(handle.get_color(), tuple) else handle.get_facecolor()
            entries[text.get_text()] = to_hex(colour)
    return entries


# -- window_staircase ----------------------------------------------------------

def test_staircase_names_every_space_with_its_own_move_count(crowd, figures):
    """Old code: a legend of the first 12 spaces only (the chase had no entry)."""
    want = {s.label: s.moves for s in crowd.c.spaces[1:] if s.staircase}
    assert len(want) == PROCS and max(want.values()) == CHASER_MOVES
    got = {}
    fig = figures["window_staircase"][0]
    for text in _legend_entries(fig):
        m = re.match(r"(.*) \((\d+) moves?\b", text)
        if m:
            got[m.group(1)] = int(m.group(2))
    assert got == want == fig.drawn["moves"]


def test_staircase_colours_are_unique(figures):
    """Old code: ten colours round-robin, so spaces 1 and 11 looked alike."""
    colours = [c for label, c in _legend_entries(figures["window_staircase"][0]).items()
               if label.startswith("pid ")]
    assert len(colours) == PROCS and len(set(colours)) == PROCS
    assert plots.KERNEL_COLOUR not in colours
    assert sorted(colours) == sorted(figures["window_staircase"][0].drawn["colours"].values())


def test_staircase_shades_a_chase_instead_of_piling_markers(figures):
    """2,000 moves become cells of a density, not 2,000 markers (old code:
    a solid block of markers and crosses)."""
    fig = figures["window_staircase"][0]
    points = sum(len(line.get_xdata()) for ax in fig.axes for line in ax.get_lines()
                 if line.get_marker() not in (None, "None", ""))
    assert points < CHASE / 2
    assert any(isinstance(col, QuadMesh) for ax in fig.axes for col in ax.collections)


def test_staircase_has_a_panel_per_space_that_moved(crowd, figures):
    """Old code: one axes for everything."""
    moved = [s for s in crowd.c.spaces[1:] if s.moves]
    fig = figures["window_staircase"][0]
    assert fig.drawn["panels"] == [s.label for s in moved]
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    for s in moved:
        assert sum(t.startswith(s.label + ":") for t in titles) == 1, s.label


def test_staircase_address_labels_do_not_overlap(figures):
    """Old code: the first 30 bases labelled wherever they fell, on top of
    each other for windows 4 MiB apart."""
    fig, renderer = figures["window_staircase"]
    labels = [t for t in _visible_texts(fig) if t.get_text().startswith("0x")]
    assert len(labels) >= 5 and set(labels) == set(fig.drawn["address_labels"])
    _boxes_clear(labels, renderer, fig)


# -- cr3_bands and cr3_rate: phase labels ----------------------------------------

@pytest.mark.parametrize("name", ["cr3_bands", "cr3_rate"])
def test_every_phase_is_labelled_clear_of_the_others(crowd, figures, name):
    """Old code: no labels at all past 24 phases, and overlapping or cut
    ones below that."""
    fig, renderer = figures[name]
    phases = [p.label for p in crowd.c.phases[1:]]
    assert len(phases) > 30
    labels = [t for t in _visible_texts(fig) if t.get_text() in phases]
    assert sorted(t.get_text() for t in labels) == sorted(phases)
    assert set(labels) == set(fig.drawn["phase_labels"]) and fig.drawn["phases_unlabelled"] == 0
    _boxes_clear(labels + [fig._suptitle], renderer, fig)


def test_cr3_bands_colours_are_unique(figures):
    """Old code: ten colours round-robin."""
    from matplotlib.colors import to_hex
    fig = figures["cr3_bands"][0]
    colours = [to_hex(col.get_facecolor()[0]) for ax in fig.axes for col in ax.collections
               if isinstance(col, PolyCollection) and len(col.get_paths())]
    assert len(colours) == PROCS + 1
    assert len(set(colours)) == len(colours)
    assert sorted(colours) == sorted(fig.drawn["colours"].values())


def test_colours_stay_unique_past_the_palette():
    colours = [plots.space_colour(i) for i in range(400)]
    assert len(set(colours)) == len(colours)


# -- visit_histogram -----------------------------------------------------------

@pytest.mark.parametrize("name", ["visit_histogram", "walk_histogram"])
def test_histogram_counts_on_a_log_axis(figures, name):
    """Old code: a linear count axis, every cause but syscalls flattened."""
    ax = figures[name][0].axes[0]
    assert ax.get_yscale() == "log"


# -- the overview's window moves ---------------------------------------------------

def test_overview_explains_announced_moves_without_lidt(crowd):
    """The one window moved before its process ran is announced but never
    seen as an LIDT move; the overview says so next to the counts (old
    code: the bare counts)."""
    s = summary.summarize(crowd)
    w = s["window_moves"]
    assert w["announced"] - w["observed"] == 1
    assert w["announced_before_first_run"] == 1
    overview = summary.tables(s)[0][2]
    row = next(r for r in overview if r[0].startswith("window moves"))
    assert row[1] == f"{w['observed']} / {w['announced']}"
    assert "1 announced before the process first ran" in row[2]


# -- export --format chrome-trace ---------------------------------------------------

REQUIRED = ("ph", "ts", "pid", "tid", "name")


@pytest.fixture(scope="module")
def trace(crowd_log, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "trace.json"
    done = run_cli("export", "--format", "chrome-trace", crowd_log, str(out))
    assert done.returncode == 0, done.stderr
    with open(out) as f:
        return json.load(f)          # it loads as JSON


def test_trace_events_carry_the_required_fields(trace):
    events = trace["traceEvents"]
    assert trace["displayTimeUnit"] in ("ms", "ns")
    for ev in events:
        assert all(k in ev for k in REQUIRED), ev
        assert ev["ph"] in ("X", "i", "C", "M"), ev
        assert isinstance(ev["ts"], (int, float)) and ev["ts"] >= 0, ev
        assert isinstance(ev["pid"], int) and isinstance(ev["tid"], int), ev
        assert isinstance(ev["name"], str) and ev["name"], ev
        if ev["ph"] == "X":
            assert isinstance(ev["dur"], (int, float)) and ev["dur"] >= 0, ev
        if ev["ph"] == "C":
            assert ev["args"] and all(isinstance(v, (int, float)) for v in ev["args"].values()), ev
        if ev["ph"] == "i":
            assert ev["s"] in ("g", "p", "t"), ev
        if ev["ph"] == "M":
            assert ev["name"] in ("process_name", "process_sort_index", "thread_name"), ev


def test_trace_holds_the_run(crowd, trace):
    """Visits, moves, marks and CR3 loads in the trace are the analysis's."""
    events = trace["traceEvents"]
    s = summary.summarize(crowd)
    visits = [e for e in events if e["ph"] == "X" and e["cat"] == "visit"]
    assert len(visits) == sum(v["count"] for v in s["visits"]["by_cause"].values())
    assert sum(e["args"]["instructions"] for e in visits) == \
        sum(v["total"] for v in s["visits"]["by_cause"].values())
    assert {e["name"] for e in visits} <= set(s["visits"]["by_cause"])
    names = {e["pid"]: e["args"]["name"] for e in events if e["name"] == "process_name"}
    assert set(names.values()) == {sp.label for sp in crowd.c.spaces}
    chase = max(crowd.c.spaces, key=lambda sp: sp.moves)
    moves = [e for e in events if e["ph"] == "i" and e["cat"] == "window"]
    assert len(moves) == s["window_moves"]["observed"] + s["window_moves"]["announced"]
    assert sum(names[e["pid"]] == chase.label and e["name"] == "window move" for e in moves) == CHASER_MOVES
    marks = [e["name"] for e in events if e["ph"] == "i" and e["cat"] == "mark"]
    assert marks == [p.label for p in crowd.c.phases[1:]]
    loads = [e for e in events if e["ph"] == "C" and e["name"] == "CR3 loads"]
    assert sum(e["args"]["to kernel"] for e in loads) == s["cr3_loads"]["to_kernel"]
    assert sum(e["args"]["to user"] for e in loads) == s["cr3_loads"]["to_user"]
    walks = [e for e in events if e["ph"] == "C" and e["name"] == "page walks"]
    assert sum(e["args"]["walks"] for e in walks) == \
        sum(sp["walks"] for sp in s["page_walks"]["per_space"]) > 0


def test_export_refuses_an_unknown_format(crowd_log, tmp_path):
    done = run_cli("export", "--format", "pprof", crowd_log, str(tmp_path / "x"))
    assert done.returncode == 2 and "--format: invalid choice" in done.stderr


# -- make report-shot ------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium (make report-shot installs it)")
def test_report_shot_takes_the_whole_page(synthetic_report):
    """The screenshot is at least as tall as the figures on the page (old
    code: a fixed 1280x2400, half the figures and every table cut off)."""
    out, out_dir = synthetic_report
    page = out_dir / "report.html"
    done = subprocess.run(["make", "-s", "report-shot", f"REPORT={page}"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    def size(png):
        return struct.unpack(">II", png.read_bytes()[16:24])                 # IHDR
    width, height = size(out_dir / "report.png")
    figures = sum(h * min(1.0, 1200 / w) for w, h in (size(out_dir / f"{name}.png") for name in plots.NAMES))
    assert width == 1280 and figures > 2400 and height > figures
