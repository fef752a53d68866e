"""The shell as a person meets it at the terminal: completion, help, what
the prompt echoes, walk.lua, leaving with Ctrl-] (docs/shell.md).

One boot (`shell`) serves the tests that only talk to the shell; the
Ctrl-] test boots its own through shell/runner.py on a pseudo-terminal.
"""
import os
import pathlib
import pty
import re
import select
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import LogEnd, read_events  # noqa: E402
from shell.client import booted_shell, clean  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_shell_ux"
TIMEOUT = 300


@pytest.fixture(scope="module")
def shell():
    with booted_shell(ISO, OUT / "shell.bxlog", TIMEOUT) as sh:
        yield sh


def typed(sh, keys):
    """Send keys (bytes) and return the echo once the shell has gone quiet."""
    start = len(sh.vm.output)
    sh.vm.send(keys)
    last, quiet_since = start, time.monotonic()
    while time.monotonic() - quiet_since < 1.5:
        time.sleep(0.1)
        if len(sh.vm.output) != last:
            last, quiet_since = len(sh.vm.output), time.monotonic()
    return sh.vm.output[start:]


def enter(sh):
    """End the line being edited; what the shell printed up to its next prompt."""
    sh.vm.send(b"\n")
    return clean(sh.wait_prompt())


# -- Tab completion ----------------------------------------------------------------

def test_tab_completes_a_field_from_the_lua_state(shell):
    assert typed(shell, b"k.mm.wa\t") == b"k.mm.wa" + b"lk"
    out = enter(shell)
    assert out.startswith("k.mm.walk\nfunction: ")      # the line ran as k.mm.walk


def test_second_tab_lists_the_candidates(shell):
    typed(shell, b"k.window.m\t")                      # move, moves: "move" is shared
    listing = clean(typed(shell, b"\t"))
    assert listing.splitlines()[1] == "move  moves"     # sorted, then the line again
    assert listing.endswith("bounce> k.window.move\x1b[K")
    shell.vm.send(b"\x15\n")                            # Ctrl-U: an empty line
    shell.wait_prompt()


def test_tab_completes_globals_and_the_users_own(shell):
    shell.line("my_table = {alpha = 1, beta = 2}")
    assert typed(shell, b"my_t\t") == b"my_t" + b"able"
    assert typed(shell, b".al\t") == b".al" + b"pha"
    out = enter(shell)
    assert out.splitlines()[-1] == "1"


# -- walk.lua -----------------------------------------------------------------------

def test_dofile_walk_explains_the_window_of_the_last_process_run(shell):
    shell.run("pid = k.proc.spawn('wait_child')")       # parent and child both stay
    shell.vm.read_until(b"waiting for", timeout=TIMEOUT)
    out, err = shell.run("dofile('walk.lua')")
    assert err is None, out
    m = re.search(r"virtual address (0x[0-9a-f]{8}) in pid (\d+)\n", out)
    assert m, out                                       # a process's tables, not the kernel's
    va, pid = m.group(1), m.group(2)
    pids = shell.eval("(function() local t = {} for _, p in ipairs(k.proc.list()) do "
                      "if p.name == 'wait_child' then t[#t+1] = p.pid end end "
                      "return table.concat(t, ' ') end)()").split()
    assert pid in pids
    assert int(va, 16) == int(shell.eval(f"k.window.where({pid})"))
    pa = re.search(r"^4\. physical address (0x[0-9a-f]{8})", out, re.M).group(1)
    assert int(pa, 16) == int(shell.eval(f"k.mm.walk({va}, {pid}).pa"))
    out, err = shell.run(f"for _, p in ipairs({{{', '.join(pids)}}}) do k.proc.kill(p) end k.proc.wait(pid)")
    assert err is None, out


# -- leaving -------------------------------------------------------------------------

def read_pty(fd, pattern, seen, timeout):
    """Read the pseudo-terminal until pattern appears; all read so far."""
    limit = time.monotonic() + timeout
    while not re.search(pattern, seen):
        assert time.monotonic() < limit, f"no {pattern!r} in {seen[-300:]!r}"
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:          # the child closed the terminal
                break
    return seen


