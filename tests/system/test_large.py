"""Large pages for users (docs/memory.md, "Large pages"), in both layouts.

One boot of each layout's ISO: t_large_pages passes and gives back every
page; user/bin/large_fill fills every free 4 MiB region of a process,
first with 4 KiB reservations (a page table each), then with large pages,
and k.mm.pageinfo(pid) shows the translation pages fall from about 1,025
to a handful; k.mm.setmap on one page splits a large page and, set back,
coalesces it; then (bounce layout) the shell chases that process's window
across the space with k.window.move: each move into a large page splits
it, the region the window left coalesces again, and the kernel announces
both (@split / @coalesce) with no isolation FLAG in the run; and in a space
with no free page left, touches of the window park it in large pages.  The teaching
demo scripts/lua/large_pages.lua runs as `make script` runs it.

4 GiB of distinct large pages do not fit in 512 MiB of RAM: large_fill
gives 16 regions large pages of their own and makes the others large
aliases of those (map_frames with MAP_LARGE), each still one directory
entry; its output line says so.  The shared layout reserves the kernel's
range, so its "whole space" is smaller; the test prints both layouts'
figures.
"""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import number, read_events  # noqa: E402
from analysis.check import check, text  # noqa: E402
from analysis.classify import analyze  # noqa: E402
from shell.client import Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402
from tests.system.test_cap import HELPERS, results  # noqa: E402
from tests.system.test_shell import make_script  # noqa: E402

OUT = ROOT / "out" / "test_large"
TIMEOUT = 900
STEP = 97  # the chase visits every 97th region

FILL = """
local function filled(mode)
  local pid = k.proc.spawn('large_fill', mode, '1000000')
  after(20000, function() return alive(pid) == 'sleeping' end)
  return pid
end
local function info(pid)
  local i = k.mm.pageinfo(pid)
  return i.user_translation, i.user_4m, i.user_4k
end
local function gone(pid)
  k.proc.kill(pid)
  local _, out = k.proc.wait(pid)
  return (out:gsub('\\n', ' '))
end
local before = free()
local r = k.test.run('t_large_pages')
R('tap', r.passed, r.failed, r.status, (r.output:gsub('\\n', '|')))
local pid = filled('small')
R('small', info(pid))
R('smallout', gone(pid))
pid = filled('large')
R('large', info(pid))
local at = 0x80123000
R('pcd', k.mm.setmap(at, at, {set = {'PCD'}}, pid), info(pid))
R('nopcd', k.mm.setmap(at, at, {clr = {'PCD'}}, pid), info(pid))
"""

CHASE = """
local home = k.window.where(pid)
for r = 1, 1023, %d do
  local va = r * 0x400000 + 0x5000
  local w = k.mm.walk(va, pid)
  if w and w.large then R('move', va, k.window.move(va, pid), info(pid)) end
end
R('home', k.window.move(home, pid), info(pid))
R('largeout', gone(pid))
pid = filled('full')
R('full', info(pid))
""" % STEP

END = """
R('largeout', gone(pid))
R('free', before, free())
"""


@pytest.fixture(scope="module", params=["bounce", "shared"])
def run(request):
    layout = request.param
    iso = ROOT / "build" / ("bounce.iso" if layout == "bounce" else "bounce-shared.iso")
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"{layout}.bxlog"
    with Bochs(iso, log=log, timeout=1800) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        out, err = sh.run(HELPERS)
        assert err is None, err
        rows = results(sh, FILL + (CHASE if layout == "bounce" else "") + END)
        vm.send(b"k.exit(0)\n")
        vm.wait(120)
    by = {}
    for r in rows:
        by.setdefault(r[0], []).append(r[1:])
    print(layout, {k: v for k, v in by.items() if k != "tap"})
    return {"layout": layout, "rows": by, "log": log}


def test_t_large_pages_passes(run):
    [[passed, failed, status, text]] = run["rows"]["tap"]
    assert failed == "0" and status == "0", text.replace("|", "\n")
    assert int(passed) == 27


def test_translation_pages_fall_to_a_handful(run):
    [[small_t, small_4m, _]] = run["rows"]["small"]
    [[large_t, large_4m, _]] = run["rows"]["large"]
    out = run["rows"]["largeout"][0][0]
    print(f"{run['layout']}: translation pages {small_t} with 4 KiB pages, {large_t} with "
          f"{large_4m} large pages ({out.strip()})")
    assert int(small_4m) == 0
    # the directory, the program's image and stack tables, the window's
    assert int(large_t) <= 4
    if run["layout"] == "bounce":
        assert int(small_t) >= 1020 and int(large_4m) >= 1020
    else:  # the kernel's range is not the user's
        assert int(small_t) >= 500 and int(large_4m) >= 500
    assert int(small_t) - int(large_t) == int(large_4m)


