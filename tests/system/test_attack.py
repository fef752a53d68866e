"""The standing attack suite: fuzzers against the real kernel in the real Bochs.

Each test boots build/bounce.iso with its own instrumentation log, attacks
the kernel from one side, and ends the same way: a process spawns and exits
0, the kernel's canary is intact in its data, the shell exits Bochs with
status 0, the log holds no FLAG event and `analysis check` passes. A panic,
a hang or a FLAG fails the test with the seed that produced it.

* the system-call fuzzer (user/bin/fuzz_syscalls.c): its per-call table
  must show at least half of each call's uses past the argument checks;
* the CPU zoo (user/bin/cpu_zoo.c), one section per TAP line;
* the shell fuzzer (here): random bytes, escape sequences and malformed
  frames on COM1, and Lua that recurses, allocates and errors at the limits.

Seeded and bounded; `make fuzz` runs the same tests longer through the
environment (docs/attack.md): BOUNCE_FUZZ_SEED, BOUNCE_FUZZ_CALLS,
BOUNCE_ZOO_STEP, BOUNCE_SHELL_ROUNDS.
"""
import os
import pathlib
import random
import re
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import read_events  # noqa: E402
from shell.client import ShellError, Shell, encode_frame  # noqa: E402
from shell.runner import Bochs, BochsError, kernel_build  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
KERNEL = pathlib.Path(kernel_build()) / "kernel" / "bounce.elf"
OUT = ROOT / "out" / "test_attack"
NSYSCALL = int(re.search(r"#define NSYSCALL\s+(\d+)", (ROOT / "kernel" / "abi.h").read_text()).group(1))
SEED = int(os.environ.get("BOUNCE_FUZZ_SEED", "9"))
CALLS = int(os.environ.get("BOUNCE_FUZZ_CALLS", "20000"))
ZOO_STEP = int(os.environ.get("BOUNCE_ZOO_STEP", "251"))
SHELL_ROUNDS = int(os.environ.get("BOUNCE_SHELL_ROUNDS", "24"))
TIMEOUT = int(os.environ.get("BOUNCE_ATTACK_TIMEOUT", "1800"))
RESYNC = 120     # seconds for the shell to answer after an attack
TAP_LINE = re.compile(r"^(not )?ok \d+ - (.*)$", re.M)


def kernel_symbol(name):
    out = subprocess.run(["i686-linux-gnu-nm", str(KERNEL)], capture_output=True,
                         text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) \w {re.escape(name)}$", out, re.M)
    assert m, f"{name} not in {KERNEL}"
    return int(m.group(1), 16)


def lua(sh, source, what, timeout=None):
    out, err = sh.run(source, timeout)
    assert err is None, f"{what} (seed {SEED}): {err}\n{out}"
    return out


def assert_alive(sh):
    """A process spawns and exits 0; the canary word keeps its planted shape
    (no zero byte) and its 1024 copies, planted at boot near the start of
    the kernel heap (kernel/canary.c), are all still there."""
    out = lua(sh, 'local pid = k.proc.spawn("hello") print("HELLO", (k.proc.wait(pid)))',
              "spawning hello")
    assert "HELLO\t0" in out, f"hello did not exit 0 after the attack (seed {SEED}):\n{out}"
    heap = int(re.search(rb"heap (0x[0-9a-f]+)", sh.vm.output).group(1), 16)
    out = lua(sh, f"""
        local c = k.mm.physread32({kernel_symbol('kernel_canary'):#x})
        local s, run, best = k.mm.dumpmem({heap:#x}, 65536, {{phys = true}}), 0, 0
        for i = 1, #s, 4 do
          if string.unpack("<I4", s, i) == c then run = run + 1 else run = 0 end
          if run > best then best = run end
        end
        print("CANARY", c & 0x01010101 == 0x01010101, best)""", "reading the canary")
    assert "CANARY\ttrue\t1024" in out, f"the kernel's canary is damaged (seed {SEED}): {out}"


