"""Descriptors and messages from the shell (docs/capabilities.md,
docs/ipc.md): t_cap and t_ipc pass in both layouts, every page they used
comes back, k.cap shows a process's table, and k.ipc shows a message
queued while its receiver sleeps, which dies with it.

One boot of each layout's ISO in the instrumented Bochs serves its tests.
"""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.events import read_events  # noqa: E402
from shell.client import Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402

OUT = ROOT / "out" / "test_cap"
TIMEOUT = 300

# R prints a row; free() the buddy allocator's free pages; after(n, done)
# spins until n ticks passed or done() holds.
HELPERS = """
function R(...) print('=>', ...) end
function free() return k.buddy.info().free_pages end
function after(n, done)
  local t0 = k.stats().ticks
  while k.stats().ticks - t0 < n and not (done and done()) do end
  return k.stats().ticks - t0
end
function alive(pid)
  for _, p in ipairs(k.proc.list()) do if p.pid == pid then return p.state end end
end
"""


def results(sh, source):
    out, err = sh.run(source, timeout=TIMEOUT)
    assert err is None, f"{err}\n{out}"
    return [l.split("\t")[1:] for l in out.splitlines() if l.startswith("=>\t")]


@pytest.fixture(scope="module", params=["bounce", "shared"])
def shell(request):
    iso = ROOT / "build" / ("bounce.iso" if request.param == "bounce" else "bounce-shared.iso")
    if not iso.exists():
        pytest.fail(f"{iso.relative_to(ROOT)} is missing: run `make isos`")
    OUT.mkdir(parents=True, exist_ok=True)
    with Bochs(iso, log=OUT / f"{request.param}.bxlog", timeout=1800) as vm:
        sh = Shell(vm, timeout=TIMEOUT)
        sh.wait_prompt()
        out, err = sh.run(HELPERS)
        assert err is None, err
        yield sh


@pytest.mark.parametrize("program", ["t_cap", "t_ipc"])
def test_program_passes_and_every_page_comes_back(shell, program):
    [[passed, failed, status, before, after, text]] = results(
        shell, f"local before = free() local r = k.test.run('{program}') "
               "R(r.passed, r.failed, r.status, before, free(), (r.output:gsub('\\n', '\\\\n')))")
    lines = text.split("\\n")
    plan = next(l for l in lines if l.startswith("1.."))
    assert failed == "0", "\n".join(lines)
    assert int(passed) == int(plan[3:]) > 0
    assert status == "0"
    assert after == before, f"{int(before) - int(after)} pages did not come back"


def test_cap_list_shows_the_spawn_quota(shell):
    rows = results(shell, """
        local pid = k.proc.spawn('nap', '200')
        for _, c in ipairs(k.cap.list(pid)) do R(c.fd, c.type, c.count, c.pages) end
        local i = k.cap.info(pid, 0) R('info', i.type, i.count)
        R('missing', k.cap.info(pid, 5))
        k.proc.kill(pid) k.proc.wait(pid)
        R('gone', k.cap.list(pid))""")
    assert rows[0] == ["0", "quota", "1024", "0"]
    assert rows[1] == ["info", "quota", "1024"]
    assert rows[2] == ["missing", "nil", "no such descriptor"]
    assert rows[3][0:2] == ["gone", "nil"]
    out, err = shell.run("k.cap.list('x')")
    assert err is not None and "number expected" in err


def test_queued_message_is_visible_and_dies_with_its_receiver(shell):
    """ipc_hold queues two messages, each moving a memory block, to an
    endpoint only it can receive from, and sleeps: k.ipc shows them; killed,
    it takes the queue with it and every page comes back."""
    rows = results(shell, """
        local before = free()
        local pid = k.proc.spawn('ipc_hold')
        local ep
        after(300, function()
          for _, e in ipairs(k.ipc.endpoints()) do if e.owner == pid and e.queued == 2 then ep = e end end
          return ep
        end)
        R('ep', ep.queued, ep.waiting, ep.receivers)
        for _, m in ipairs(k.ipc.queue(ep.id)) do R('msg', m.from == pid, m.tag, m.caps, m.call) end
        local types = {}
        for _, c in ipairs(k.cap.list(pid)) do types[#types + 1] = c.type end
        R('caps', table.concat(types, ','))
        k.proc.kill(pid) k.proc.wait(pid)
        R('after', k.ipc.queue(ep.id))
        R('pages', before - free())""")
    assert rows[0] == ["ep", "2", "0", "1"]
    assert rows[1] == ["msg", "true", "1", "1", "false"]
    assert rows[2] == ["msg", "true", "2", "1", "false"]
    assert rows[3] == ["caps", "quota,slab,endpoint"]
    assert rows[4] == ["after", "nil", "no such endpoint"]
    assert rows[5] == ["pages", "0"]


def test_memory_server_hands_out_blocks_that_clients_pass_on(shell):
    [[status, pages, out]] = results(shell, """
        local before = free()
        local status, out = k.proc.wait(k.proc.spawn('memserver'))
        R(status, before - free(), (out:gsub('\\n', '|')))""")
    assert status == "0", out
    assert "client A status 0, client B status 0" in out
    assert pages == "0"


def test_ipc_tour(shell):
    out, err = shell.run('dofile("ipc_tour.lua")', timeout=TIMEOUT)
    assert err is None, f"{err}\n{out}"
    assert "1 queued, 2 receivers, 0 asleep in receive" in out  # sender and receiver both may receive
    assert "tag 42" in out and 'tag 42 "hello through the kernel\'s queue"' in out
    assert "exited with status 0" in out

def test_queueing_and_delivery_are_announced(shell, request):
    """Last in the file: ends this boot, then reads its event log.  Every
    message t_ipc queued was announced with an id; every
    delivery names a queued id and comes after its queueing; and no
    isolation invariant broke (no FLAG) during any of it."""
    layout = request.node.callspec.params["shell"]
    assert results(shell, "R(k.test.run('t_ipc').failed)") == [["0"]]
    shell.vm.send(b"k.exit(0)\n")
    assert shell.vm.wait(60) == 0
    queued, delivered, flags = {}, {}, []
    for ev in read_events(OUT / f"{layout}.bxlog"):
        if ev.kind == "FLAG":
            flags.append(ev)
        elif ev.kind == "NOTE" and ev.fields.get("what") == "ipc_queue":
            queued[ev.fields["id"]] = ev.icount
        elif ev.kind == "NOTE" and ev.fields.get("what") == "ipc_deliver":
            delivered[ev.fields["id"]] = ev.icount
    assert len(queued) >= 30 and len(delivered) >= 30, (len(queued), len(delivered))
    # replies are delivered without being queued on an endpoint
    for mid, at in delivered.items():
        if mid in queued:
            assert queued[mid] < at
    assert sum(1 for m in delivered if m in queued) >= 20
    assert not flags, flags[:5]
