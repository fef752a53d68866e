"""The window on the kernel's most delicate addresses, driven from the shell.

Only the kernel knows where its own page directory and copy slot are (it
prints both at boot); a user program cannot. The shell passes them to
user/bin/t_window_spots, which moves its window there (plus page 0, the
kernel image's address, 4 MiB edges and the ends of the space) and checks
system calls, timer interrupts in user mode and its own data after each
move. The instrumentation log of the run must hold no isolation FLAG, and
an LTR of a TSS inside the window at each of those addresses.
"""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import number, read_events  # noqa: E402
from shell.client import Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_window_spots"
TSS_OFFSET = 0x450  # kernel/window_layout.h: WIN_TSS
BOOT_LINE = re.compile(rb"kernel page directory (0x[0-9a-f]+), copy slot (0x[0-9a-f]+)")
TEST_LINE = re.compile(r"^(not )?ok (\d+) - (.*)$", re.M)


@pytest.fixture(scope="module")
def run():
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "spots.bxlog"
    with Bochs(ISO, log=log, timeout=900) as vm:
        sh = Shell(vm, timeout=600)
        sh.wait_prompt()
        m = BOOT_LINE.search(vm.output)
        assert m, "the kernel did not print where its page directory and copy slot are"
        pgdir, slot = (int(x, 16) for x in m.groups())
        out, err = sh.run(
            f'local pid = k.proc.spawn("t_window_spots", "{pgdir:#x}", "{slot:#x}", "{slot + 0x3FF000:#x}")\n'
            "local status, text = k.proc.wait(pid)\n"
            'print("STATUS", status)\n')
        vm.send(b"k.exit(0)\n")
        status = vm.wait(120)
    return {"pgdir": pgdir, "slot": slot, "out": out, "err": err, "status": status, "log": log}


def test_the_kernel_reports_its_pgdir_and_slot(run):
    assert run["pgdir"] and run["pgdir"] % 4096 == 0
    assert run["slot"] % (4 << 20) == 0


def test_every_spot_passes(run):
    assert run["status"] == 0
    results = TEST_LINE.findall(run["out"])
    plan = re.search(r"^1\.\.(\d+)$", run["out"], re.M)
    assert plan and len(results) == int(plan.group(1)), run["out"]
    failed = [r for r in results if r[0]]
    assert not failed, failed
    assert "STATUS\t0" in run["out"]


def c_hex(va):
    """printf's %#x: no 0x prefix for zero."""
    return f"{va:#x}" if va else "0"


def test_the_delicate_spots_were_visited(run):
    out = run["out"]
    for va in (0, 0x00100000, run["pgdir"], run["slot"], run["slot"] + 0x3FF000):
        assert re.search(rf"ok \d+ - window moved to {c_hex(va)} \(reports {c_hex(va)}\)", out), hex(va)


def test_emulator_saw_the_tss_at_each_spot_and_no_flag(run):
    ltr_bases = set()
    flags = []
    for ev in read_events(run["log"]):
        if ev.kind == "LTR":
            ltr_bases.add(number(ev.fields["base"]))
        elif ev.kind == "FLAG":
            flags.append(ev)
    assert not flags
    for va in (0, 0x00100000, run["pgdir"], run["slot"]):
        assert va + TSS_OFFSET in ltr_bases, hex(va)
