"""The unrestricted-4GB user suite in the instrumented Bochs.

Boots build/bounce-tests.iso (kernel command line `run=t_4gb_map,... exit`,
see mk/user.mk) once with BOUNCE_TRACE set, then judges

  * the TAP stream of every user/bin/t_*.c program on COM1: a plan, every
    test of the plan run, in order, each `ok`;
  * Bochs's exit status (0 iff every program exited 0);
  * the event log (docs/instrumentation.md): no FLAG event at all, and
    while t_window_chase runs, at least 1000 window moves, each seen by
    the emulator as an LTR of a TSS inside an announced window and an
    LIDT loading an IDT inside it.
"""
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import number, read_events  # noqa: E402
from shell.runner import Bochs, BochsError  # noqa: E402

ISO = ROOT / "build" / "bounce-tests.iso"
OUT = ROOT / "out" / "test_4gb"
PROGRAMS = sorted(p.stem for p in (ROOT / "user" / "bin").glob("t_*.c"))
BOOT_TIMEOUT = 900          # seconds of host time for the whole suite (≈ 3 min)
CHASE_ROUNDS = 1000         # t_window_chase's ROUNDS
PAIR_ROUNDS = 200           # t_window_pair's ROUNDS
PAGE = 4096

PROGRAM_LINE = re.compile(r"^# program (\S+) pid (\d+)$")
PLAN_LINE = re.compile(r"^1\.\.(\d+)$")
TEST_LINE = re.compile(r"^(not )?ok (\d+)\b(.*)$")


class Suite:
    """One boot of the suite: console text, exit status, event log."""

    def __init__(self, console, status, trace):
        self.console = console
        self.status = status
        self.trace = trace
        self.tap = parse_tap(console)
        self.log = read_log(trace)


def read_log(trace):
    """The events these tests judge, from one pass over the log: FLAGs,
    @kernel, @proc and @window announcements, LTRs and LIDTs."""
    log = {"FLAG": [], "kernel": [], "proc": [], "window": [], "LTR": [], "LIDT": []}
    for e in read_events(trace):
        if e.kind == "NOTE" and e.fields["what"] in ("kernel", "proc", "window"):
            log[e.fields["what"]].append(e)
        elif e.kind in log:
            log[e.kind].append(e)
    return log


def parse_tap(console):
    """{program: {"plan": n, "tests": [(passed, number, text)]}} from the
    console; lines that are not TAP (kernel messages) are ignored."""
    streams, current = {}, None
    for line in console.splitlines():
        line = line.rstrip("\r")
        m = PROGRAM_LINE.match(line)
        if m:
            current = streams.setdefault(m.group(1), {"plan": None, "tests": []})
            continue
        if current is None:
            continue
        m = PLAN_LINE.match(line)
        if m and current["plan"] is None:
            current["plan"] = int(m.group(1))
            continue
        m = TEST_LINE.match(line)
        if m:
            current["tests"].append((m.group(1) is None, int(m.group(2)), line))
    return streams


@pytest.fixture(scope="module")
def suite():
    if not ISO.exists():
        pytest.fail(f"{ISO.relative_to(ROOT)} is missing: run `make {ISO.relative_to(ROOT)}`")
    OUT.mkdir(parents=True, exist_ok=True)
    trace = OUT / "trace.log"
    with Bochs(ISO, log=trace, timeout=BOOT_TIMEOUT) as vm:
        try:
            status = vm.wait()
        except BochsError as e:     # judge what ran before the time limit
            status = f"killed after {BOOT_TIMEOUT} s: {e}"
        console = vm.output.decode(errors="replace")
    (OUT / "console.txt").write_text(console)
    return Suite(console, status, trace)


