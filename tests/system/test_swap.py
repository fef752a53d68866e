"""The pager's limits (docs/memory.md, "Swap"): out of memory and swap.

The shell boots with a swap disk of a few MiB, so memory and swap run out
long before swap_hog's 1 GiB: the kernel kills it at the page it cannot
serve, with a one-line reason and the exit status WAIT_KILLED | KILL_NOMEM
(kernel/abi.h); the shell runs on, and every frame and every swap slot
is free again.
"""
import os
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import Shell, printed  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_swap"
TIMEOUT = 900
SWAP_MIB = 4                   # the small disk: 1,024 slots
WAIT_KILLED = 0x100            # kernel/abi.h
KILL_NOMEM = 0xFE
KILL_LINE = re.compile(r"killed pid=(\d+) name=swap_hog: out of memory at va=0x[0-9a-f]{8} "
                       r"\(err=-\d+, \d+ frames free, 0 of (\d+) swap slots free\)")


@pytest.fixture(scope="module")
def small_swap(tmp_path_factory):
    disk = tmp_path_factory.mktemp("swap") / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(SWAP_MIB * 1024 * 1024 + 8 * 512)   # + the scratch sectors
    OUT.mkdir(parents=True, exist_ok=True)
    with Bochs(ISO, log=OUT / "small_swap.bxlog", timeout=TIMEOUT, disk=str(disk)) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.banner = sh.wait_prompt().decode(errors="replace")
        yield sh


def counts(sh):
    out = sh.run_ok("print('frames', k.buddy.info().free_pages) print('slots', k.disk.info().slots_free)")
    return int(printed(out, "frames")), int(printed(out, "slots"))


def test_out_of_memory_and_swap_kills_the_process_only(small_swap):
    sh = small_swap
    before = counts(sh)
    out = sh.run_ok("local pid = k.proc.spawn('swap_hog') local st, text = k.proc.wait(pid) "
                    "print('status', st) print('pageouts', k.stats().pageouts) print(text)",
                    timeout=TIMEOUT)
    assert int(printed(out, "status")) == WAIT_KILLED | KILL_NOMEM, out
    assert "all 262144 pages written" not in out
    m = KILL_LINE.search(out)
    assert m, out
    assert int(m.group(2)) == SWAP_MIB * 256
    assert int(printed(out, "pageouts")) >= SWAP_MIB * 256
    assert sh.eval("1 + 1") == "2"             # the shell lives on
    assert counts(sh) == before                # nothing leaked: frames and slots


SHARED = 1024                  # user/bin/swap_share.c
SWAP_BASE = 0x80000000         # user/lib/user.h


def test_swapped_page_shared_by_fork_comes_back_shared():
    """Fork shares a swapped page's slot; when parent and child both read it
    back, they map one frame (the swap cache), not a private copy each; and
    when both are gone, every frame and slot is free again."""
    OUT.mkdir(parents=True, exist_ok=True)
    with Bochs(ISO, log=OUT / "swap_share.bxlog", timeout=TIMEOUT) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        before = counts(sh)
        out = sh.run_ok(
            "local before = k.stats().pageins "
            "local pid = k.proc.spawn('swap_share') "
            "local function n(s) return select(2, k.dmesg():gsub('swap_share: ' .. s, '')) end "
            "while n('read') + n('bad tags') < 2 do k.proc.wait(k.proc.spawn('nap', '10')) end "
            "local pids = {} "
            "for _, p in ipairs(k.proc.list()) do "
            "  if p.name == 'swap_share' then pids[#pids + 1] = p.pid end end "
            f"local same, differ = 0, 0 "
            f"for i = 0, {SHARED} - 1 do "
            f"  local va = {SWAP_BASE} + i * 4096 "
            "  local a, b = k.mm.walk(va, pids[1]), k.mm.walk(va, pids[2]) "
            "  if a and b and a.pa == b.pa then same = same + 1 else differ = differ + 1 end "
            "end "
            "print('bad', n('bad tags')) print('procs', #pids) "
            "print('same', same) print('differ', differ) "
            "print('pageins', k.stats().pageins - before) "
            "for _, p in ipairs(pids) do k.proc.kill(p) end k.proc.wait(pid)",
            timeout=TIMEOUT)
        assert int(printed(out, "bad")) == 0, out
        assert int(printed(out, "procs")) == 2, out
        assert int(printed(out, "pageins")) >= SHARED, out   # they did come from swap
        assert int(printed(out, "same")) == SHARED, out
        assert counts(sh) == before            # the cache let go with the slots


FULL_SAMPLE = 96 * 1024        # pages: more than memory, a tenth of the space


def tesswap_full_at_a_reduced_size():
    """swap_full (make swap-full) at FULL_SAMPLE pages: distinct pages
    beyond physical memory, tagged and read back, with its progress lines."""
    OUT.mkdir(parents=True, exist_ok=True)
    with Bochs(ISO, log=OUT / "swap_full.bxlog", timeout=TIMEOUT) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        out = sh.run_ok(f"local st, text = k.proc.wait(k.proc.spawn('swap_full', '{FULL_SAMPLE}')) "
                        "print('status', st) print('pageouts', k.stats().pageouts) print(text)",
                        timeout=TIMEOUT)
        assert int(printed(out, "status")) == 0, out
        assert "swap_full: 65536 pages tagged" in out
        assert f"ok 2 - all {FULL_SAMPLE} pages read back" in out
        assert int(printed(out, "pageouts")) > 0
