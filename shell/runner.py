#!/usr/bin/python3
"""Boot an ISO in Bounce's instrumented Bochs and talk to its COM1.

The runner listens on a free local TCP port *before* it starts Bochs; the
bochsrc puts COM1 in socket-client mode, so Bochs connects to us. A thread
collects everything the guest writes to COM1. Bochs's own messages (stderr)
go to a file beside the event log, and their tail is shown when Bochs fails.

Library use (system tests, benchmarks):

    with Bochs("build/bounce.iso", log="out/boot.log") as b:
        b.read_until(b"Bounce", timeout=30)
        status = b.wait(timeout=60)

CLI: runner.py --iso X [--log Y] [--timeout N] [--interactive]
The exit code is Bochs's exit status (the guest's, via the exit port).

Each run gets its own swap disk (bochsrc's $BOUNCE_DISK, docs/disk.md): a
fresh sparse image the size of build/disk.img in a temporary directory,
removed when the run closes, so runs in parallel never share one.  Pass
disk=PATH to use (and keep) a given image instead.
"""

import argparse
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BOCHS = os.path.join(ROOT, "build", "bochs", "bochs")
DEFAULT_BOCHSRC = os.path.join(ROOT, "bochsrc")
DISK_TEMPLATE = os.path.join(ROOT, "build", "disk.img")   # mk/disk.mk sets its size
CONNECT_TIMEOUT = 30     # seconds for Bochs to start and reach COM1
QUIT_KEY = b"\x1d"       # Ctrl-] leaves an interactive session
QUIT_TIMEOUT = 30        # seconds the kernel has to exit when asked to
# Leaving: Ctrl-C ends a running chunk (or cancels the line being typed),
# then the shell ends the emulation through the exit port.
QUIT_KEYS = b"\x03" + b"k.exit(0)\n"


def kernel_build():
    """Where the kernel (kernel/bounce.elf) and its ISOs are: build/, or
    $BOUNCE_KBUILD (`make test-debug` sets it to build/debug/, so the
    system tests run unchanged against the DEBUG=1 kernel)."""
    return os.path.abspath(os.environ.get("BOUNCE_KBUILD") or os.path.join(ROOT, "build"))


def kernel_iso(iso):
    """iso, or its namesake in kernel_build() if it is one of build/'s."""
    if os.path.dirname(iso) != os.path.join(ROOT, "build"):
        return iso
    return os.path.join(kernel_build(), os.path.basename(iso))


class BochsError(RuntimeError):
    """Bochs failed to start, timed out, or the guest did not answer."""


