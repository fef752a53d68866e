"""The crossing between user and kernel mode, attacked (docs/window.md).

- a call gate in an LDT the user wrote at page 0 must not lead to CPL 0:
  LDTR is null in both layouts (user/bin/ldt_gate);
- with the window on the kernel's page directory, the alias the transit
  table makes for the directory must not outlive the crossing;
- a double fault in a window (its system-call and #GP gates cleared from
  the shell) kills the process with one report line, and the kernel runs
  on, wherever the window sits;
- in kernel mode TR names the kernel's own TSS: a task switch from kernel
  mode never saves into memory the user chose (read from the event log).

Each scenario boots its own machine: on broken code one of them may take
the machine down, and must not take the others with it.
"""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import number, read_events  # noqa: E402
from shell.client import booted_shell, printed  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
SHARED_ISO = ROOT / "build" / "bounce-shared.iso"
OUT = ROOT / "out" / "test_crossing"
TIMEOUT = 240
WAIT_KILLED = 0x100  # kernel/abi.h
VEC_DF, VEC_NP, VEC_GP = 8, 11, 13
BOOT_LINE = re.compile(rb"kernel page directory (0x[0-9a-f]+)")


CANARY = 'local _, out = k.proc.wait(k.proc.spawn("nap", "0")) print("CANARY", out)\n'


# -- 1: the LDT -------------------------------------------------------------------

def null_ldtr_loaded(log):
    """Whether the kernel loaded a null LDTR before any user code ran."""
    for ev in read_events(log):
        if ev.kind == "LLDT" and number(ev.fields["new"]) & ~3 == 0:
            return True
        if ev.kind == "INT" and ev.fields["cpl"] == "3":
            return False
    return False


def test_ldt_call_gate_kills_the_caller():
    with booted_shell(ISO, OUT / "ldt.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        out = sh.run_ok('local st, out = k.proc.wait(k.proc.spawn("ldt_gate"))\n'
                        'print("STATUS", st) print("OUT", out)\n' + CANARY)
        vm.send(b"k.exit(0)\n")
        assert vm.wait(120) == 0
    status = int(printed(out, "STATUS"))
    assert "the call gate returned" not in out, "user code ran at CPL 0 through an LDT call gate"
    assert status in (WAIT_KILLED | VEC_GP, WAIT_KILLED | VEC_NP), out
    assert re.search(rb"killed pid=\d+ name=ldt_gate vec=(13|11) ", vm.output), vm.output[-600:]
    assert printed(out, "CANARY").startswith("canary 0x")
    assert null_ldtr_loaded(OUT / "ldt.bxlog")