def test_every_page_comes_back(run):
    [[before, after]] = run["rows"]["free"]
    assert before == after, f"{int(before) - int(after)} pages did not come back"


def test_setmap_splits_and_coalesces(run):
    """k.mm.setmap on one page of a large page splits it; setting the page
    back like its neighbours makes the region whole, and setmap coalesces it."""
    [[base_t, base_4m, _]] = run["rows"]["large"]
    [[changed, t, m4, _]] = run["rows"]["pcd"]
    assert changed == "1" and (int(t), int(m4)) == (int(base_t) + 1, int(base_4m) - 1)
    [[changed, t, m4, _]] = run["rows"]["nopcd"]
    assert changed == "1" and (t, m4) == (base_t, base_4m)


def bounce_only(run):
    if run["layout"] != "bounce":
        pytest.skip("the shared layout has no window")


def test_window_chase_splits_and_coalesces(run):
    bounce_only(run)
    [[base_t, base_4m, base_4k]] = run["rows"]["large"]
    moves = run["rows"]["move"]
    assert len(moves) >= 1000 // STEP
    for va, moved, t, m4, k4 in moves:
        assert moved == "true", va
        # one split region (the window's, K = 2 of its pages the window's), the one it left whole again
        assert (int(t), int(m4), int(k4)) == (int(base_t) + 1, int(base_4m) - 1, int(base_4k) + 1022), va
    [[moved, t, m4, k4]] = run["rows"]["home"]
    assert moved == "true" and (t, m4, k4) == (base_t, base_4m, base_4k)


def test_touches_in_a_full_space_park_the_window_in_large_pages(run):
    """large_fill full: no free page left, so each touch of the window moves
    it into the next large page; one region is split at any time."""
    bounce_only(run)
    [[base_t, _, _]] = run["rows"]["large"]
    [[t, m4, k4]] = run["rows"]["full"]
    out = run["rows"]["largeout"][-1][0]
    m = re.search(r"\((\d+) regions refused\); (\d+) of (\d+) touches", out)
    assert m, out
    refused, hops, touches = map(int, m.groups())
    assert refused == 0 and hops == touches, out
    assert int(t) == int(base_t) + 1, (t, base_t)  # the window's old region is small pages now
    assert int(k4) + 1024 * int(m4) == (1 << 20) - 2  # every page but the window's two


def test_splits_and_coalesces_are_announced(run):
    bounce_only(run)
    notes = [e.fields for e in read_events(run["log"]) if e.kind == "NOTE"]
    splits = [number(n["va"]) for n in notes if n["what"] == "split"]
    joins = [number(n["va"]) for n in notes if n["what"] == "coalesce"]
    chased = [int(va) & ~0x3FFFFF for va, *_ in run["rows"]["move"]]
    assert all(v in splits for v in chased) and all(v in joins for v in chased)
    assert len(splits) >= len(chased) and len(joins) >= len(chased)


def test_no_isolation_flag(run):
    report = check(analyze(str(run["log"])))
    assert report["ok"], text(report)


def test_large_pages_script_shows_split_and_coalesce(tmp_path):
    """scripts/lua/large_pages.lua, the teaching demo, run as `make script`
    does: the region is one PS range, then three ranges around the parked
    window in a page table, then one PS range again; the map, the split
    and the coalesce announced in that order."""
    code, out, log = make_script(ROOT / "scripts" / "lua" / "large_pages.lua", tmp_path)
    assert code == 0, out
    pdes = re.findall(r"pde 0x[0-9a-f]+ \((a 4 MiB page|a page table)\)", out)
    assert pdes == ["a 4 MiB page", "a page table", "a 4 MiB page"], out
    assert re.search(r"^0x80123000-0x80123fff -> 0x[0-9a-f]+ P W$", out, re.M), out
    notes = [e.fields for e in read_events(log) if e.kind == "NOTE"]
    assert [n["what"] for n in notes if number(n.get("va", "0")) == 0x80000000] == ["map", "split", "coalesce"]


def test_large_loop_halves_the_page_table_reads():
    """make bench's 64 MiB loop (analysis/tlb.py, user/bin/largeloop): with
    large pages a walk reads one directory entry instead of two entries;
    Bochs's 4 KiB-granular TLB misses as often (docs/performance.md)."""
    from analysis import tlb
    r = tlb.large_loop(str(ROOT / "build" / "bounce.iso"), str(ROOT / "build" / "bochs" / "bochs"))
    small, large = r["small"], r["large"]
    assert small["pt_reads"] > 1.9 * small["walks"] > 1.9 * 16000, r
    assert large["pt_reads"] < 1.1 * large["walks"], r
