"""Kernel stacks: the shell's holds Lua's deepest C recursion, and a guard
turns an overflow into a one-line diagnostic instead of corruption.

Each deep case runs in the real shell to Lua's own limit (LUAI_MAXCCALLS),
with the kernel's largest frames (musl's fmt_fp for "%99.99f" of 1e308,
%a, %g, and decfloat for tonumber of a long decimal) at every level, and must end in a Lua result or a Lua error; after each,
a process spawns and exits 0 and the kernel's canary copies (kernel data
and heap) are intact. The high-water mark of the shell's stack is read
back with k.shell.stack() and written to out/test_stacks/stacks.txt.
"""
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import Shell  # noqa: E402
from shell.runner import Bochs, kernel_build  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
ISOS = {"bounce": ISO, "shared": ROOT / "build" / "bounce-shared.iso"}
OUT = ROOT / "out" / "test_stacks"
TIMEOUT = 600
PANIC_EXIT_STATUS = 112  # kernel/log.h

# The reproducer of docs/shell.md's old limit: ten nested gsub callbacks and
# the print of pcall's result overflowed the 8 KiB stack into the heap.
REPRO = ('local n=0 local function g() n=n+1 if n>=10 then return "" end '
         'return (string.gsub("x",".",g)) end print(pcall(g))')

# The kernel's largest stack frames, musl's decfloat (strtod, 8.3 KiB) and
# fmt_fp (printf of a float, 7.5 KiB), at every level of each recursion.
FMT = ('local function fmt() return string.format("%99.99f|%a|%g|%.99g|%5.3s", 1e308, 1/3, 1e-300, '
       '-2^-1074, "abcdef") .. tostring(1.5) .. tostring(tonumber("0." .. ("7"):rep(200) .. "e300")) end\n')

CASES = {
    # string.gsub calling back into Lua, which calls gsub again
    "gsub": FMT + 'local function g() fmt() return (string.gsub("x", ".", g)) end\n'
                  'print(pcall(g))',
    # string.format("%s") through __tostring, which formats again
    "format": FMT + 'local mt = {} mt.__tostring = function(o) fmt() return string.format("%99.99f%s", 1e308, o) end\n'
                    'print(pcall(string.format, "%s", setmetatable({}, mt)))',
    # pcall inside pcall, and an error thrown from the deepest one
    "pcall": FMT + 'local depth = 0\n'
                   'local function f() depth = depth + 1 fmt() local ok, e = pcall(f) error(e, 0) end\n'
                   'local ok, e = pcall(f) print(ok, e, depth)',
    # an error handler that errors, handled by one that errors...
    "xpcall": FMT + 'local function h(m) fmt() error(m, 0) end\n'
                    'local function f() fmt() return xpcall(f, h) end\n'
                    'print(pcall(f))',
    # the parser: nested parentheses, tables and functions
    "load_parens": 'print(load("return " .. ("("):rep(300) .. "1" .. (")"):rep(300)))',
    "load_tables": 'print(load("return " .. ("{"):rep(300) .. ("}"):rep(300)))',
    "load_funcs": 'print(load("return " .. ("function() return "):rep(300) .. "1" .. (" end"):rep(300)))',
    # load with a reader function that loads again
    "load_reader": FMT + 'local function r() fmt() local f, e = load(r) error(e or "deeper", 0) end\n'
                         'print(pcall(load, r))',
    # coroutines resuming coroutines
    "coroutine": FMT + 'local function co() fmt() return coroutine.wrap(co)() end\n'
                       'print(pcall(co))',
    # table.sort's comparator sorting again
    "sort": FMT + 'local function lt(a, b) fmt() table.sort({3, 2, 1}, lt) return a < b end\n'
                  'print(pcall(table.sort, {2, 1}, lt))',
    # the levels above mixed, one after another
    "mixed": FMT + 'local depth = 0\n'
                   'local step\n'
                   'local mt = {__tostring = function() return step() end}\n'
                   'function step()\n'
                   '  depth = depth + 1 fmt()\n'
                   '  local k = depth % 5\n'
                   '  if k == 0 then return (string.gsub("x", ".", step))\n'
                   '  elseif k == 1 then return string.format("%s", setmetatable({}, mt))\n'
                   '  elseif k == 2 then local ok, e = pcall(step) error(e, 0)\n'
                   '  elseif k == 3 then return coroutine.wrap(step)()\n'
                   '  else table.sort({2, 1}, function(a, b) step() return a < b end) return "" end\n'
                   'end\n'
                   'print(pcall(step))',
}

