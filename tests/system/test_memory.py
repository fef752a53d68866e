"""Memory and process robustness, from the shell (docs/memory.md,
docs/syscalls.md): setmap keeps frame references consistent, kill ends a
process blocked in wait, and the TAP programs for copyinstr, fork of
aliases and the wait/unmap race pass.

One boot of the real ISO in the instrumented Bochs serves every test.
"""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import booted_shell  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_memory"
TIMEOUT = 300

# Lua helpers: R prints a row; state(pid) is a process's state or nil;
# after(n, done) spins until n ticks passed or done() holds, and returns
# the ticks it took.
HELPERS = """
function R(...) print('=>', ...) end
function state(pid)
  for _, p in ipairs(k.proc.list()) do if p.pid == pid then return p.state end end
end
function after(n, done)
  local t0 = k.stats().ticks
  while k.stats().ticks - t0 < n and not (done and done()) do end
  return k.stats().ticks - t0
end
"""


def results(sh, source):
    out, err = sh.run(source, timeout=TIMEOUT)
    assert err is None, f"{err}\n{out}"
    return [l.split("\t")[1:] for l in out.splitlines() if l.startswith("=>\t")]


@pytest.fixture(scope="module")
def shell():
    with booted_shell(ISO, OUT / "memory.bxlog", TIMEOUT) as sh:
        sh.run_ok(HELPERS)
        yield sh


@pytest.fixture(scope="module")
def waiter(shell):
    """wait_child, asleep in wait() for its own child that never ends:
    (its pid, the child's pid).  Both share their pages copy-on-write."""
    [[pid, child]] = results(shell, """
        waiter = k.proc.spawn('wait_child')
        local child
        after(200, function()
          for _, p in ipairs(k.proc.list()) do
            if p.name == 'wait_child' and p.pid ~= waiter then child = p.pid end
          end
          return child and state(waiter) == 'sleeping'
        end)
        R(waiter, child)""")
    return int(pid), int(child)


def test_setmap_cannot_clear_u(shell, waiter):
    pid, _ = waiter
    out, err = shell.run(f"k.mm.setmap(0xFFFF0000, 0xFFFF0000, {{clr = {{'U'}}}}, {pid})")
    assert err is not None and "U cannot be cleared" in err
    assert shell.eval(f"k.mm.walk(0xFFFF0000, {pid}).user") == "true"


def test_setmap_refuses_w_changes_on_shared_frames(shell, waiter):
    pid, child = waiter
    # Shared with the child since the fork: the first text page (read-only)
    # and the bottom stack page (untouched, so still copy-on-write).
    rows = results(shell, f"""
        local text, stack = 0x40000000, 0xFFFF0000
        local function w(va, p) return k.mm.walk(va, p).writable end
        R(k.mm.setmap(text, text, {{set = {{'W'}}}}, {pid}))
        R(w(text, {pid}), w(text, {child}))
        R(k.mm.setmap(stack, stack, {{clr = {{'W'}}}}, {pid}))
        R(k.mm.setmap(stack, stack, {{set = {{'W'}}}}, {pid}))
        R(w(stack, {pid}), w(stack, {child}))""")
    assert rows[0] == ["0", "1"]            # read-only and shared: refused
    assert rows[1] == ["false", "false"]
    assert rows[2] == ["0", "1"]            # copy-on-write counts as writable: refused
    assert rows[3] == ["1", "0"]            # already writable (copy-on-write): no change
    assert rows[4] == ["false", "false"]    # still copy-on-write in both


def test_kill_ends_a_process_blocked_in_wait(shell, waiter):
    pid, child = waiter
    [[before, took, after_kill, status]] = results(shell, f"""
        local before = state({pid})
        k.proc.kill({pid})
        local took = after(50, function() return state({pid}) == 'zombie' end)
        local st = state({pid})
        R(before, took, st, st == 'zombie' and (k.proc.wait({pid})) or 'not waited')
        k.proc.kill({child})""")
    assert before == "sleeping"
    assert after_kill == "zombie", f"still {after_kill} {took} ticks after the kill"
    assert int(took) <= 3
    assert int(status) & 0x100          # WAIT_KILLED (kernel/abi.h)
    # The orphaned child dies too, and nobody is left asleep.
    assert results(shell, f"after(50, function() return not state({child}) end) "
                          f"R(state({child}) or 'gone')") == [["gone"]]


@pytest.mark.parametrize("program", ["t_copyinstr", "t_fork_alias", "t_wait_race"])
def test_program_passes(shell, program):
    [[passed, failed, status, text]] = results(
        shell, f"local r = k.test.run('{program}') "
               "R(r.passed, r.failed, r.status, (r.output:gsub('\\n', '\\\\n')))")
    lines = text.split("\\n")
    plan = next(l for l in lines if l.startswith("1.."))
    assert failed == "0", "\n".join(lines)
    assert int(passed) == int(plan[3:]) > 0
    assert status == "0"
