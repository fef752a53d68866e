"""Type-ahead and asynchronous output on the console (docs/console.md).

Bytes typed at any moment -- before the kernel runs, during boot, while a
chunk runs, while a process prints -- reach the shell in order; and a
process's output arriving while a line is being edited is followed by the
prompt and that line again (docs/shell.md).

Under QEMU too: there the first byte typed before boot used to be lost
(turning the UART's FIFOs on cleared the byte waiting in it).

Each line typed computes what it prints ("A" .. 1 -> A1), so its echo is
never mistaken for its answer.
"""
import importlib.util
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import Shell, clean  # noqa: E402
from shell.runner import Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
OUT = ROOT / "out" / "test_typeahead"
TIMEOUT = 120


def typed(tag):
    """A line that prints tag (e.g. "A1") without containing it."""
    return f"print('{tag[0]}' .. {tag[1:]})\n".encode()


def answers(vm, tags, timeout=TIMEOUT):
    """Wait until every tag has been printed on a line of its own; return
    them in the order they appeared."""
    pattern = re.compile(b"".join(rb"(?:.|\n)*?\n" + t.encode() + rb"\r?\n" for t in tags))
    for t in tags:      # one at a time, so a lost line fails with its name
        vm.read_until(re.compile(rb"\n" + t.encode() + rb"\r?\n"), timeout)
    out = clean(vm.output)
    found = [l for l in out.splitlines() if l in tags]
    assert pattern.search(vm.output), f"answers out of order: {found}"
    return found


@pytest.fixture(scope="module")
def vm():
    if not ISO.exists():
        pytest.fail(f"{ISO.relative_to(ROOT)} is missing: run `make iso`")
    OUT.mkdir(parents=True, exist_ok=True)
    with Bochs(ISO, log=OUT / "typeahead.bxlog", timeout=900) as b:
        # The first line goes out as soon as Bochs has connected COM1: it
        # sits in the UART's FIFO before the kernel has even set it up.
        b.send(typed("A1"))
        b.read_until(b"Bounce:", 60)
        b.send(typed("B2"))          # during boot, before the prompt
        yield b
        b.quit()


def test_typeahead_before_prompt(vm):
    assert answers(vm, ["A1", "B2"]) == ["A1", "B2"]


def test_typeahead_while_chunk_runs(vm):
    vm.send(b"for i = 1, 3e6 do end " + typed("C3"))
    vm.send(typed("D4"))
    assert answers(vm, ["C3", "D4"]) == ["C3", "D4"]


def test_typeahead_while_process_prints(vm):
    start = len(vm.output)
    vm.send(b"for i = 1, 20 do k.proc.wait(k.proc.spawn('hello')) end " + typed("E5"))
    vm.read_until(re.compile(rb"hello from pid \d+(?:.|\n)*hello from pid"), TIMEOUT)
    vm.send(typed("F6"))
    assert answers(vm, ["E5", "F6"]) == ["E5", "F6"]
    assert clean(vm.output[start:]).count("hello from pid") == 20


def test_async_output_redraws_prompt(vm):
    """A process prints while a line is half typed: its output, then the
    prompt and the half line again; the line completed runs.  The idle
    kernel skips ahead in time, so the process may print before the keys
    arrive: then the line is finished and the race run again with a
    longer nap."""
    sh = Shell(vm, timeout=TIMEOUT)
    sh.seen = len(vm.output)
    vm.send(b"\n")
    sh.wait_prompt()
    canary = re.compile(rb"canary 0x[0-9a-f]{8}\r?\n\r?bounce> (?:\x1b\[K)?(print\('G' \.\. )?")
    for ticks in (200, 1000, 5000, 25000):
        vm.send(f"pid = k.proc.spawn('nap', '{ticks}')\n".encode())
        sh.wait_prompt()
        vm.send(b"print('G' .. ")
        _, m = sh._take_until(canary, TIMEOUT)
        if m.group(1):
            break
        sh._take_until(re.compile(rb"print\('G' \.\. "), TIMEOUT)   # the keys' echo, after
        vm.send(b"0)\n")
        sh.wait_prompt()
    assert m.group(1), "the process printed before the half line was typed, every time"
    vm.send(b"7)\n")
    out = sh.wait_prompt()
    assert "\nG7\n" in clean(out), clean(out)


def qemu_command(iso, serial):
    """mk/qemu.py's QEMU command line (what `make qemu` runs)."""
    spec = importlib.util.spec_from_file_location("mk_qemu", ROOT / "mk" / "qemu.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.qemu_command(str(iso), serial)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_typeahead_before_boot_under_qemu():
    if shutil.which("qemu-system-i386") is None:
        pytest.fail("qemu-system-i386 is missing: `make deps` installs it")
    port = free_port()
    qemu = subprocess.Popen(qemu_command(ISO, f"tcp:127.0.0.1:{port},server=on,wait=on"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        limit = time.monotonic() + 30
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                assert time.monotonic() < limit and qemu.poll() is None, "QEMU did not open COM1"
                time.sleep(0.05)
        with conn:
            conn.sendall(typed("A1"))       # before the guest has run at all
            conn.settimeout(0.5)
            out, sent_b, limit = b"", False, time.monotonic() + 60
            while b"\nB2\r\n" not in out and time.monotonic() < limit:
                try:
                    data = conn.recv(4096)
                except socket.timeout:
                    continue
                assert data, f"COM1 closed: {out[-300:]!r}"
                out += data
                if not sent_b and b"Bounce:" in out:
                    conn.sendall(typed("B2"))   # during boot
                    sent_b = True
        found = [l for l in clean(out).splitlines() if l in ("A1", "B2")]
        assert found == ["A1", "B2"], clean(out)[-500:]
    finally:
        qemu.terminate()
        qemu.wait(10)