def test_ctrl_bracket_leaves_with_a_complete_log(tmp_path):
    log = tmp_path / "interactive.bxlog"
    pid, fd = pty.fork()
    if pid == 0:                                  # the person's terminal runs runner.py
        os.execv(sys.executable, [sys.executable, str(ROOT / "shell" / "runner.py"), "--iso", str(ISO),
                                  "--log", str(log), "--interactive"])
    try:
        seen = read_pty(fd, rb"bounce> ", b"", TIMEOUT)
        os.write(fd, b"for i = 1, 3 do\r")         # leave in the middle of a chunk
        seen = read_pty(fd, rb">> ", seen, TIMEOUT)
        os.write(fd, b"\x1d")
        seen = read_pty(fd, rb"runner: quit", seen, 60)
        _, status = os.waitpid(pid, 0)
        pid = None
    finally:
        if pid is not None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    end = LogEnd()
    events = list(read_events(str(log), end))
    assert end.complete, "the log has no trailer"
    assert [e.fields["status"] for e in events if e.kind == "EXIT"] == ["0"]


# -- k.dmesg(n) ----------------------------------------------------------------------

def test_k_dmesg_n_gives_the_last_n_lines(shell):
    ring = shell.eval("k.dmesg()")
    lines = ring.rstrip("\n").split("\n")
    assert len(lines) >= 4
    assert shell.eval("k.dmesg(3)") == "\n".join(lines[-3:]) + "\n"   # lines keep their newline
    assert shell.eval("k.dmesg(1)") == lines[-1] + "\n"
    assert shell.eval("#k.dmesg(0)") == "0"
    assert shell.eval("k.dmesg(100000)") == ring
    out, err = shell.run("k.dmesg(-1)")
    assert err is not None and "line count must be >= 0" in err


# -- help and what the prompt echoes -----------------------------------------------------

def test_help_takes_a_name(shell):
    assert shell.line('help("k.mm.walk")').startswith("k.mm.walk(va [, pid]) -> ")
    assert shell.line('help("pageinfo")').startswith("pageinfo([pid]) -> ")
    out, err = shell.run('help("k.mm.nothing")')
    assert err is not None and "no function named k.mm.nothing" in err


def test_help_of_a_script_function(shell):
    shell.run("require('walk')")
    usage = shell.line("help(explain)")
    assert usage.startswith("explain(va [, pid]) -> "), usage
    assert shell.line('help("explain")') == usage
    out, err = shell.run("help(print)")
    assert err is not None and "not a function of the k library or of a script" in err


def test_help_lists_scripts_and_loaders_without_repeating_itself(shell):
    listing = shell.line("help()")
    lines = listing.splitlines()
    for start in ("dofile(name)", "require(name)", "loadfile(name", "explain(va [, pid])",
                  "walk.lua", "window_tour.lua", "run_4gb_tests.lua", "demo.lua"):
        assert any(l.lstrip().startswith(start) for l in lines), start
    # Each description once: a monitor-style global names its k function
    # instead of repeating that function's description.
    described = [re.split(r" (?:->|--) ", l, maxsplit=1)[1] for l in lines if re.search(r" (?:->|--) ", l)]
    repeated = {d for d in described if described.count(d) > 1}
    assert not repeated, repeated
    assert "(prints it) (prints it)" not in listing and "also printed) (prints it)" not in listing


@pytest.mark.parametrize("line,printed", [
    ("pageinfo()", "pages are used for paging translation"),
    ("binfo()", " b_ blocks"),
    ("explain(0x100000)", "4. physical address 0x00100000"),
    ("showmaps(0x100000, 0x100fff)", "00100000"),
])
def test_printing_functions_do_not_echo_their_table(shell, line, printed):
    shell.run("require('walk')")
    out = shell.line(line)
    assert printed in out
    assert "table: 0x" not in out, out


def test_dumpmem_prints_no_raw_control_bytes(shell):
    shell.vm.send(b"dumpmem(0x100000, 64)\n")
    raw = shell.wait_prompt()
    assert re.search(rb"^00100000 ( [0-9a-f]{2}){16}  ", raw, re.M)
    assert not re.search(rb"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\xff]", raw), raw


def test_other_values_still_echo(shell):
    assert shell.line("k.mm.walk(0x100000)").startswith("table: 0x")
    assert shell.line("k.mm.dumpmem(0x100000, 2) == dumpmem(0x100000, 2)").splitlines()[-1] == "true"
    out = shell.line("pageinfo().pgdir == k.cpu.cr3()")
    assert out.splitlines()[-1] == "true"
