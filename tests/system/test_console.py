"""The console under a long write: the machine keeps running (docs/console.md).

user/bin/bigwrite writes 128 KiB in one write() call. The emulated UART
sends about 11.5 KiB per emulated second, so that call lasts about 11 s of
emulated time whatever the kernel does; what the kernel must do is wait
without freezing the machine: the clock ticks, the shell answers what is
typed, and k.proc.kill ends the writer within a few ticks. What reached
the console, and what the kernel kept for k.proc.wait, is an intact prefix
of the text.

Times are emulated (timer ticks, and retired instructions from the
instrumentation log), never wall-clock time.
"""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import read_events  # noqa: E402
from shell.client import Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_console"
TIMEOUT = 240
TICK_INSTRUCTIONS = 50_000_000 // 100     # bochsrc ips / kernel/timer.h TIMER_HZ
SHELL_TICKS = 20                          # ticks the shell counts before it kills the writer
FILL = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TEXT = "".join(f"L{i:06d} " + FILL[:55] + "\n" for i in range(2048))   # user/bin/bigwrite.c
assert len(TEXT) == 128 * 1024
RESULT = re.compile(r"=>(\w+)\t([^\n]*)\n")

# In Lua: is the captured output s an intact prefix of bigwrite's text?
# What state is process pid in?
LUA_HELPERS = """
local function prefix_ok(s)
  local fill = "%s"
  local want = {}
  for i = 0, 2047 do want[#want + 1] = ("L%%06d "):format(i) .. fill:sub(1, 55) .. "\\n" end
  want = table.concat(want)
  return s == want:sub(1, #s)
end
local function state(pid)
  for _, p in ipairs(k.proc.list()) do if p.pid == pid then return p.state end end
end
""" % FILL


def result(out, tag):
    """The tab-separated fields of the shell's `=>tag` line in out."""
    found = [m.group(2).split("\t") for m in RESULT.finditer(out) if m.group(1) == tag]
    assert len(found) == 1, f"no single =>{tag} line in {out[-500:]!r}"
    return found[0]


def marks(events, label):
    """icounts of the marks (kernel or user) whose label is `label`."""
    return [e.icount for e in events if e.fields.get("label") == label]


@pytest.fixture(scope="module")
def run():
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "console.bxlog"
    runs = {}
    with Bochs(ISO, log=log, timeout=1800) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        sh.run(LUA_HELPERS.replace("local function", "function"))
        # 1. A question typed while a 64 MiB write runs; then kill it.
        sh.run('PID = k.proc.spawn("bigwrite", "long")\n'
               'while state(PID) ~= "sleeping" do end\n')   # in its write, waiting for the UART
        runs["ask"] = sh.run('k.mark("asked")\n'
                             'io.write("\\n=>ANS\\t", 6 * 7, "\\t", state(PID), "\\n")\n')
        runs["long"] = sh.run(
            "k.proc.kill(PID)\n"
            "local status, out = k.proc.wait(PID)\n"
            'io.write("\\n=>LONG\\t", status, "\\t", #out, "\\n")\n')
        # 2. A whole 128 KiB write.
        runs["full"] = sh.run(
            'local t0 = k.stats().ticks\n'
            'local status, out = k.proc.wait(k.proc.spawn("bigwrite"))\n'
            'io.write("\\n=>FULL\\t", status, "\\t", #out, "\\t", k.stats().ticks - t0, "\\t",'
            ' tostring(prefix_ok(out:sub(1, 131072))), "\\t", out:sub(131073), "\\n")\n')
        # 3. The shell counts ticks while bigwrite writes, then kills it.
        runs["kill"] = sh.run(
            "collectgarbage()\n"
            'local pid = k.proc.spawn("bigwrite")\n'
            'while state(pid) ~= "sleeping" do end\n'     # in its write, waiting for the UART
            f"for i = 1, {SHELL_TICKS} do\n"
            "  local t = k.stats().ticks\n"
            "  while k.stats().ticks == t do end\n"
            '  k.mark("shell tick " .. i)\n'
            "end\n"
            "local t = k.stats().ticks\n"
            "k.proc.kill(pid)\n"
            "local status, out = k.proc.wait(pid)\n"
            'io.write("\\n=>KILL\\t", status, "\\t", #out, "\\t", k.stats().ticks - t, "\\t",'
            ' tostring(prefix_ok(out)), "\\n")\n')
        # 4. A kernel report (polled) while the ring still holds output.
        runs["fault"] = sh.run(
            'local status, out = k.proc.wait(k.proc.spawn("bigwrite", "fault"))\n'
            'io.write("\\n=>FAULT\\t", status, "\\t", #out, "\\n")\n')
        # 5. More than the kernel keeps for k.proc.wait.
        runs["cap"] = sh.run(
            'local status, out = k.proc.wait(k.proc.spawn("bigwrite", "cap"))\n'
            'io.write("\\n=>CAP\\t", status, "\\t", #out, "\\t", out:sub(-16), "\\n")\n')
        vm.send(b"k.exit(0)\n")
        status = vm.wait(TIMEOUT)
    return {"runs": runs, "events": list(read_events(log)), "status": status}


