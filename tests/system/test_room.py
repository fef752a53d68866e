"""Room to experiment, through the real shell (docs/shell.md "Limits",
docs/memory.md): the kernel heap is sized from the machine's RAM and Lua's
default cap is a large share of it, so a table of 200,000 strings and two
8 MiB strings fit at once, and a process still starts and exits 0 while
Lua holds all of that.

One boot of the real ISO (bochsrc's RAM, 512 MiB) serves every test; they
run in order and keep what they built in globals.
"""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import booted_shell  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_room"
TIMEOUT = 300
MiB = 1 << 20


@pytest.fixture(scope="module")
def boot():
    with booted_shell(ISO, OUT / "room.bxlog", TIMEOUT) as sh:
        yield sh, sh.banner.decode(errors="replace")


@pytest.fixture(scope="module")
def shell(boot):
    return boot[0]


def documented_memcap():
    """The figure docs/shell.md gives for k.shell.memcap() at boot."""
    text = (ROOT / "docs" / "shell.md").read_text()
    m = re.search(r"`k\.shell\.memcap\(\)` answers ([\d,]+)", text)
    assert m, "docs/shell.md does not state the default memcap"
    return int(m.group(1).replace(",", ""))


def test_memcap_is_the_documented_share_of_the_heap(boot):
    shell, banner = boot
    m = re.search(r"memory: (\d+) MiB RAM, .* heap 0x[0-9a-f]+ \((\d+) MiB\)", banner)
    assert m, banner
    ram, heap = int(m.group(1)), int(m.group(2))
    assert ram >= 500, f"bochsrc gives {ram} MiB, not 512"
    assert heap == (ram + 3) // 4 * 4 // 2, "the heap is half the RAM (whole 4 MiB pages)"
    cap = int(shell.eval("k.shell.memcap()"))
    assert cap == heap * MiB // 4 * 3
    assert cap == documented_memcap()


def test_200000_short_strings(shell):
    out, err = shell.run("""
        strings = {}
        for i = 1, 200000 do strings[i] = "s" .. i end
        print(#strings, strings[200000])""", timeout=TIMEOUT)
    assert err is None, err
    assert out.split() == ["200000", "s200000"]


def test_two_8_mib_strings_at_once(shell):
    out, err = shell.run("""
        big1 = string.rep("a", 8 << 20)
        big2 = string.rep("b", 8 << 20)
        print(#big1, #big2, big1:sub(-1), big2:sub(1, 1), #strings)""", timeout=TIMEOUT)
    assert err is None, err
    assert out.split() == [str(8 * MiB), str(8 * MiB), "a", "b", "200000"]
    assert int(shell.eval("k.shell.memused()")) > 16 * MiB


def test_a_process_still_starts_and_exits_0(shell):
    out, err = shell.run("""
        local status, text = k.proc.wait(k.proc.spawn("hello"))
        print(status, #big1 + #big2, #strings)
        io.write(text)""", timeout=TIMEOUT)
    assert err is None, err
    # hello's output appears twice: on COM1 as it runs, then from `text`
    rows = [l.split() for l in out.splitlines()]
    assert ["0", str(16 * MiB), "200000"] in rows, out
    assert sum(r[:3] == ["hello", "from", "pid"] for r in rows) == 2, out
