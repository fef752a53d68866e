"""The window's code page (K = 2, docs/window.md): the trampoline on a page of
its own, beside the data page W, one read-only supervisor frame shared by
every window, which no crossing writes.

Checked from the shell on two live processes: their page tables (k.mm.walk),
the frames k.window.info reports, the code page's side of W at a region's
first and last page, and the code frame's bytes before and after a few
thousand crossings.  With code and data on one page (K = 1) every one of
these fails: there is one frame per window, written by every entry.
"""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import booted_shell  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
LOG = ROOT / "out" / "test_window_code" / "code.bxlog"

PROBE = r"""
local a, b = k.proc.spawn("nap", "400"), k.proc.spawn("nap", "400")
local function hex(x) return x and string.format("%#x", x) or "nil" end
local function show(tag, pid)
  local w = k.window.info(pid)
  local code = w.code or w.va  -- one page holds the code (K = 1)
  local d, c = k.mm.walk(w.va, pid), k.mm.walk(code, pid)
  print(tag, string.format("va=%s code=%s pa=%s code_pa=%s dpa=%s cpa=%s dw=%s dU=%s cw=%s cU=%s",
    hex(w.va), hex(w.code), hex(w.pa), hex(w.code_pa), hex(d.pa), hex(c.pa), tostring(d.writable),
    tostring(d.user), tostring(c.writable), tostring(c.user)))
end
show("A", a) show("B", b)
print("PAGES", k.window.pages())
local info = k.window.info(a)
local frame = info.code_pa or info.pa
local before = k.mm.dumpmem(frame, 4096, {phys=true})
k.proc.wait(k.proc.spawn("nullcalls", "2000"))
local after = k.mm.dumpmem(frame, 4096, {phys=true})
print("SAME", before == after, #before)
print("LAST", k.window.move(0x7FFFF000, a)) show("L", a)
print("FIRST", k.window.move(0x400000, a)) show("F", a)
print("BACK", k.window.move(0xF0000000, a)) show("H", a)
k.proc.kill(a) k.proc.kill(b) k.proc.wait(a) k.proc.wait(b)
"""


def fields(line):
    tag, _, rest = line.partition("\t")
    out = {}
    for kv in rest.split():
        k, v = kv.split("=")
        out[k] = int(v, 16) if v.startswith("0x") else v
    return tag, out


@pytest.fixture(scope="module")
def probe():
    with booted_shell(ISO, LOG) as sh:
        out = sh.run_ok(PROBE, timeout=600)
    rows = {}
    for line in out.splitlines():
        if "\t" in line:
            tag, rest = line.split("\t", 1)
            if "=" in rest:
                rows[tag] = fields(line)[1]
            else:
                rows[tag] = rest.split("\t")
    return rows, out


def test_two_pages(probe):
    rows, out = probe
    assert rows["PAGES"] == ["2"], out


def test_code_page_is_its_own_frame_and_shared(probe):
    rows, out = probe
    a, b = rows["A"], rows["B"]
    assert a["code"] == a["va"] + 0x1000, out
    assert a["dpa"] == a["pa"] and a["cpa"] == a["code_pa"], out
    assert a["code_pa"] != a["pa"], out
    assert b["code_pa"] == a["code_pa"] and b["pa"] != a["pa"], out


def test_code_page_is_read_only_supervisor(probe):
    rows, out = probe
    for tag in "AB":
        r = rows[tag]
        assert (r["dw"], r["dU"]) == ("true", "false"), out
        assert (r["cw"], r["cU"]) == ("false", "false"), out


def test_crossings_do_not_write_the_code_frame(probe):
    rows, out = probe
    assert rows["SAME"] == ["true", "4096"], out


def test_code_page_side_at_region_edges(probe):
    rows, out = probe
    assert rows["LAST"] == ["true"] and rows["FIRST"] == ["true"] and rows["BACK"] == ["true"], out
    assert (rows["L"]["va"], rows["L"]["code"]) == (0x7FFFF000, 0x7FFFE000), out
    assert (rows["F"]["va"], rows["F"]["code"]) == (0x400000, 0x401000), out
    assert (rows["H"]["va"], rows["H"]["code"]) == (0xF0000000, 0xF0001000), out
    for tag in "LFH":
        assert rows[tag]["cpa"] == rows["A"]["code_pa"] and rows[tag]["cw"] == "false", out
