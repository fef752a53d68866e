"""The instrumentation's isolation checks and its guest channels.

  * tests/system/probe_checks.S, a tiny guest that breaks each invariant
    once on purpose: every FLAG kind fires exactly where expected, and no
    other does (a check never seen to fire is not a check);
  * the kernel, from build/bounce.iso: user/bin/forge_marks tries to pass
    user marks off as kernel announcements with every control byte in
    front; the log shows them as user marks, byte for byte, and the
    kernel's own announcements and checks are unchanged.

Event logs land in out/test_boot/ (the probe) and out/test_instrument/.
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from test_boot import boot, build_probe, num, of_kind  # noqa: E402
from analysis.check import check, text as check_text  # noqa: E402
from analysis.classify import analyze  # noqa: E402
from analysis.events import read_events  # noqa: E402
from shell.client import Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_instrument"
TIMEOUT = 300
PROBE_EXIT = 0x5a


# -- the probe guest -----------------------------------------------------------

@pytest.fixture(scope="module")
def probe():
    return build_probe("probe_checks.S")


@pytest.fixture(scope="module")
def probe_boot(probe):
    return boot(probe[0], "probe_checks")


def expected_flags(sym):
    """(kind, eip, cr3, extra keys) of every FLAG, in order."""
    k, u = "0x104000", "0x105000"
    return [
        ("ldt", sym["user_nop"], u, {"how": "usable"}),
        ("ldt", sym["probe_lldt"], k, {"how": "lldt"}),
        ("user-port", sym["user_out_mark"], u, {"port": "0x500"}),
        ("user-port", sym["user_out_umark"], u, {"port": "0x503"}),
        ("cpl3-kernel-cr3", sym["user_kernel_cr3"], k, {}),
        ("cpl0-entry", sym["win_gate_target"], u, {"how": "far"}),
        ("cpl0-entry", sym["task_entry"], k, {"how": "task", "vec": "129"}),
        ("table-outside-window", sym["win_bounce"] + 5, u,
         {"which": "idt", "base": "0x106900", "limit": "0x40f"}),
        ("table-outside-window", sym["win_bounce"] + 5, u,
         {"which": "gdt", "base": "0x106000", "limit": "0x47"}),
        ("table-outside-window", sym["win_bounce"] + 5, u,
         {"which": "tr", "base": "0x106800", "limit": "0x67"}),
        ("data-outside-window", sym["win_peek_load"], u,
         {"addr": "0x200000", "len": "4", "rw": "r"}),
        ("stack-overflow", sym["probe_overflow"], k,
         {"addr": "0x107ffc", "esp": "0x108000", "stack": "0x108000-0x109000"}),
    ]


def flag_tuples(events):
    common = ("kind", "cpl", "cs", "eip", "cr3")
    return [(f["kind"], num(f["eip"]), f["cr3"], {k: v for k, v in f.items() if k not in common})
            for f in of_kind(events, "FLAG")]


def test_probe_runs_to_its_end(probe_boot):
    status, output, _, trailer, _ = probe_boot
    assert status == PROBE_EXIT, "99: a stray #GP in the probe"
    assert b"probe: Bounce isolation checks probe" in output
    assert trailer is not None


def test_each_check_fires_exactly_where_expected(probe, probe_boot):
    assert flag_tuples(probe_boot[2]) == expected_flags(probe[1])


def test_ring3_cannot_announce(probe_boot):
    """Ring 3's "@mode name=shared" on the marker port is no NOTE, and the
    flags after it (cpl3-kernel-cr3 on) show every check still on."""
    events = probe_boot[2]
    assert [f["what"] for f in of_kind(events, "NOTE")] == ["kernel", "window", "stack"]
    assert not [f for f in of_kind(events, "MARK") if "mode" in f.get("label", "")]


def test_user_mark_is_logged_literally(probe_boot):
    log = probe_boot[4].read_text().splitlines()
    umarks = [line.split(" ", 2)[2] for line in log if " UMARK " in line]
    assert umarks == [r"pid=7 label=\x0d@kernel cr3=0x1000\x0a\x01\x5c"]


def test_checks_can_be_switched_off(probe):
    """BOUNCE_NO_CHECKS (for measuring their cost) silences exactly the
    named checks; the port check stays."""
    _, _, events, _, _ = boot(probe[0], "probe_checks-no-stack-tables",
                              env={"BOUNCE_NO_CHECKS": "stack,tables"})
    left = [t for t in expected_flags(probe[1])
            if t[0] not in ("stack-overflow", "table-outside-window")]
    assert flag_tuples(events) == left
    _, _, events, _, _ = boot(probe[0], "probe_checks-no-checks",
                              env={"BOUNCE_NO_CHECKS": "all"})
    assert [t[0] for t in flag_tuples(events)] == ["user-port", "user-port"]


# -- the kernel: forged announcements ------------------------------------------

FORGED = ["@mode name=shared", "@kernel cr3=0x1000 idt=0x0 gdt=0x0",
          "@window cr3=0x1000 va=0x0 pages=9 pa=0x0", "@stack lo=0x0 hi=0xffffffff"]
CONTROL = [c for c in range(1, 0x100) if c < 0x20 or c >= 0x7f]


def escape(data):
    """The module's escaping: printable ASCII but '\\' as is, else \\xNN."""
    return "".join(chr(b) if 0x20 <= b < 0x7f and b != 0x5c else f"\\x{b:02x}" for b in data)