class Bochs:
    def __init__(self, iso, log=None, timeout=120, bochs=DEFAULT_BOCHS,
                 bochsrc=DEFAULT_BOCHSRC, env=None, disk=None):
        self.iso = kernel_iso(os.path.abspath(iso))
        self.disk = os.path.abspath(disk) if disk else None
        self._rundir = None
        self.log = os.path.abspath(log) if log else None
        self.timeout = timeout
        self.bochs = bochs
        self.bochsrc = bochsrc
        self.env = env or {}
        self.output = b""
        self.proc = None
        self._conn = None
        self._listener = None
        self._cond = threading.Condition()
        self._reader = None
        self._eof = False
        self._deadline = None

    # -- life cycle -------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        for path, what in ((self.bochs, "Bochs binary (run `make bochs`)"),
                           (self.iso, "ISO"), (self.bochsrc, "bochsrc"),
                           (self.disk or DISK_TEMPLATE, "disk image (run `make`)")):
            if not os.path.exists(path):
                raise BochsError(f"{what} not found: {path}")
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _fresh_disk(self):
        """This run's own disk: all zeros, as the template, and sparse, so
        making it is instant whatever its size."""
        self._rundir = tempfile.mkdtemp(prefix="bounce-run-")
        self.disk = os.path.join(self._rundir, "disk.img")
        with open(self.disk, "wb") as f:
            f.truncate(os.path.getsize(DISK_TEMPLATE))

    def _start(self):
        if self.disk is None:
            self._fresh_disk()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        port = self._listener.getsockname()[1]

        env = dict(os.environ)
        env.pop("BOUNCE_TRACE", None)
        env.update(BOUNCE_ISO=self.iso, BOUNCE_SERIAL=f"127.0.0.1:{port}",
                   BOUNCE_DISK=self.disk)
        if self.log:
            os.makedirs(os.path.dirname(self.log), exist_ok=True)
            env["BOUNCE_TRACE"] = self.log
            self.stderr_path = self.log + ".bochs"
        else:
            fd, self.stderr_path = tempfile.mkstemp(prefix="bochs-", suffix=".txt")
            os.close(fd)
        env.update(self.env)
        self._stderr = open(self.stderr_path, "wb")
        self._deadline = time.monotonic() + self.timeout
        self.proc = subprocess.Popen(
            [self.bochs, "-q", "-f", self.bochsrc], stdin=subprocess.DEVNULL,
            stdout=self._stderr, stderr=subprocess.STDOUT, env=env,
            cwd=ROOT, start_new_session=True)
        self._accept()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    def _accept(self):
        """Wait for Bochs to connect COM1, or fail with its own words."""
        limit = time.monotonic() + CONNECT_TIMEOUT
        while time.monotonic() < limit:
            ready, _, _ = select.select([self._listener], [], [], 0.1)
            if ready:
                self._conn, _ = self._listener.accept()
                self._conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return
            if self.proc.poll() is not None:
                raise BochsError(f"Bochs exited with status {self.proc.returncode} "
                                 f"before connecting COM1:\n{self.bochs_tail()}")
        self._kill()
        raise BochsError(f"Bochs did not connect COM1 within {CONNECT_TIMEOUT} s:\n"
                         f"{self.bochs_tail()}")

    def _read_loop(self):
        while True:
            try:
                data = self._conn.recv(4096)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self.output += data
                self._cond.notify_all()

    def bochs_tail(self, lines=20):
        """The last lines Bochs printed (its stderr/log)."""
        try:
            with open(self.stderr_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return "(no Bochs output)"
        tail = text.splitlines()[-lines:]
        return "\n".join("  bochs| " + l for l in tail) or "(no Bochs output)"

    def _remaining(self, timeout):
        left = self._deadline - time.monotonic()
        return left if timeout is None else min(timeout, left)

    def _kill(self):
        """Stop Bochs: SIGTERM lets the module flush the log; then SIGKILL."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def quit(self, timeout=QUIT_TIMEOUT):
        """Leave cleanly: ask the shell to end the emulation (QUIT_KEYS), so
        the module writes the log's trailer; kill Bochs only if the kernel
        does not answer in time.  Returns Bochs's exit status."""
        if self.proc.poll() is None:
            try:
                self.send(QUIT_KEYS)
            except OSError:
                pass
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            status = self.proc.returncode
        if self._reader is not None:
            self._reader.join(2)
        return status

    def close(self):
        self._kill()
        for s in (self._conn, self._listener):
            if s is not None:
                s.close()
        self._conn = self._listener = None
        if self._reader is not None:
            self._reader.join(2)
        if getattr(self, "_stderr", None):
            self._stderr.close()
            self._stderr = None
        if self._rundir is not None:
            shutil.rmtree(self._rundir, ignore_errors=True)
            self._rundir = self.disk = None

    # -- talking to the guest ----------------------------------------------

    def read_until(self, pattern, timeout=None):
        """Wait until COM1 output matches pattern (bytes or compiled regex);
        return all output up to the end of the match."""
        regex = pattern if hasattr(pattern, "search") else re.compile(re.escape(pattern))
        limit = time.monotonic() + self._remaining(timeout)
        with self._cond:
            while True:
                m = regex.search(self.output)
                if m:
                    return self.output[:m.end()]
                left = limit - time.monotonic()
                if self._eof or left <= 0:
                    break
                self._cond.wait(min(left, 0.5))
        why = "COM1 closed (Bochs exited)" if self._eof else "timed out"
        raise BochsError(f"{why} waiting for {regex.pattern!r}; COM1 so far "
                         f"(last 500 bytes):\n{self.output[-500:]!r}\n{self.bochs_tail()}")

    def send(self, data):
        self._conn.sendall(data)

    def wait(self, timeout=None):
        """Wait for Bochs to exit and return its exit status. On timeout kill
        it and raise BochsError."""
        try:
            status = self.proc.wait(max(self._remaining(timeout), 0))
        except subprocess.TimeoutExpired:
            self._kill()
            raise BochsError(f"Bochs still running after its time limit; killed. "
                             f"COM1 (last 500 bytes):\n{self.output[-500:]!r}\n"
                             f"{self.bochs_tail()}")
        if self._reader is not None:
            self._reader.join(2)     # let the reader take the last bytes
        return status


# -- command line ------------------------------------------------------------

def echo_output(b, shown):
    """Write COM1 bytes after offset shown to stdout; return the new offset."""
    with b._cond:
        fresh = b.output[shown:]
    if fresh:
        os.write(sys.stdout.fileno(), fresh)
    return shown + len(fresh)


def interactive(b):
    """Terminal <-> COM1 until Bochs exits (its status) or the user types
    Ctrl-] (None; Bochs has been asked to exit through the shell, so the
    log is complete)."""
    import termios
    import tty
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setraw(fd)
    # raw input (Ctrl-C reaches the guest), but let the terminal still
    # turn the guest's "\n" into a new line
    attrs = termios.tcgetattr(fd)
    attrs[1] |= termios.OPOST | termios.ONLCR
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    shown = 0
    try:
        while b.proc.poll() is None:
            shown = echo_output(b, shown)
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                data = os.read(fd, 1024)
                if QUIT_KEY in data:
                    b.send(data.split(QUIT_KEY)[0])
                    b.quit()
                    echo_output(b, shown)
                    return None
                b.send(data)
        status = b.wait(5)
        echo_output(b, shown)
        return status
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def batch(b):
    """COM1 to stdout until Bochs exits; its status (BochsError on timeout)."""
    shown = 0
    while b.proc.poll() is None:
        shown = echo_output(b, shown)
        if time.monotonic() > b._deadline:
            b.wait(0)     # kills Bochs and raises BochsError
        time.sleep(0.05)
    status = b.wait(5)
    echo_output(b, shown)
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iso", required=True)
    ap.add_argument("--log", help="event log file (BOUNCE_TRACE)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds before Bochs is killed (default: none when "
                         "interactive, else 120)")
    ap.add_argument("--interactive", action="store_true",
                    help="terminal on COM1; Ctrl-] quits")
    ap.add_argument("--bochs", default=DEFAULT_BOCHS)
    ap.add_argument("--bochsrc", default=DEFAULT_BOCHSRC)
    args = ap.parse_args()
    timeout = args.timeout or (10 ** 9 if args.interactive else 120)

    b = Bochs(args.iso, log=args.log, timeout=timeout, bochs=args.bochs,
              bochsrc=args.bochsrc)
    if args.log:
        print(f"runner: event log: {args.log}  (Bochs messages: {args.log}.bochs)",
              file=sys.stderr)
    try:
        b.start()
        if not args.interactive:
            status = batch(b)
        else:
            print("runner: COM1 on this terminal; Ctrl-] quits", file=sys.stderr)
            status = interactive(b)
            if status is None:       # the person left on purpose: not a failure
                print(f"\nrunner: quit (Ctrl-]); log: {args.log}", file=sys.stderr)
                return 0
    except BochsError as e:
        print(f"runner: {e}", file=sys.stderr)
        return 124 if "time limit" in str(e) else 1
    finally:
        b.close()
    print(f"\nrunner: Bochs exited with status {status}"
          + (f"; log: {args.log}" if args.log else ""), file=sys.stderr)
    return status if status >= 0 else 128 - status    # killed by a signal


if __name__ == "__main__":
    sys.exit(main())
