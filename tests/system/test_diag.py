"""Diagnostics (docs/diagnostics.md): SYS_log, KASSERT, decoded fault reports.

- a process's SYS_log lines land in the kernel's message ring, tagged with
  its pid, control bytes escaped, a long line cut at LOG_MAX, and never on
  the console; bad pointers are -EFAULT (user/bin/klog_lines);
- the DEBUG=1 kernel (build/debug/) panics with file, line and expression
  when a window invariant is broken from the shell;
- a far call through a bad selector kills the caller, and the report
  decodes the selector, the frame's CS and SS (user/bin/far_call).

Expected text comes from the SDM's formats and from the programs' source,
not from the kernel.  Each scenario boots its own machine.
"""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import booted_shell, printed  # noqa: E402

ISOS = {"bounce": ROOT / "build" / "bounce.iso", "shared": ROOT / "build" / "bounce-shared.iso"}
DEBUG_ISO = ROOT / "build" / "debug" / "bounce.iso"
OUT = ROOT / "out" / "test_diag"
TIMEOUT = 240
LOG_MAX = 160          # kernel/abi.h
EFAULT = 14
WAIT_KILLED = 0x100
VEC_NP, VEC_GP = 11, 13
PANIC_EXIT_STATUS = 112  # kernel/log.h


# -- SYS_log ----------------------------------------------------------------------

CONTROL = b"klog ctl:\x01\x1b[31m\ttab\\back\x7f\xff\r\nfake [pid 1] end"  # user/bin/klog_lines.c


def escaped(raw):
    """What docs/diagnostics.md promises: printable ASCII as is, every
    other byte and the backslash as \\xNN."""
    return "".join(chr(c) if 0x20 <= c < 0x7F and c != 0x5C else f"\\x{c:02x}" for c in raw)


@pytest.mark.parametrize("layout", ISOS)
def test_log_lines_reach_dmesg_tagged_and_escaped_not_the_console(layout):
    with booted_shell(ISOS[layout], OUT / f"klog-{layout}.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        out = sh.run_ok('local pid = k.proc.spawn("klog_lines")\n'
                        'local st, o = k.proc.wait(pid)\n'
                        'print("PID", pid) print("STATUS", st) io.write(o)\n')
        console = vm.output
        dmesg = sh.run_ok(f"for l in k.dmesg():gmatch('[^\\n]+') do print('D', l) end\n")
        vm.send(b"k.exit(0)\n")
        assert vm.wait(120) == 0
    pid = int(printed(out, "PID"))
    assert printed(out, "STATUS") == "0", out
    results = dict(re.findall(r"^(plain|control|long|null|window) (-?\d+)$", out, re.M))
    assert results == {"plain": "15", "control": str(len(CONTROL)), "long": str(LOG_MAX),
                       "null": str(-EFAULT), "window": str(-EFAULT)}, out
    mine = [l.split("\t", 1)[1] for l in dmesg.splitlines()
            if l.startswith(f"D\t[pid {pid}] ")]
    tag = f"[pid {pid}] "
    assert mine == [tag + "klog plain line",
                    tag + escaped(CONTROL),
                    tag + "L" * (LOG_MAX - 1) + "E [cut]"], dmesg
    for text in (b"klog plain line", b"klog ctl:", b"LLLLLLLLLLLLLLLL"):
        assert text not in console, f"{text!r} went to the console"


# -- KASSERT ----------------------------------------------------------------------

BREAK_GATE = """do
local pid = k.proc.spawn("nap", "20")
local at = k.window.info(pid).pa + 0x80 * 8 + 4
k.mm.physwrite32(at, (k.mm.physread32(at) & 0xFFFF) | 0x12340000)
print("BROKEN", pid)
k.proc.wait(pid)
end
"""


def test_debug_kernel_asserts_the_window_gates():
    """The system-call gate's offset pointed outside the window: the debug
    kernel stops before the process runs on that window."""
    if not DEBUG_ISO.exists():
        pytest.fail(f"{DEBUG_ISO.relative_to(ROOT)} is missing: run `make debug-isos`")
    with booted_shell(DEBUG_ISO, OUT / "kassert.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        vm.send(BREAK_GATE.encode())
        assert vm.wait(300) == PANIC_EXIT_STATUS, vm.output[-800:]
    assert re.search(rb"panic: KASSERT failed at kernel/window_check\.c:\d+: "
                     rb"gate_offset\(g\) - w->cva < PGSIZE",
                     vm.output), vm.output[-800:]


# -- decoded selectors ------------------------------------------------------------

FLAT = r"base 0x00000000 limit 0xffffffff"
# selector -> what the report must say about the error code's selector
FAR_CALLS = {
    0x3B: r"err 0x38: GDT\[7\]: past the GDT's limit \(7 entries\)",
    0x2B: r"err 0x28: GDT\[5\]: base 0x[0-9a-f]{8} limit 0x00000067 type tss32(-busy)? DPL 0 present",
    0x13: rf"err 0x10: GDT\[2\]: {FLAT} type data rwa? DPL 0 present",
    0x07: r"err 0x4: LDT\[0\]: no LDT \(LDTR is null\)",
}


@pytest.mark.parametrize("layout", ISOS)
def test_far_call_report_decodes_the_selectors(layout):
    src = "".join(f'print("S{sel:x}", (k.proc.wait(k.proc.spawn("far_call", "{sel:#x}"))))\n'
                  for sel in FAR_CALLS)
    with booted_shell(ISOS[layout], OUT / f"farcall-{layout}.bxlog", TIMEOUT, 900) as sh:
        vm = sh.vm
        out = sh.run_ok(src)
        vm.send(b"k.exit(0)\n")
        assert vm.wait(120) == 0
    console = vm.output.decode(errors="replace")
    assert "the call returned" not in console
    reports = re.split(r"^killed ", console, flags=re.M)[1:]
    assert len(reports) == len(FAR_CALLS), console[-2000:]
    for (sel, want), report in zip(FAR_CALLS.items(), reports):
        status = int(printed(out, f"S{sel:x}"))
        assert status in (WAIT_KILLED | VEC_GP, WAIT_KILLED | VEC_NP), out
        assert re.search(rf"^  cs 0x1b: GDT\[3\] RPL 3: {FLAT} type code xra? DPL 3 present$", report, re.M), report
        assert re.search(rf"^  ss 0x23: GDT\[4\] RPL 3: {FLAT} type data rwa? DPL 3 present$", report, re.M), report
        assert re.search(rf"^  {want}$", report, re.M), (hex(sel), report)