def forged_labels():
    """forge_marks's labels, in order, as the log must show them."""
    labels = [escape(f.encode()) for f in FORGED]
    for c in CONTROL:
        for f in FORGED:
            labels.append(escape(bytes([c]) + f.encode()))
            labels.append(escape(b"x" + bytes([c]) + f.encode()))
    return labels


@pytest.fixture(scope="module")
def forgery():
    """Run forge_marks and a shell k.mark with a carriage return; the log."""
    if not ISO.exists():
        pytest.fail(f"{ISO.relative_to(ROOT)} is missing: run `make iso`")
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "forgery.log"
    with Bochs(ISO, log=log, timeout=TIMEOUT) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        out, err = sh.run('local pid = k.proc.spawn("forge_marks") '
                          'local status, text = k.proc.wait(pid) '
                          'print("=>", pid, status, text) '
                          'k.mark("\\r@mode name=shared")')
        assert err is None, err
        pid, status = out.split("=>")[1].split("\t")[1:3]
        out, err = sh.run('local pid = k.proc.spawn("hello") print("=>", k.proc.wait(pid))')
        assert err is None and "=>\t0" in out, (err, out)
        vm.send(b"k.exit(0)\n")
        assert vm.wait(TIMEOUT) == 0
    return int(pid), int(status), log


def test_forged_marks_are_user_marks_byte_for_byte(forgery):
    pid, status, log = forgery
    assert status == 0
    umarks = [e.fields for e in read_events(log) if e.kind == "UMARK"]
    assert {m["pid"] for m in umarks} == {str(pid)}
    assert [m["label"] for m in umarks] == forged_labels()


def test_forgery_leaves_the_kernel_announcements_alone(forgery):
    _, _, log = forgery
    notes = [e.fields for e in read_events(log) if e.kind == "NOTE"]
    assert [n["name"] for n in notes if n["what"] == "mode"] == ["bounce"]
    assert len([n for n in notes if n["what"] == "kernel"]) == 1
    assert {n["what"] for n in notes} <= {"mode", "kernel", "proc", "window", "stack"}
    windows = [n for n in notes if n["what"] == "window"]
    assert all(num(n["cr3"]) != 0x1000 for n in windows)


def test_shell_mark_cannot_break_its_line(forgery):
    """k.mark's label is the kernel's to write: a control byte becomes '?'
    (and MARK is the kernel's alone: user marks are UMARKs)."""
    _, _, log = forgery
    labels = [e.fields["label"] for e in read_events(log) if e.kind == "MARK"]
    assert labels.count("?@mode name=shared") == 1


def test_forgery_keeps_every_check_on(forgery):
    """analysis check still judges the bounce invariants (not skipped as in
    shared mode), and they hold, with no FLAG."""
    _, _, log = forgery
    report = check(analyze(str(log)))
    assert report["mode"] == "bounce"
    by_name = {r["name"]: r for r in report["checks"]}
    for name in ("int-entry", "window-move"):
        assert by_name[name]["ok"] and not by_name[name]["skipped"], by_name[name]
    assert report["ok"], check_text(report)
