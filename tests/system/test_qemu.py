"""`make qemu` and `make gdb` (README, docs/build.md), headless: mk/qemu.py
is what both targets run.

  * run: the guest's k.exit(s) is the wrapper's exit status s (QEMU's
    isa-debug-exit reports 2*s+1); on a terminal (a pty here) Ctrl-C
    interrupts the Lua chunk instead of killing QEMU, and Ctrl-A c reaches
    the QEMU monitor and back;
  * gdb: the debug kernel (-Og) under gdb in batch mode shows a kernel
    function's arguments and its caller's locals with their values, COM1 is
    on a TCP socket shell/client.py can attach to, and QEMU is gone once
    gdb quits.
"""
import fcntl
import os
import pathlib
import pty
import select
import shutil
import socket
import subprocess
import sys
import termios
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import Attached, Shell  # noqa: E402

PY = "/usr/bin/python3"
WRAPPER = ROOT / "mk" / "qemu.py"
ISO = ROOT / "build" / "bounce.iso"
DEBUG_ISO = ROOT / "build" / "bounce-debug.iso"
DEBUG_ELF = ROOT / "build" / "kernel-debug" / "bounce.elf"
OUT = ROOT / "out" / "test_qemu"
TIMEOUT = 120


@pytest.fixture(autouse=True)
def needs():
    """What `make test` provides (mk/deps.mk, mk/qemu.mk)."""
    for tool in ("qemu-system-i386", "gdb"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: `make deps` installs it")
    for path in (ISO, DEBUG_ISO, DEBUG_ELF):
        if not path.exists():
            pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make isos {DEBUG_ISO.relative_to(ROOT)}`")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Terminal:
    """The wrapper on a pseudo-terminal, as a person runs `make qemu`."""

    def __init__(self, args):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave,
                                     cwd=ROOT, preexec_fn=self._own_terminal)
        os.close(slave)
        self.output = b""

    @staticmethod
    def _own_terminal():
        """In the child: the pty becomes its controlling terminal, so the
        pty's Ctrl-C is a SIGINT unless QEMU turns that off."""
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def read_until(self, text, timeout=TIMEOUT):
        limit = time.monotonic() + timeout
        while text not in self.output:
            left = limit - time.monotonic()
            assert left > 0, f"no {text!r} in time; output so far: {self.output[-600:]!r}"
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:         # the other side closed: QEMU ended
                    assert text in self.output, f"ended before {text!r}: {self.output[-600:]!r}"
        at = self.output.index(text) + len(text)
        taken, self.output = self.output[:at], self.output[at:]
        return taken

    def send(self, data):
        os.write(self.master, data)

    def wait(self, timeout=TIMEOUT):
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self.master)


def test_k_exit_status_is_the_wrappers():
    proc = subprocess.Popen([PY, str(WRAPPER), "run", str(ISO)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    out = b""
    try:
        while b"bounce> " not in out:
            chunk = proc.stdout.read1(4096)
            assert chunk, f"QEMU ended before the prompt: {out[-600:]!r}"
            out += chunk
        proc.stdin.write(b"k.exit(5)\n")
        proc.stdin.flush()
        assert proc.wait(TIMEOUT) == 5
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ctrl_c_reaches_the_guest_and_ctrl_a_c_the_monitor():
    term = Terminal([PY, str(WRAPPER), "run", str(ISO)])
    try:
        term.read_until(b"bounce> ")
        term.send(b"k.shell.budget(0) n = 0 while true do n = n + 1 end\r")
        time.sleep(2)
        term.send(b"\x03")
        assert b"interrupted" in term.read_until(b"bounce> ")
        assert term.proc.poll() is None, "Ctrl-C ended QEMU"
        term.send(b"\x01c")
        term.read_until(b"(qemu) ")
        term.send(b"info status\r")
        assert b"running" in term.read_until(b"(qemu) ")
        term.send(b"\x01c\r")
        term.read_until(b"bounce> ")
        term.send(b"k.exit(3)\r")
    finally:
        status = term.wait()
    assert status == 3


def test_gdb_shows_arguments_and_locals_and_qemu_ends_with_gdb():
    gdb_port, com1_port = free_port(), free_port()
    proc = subprocess.run(
        [PY, str(WRAPPER), "gdb", str(DEBUG_ISO), str(DEBUG_ELF),
         "--gdb-port", str(gdb_port), "--serial-port", str(com1_port), "--",
         "-batch", "-ex", "break heap_init", "-ex", "continue",
         "-ex", "info args", "-ex", "up", "-ex", "info locals", "-ex", "quit"],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT, cwd=ROOT)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert f"client.py interactive --connect {com1_port}" in out   # how to attach
    assert "Breakpoint 1, heap_init (" in out, out
    assert "bytes = 268435456" in out, out           # info args: the heap is 256 MiB
    assert "heap_bytes = 268435456" in out, out      # info locals in mem_init
    assert "<optimized out>" not in out, out
    time.sleep(0.5)
    assert not port_open(gdb_port), "QEMU still listens for gdb after gdb quit"
    assert not port_open(com1_port), "QEMU still holds COM1's port after gdb quit"


def test_the_shell_attaches_to_the_gdb_sessions_com1():
    """What the wrapper tells people to run in a second terminal works:
    the client attaches to COM1's socket and talks to the shell."""
    gdb_port, com1_port = free_port(), free_port()
    attached = OUT / "attached"
    OUT.mkdir(parents=True, exist_ok=True)
    attached.unlink(missing_ok=True)
    # gdb holds the guest (as a person would before typing `continue`)
    # until the shell is attached.
    proc = subprocess.Popen(
        [PY, str(WRAPPER), "gdb", str(DEBUG_ISO), str(DEBUG_ELF),
         "--gdb-port", str(gdb_port), "--serial-port", str(com1_port), "--", "-batch",
         "-ex", f"shell until [ -e {attached} ]; do sleep 0.1; done", "-ex", "continue"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        limit = time.monotonic() + 30
        while not port_open(com1_port):
            assert time.monotonic() < limit and proc.poll() is None, "no COM1 socket"
            time.sleep(0.1)
        with Attached(com1_port) as vm:
            attached.touch()
            sh = Shell(vm, timeout=TIMEOUT)
            sh.wait_prompt()
            assert sh.eval("6 * 7") == "42"
            vm.send(b"k.exit(0)\n")
            proc.wait(TIMEOUT)              # the guest ended, so did gdb and the wrapper
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not port_open(gdb_port)


def test_ctrl_c_in_gdb_stops_the_guest_and_quitting_ends_qemu():
    gdb_port, com1_port = free_port(), free_port()
    term = Terminal([PY, str(WRAPPER), "gdb", str(DEBUG_ISO), str(DEBUG_ELF),
                     "--gdb-port", str(gdb_port), "--serial-port", str(com1_port),
                     "--", "-ex", "continue"])
    try:
        term.read_until(b"Continuing.")
        time.sleep(1)
        term.send(b"\x03")
        assert b"SIGINT" in term.read_until(b"(gdb) ")
        assert port_open(gdb_port), "Ctrl-C ended QEMU"
        term.send(b"quit\r")
        term.read_until(b"(y or n) ")
        term.send(b"y\r")
    finally:
        status = term.wait()
    assert status == 0
    time.sleep(0.5)
    assert not port_open(gdb_port), "QEMU still listens for gdb after gdb quit"