def test_shared_layout_loads_a_null_ldtr_too():
    """There the kernel owns page 0, so a user cannot write the gate; the
    LDTR the CPU would read it through must still be null."""
    with booted_shell(SHARED_ISO, OUT / "ldt-shared.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        vm.send(b"k.exit(0)\n")
        assert vm.wait(120) == 0
    assert null_ldtr_loaded(OUT / "ldt-shared.bxlog")


# -- 4: the transit table's alias of the kernel directory -----------------------------

def test_window_on_the_kernel_directory_leaves_no_stale_alias():
    with booted_shell(ISO, OUT / "pgdir-alias.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        pgdir = int(BOOT_LINE.search(vm.output).group(1), 16)
        before = sh.run_ok("print('WORD', k.mm.physread32(0x200000))\n")
        out = sh.run_ok('local pid = k.proc.spawn("hello")\n'
                        f"print('MOVED', k.window.move({pgdir:#x}, pid))\n"
                        "print('STATUS', (k.proc.wait(pid)))\n"
                        "print('WORD', k.mm.physread32(0x200000))\n")
        assert printed(out, "MOVED") == "true"
        assert printed(out, "STATUS") == "0"
        assert printed(out, "WORD") == printed(before, "WORD"), out


# -- 5: a double fault in the window --------------------------------------------------

DOUBLE_FAULT = """
local pid = k.proc.spawn("nap", "30")
print("MOVED", k.window.move({w:#x}, pid))
local pa = k.window.info(pid).pa
for _, vec in ipairs({{0x80, 13}}) do
  k.mm.physwrite32(pa + vec * 8, 0) k.mm.physwrite32(pa + vec * 8 + 4, 0)
end
print("PID", pid)
print("STATUS", (k.proc.wait(pid)))
"""


@pytest.mark.parametrize("w", [0x1000, 0x3FF000, 0xF0000000], ids=hex)
def test_window_double_fault_kills_the_process_and_the_kernel_runs_on(w):
    with booted_shell(ISO, OUT / f"df-{w:#x}.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        canary = printed(sh.run_ok(CANARY), "CANARY")
        for _ in range(2):  # the second finds the kernel as the first left it
            out = sh.run_ok(DOUBLE_FAULT.format(w=w))
            assert printed(out, "MOVED") == "true"
            pid = int(printed(out, "PID"))
            assert int(printed(out, "STATUS")) == WAIT_KILLED | VEC_DF, out
            reports = re.findall(rb"^killed pid=%d .*$" % pid, vm.output, re.M)
            assert len(reports) == 1 and b" vec=8 " in reports[0], vm.output[-800:]
            assert re.search(rb"double fault in the window of pid %d at W=%#010x\n" % (pid, w),
                             vm.output), vm.output[-800:]
        assert b"panic" not in vm.output
        after = sh.run_ok(CANARY + 'print("HELLO", (k.proc.wait(k.proc.spawn("hello"))))\n')
        assert printed(after, "CANARY") == canary
        assert printed(after, "HELLO") == "0"
        kcr3 = int(BOOT_LINE.search(vm.output).group(1), 16)
        vm.send(b"k.exit(0)\n")
        assert vm.wait(120) == 0
    # The double fault's own crossing (a task switch to the kernel CR3) too.
    assert tr_crossings(OUT / f"df-{w:#x}.bxlog", kcr3) >= 4


# -- 6: TR in kernel mode ---------------------------------------------------------------

def boot_tss(log):
    """The kernel's TSS base: desc_init's LTR is the first."""
    return number(next(ev for ev in read_events(log) if ev.kind == "LTR").fields["base"])


def tr_crossings(log, kcr3):
    """Walk the crossings in the log: a load of the kernel CR3 from a user
    one is followed (past the kernel's GDT and IDT, and a reload of the same
    CR3) by an LTR of the kernel's TSS; any other LTR happens under the
    kernel CR3 and is followed at once by the load of a user CR3.  Returns
    the number of entries seen."""
    ktss = boot_tss(log)
    cr3 = kcr3
    expect = None  # "ktss" after a load of the kernel CR3, "ucr3" after an LTR of a window TSS
    crossings = 0
    for ev in read_events(log):
        if ev.kind in ("LGDT", "LIDT") or (ev.kind == "CR3" and number(ev.fields["new"]) == cr3):
            continue
        if expect == "ktss":
            assert ev.kind == "LTR" and number(ev.fields["base"]) == ktss, \
                f"line {ev.line}: {ev.kind} {ev.fields} in kernel mode before TR names the kernel's TSS"
            crossings += 1
        elif expect == "ucr3":
            assert ev.kind == "CR3" and number(ev.fields["new"]) != kcr3, \
                f"line {ev.line}: {ev.kind} {ev.fields} in kernel mode with TR on a window's TSS"
        expect = None
        if ev.kind == "CR3":
            new = number(ev.fields["new"])
            if new == kcr3:
                expect = "ktss"
            cr3 = new
        elif ev.kind == "LTR" and number(ev.fields["base"]) != ktss:
            assert cr3 == kcr3, f"line {ev.line}: LTR under a user CR3"
            expect = "ucr3"
    return crossings


def test_tr_names_the_kernels_tss_whenever_the_kernel_runs():
    log = OUT / "tr.bxlog"
    with booted_shell(ISO, OUT / "tr.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        out = sh.run_ok('print("CR3", k.cpu.cr3())\n'
                        'for i = 1, 2 do k.proc.wait(k.proc.spawn("nap", "3")) end\n'
                        'print("TR", select(2, k.cpu.tr()))\n')
        vm.send(b"k.exit(0)\n")
        assert vm.wait(120) == 0
    assert int(printed(out, "TR")) == boot_tss(log), "the shell runs with TR on a window's TSS"
    assert tr_crossings(log, int(printed(out, "CR3"))) >= 4
