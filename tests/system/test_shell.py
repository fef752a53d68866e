"""The kernel's Lua shell, driven over COM1 in the instrumented Bochs.

Expected values come from elsewhere, never from this file: number
formatting and arithmetic from the host's lua5.4 run on the same source,
k.cpu and k.window from the instrumentation log and the kernel's own
announcements, k.mm from cross-checks between its functions and the
walker, k.proc from the programs in user/bin and their output.

One boot (`shell`) serves most tests, in order; tests that need the
complete event log boot their own and end it with k.exit.
"""
import pathlib
import re
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import number, read_events  # noqa: E402
from shell.client import TRAILER, Shell, booted_shell, encode_frame  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_shell"
HOST_LUA = "lua5.4"
TIMEOUT = 300
PROGRAMS = sorted(p.stem for p in (ROOT / "user" / "bin").glob("*.c"))


def host_lua(source):
    """stdout of the host's lua5.4 running source."""
    r = subprocess.run([HOST_LUA, "-"], input=source.encode(), capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode("utf-8", errors="replace")


def kernel_lua(sh, source):
    out, err = sh.run(source, timeout=TIMEOUT)
    assert err is None, f"{err}\n{out}"
    return out


def results(sh, source):
    """Run source in the kernel; the rows it printed with R(...), as lists
    of strings (user processes print on the same console)."""
    out = kernel_lua(sh, source)
    return [l.split("\t")[1:] for l in out.splitlines() if l.startswith("=>\t")]


@pytest.fixture(scope="module")
def shell():
    with booted_shell(ISO, OUT / "shell.bxlog", TIMEOUT) as sh:
        sh.run_ok("function R(...) print('=>', ...) end")
        yield sh


# -- numbers: parity with the host's lua5.4 ----------------------------------------

ARITHMETIC = [
    "0.1 + 0.2", "1 / 3", "2 ^ 0.5", "math.pi", "math.sqrt(2)", "math.sin(1)", "math.cos(0.5)",
    "math.tan(1)", "math.exp(1)", "math.log(10)", "math.log(8, 2)", "math.log(100, 10)",
    "math.atan(1, 2)", "math.asin(0.5)", "math.acos(0.5)", "math.fmod(7.5, 2)", "math.fmod(-7, 3)",
    "1e308 * 10", "-1e308 * 10", "0 / 0", "-(0 / 0)", "7 // 2", "7.0 // 2", "-7 // 2", "7 % 3",
    "-7 % 3", "7.5 % 2", "-7.5 % 2", "2 ^ 53", "2 ^ 63", "2 ^ -1074", "2 ^ -21", "math.maxinteger + 0.0",
    "math.mininteger", "math.maxinteger + 1", "1e15", "1e16", "123456789012345678", "3 | 5",
    "0xff ~ 0x0f", "1 << 63", "-1 >> 1", "math.floor(-3.5)", "math.ceil(-3.5)", "math.abs(-0.0)",
    "math.ult(1, -1)", "math.tointeger(3.0)", "3 == 3.0", "math.type(1), math.type(1.0)",
    "1e300 * 1e10 == math.huge", "(2^53 + 1) - 2^53", "100000000000000", "1e100", "-0.0",
    "string.rep('x', 3, ',')", "#'caf\\u{e9}'", "utf8.len('caf\\u{e9}')", "utf8.char(72, 228, 8364)",
]


def test_float_arithmetic_matches_host(shell):
    source = "".join(f"print({e})\n" for e in ARITHMETIC)
    want = host_lua(source).splitlines()
    got = kernel_lua(shell, source).splitlines()
    assert len(got) == len(want)
    for expr, g, w in zip(ARITHMETIC, got, want):
        assert g == w, expr


FORMATS = ["%.14g", "%.17g", "%g", "%G", "%e", "%.3e", "%E", "%f", "%.0f", "%.1f", "%.2f", "%.20f",
           "%10.3f", "%-10.3f|", "%+.1f", "% g", "%#g", "%#.0f", "%.99f", "%5.1e", "%010.2f",
           "%a", "%A", "%.3a", "%d", "%5d", "%-5d|", "%+d", "%x", "%X", "%#x", "%o", "%i",
           "%c", "%s", "%10s", "%-10s|", "%.3s", "%q", "%5.1s|"]
VALUES = ["0", "-0.0", "1", "0.1", "1/3", "2.5", "0.125", "-2.5", "2^-21", "2^-1074", "2^-1022",
          "1e15", "1e16", "1e17", "1e21", "1e100", "1e300", "1.7976931348623157e308", "123.456",
          "-123456789", "1/0", "-1/0", "0/0", "-(0/0)", "65", "255", "3.0",
          "math.maxinteger", "math.mininteger", "'text'", "'caf\\u{e9}'", "'a\\0b\\n'"]


# musl's printf writes a subnormal's %a normalised ("0x1p-1074"), glibc's
# denormalised ("0x0.0000000000001p-1022"): both exact, but not equal.
KNOWN_DIFFERENCES = {(f, VALUES.index("2^-1074") + 1) for f in ("%a", "%A", "%.3a", "%q")}


def test_string_format_matches_host(shell):
    # Each cell prints the result or the error, so both sides must agree on
    # which combinations are errors too.
    source = (
        "local formats = {" + ",".join(f"{f!r}" for f in FORMATS) + "}\n"
        "local values = {" + ",".join(VALUES) + "}\n"
        "for _, f in ipairs(formats) do\n"
        "  for i = 1, #values do\n"
        "    local ok, s = pcall(string.format, f, values[i])\n"
        "    print(f, i, ok, s)\n"
        "  end\n"
        "end\n")
    want = host_lua(source).splitlines()
    got = kernel_lua(shell, source).splitlines()
    assert len(want) >= len(FORMATS) * len(VALUES)    # %q may add lines
    assert len(got) == len(want)
    def known(line):
        f, i = line.split("\t")[:2]
        return (f, int(i)) in KNOWN_DIFFERENCES
    mismatches = [(g, w) for g, w in zip(got, want) if g != w and not known(w)]
    assert not mismatches, mismatches[:10]


NUMERALS = ["0x10", "1e2", " 12 ", "0x1p4", "0x.8", "1e", "inf", "nan", "0x", "1.5e300", "-0",
            ".5", "5.", "1e500", "-1e500", "9007199254740993", "0x7fffffffffffffff",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0xffffffffffffffff",
            "1e-400", "  0x1P-1074  ", "2.2250738585072014e-308", "4.9e-324", "12abc", "",
            "0.1e1", "1E+2", "0X1A", "3.14159265358979323846264338327950288"]


def test_tostring_tonumber_match_host(shell):
    source = (
        "local ns = {" + ",".join(f"'{n}'" for n in NUMERALS) + "}\n"
        "for _, s in ipairs(ns) do\n"
        "  local v = tonumber(s)\n"
        "  print(string.format('%q', s), v, math.type(v), tostring(v), v and v // 1)\n"
        "end\n"
        "for _, b in ipairs({2, 8, 16, 36}) do print(tonumber('7fz', b), tonumber('zz', b)) end\n"
        "print(tostring(2^63), tostring(-2^63), math.tointeger(2^53), 2^63 == math.mininteger)\n")
    assert kernel_lua(shell, source) == host_lua(source)


# -- the REPL ----------------------------------------------------------------------

def test_expressions_print_and_statements_do_not(shell):
    assert shell.line("1 + 1") == host_lua("print(1 + 1)")
    assert shell.line("'a', 2, nil, 4.5") == host_lua("print('a', 2, nil, 4.5)")
    assert shell.line("x = 42") == ""
    assert shell.line("=x") == host_lua("print(42)")


def test_multiline_chunk_continues_until_complete(shell):
    assert shell.line("for i = 1, 3 do") == ""
    assert shell.vm.output.endswith(b">> ")
    assert shell.line("  io.write(i, ' ')") == ""
    # The shell ends the unfinished output line before its prompt.
    assert shell.line("end") == host_lua("for i = 1, 3 do io.write(i, ' ') end") + "\n"


def test_line_editing_over_the_serial_line(shell):
    # "12", Left, "+", End, Backspace, "3": the line 1+3.
    shell.vm.send(b"12\x1b[D+\x1b[F\x7f3\n")
    out = shell.wait_prompt().decode()
    assert out.rstrip().endswith(host_lua("print(1+3)").strip())
    # Up recalls the previous line.
    shell.vm.send(b"\x1b[A\r")
    assert shell.wait_prompt().decode().rstrip().endswith("4")


def test_ctrl_c_at_the_prompt_cancels_the_line(shell):
    shell.vm.send(b"print('never run')")
    shell.vm.read_until(b"print('never run')", timeout=TIMEOUT)
    time.sleep(0.5)
    shell.interrupt()
    time.sleep(0.5)
    shell.vm.send(b"40 + 2\n")
    out = shell.wait_prompt().decode()          # the cancelled line's new prompt
    out += shell.wait_prompt().decode()
    assert "^C" in out and "42" in out and "never run\r\n" not in out.split("^C")[-1]


def test_errors_print_a_traceback_and_the_shell_lives_on(shell):
    out = shell.line("local function f() error('boom') end f()")
    assert "boom" in out and "stack traceback:" in out and "in local 'f'" in out
    out = shell.line("nil + 1")
    assert "attempt to perform arithmetic on a nil value" in out
    out = shell.line("error(setmetatable({}, {__tostring = function() return 'custom' end}))")
    assert "custom" in out
    assert shell.eval("6 * 7") == "42"


def test_frame_carries_any_byte(shell):
    payload = bytes(b for b in range(256) if b not in b"\r\n]")
    source = (b"local s = [==[" + payload + b"]==]\n"
              b"local sum = 0 for i = 1, #s do sum = sum + s:byte(i) * i end\n"
              b"print(#s, sum, s:byte(1), s:byte(4), s:byte(17))\n")
    out, err = shell.run(source)
    assert err is None
    r = subprocess.run([HOST_LUA, "-"], input=source, capture_output=True, timeout=60)
    assert out == r.stdout.decode()


def test_script_errors_are_reported_in_the_trailer(shell):
    out, err = shell.run("print('before')\nerror('scripted failure')\n")
    assert out.startswith("before\n") and "stack traceback:" in out
    assert err == "script:2: scripted failure"
    out, err = shell.run("this is not lua")
    assert err is not None and ("syntax error" in err or "expected" in err)
    assert shell.eval("'still here'") == "still here"


def test_require_and_dofile_load_scripts_from_the_iso(shell):
    scripts = sorted(p.name for p in (ROOT / "scripts" / "lua").glob("*.lua"))
    assert "walk.lua" in scripts
    assert shell.eval("type(require('walk'))") == "function"
    assert shell.eval("require('walk') == require('walk')") == "true"
    out, err = shell.run("dofile('no_such_file.lua')")
    assert "cannot open no_such_file.lua" in err
    assert shell.eval("select('#', loadfile('scripts/lua/walk.lua'))") == "1"


# -- limits: Ctrl-C, the instruction budget, the memory cap ------------------------

def run_until_interrupted(shell, source, marker):
    shell.vm.send(encode_frame(source.encode()))
    shell.vm.read_until(marker.encode(), timeout=TIMEOUT)
    time.sleep(0.5)
    shell.interrupt()
    out, m = shell._take_until(TRAILER, TIMEOUT)
    shell.wait_prompt()
    return m.group(2).decode() if m.group(2) else None


def test_ctrl_c_stops_a_runaway_chunk(shell):
    err = run_until_interrupted(shell, "print('spinning') while true do end", "spinning")
    assert err is not None and "interrupted" in err
    assert shell.eval("1 + 2") == "3"


def test_ctrl_c_stops_waiting_for_a_process(shell):
    err = run_until_interrupted(
        shell, "pid = k.proc.spawn('t_window_chase') print('waiting') k.proc.wait(pid)", "waiting")
    assert err is not None and "interrupted" in err
    # The chase runs on until it is killed, and what it prints may land
    # in this command's output: the status is the line marked "=>".
    out, err = shell.run("k.proc.kill(pid) print('=>', (k.proc.wait(pid)))")
    [status] = [l.split()[1] for l in out.splitlines() if l.startswith("=>")]
    assert err is None and int(status) & 0x100     # WAIT_KILLED (kernel/abi.h)
    assert shell.eval("(pcall(k.window.where, pid))") == "false"


def test_pcall_cannot_swallow_an_interrupt(shell):
    err = run_until_interrupted(
        shell, "print('catching') while true do pcall(function() while true do end end) end", "catching")
    assert err is not None and "interrupted" in err
    assert shell.eval("1 + 2") == "3"


def test_instruction_budget_stops_an_endless_loop(shell):
    old = int(shell.eval("k.shell.budget(2000000)"))
    try:
        out, err = shell.run("while true do end")
        assert "instruction budget exceeded" in err
        out, err = shell.run("local n = 0 while true do n = n + 1 pcall(error) end")
        assert "instruction budget exceeded" in err
        assert shell.eval("k.shell.budget()") == "2000000"
    finally:
        shell.run(f"k.shell.budget({old})")
    assert shell.eval("'alive'") == "alive"


def test_memory_cap_gives_not_enough_memory(shell):
    cap = 4 << 20
    old = int(shell.eval(f"k.shell.memcap({cap})"))
    try:
        out, err = shell.run("local t = {} while true do t[#t + 1] = ('x'):rep(1e4) end")
        assert err == "not enough memory"
        assert int(shell.eval("k.shell.memused()")) <= cap
        shell.run("collectgarbage()")
        assert int(shell.eval("k.shell.memused()")) < cap // 2
    finally:
        shell.run(f"k.shell.memcap({old})")
    assert shell.eval("#('y'):rep(1e5)") == "100000"


# -- the k library against kernel state --------------------------------------------

def test_k_stats_counts_move_forward(shell):
    before = shell.eval("(function(s) return s.ticks, s.entries, s.syscalls end)(k.stats())").split("\t")
    out = kernel_lua(shell, "local pid = k.proc.spawn('hello') print(k.proc.wait(pid))")
    after = shell.eval("(function(s) return s.ticks, s.entries, s.syscalls end)(k.stats())").split("\t")
    assert all(int(a) > int(b) for a, b in zip(after, before))
    assert shell.eval("k.stats().window_moves == k.window.moves()") == "true"
    keys = shell.eval("(function(t) local k = {} for n in pairs(t) do k[#k+1] = n end "
                      "table.sort(k) return table.concat(k, ' ') end)(k.stats())")
    assert keys == "cr3_loads entries page_faults pageins pageouts syscalls ticks window_moves"


def test_k_dmesg_holds_the_boot_messages(shell):
    dmesg = shell.eval("k.dmesg()")
    console = shell.vm.output.decode(errors="replace")
    first = dmesg.strip().splitlines()[0]
    assert first and first in console
    assert "memory:" in dmesg


def test_k_proc_programs_are_the_user_programs(shell):
    listed = shell.eval("table.concat(k.proc.programs(), ' ')").split()
    assert sorted(listed) == PROGRAMS


def test_k_proc_spawn_wait_captures_output_and_status(shell):
    [[pid, status, text]] = results(shell, "local pid = k.proc.spawn('hello') "
                                           "local status, text = k.proc.wait(pid) "
                                           "R(pid, status, (text:gsub('\\n', '|')))")
    assert status == "0"
    assert text == f"hello from pid {pid}|"


def test_k_proc_list_and_kill(shell):
    rows = results(shell, "pid = k.proc.spawn('t_window_chase') "
                          "for _, p in ipairs(k.proc.list()) do "
                          "  R(p.pid, p.name, p.state, p.window) end")
    mine = [r for r in rows if r[1] == "t_window_chase"]
    assert len(mine) == 1 and mine[0][2] == "runnable" and int(mine[0][3]) > 0
    assert any(r[1] == "shell" and r[3] == "nil" for r in rows)
    [[killed, status]] = results(shell, "local ok = k.proc.kill(pid) R(ok, (k.proc.wait(pid)))")
    assert killed == "true"
    assert int(status) & 0x100             # WAIT_KILLED (kernel/abi.h)


def test_k_test_run_counts_tap_lines(shell):
    name = "t_4gb_edges"
    [[passed, failed, status, text]] = results(
        shell, f"local r = k.test.run('{name}') "
               "R(r.passed, r.failed, r.status, (r.output:gsub('\\n', '\\\\n')))")
    lines = text.split("\\n")
    assert int(passed) == sum(l.startswith("ok ") for l in lines) > 0
    assert int(failed) == sum(l.startswith("not ok ") for l in lines)
    plan = next(l for l in lines if re.match(r"^1\.\.\d+$", l))
    assert int(plan[3:]) == int(passed) + int(failed)
    assert status == ("0" if failed == "0" else status)


def test_k_window_walk_of_the_window_matches_where(shell):
    [[va, wva, pa, info_pa, present, user, writable, pages, idt_off]] = results(shell, """
        local pid = k.proc.spawn('hello')
        local va = k.window.where(pid)
        local w = k.mm.walk(va, pid)
        local info = k.window.info(pid)
        R(va, w.va, w.pa, info.pa, w.present, w.user, w.writable, k.window.pages(), info.idt - va)
        k.proc.wait(pid)""")
    assert wva == va and pa == info_pa
    assert present == "true" and user == "false" and writable == "true"
    assert pages == "2" and idt_off == "0"  # K = 2: the data page at W (docs/window.md)


def test_k_window_move_moves_and_refuses_bad_places(shell):
    rows = results(shell, """
        local pid = k.proc.spawn('hello')
        local before = k.window.moves(pid)
        R(k.window.move(0x20000000, pid), k.window.where(pid), k.window.moves(pid) - before)
        R(k.window.move(0x20000001, pid))
        R(k.window.move(0x40000000, pid))
        R(k.mm.walk(0x20000000, pid).pa == k.window.info(pid).pa)
        k.proc.wait(pid)""")
    assert rows[0] == ["true", str(0x20000000), "1"]
    assert rows[1] == ["nil", "address is not page aligned"]
    assert rows[2] == ["nil", "a user page is mapped there"]    # hello's code is at 0x40000000
    assert rows[3] == ["true"]


def test_k_mm_reads_agree_with_each_other(shell):
    lines = results(shell, """
        local pa = k.buddy.alloc(4096)
        k.mm.physwrite32(pa, 0x12345678)
        k.mm.physwrite32(pa + 4, 0x9abcdef0)
        R(k.mm.physread32(pa), k.mm.read32(pa), k.mm.walk(pa).pa == pa)
        local bytes = k.mm.dumpmem(pa, 8, {phys = true})
        R(#bytes, string.unpack('<I4I4', bytes))
        k.mm.write32(pa, 7)
        R(k.mm.physread32(pa))
        k.buddy.free(pa)""")
    assert lines[0] == [str(0x12345678), str(0x12345678), "true"]
    assert lines[1][:3] == ["8", str(0x12345678), str(0x9abcdef0)]
    assert lines[2] == ["7"]


def test_k_mm_unmapped_memory_is_an_error_not_a_fault(shell):
    rows = results(shell, """
        R(k.mm.walk(0xFFC00000))
        R(pcall(k.mm.read32, 0xFFC00000))
        R(pcall(k.mm.dumpmem, 0xFFC00000, 16))
        local pid = k.proc.spawn('hello')
        R(pcall(k.mm.read32, 0x30000000, pid))
        R(k.mm.read32(0x40000000, pid) ~= nil)
        k.proc.wait(pid)""")
    assert rows[0] == ["nil", "not mapped"]
    for row in rows[1:4]:
        assert row[0] == "false" and "is not mapped" in row[1]
    assert rows[4] == ["true"]
    assert shell.eval("'alive'") == "alive"


def test_k_mm_showmaps_and_pageinfo_describe_a_process(shell):
    rows = results(shell, """
        local pid = k.proc.spawn('hello')
        local maps = k.mm.showmaps(0, 0xFFFFFFFF, pid)
        local win = k.window.where(pid)
        local pages = 0
        for _, r in ipairs(maps) do
          pages = pages + (r.hi - r.lo + 1) // 4096
          if r.lo <= win and win <= r.hi then R('window', r.pa, r.names) end
        end
        local info = k.mm.pageinfo(pid)
        R('pages', pages, info.pages_4k + 1024 * info.pages_4m)
        R('translation', info.translation_pages, 1 + info.pde_tables)
        R('cr3', info.pgdir == k.window.info(pid).cr3)
        k.proc.wait(pid)""")
    rows = {r[0]: r[1:] for r in rows}
    assert rows["window"][1].split()[:2] == ["P", "W"] and "U" not in rows["window"][1].split()
    assert rows["pages"][0] == rows["pages"][1]
    assert rows["translation"][0] == rows["translation"][1]
    assert rows["cr3"] == ["true"]


def test_k_mm_setmap_changes_user_page_flags(shell):
    rows = results(shell, """
        local pid = k.proc.spawn('hello')
        local function w(va) return k.mm.walk(va, pid).writable end
        local top = 0xFFFFF000            -- a stack page: user, writable
        R(w(top), k.mm.setmap(top, top, {clr = {'W'}}, pid), w(top))
        R(k.mm.setmap(top, top, {set = {'W'}}, pid), w(top))
        R(pcall(k.mm.setmap, top, top, {set = {'X'}}, pid))
        k.proc.wait(pid)""")
    assert rows[0] == ["true", "1", "false"]
    assert rows[1] == ["1", "true"]
    assert rows[2][0] == "false" and "unknown flag 'X'" in rows[2][1]


def test_k_buddy_split_and_coalesce(shell):
    lines = results(shell, """
        local pa = k.buddy.alloc(16384)
        R(pa % 16384, #k.buddy.info().blocks > 0)
        local parts = k.buddy.split(pa, 4)
        R(#parts, parts[1] == pa, parts[2] - parts[1], parts[4] - parts[1])
        R(k.buddy.coalesce({parts[1], parts[2]}) == pa)
        R(k.buddy.coalesce({parts[1], parts[3]}))
        local whole = k.buddy.coalesce({parts[3], parts[4]})
        R(k.buddy.coalesce({pa, whole}) == pa)
        k.buddy.free(pa)
        R(pcall(k.buddy.free, pa))""")
    assert lines[0] == ["0", "true"]
    assert lines[1] == ["4", "true", "4096", "12288"]
    assert lines[2] == ["true"]
    assert lines[3][0] == "nil"
    assert lines[4] == ["true"]
    assert lines[5][0] == "false" and "not the start of a live b_ block" in lines[5][1]


def test_teaching_globals_print_what_k_returns(shell):
    out = kernel_lua(shell, """
        local a, b = pageinfo(), k.mm.pageinfo()
        R(a.translation_pages == b.translation_pages, a.pages_4m == b.pages_4m)
        local bytes = dumpmem(0x100000, 20)
        R(bytes == k.mm.dumpmem(0x100000, 20))
        local pa = bmalloc(8192)
        local parts = bsplit(pa, 2)
        R(binfo().used_pages == k.buddy.info().used_pages, bcoalesce(parts) == pa)
        bfree(pa)
        help(pageinfo)""")
    rows = [l.split("\t")[1:] for l in out.splitlines() if l.startswith("=>\t")]
    assert rows == [["true", "true"], ["true"], ["true", "true"]]
    assert "pages are used for paging translation" in out
    assert re.search(r"^00100000 ( [0-9a-f]{2}){16}  ", out, re.M)
    assert re.search(r"^00100010 ( [0-9a-f]{2}){4}", out, re.M)
    assert re.search(r"^\s+block 0x[0-9a-f]{8} 4096 bytes$", out, re.M)
    assert "pageinfo([pid]) -> " in out


BAD_ARGUMENTS = [
    ("k.mm.walk('x')", "number expected"),
    ("k.mm.walk(-1)", "out of range"),
    ("k.mm.walk(2^32)", "out of range"),
    ("k.mm.read32(0x1002)", "not 4-byte aligned"),
    ("k.mm.walk(0, 999)", "no process with pid 999"),
    ("k.mm.walk(0, 1)", "kernel thread"),
    ("k.mm.physread32(0xFFFFFFF0)", "outside the RAM"),
    ("k.mm.dumpmem(0, 0)", "length must be"),
    ("k.mm.dumpmem(0x100000, 16, {phys = true, pid = 1})", "kernel thread"),
    ("k.mm.setmap(0x1000, 0x2000, {})", "a pid"),
    ("k.mm.showmaps(2, 1)", "hi must not be below lo"),
    ("k.window.move('here')", "number expected"),
    ("k.proc.spawn('no_such_program')", "no program 'no_such_program'"),
    ("k.proc.spawn('walk.lua')", "no program 'walk.lua'"),
    ("k.proc.wait(999)", "no process with pid 999"),
    ("k.proc.kill(1)", "not a user process"),
    ("k.buddy.alloc(0)", "size must be"),
    ("k.buddy.split(0x1000, 3)", "power of two"),
    ("k.buddy.coalesce({1})", "list of 2"),
    ("k.mark('two\\nlines')", "single line"),
    ("k.exit(300)", "0..255"),
    ("k.shell.memcap(10)", "64 KiB"),
    ("help(print)", "not a function of the k library"),
]


@pytest.mark.parametrize("call,message", BAD_ARGUMENTS)
def test_bad_arguments_give_clear_errors(shell, call, message):
    out, err = shell.run(call)
    assert err is not None and message in err, (call, err)


def test_help_lists_every_k_function(shell):
    listing = shell.line("help()")
    names = shell.eval("""(function()
        local all = {}
        for part, t in pairs(k) do
          if type(t) == 'table' then for n in pairs(t) do all[#all+1] = 'k.' .. part .. '.' .. n end
          else all[#all+1] = 'k.' .. part end
        end
        table.sort(all) return table.concat(all, ' ') end)()""").split()
    assert len(names) > 30
    for name in names:
        assert re.search(r"^" + re.escape(name) + r"\(", listing, re.M) or \
            (name == "k.help" and "help([f])" in listing), name
    usage = shell.line("help(k.mm.walk)")
    assert usage.startswith("k.mm.walk(va [, pid])")


# -- against the event log (own boot, ended by k.exit) ----------------------------

@pytest.fixture(scope="module")
def probe():
    """Values the shell reports, and the complete event log of that boot."""
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "probe.bxlog"
    with Bochs(ISO, log=log, timeout=TIMEOUT) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        values = {}
        for name in ("idtr", "gdtr", "tr"):
            values[name] = [int(v) for v in sh.eval(f"k.cpu.{name}()").split("\t")]
        for name in ("cr0", "cr3", "cr4"):
            values[name] = int(sh.eval(f"k.cpu.{name}()"))
        sh.run("k.mark('shell probe: hello there')")
        vm.send(b"k.exit(0)\n")
        status = vm.wait(TIMEOUT)
    return values, list(read_events(log)), status


def test_k_cpu_matches_the_instrumentation_log(probe):
    values, events, _ = probe
    kernel = next(e.fields for e in events if e.kind == "NOTE" and e.fields["what"] == "kernel")
    assert values["cr3"] == number(kernel["cr3"])
    assert values["idtr"][0] == number(kernel["idt"])
    assert values["gdtr"][0] == number(kernel["gdt"])
    lidt = [e.fields for e in events if e.kind == "LIDT" and number(e.fields["new_base"]) == values["idtr"][0]]
    assert lidt and number(lidt[0]["new_limit"]) == values["idtr"][1]
    lgdt = [e.fields for e in events if e.kind == "LGDT" and number(e.fields["new_base"]) == values["gdtr"][0]]
    assert lgdt and number(lgdt[0]["new_limit"]) == values["gdtr"][1]
    ltr = [e.fields for e in events if e.kind == "LTR" and number(e.fields["new"]) == values["tr"][0]]
    assert ltr and number(ltr[0]["base"]) == values["tr"][1]
    cr3 = [e.fields for e in events if e.kind == "CR3" and number(e.fields["new"]) == values["cr3"]]
    assert cr3
    assert values["cr0"] & 0x80000001 == 0x80000001     # PG and PE: paging is on
    assert values["cr0"] & 0x4 == 0                      # EM clear: the FPU serves Lua's floats
    assert values["cr0"] & 0x60000000 == 0               # CD and NW clear: caches on (the BIOS left them off)


def test_k_mark_and_k_exit_reach_the_log(probe):
    _, events, status = probe
    assert any(e.kind == "MARK" and e.fields["label"] == "shell probe: hello there" for e in events)
    exits = [e for e in events if e.kind == "EXIT"]
    assert len(exits) == 1 and number(exits[0].fields["status"]) == 0
    assert status == 0


# -- make script ----------------------------------------------------------------------

def make_script(path, tmp_path):
    log = tmp_path / (pathlib.Path(path).stem + ".bxlog")
    r = subprocess.run([sys.executable, str(ROOT / "shell" / "client.py"), "script", str(path),
                        "--iso", str(ISO), "--log", str(log)],
                       capture_output=True, timeout=TIMEOUT, cwd=ROOT)
    return r.returncode, r.stdout.decode(), log


@pytest.mark.parametrize("source,status", [
    ("print('fine')", 0),
    ("error('not fine')", 1),
    ("print('leaving') k.exit(5)", 5),
])
def test_make_script_exit_status(tmp_path, source, status):
    script = tmp_path / "s.lua"
    script.write_text(source + "\n")
    code, out, _ = make_script(script, tmp_path)
    assert code == status, out


def test_window_tour_shows_one_idtr_per_stop(tmp_path):
    code, out, log = make_script(ROOT / "scripts" / "lua" / "window_tour.lua", tmp_path)
    assert code == 0, out
    events = list(read_events(log))
    kernel_idt = number(next(e.fields["idt"] for e in events
                             if e.kind == "NOTE" and e.fields["what"] == "kernel"))
    stops, current = [], None
    for e in events:
        if e.kind == "MARK" and e.fields["label"].startswith("tour "):
            label = e.fields["label"]
            current = None
            if label.startswith("tour stop "):
                va = number(re.search(r"va=(\S+)", label).group(1))
                current = (va, set())
                stops.append(current)
        elif e.kind == "LIDT" and current is not None:
            base = number(e.fields["new_base"])
            if base != kernel_idt:
                current[1].add(base)
    assert len(stops) >= 5
    for va, bases in stops:
        assert bases == {va}, (hex(va), [hex(b) for b in bases])
    printed = [l.split()[1] for l in out.splitlines() if re.match(r"^\d+\s+0x", l)]
    assert printed == [f"0x{va:08x}" for va, _ in stops]
