"""k.emu: the instrumented Bochs's counters read live from the shell
(kernel/emu.c, shell/lk_emu.c, instrument/counters.cc), the MMU counters
in the event log, and k.emu's answer where nothing counts (QEMU).

Expected values come from elsewhere: CR3 loads per null system call from
the layout's design (two per entry bouncing, none shared) and from the
kernel's own count (k.stats), instructions from the event log.
"""
import pathlib
import shutil
import socket
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import MMU_KEYS, read_events  # noqa: E402
from mk.qemu import qemu_command, wait_listening  # noqa: E402
from shell.client import Attached, Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
SHARED_ISO = ROOT / "build" / "bounce-shared.iso"
OUT = ROOT / "out" / "test_emu"
TIMEOUT = 300
N = 1000
NOT_HERE = "not running in the instrumented Bochs"

# Counter deltas of nullcalls N less those of nullcalls 0, with the kernel's
# own counts (k.stats) over the same runs: printed as one line of numbers.
DELTAS = """
local function run(n)
  local s0, e0 = k.stats(), k.emu.counters()
  assert(k.proc.wait(k.proc.spawn("nullcalls", tostring(n))) == 0)
  local s1, e1 = k.stats(), k.emu.counters()
  return e1.cr3_loads - e0.cr3_loads, e1.page_walks - e0.page_walks,
         e1.tlb_flushes - e0.tlb_flushes, e1.instructions - e0.instructions,
         s1.cr3_loads - s0.cr3_loads, s1.ticks - s0.ticks, s1.syscalls - s0.syscalls
end
local a = table.pack(run(0))
local b = table.pack(run(%d))
local out = {}
for i = 1, a.n do out[#out + 1] = b[i] - a[i] end
for i = 1, a.n do out[#out + 1] = b[i] end
print("=>", table.concat(out, " "))
"""
FIELDS = ("cr3", "walks", "flushes", "instructions", "k_cr3", "ticks", "syscalls")


def deltas(sh, n=N):
    out, err = sh.run(DELTAS % n, timeout=TIMEOUT)
    assert err is None, f"{err}\n{out}"
    [line] = [l for l in out.splitlines() if l.startswith("=>")]
    nums = [int(x) for x in line.split()[1:]]
    return dict(zip(FIELDS, nums[:len(FIELDS)])), dict(zip(FIELDS, nums[len(FIELDS):]))


def boot(iso, name):
    if not iso.exists():
        pytest.fail(f"{iso.relative_to(ROOT)} is missing: run `make isos`")
    OUT.mkdir(parents=True, exist_ok=True)
    return Bochs(iso, log=OUT / f"{name}.log", timeout=1800)


@pytest.fixture(scope="module")
def bounce():
    with boot(ISO, "bounce") as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        yield sh


def test_counters_have_their_keys_and_icount_only_grows(bounce):
    out, err = bounce.run("local c = k.emu.counters() "
                          "local keys = {} for k in pairs(c) do keys[#keys + 1] = k end "
                          "table.sort(keys) print('=>', table.concat(keys, ' ')) "
                          "local a = k.emu.icount() local b = k.emu.icount() "
                          "print('=>', a, b, c.instructions <= a, math.type(a))")
    assert err is None, out
    rows = [l.split("\t")[1:] for l in out.splitlines() if l.startswith("=>")]
    assert rows[0] == ["cr3_loads instructions page_walks pt_reads tlb_flushes"]
    a, b, ordered, kind = rows[1]
    assert 0 < int(a) < int(b) and ordered == "true" and kind == "integer"


def test_null_calls_bouncing_load_cr3_twice_each(bounce):
    d, whole = deltas(bounce)
    # N more getpid calls are N more entries: two CR3 loads each.  A timer
    # tick that lands in the longer run adds its own two; one that lands in
    # the shorter run, which is subtracted, takes two away.
    short_ticks = whole["ticks"] - d["ticks"]
    assert d["syscalls"] == N
    assert 2 * N - 2 * (short_ticks + 1) <= d["cr3"] <= 2 * N + 2 * (d["ticks"] + 1), (d, whole)
    # The emulator's count is the kernel's own (every CR3 load the bounce
    # makes is one the emulator sees, and no other happens in between).
    assert d["cr3"] == d["k_cr3"], d
    # Every CR3 load without PCID flushes the TLB: the user's code and stack
    # are walked again after each return, the kernel's after each entry.
    assert d["flushes"] >= d["cr3"]
    assert d["walks"] >= 2 * N, d


def test_null_calls_shared_load_no_cr3():
    with boot(SHARED_ISO, "shared") as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        d, whole = deltas(sh)
    assert d["syscalls"] == N
    assert d["cr3"] == 0 and whole["cr3"] > 0, (d, whole)   # only the process switches
    assert d["walks"] < N // 10, d                     # the TLB survives the calls


def test_the_log_carries_cumulative_mmu_counters():
    with boot(ISO, "log") as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        out, err = sh.run("local c = k.emu.counters() print('=>', c.page_walks, c.tlb_flushes) "
                          "k.proc.wait(k.proc.spawn('nullcalls', '10'))")
        assert err is None, out
        vm.send(b"k.exit(0)\n")
        vm.wait(TIMEOUT)
    walks_then, flushes_then = map(int, [l for l in out.splitlines() if l.startswith("=>")][0].split()[1:])
    text = (OUT / "log.log").read_text()
    assert text.startswith("# bounce-trace 3\n")
    seen = {k: [] for k in MMU_KEYS}
    for e in read_events(str(OUT / "log.log")):
        if e.kind in ("CR3", "INT"):
            for k in MMU_KEYS:
                seen[k].append(int(e.fields[k]))
    for k in MMU_KEYS:
        assert seen[k] and seen[k] == sorted(seen[k]), k
    end = dict(w.split("=") for w in text.rstrip().splitlines()[-1].split()[2:])
    assert int(end["walks"]) >= seen["walks"][-1] > walks_then
    assert int(end["flushes"]) >= seen["flushes"][-1] > flushes_then
    assert int(end["ptes"]) >= int(end["walks"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_under_qemu_k_emu_says_why():
    if shutil.which("qemu-system-i386") is None:
        pytest.fail("qemu-system-i386 is missing: `make deps` installs it")
    port = free_port()
    qemu = subprocess.Popen(qemu_command(str(ISO), f"tcp:127.0.0.1:{port},server=on,wait=off"),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert wait_listening(port, qemu), "QEMU opened no COM1 socket"
        with Attached(port) as vm:
            sh = Shell(vm, timeout=120)
            sh.wait_prompt()
            assert sh.eval("select('#', k.emu.counters())") == "2"
            assert sh.eval("select(2, k.emu.counters())") == NOT_HERE
            assert sh.eval("select(2, k.emu.icount())") == NOT_HERE
            assert sh.eval("k.emu.icount() == nil") == "true"
            sh.run("dofile('measure.lua')")
            assert sh.eval("select(2, measure(print))") == NOT_HERE
    finally:
        qemu.kill()
        qemu.wait()