def attack(name, body):
    """Boot, run body(sh), check the kernel survived it; body's result."""
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"{name}.bxlog"
    try:
        with Bochs(ISO, log=log, timeout=TIMEOUT) as vm:
            sh = Shell(vm, timeout=TIMEOUT)
            sh.wait_prompt()
            result = body(sh)
            assert_alive(sh)
            vm.send(b"k.exit(0)\n")
            status = vm.wait(120)
            console = vm.output
    except (ShellError, BochsError) as e:
        pytest.fail(f"{name} (seed {SEED}): the kernel died or stopped answering: {e}")
    (OUT / f"{name}.console").write_bytes(console)
    panic = re.search(rb"panic: [^\r\n]*", console)
    assert not panic, f"{name} (seed {SEED}): {panic.group(0)!r}"
    assert status == 0, f"{name} (seed {SEED}): Bochs exited {status}"
    flags = [ev for ev in read_events(log) if ev.kind == "FLAG"]
    assert not flags, f"{name} (seed {SEED}): {len(flags)} FLAG events, first (log line {flags[0].line}): {flags[0].fields}"
    r = subprocess.run([sys.executable, "-m", "analysis", "check", str(log)], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"{name} (seed {SEED}): analysis check:\n{r.stdout}{r.stderr}"
    return result


def spawn(sh, program, *args):
    """Run a program to its end from the shell: (status, its output)."""
    quoted = ", ".join(f'"{a}"' for a in (program,) + args)
    out = lua(sh, f"local st, text = k.proc.wait(k.proc.spawn({quoted}))\n"
                  'print("STATUS", st) print("OUTPUT") io.write(text)', program)
    status = int(re.search(r"^STATUS\t(\d+)$", out, re.M).group(1))
    return status, out.split("OUTPUT\n", 1)[1]


# -- the system-call fuzzer ---------------------------------------------------------

ROW = re.compile(r"^fuzz: (\S+|\(no such\))\s+(\d+)\s+(\d+)\s+(\d+)$", re.M)


def test_syscall_fuzzer():
    status, out = attack("syscalls", lambda sh: spawn(sh, "fuzz_syscalls", SEED, CALLS))
    unexpected = [l for l in out.splitlines() if "UNEXPECTED" in l]
    assert not unexpected, f"seed {SEED}: {unexpected[:10]}"
    rows = {m[0]: tuple(map(int, m[1:])) for m in ROW.findall(out)}
    print("\n".join(l for l in out.splitlines() if l.startswith("fuzz: ")))
    assert len(rows) == NSYSCALL + 1, out[-2000:]             # every call, and "(no such)"
    assert sum(calls for name, (calls, _, _) in rows.items() if name != "exit") >= CALLS
    for name, (calls, past, _) in rows.items():
        if name != "(no such)":
            assert calls > 0 and 2 * past >= calls, f"seed {SEED}: {name}: {past} of {calls}"
    assert status == 0, f"seed {SEED}: fuzz_syscalls exited {status}"


# -- the CPU zoo --------------------------------------------------------------------

def zoo(sections):
    def body(sh):
        return {s: spawn(sh, "cpu_zoo", s, ZOO_STEP) for s in sections}
    return body


def assert_zoo(results):
    for section, (status, out) in results.items():
        lines = TAP_LINE.findall(out)
        print(out)
        assert lines and not [l for l in lines if l[0]], f"{section}:\n{out}"
        assert status == 0, f"cpu_zoo {section} exited {status}:\n{out}"


def test_cpu_zoo():
    """int n, GDT selectors (loads, far calls and jumps), privileged
    instructions, I/O ports, TF across system calls, forged iret frames."""
    assert_zoo(attack("zoo", zoo(["int", "gdt", "priv", "io", "tf", "iret"])))


def test_cpu_zoo_ldt():
    """With no LDT, every TI selector is #GP — and a call gate the process
    writes into its own page 0 never runs its code at CPL 0."""
    assert_zoo(attack("zoo_ldt", zoo(["ldt", "gate"])))


# -- the shell fuzzer ---------------------------------------------------------------

ESCAPES = [b"\x1b", b"\x1b[", b"\x1b[A", b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\x1b[H", b"\x1b[F",
           b"\x1b[999999999D", b"\x1b[1;5C", b"\x1b[" + b"9;" * 200 + b"m", b"\x1bO",
           b"\x1b[3~", b"\x7f" * 300, b"\x08" * 10, b"\x01", b"\x10", b"\x02DONE ok\n",
           b"\x00", b"\xff\xfe", b"\r", b"\r\n", b"\x1b[A" * 40]
FRAMES = [b"\x01SCRIPT\n", b"\x01SCRIPT \n", b"\x01SCRIPT -5\n", b"\x01SCRIPT 1x\n",
          b"\x01script 3\nabc", b"\x01SCRIPT 4294967295\nprint(1)",
          b"\x01SCRIPT 18446744073709551617\nprint(1)", b"\x01SCRIPT 99999999\nprint(1)",
          b"\x01" + b"SCRIPT 1" * 20 + b"\n", b"\x01SCRIPT 6\n\x10\x00\x10\xff)(",
          b"\x01SCRIPT 5\nerror", b"\x01SCRIPT 3\n\x01\x01\x01", b"\x01SCRIPT 8\n\x02DONE ok"]
LUA_TOKENS = ("x y f t s n = == ~= < > .. + - * / // % ^ # & | ~ << >> ( ) { } [ ] , ; : . "
              "local function end if then else elseif while do for in repeat until return "
              "break nil true false 0 1 -1 2^53 1e308 0/0 'a' \"\\0\" [[z]] ... "
              "string.rep string.format string.gsub table.concat table.unpack math.huge "
              "pcall error select type tostring setmetatable coroutine.wrap coroutine.yield "
              "load next rawset print #t t[1] f(f) s:rep(9)").split()
# Lua at the limits that the shell must turn into a Lua error (or a result).
LIMITS = [
    "local function f(n) return 1 + f(n + 1) end return pcall(f, 1)",
    "local t = {} for i = 1, 1e7 do t[i] = string.rep('x', 1000) .. i end",
    "return string.rep('x', 2^31)",
    "return ('x'):rep(1e6):rep(1e6)",
    "error(setmetatable({}, {__tostring = function() error('inner') end}))",
    "error()", "error(nil)", "error({})", "error(12, 2)",
    "setmetatable({}, {__gc = function() error('in gc') end}) collectgarbage()",
    "local co = coroutine.wrap(function() error('in co') end) co()",
    "local s = {} for i = 1, 1e6 do s[#s + 1] = tostring(i) end return #table.concat(s)",
    "return select('#', table.unpack({}, 1, 1e7))",
    "return string.format('%099d', 1), string.format('%.99f', 1/3)",
    "while true do end",
    # k.disk: sectors off the disk, swap sectors, huge counts, wrong types
    "return pcall(k.disk.read, 2^32), pcall(k.disk.read, -1), pcall(k.disk.read, 0, 1e9)",
    "return pcall(k.disk.write, 8, 'x'), pcall(k.disk.write, 0, string.rep('x', 1e6))",
    "return pcall(k.disk.write, 0, nil), pcall(k.disk.read, k.disk.info().sectors - 1, 128)",
]


def resync(sh, mark):
    """Ctrl-C, an empty line, then a frame the shell must run: it is back."""
    sh.vm.send(b"\x03")
    time.sleep(0.1)
    sh.vm.send(b"\n")
    sh.seen = len(sh.vm.output)
    out = lua(sh, f"print('SYNC', {mark})", f"the shell after {mark}", RESYNC)
    assert f"SYNC\t{mark}" in out


def shell_fuzz(sh):
    rnd = random.Random(SEED)
    lua(sh, "k.shell.budget(2e6)", "budget")
    for i in range(SHELL_ROUNDS):
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200)))
        sh.vm.send(raw + rnd.choice(ESCAPES) + b"\n")
        resync(sh, 1000 + i)
    for i, frame in enumerate(FRAMES):
        sh.vm.send(frame)
        time.sleep(0.1)
        resync(sh, 2000 + i)
    for i in range(SHELL_ROUNDS):
        chunk = " ".join(rnd.choice(LUA_TOKENS) for _ in range(rnd.randrange(1, 80)))
        if i % 2:
            sh.run(chunk, timeout=RESYNC)   # a result or a Lua error: the shell answers
        else:
            sh.vm.send(chunk.encode() + b"\n")
            resync(sh, 3000 + i)
    for i, source in enumerate(LIMITS):
        sh.run(source, timeout=RESYNC)
        resync(sh, 4000 + i)
    sh.run("k.shell.budget(0) k.shell.memcap(8 << 20)")
    sh.vm.send(encode_frame(b"while true do end"))
    time.sleep(2)
    sh.interrupt()
    resync(sh, 5000)


def test_shell_fuzzer():
    attack("shell", shell_fuzz)


# Lua code that nests C calls as deep as Lua allows (each nested gsub
# callback or metamethod costs kernel stack): a Lua result or a Lua error,
# and then the kernel must still spawn processes.
DEEP = [
    'local n = 0 local function g() n = n + 1 if n >= 10 then return "" end '
    'return (string.gsub("x", ".", g)) end print(pcall(g))',
    "local n = 0 local function g() n = n + 1 return (string.gsub('x', '.', g)) end print(pcall(g))",
    "print(pcall(load, string.rep('(', 300) .. '1' .. string.rep(')', 300)))",
    # an __index chain nests a C call per level, up to Lua's C-stack limit
    "local t = setmetatable({}, {__index = function(t, k) return t[k + 1] end}) print(pcall(function() return t[1] end))",
]


def test_shell_deep_c_calls():
    def body(sh):
        for source in DEEP:
            sh.run(source, timeout=RESYNC)
    attack("shell_deep", body)