def test_every_program_ran(suite):
    assert sorted(suite.tap) == PROGRAMS, "programs that printed a TAP stream"


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_passes(suite, program):
    stream = suite.tap.get(program)
    assert stream is not None, f"{program} printed no TAP stream"
    assert stream["plan"] is not None, f"{program} printed no plan"
    numbers = [n for _, n, _ in stream["tests"]]
    assert numbers == list(range(1, stream["plan"] + 1)), \
        f"{program} planned {stream['plan']} tests, ran {numbers}"
    failed = [text for passed, _, text in stream["tests"] if not passed]
    assert not failed, f"{program} failed:\n" + "\n".join(failed)
    assert f"run: {program} exited with status 0" in suite.console, \
        "the kernel saw it exit 0"


def test_bochs_exit_status(suite):
    assert suite.status == 0, "the kernel exits 0 iff every program exited 0"


def test_no_isolation_flags(suite):
    flags = [f"line {e.line}: {e.fields}" for e in suite.log["FLAG"]]
    assert not flags, f"{len(flags)} isolation flags, first ones:\n" + "\n".join(flags[:10])


def program_span(suite, name):
    """(start, end, cr3): the icounts from the program's first @proc
    announcement to the next one of another program (its forked children
    share its name), and the CR3 of its first process."""
    procs = suite.log["proc"]
    for i, e in enumerate(procs):
        if e.fields.get("name") == name:
            later = (p.icount for p in procs[i + 1:] if p.fields.get("name") != name)
            return e.icount, next(later, float("inf")), number(e.fields["cr3"])
    pytest.fail(f"the kernel never announced {name} (@proc)")


def chase_windows(suite, start, end, cr3):
    """The window addresses announced for t_window_chase's space, and the
    page numbers those windows cover."""
    windows, covered = set(), set()
    for e in suite.log["window"]:
        f = e.fields
        if start <= e.icount < end and number(f["cr3"]) == cr3:
            va = number(f["va"])
            windows.add(va)
            covered.update(va // PAGE + i for i in range(number(f.get("pages", "1"))))
    return windows, covered


def test_window_chase_reloads_descriptor_tables(suite):
    start, end, cr3 = program_span(suite, "t_window_chase")
    windows, covered = chase_windows(suite, start, end, cr3)
    during = [e for e in suite.log["LTR"] + suite.log["LIDT"] if start <= e.icount < end]
    ltr = sum(number(e.fields["base"]) // PAGE in covered
              for e in during if e.kind == "LTR")
    lidt = sum(number(e.fields["new_base"]) // PAGE in covered
               for e in during if e.kind == "LIDT"
               and number(e.fields["new_base"]) != number(e.fields.get("old_base", "0")))
    assert len(windows) >= CHASE_ROUNDS, "distinct window addresses announced"
    assert ltr >= CHASE_ROUNDS, "LTR of a TSS inside the window"
    assert lidt >= CHASE_ROUNDS, "LIDT moving the IDT into the window"


def test_window_pair_switches_windows(suite):
    """Parent and child of t_window_pair keep their windows at different
    addresses; the emulator must see the IDT move between them again and
    again as the scheduler interleaves them."""
    start, end, _ = program_span(suite, "t_window_pair")
    kernel_idt = {number(e.fields["idt"]) for e in suite.log["kernel"]}
    bases = [number(e.fields["new_base"]) for e in suite.log["LIDT"]
             if start <= e.icount < end and number(e.fields["new_base"]) not in kernel_idt]
    switches = sum(a != b for a, b in zip(bases, bases[1:]))
    assert len(set(bases)) >= 2, "user IDT bases while t_window_pair ran"
    assert switches >= PAIR_ROUNDS // 2, "IDT moves between the two windows"


def test_every_bounce_and_move_is_whole(suite):
    """analysis' isolation check on the suite's log: each user-mode
    interrupt, exception and system call is followed by a CR3 load to the
    kernel (and its visit ends with one back), each window move carries an
    LIDT+LGDT+LTR, and no FLAG."""
    r = subprocess.run(["/usr/bin/python3", "-m", "analysis", "check", str(suite.trace)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