# What each case must print: the Lua error it meets at the limit.
EXPECTED = {
    "gsub": r"^false\t.*(stack overflow|C stack overflow)",
    "format": r"^false\t.*stack overflow",
    "pcall": r"^false\t.*stack overflow.*\t\d+\n$",
    "xpcall": r"^(true\t)*false\t.*(stack overflow|error in error handling)\n$",
    "load_parens": r"^nil\t.*(too many|overflow)",
    "load_tables": r"^nil\t.*(too many|overflow)",
    "load_funcs": r"^nil\t.*(too many|overflow)",
    "load_reader": r"^true\tnil\t.*stack overflow",
    "coroutine": r"^false\t.*stack overflow",
    "sort": r"^false\t.*stack overflow",
    "mixed": r"^false\t.*(stack overflow|error in error handling)",
}


# The shell stack's high-water mark of each case, in the order run.
HIGH_WATER = []


@pytest.fixture(scope="module", params=["bounce", "shared"])
def shell(request):
    """One boot per layout: the stacks are mapped differently in each."""
    iso = ISOS[request.param]
    if not iso.exists():
        pytest.fail(f"{iso.relative_to(ROOT)} is missing: run `make isos`")
    OUT.mkdir(parents=True, exist_ok=True)
    HIGH_WATER.clear()
    with Bochs(iso, log=OUT / f"{request.param}.bxlog", timeout=3600) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.layout = request.param
        sh.wait_prompt()
        yield sh


def run_ok(sh, source):
    out, err = sh.run(source)
    assert err is None, f"{err}\n{out}"
    return out


def assert_alive(sh):
    """A process spawns and exits 0, and the canary copies are intact."""
    out = run_ok(sh, 'local pid = k.proc.spawn("hello")\n'
                     'local status = k.proc.wait(pid)\n'
                     'print("STATUS", status, "CANARY", k.canary())')
    assert "STATUS\t0\tCANARY\ttrue" in out, out


def test_issue_reproducer(shell):
    out = run_ok(shell, REPRO)
    assert out.startswith("true\t\n") or out.startswith("true\t"), out
    assert_alive(shell)


def test_print_of_a_float(shell):
    """Printing one float from the prompt already needed more than the old
    8 KiB stack."""
    run_ok(shell, "k.shell.stack(true)")
    assert run_ok(shell, "print(1.5, 1e308, string.format('%99.99f', 1e308):sub(1, 12))") == \
        "1.5\t1e+308\t100000000000\n"
    used, size = stack_use(shell, "k.shell.stack()")
    (OUT / f"print_float_{shell.layout}.txt").write_text(f"print(1.5) and friends: {used} bytes of stack\n")
    assert used > 8192
    assert_alive(shell)


# User programs whose system calls and faults exercise the kernel stacks.
PROGRAMS = ["t_bad_pointers", "t_fork_cow", "t_threads", "t_window_pair", "t_4gb_edges"]


def stack_use(sh, what):
    used, size = (int(x) for x in sh.eval(what).split("\t"))
    return used, size


@pytest.mark.parametrize("case", list(CASES))
def test_deep_case(shell, case):
    run_ok(shell, "k.shell.stack(true)")
    out = run_ok(shell, CASES[case])
    assert re.search(EXPECTED[case], out, re.S), out
    assert_alive(shell)
    HIGH_WATER.append((case, stack_use(shell, "k.shell.stack()")[0]))