def test_the_shell_answers_while_a_long_write_runs(run):
    out, err = run["runs"]["ask"]
    assert err is None, out[-500:]
    answer, state = result(out, "ANS")
    assert answer == "42"
    assert state == "sleeping", "bigwrite should be waiting for the UART"
    events = run["events"]
    start, asked = marks(events, "bigwrite start")[0], marks(events, "asked")[0]
    assert start < asked
    assert not [e for e in marks(events, "bigwrite end") if start < e < asked], "answered only after the write"


def test_kill_ends_a_64_mib_write(run):
    out, err = run["runs"]["long"]
    assert err is None, out[-500:]
    status, length = result(out, "LONG")
    assert int(status) == 0x100 | 0xFF
    assert 0 < int(length) < 64 << 20


def test_a_long_write_lets_the_clock_run(run):
    out, err = run["runs"]["full"]
    assert err is None, out[-500:]
    status, length, ticks, intact, tail = result(out, "FULL")
    assert status == "0"
    assert tail == "bigwrite: write returned 131072"
    assert int(length) == 131072 + len(tail) + 1
    assert intact == "true"
    # 131072 bytes of 10 bits at 115200 baud: 11.4 s, 1138 ticks (less
    # the last ring, still on its way when the writer exits).
    assert int(ticks) >= 1100, "the clock stopped during the write"
    events = run["events"]
    start, end = marks(events, "bigwrite start")[1], marks(events, "bigwrite end")[0]
    print(f"128 KiB write: {end - start} instructions retired, {ticks} ticks from spawn to exit")
    assert end - start < 100_000_000, "the writer still spins"


def test_the_shell_runs_every_tick_during_a_write(run):
    events = run["events"]
    ticks = [marks(events, f"shell tick {i}")[0] for i in range(1, SHELL_TICKS + 1)]
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    print(f"instructions between the shell's ticks during the write: max {max(gaps)}, "
          f"{ticks[-1] - ticks[0]} for {SHELL_TICKS - 1}")
    start = marks(events, "bigwrite start")[2]   # the kill run
    assert start < ticks[0], "the shell counted before the write began"
    # The shell sees every tick, give or take a step of Lua's collector.
    assert ticks[-1] - ticks[0] < SHELL_TICKS * TICK_INSTRUCTIONS
    assert max(gaps) < 3 * TICK_INSTRUCTIONS


def test_kill_ends_a_long_write_within_a_few_ticks(run):
    out, err = run["runs"]["kill"]
    assert err is None, out[-500:]
    status, length, ticks, intact = result(out, "KILL")
    print(f"ticks from k.proc.kill to the end of k.proc.wait: {ticks}; {length} bytes written")
    assert int(status) == 0x100 | 0xFF
    assert 0 < int(length) < 131072, "the write was not cut short"
    assert int(ticks) <= 3
    assert intact == "true"
    # What reached the console is what the kernel kept, in order.
    console = out[:out.rindex("\n=>KILL")]
    assert console == TEXT[:int(length)]


def test_a_kill_report_comes_after_the_output_before_it(run):
    out, err = run["runs"]["fault"]
    assert err is None, out[-500:]
    status, length = result(out, "FAULT")
    assert int(status) == 0x100 | 14
    text = TEXT + "bigwrite: write returned 131072\n"
    assert int(length) == len(text)
    assert re.fullmatch(re.escape(text) + r"killed pid=\d+ name=bigwrite vec=14 [^\n]*\n\n=>FAULT\t[^\n]*\n", out), \
        out[-300:]


def test_output_kept_past_the_cap_is_a_prefix(run):
    out, err = run["runs"]["cap"]
    assert err is None, out[-500:]
    line = "bigwrite: write returned 131072\n"
    console = TEXT + line + TEXT[:131072 - len(line) - 100] + TEXT[:256] + "end\n"
    assert out[:out.rindex("\n=>CAP")] == console
    status, length, tail = result(out, "CAP")
    assert status == "0"
    assert int(length) == 256 * 1024              # kernel/proc.h: OUTPUT_CAP
    assert tail == console[256 * 1024 - 16:256 * 1024]


def test_the_machine_exits_cleanly(run):
    assert run["status"] == 0