def test_the_shell_stack_high_water_mark(shell):
    """Measured after every deep case ran: the peak must leave a margin."""
    used, size = stack_use(shell, "k.shell.stack()")
    used = max(mark for case, mark in HIGH_WATER)
    lines = [f"shell kernel stack: {used} of {size} bytes used; high-water of each case:"]
    lines += [f"  {case}: {mark}" for case, mark in HIGH_WATER]
    (OUT / f"shell_stack_{shell.layout}.txt").write_text("\n".join(lines) + "\n")
    assert 0 < used <= size * 3 // 4, (used, size)


@pytest.mark.parametrize("program", PROGRAMS)
def test_programs_pass(shell, program):
    out = run_ok(shell, f'local r = k.test.run("{program}") print("RESULT", r.status, r.failed, r.passed)')
    m = re.search(r"RESULT\t0\t0\t(\d+)", out)
    assert m and (int(m.group(1)) > 0 or "# SKIP shared layout" in out), out[-2000:]


def test_a_window_on_the_stack_area(shell):
    """The crossing borrows the kernel's entry for W's 4 MiB region: a
    window in the stack area's region must leave the stacks alone."""
    m = re.search(rb"copy slot (0x[0-9a-f]+)", shell.vm.output)
    area = int(m.group(1), 16) + (4 << 20)  # docs/memory.md: the stacks follow the slot
    out = run_ok(shell, f'local pid = k.proc.spawn("t_window_spots", "{area:#x}", "{area + 0x3FF000:#x}")\n'
                        'local status = k.proc.wait(pid)\n'
                        'print("STATUS", status)')
    assert "STATUS\t0" in out, out[-2000:]
    if shell.layout == "bounce":
        assert f"window moved to {area:#x} (reports {area:#x})" in out, out[-2000:]
    assert_alive(shell)


def test_the_process_stack_high_water_mark(shell):
    """Measured after the programs above ran (system calls, faults, forks,
    threads, window moves and bad pointers)."""
    peak, size = stack_use(shell, "k.proc.kstack()")
    (OUT / f"process_stack_{shell.layout}.txt").write_text(f"user threads' kernel stacks: peak {peak} of {size} bytes\n")
    assert 0 < peak <= size * 3 // 4, (peak, size)


def symbol(name):
    out = subprocess.run(["nm", str(pathlib.Path(kernel_build()) / "kernel" / "bounce.elf")], capture_output=True,
                         text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) \w {name}$", out, re.M)
    return int(m.group(1), 16)


def test_the_boot_stack_high_water_mark(shell):
    """The boot stack (kernel/boot.S, zeroed .bss, 1:1) carries kmain and
    then the scheduler and the interrupts that arrive while it idles: code
    of fixed depth. Its deepest point after all of the above, read from
    the shell through the 1:1 map, must leave a margin."""
    lo, hi = symbol("boot_stack"), symbol("boot_stack_top")
    used = int(shell.eval(f"(function() local a = {lo:#x} while a < {hi:#x} and k.mm.physread32(a) == 0 do "
                          f"a = a + 4 end return {hi:#x} - a end)()"))
    (OUT / f"boot_stack_{shell.layout}.txt").write_text(f"boot stack: {used} of {hi - lo} bytes used\n")
    assert 0 < used <= (hi - lo) * 3 // 4, (used, hi - lo)


@pytest.mark.parametrize("layout, after_a_process", [
    ("bounce", False),
    ("shared", False),
    ("shared", True),
    # The double fault's task switch saves the old state into the TSS that
    # TR names: in kernel mode that is the kernel's own (docs/window.md),
    # even after a process has run.
    ("bounce", True),
])
def test_a_kernel_stack_overflow_is_reported(layout, after_a_process):
    """The guard below the shell's stack, fired on purpose."""
    OUT.mkdir(parents=True, exist_ok=True)
    with Bochs(ISOS[layout], log=OUT / f"overflow_{layout}.bxlog", timeout=600) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        if after_a_process:
            assert_alive(sh)
        vm.send(b"k.shell.overflow()\n")
        status = vm.wait(300)
        text = vm.output.decode(errors="replace")
    assert status == PANIC_EXIT_STATUS, text[-2000:]
    assert re.search(r"kernel stack overflow in thread shell \(pid \d+\): 0x[0-9a-f]{8} is in the guard", text), \
        text[-2000:]
