#!/usr/bin/python3
"""Host client for the Bounce Lua shell on COM1.

Runs Lua source in the kernel's shell with the framing of docs/shell.md
(a frame survives any byte), and offers an interactive terminal with
history.

    client.py script FILE [--iso ISO] [--log LOG] [--timeout S]
        Boot headless, run FILE as one chunk, print its output, then end
        the emulation. Exit status: 0 if the chunk ran without error, 1 if
        it raised one, or the status it gave to k.exit().

    client.py interactive [--iso ISO] [--log LOG] [--port P] [--connect C]
        Boot and give a line-oriented terminal (host readline history in
        ~/.bounce_history); with --connect, boot nothing but attach to the
        COM1 of a guest already running, on local TCP port C (make gdb).
        ":run FILE" sends a file as a frame; Ctrl-C interrupts the running
        chunk; Ctrl-D or Ctrl-] (then Enter) ends the emulation through the
        shell, so the log is complete. With
        --port, other clients may run scripts in this session:

    client.py send FILE --port P
        Run FILE in the interactive session listening on port P; output
        and exit status as for "script" (without ending the emulation).

Library use (system tests):

    with Bochs(iso) as vm:
        sh = Shell(vm)
        sh.wait_prompt()
        out, err = sh.run(b"print(1 + 1)")   # "2\\n", None
        sh.eval("1 + 1")                      # "2"
"""

import argparse
import contextlib
import os
import re
import socket
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from shell.runner import QUIT_KEY, QUIT_KEYS, Bochs, BochsError  # noqa: E402

PROMPT = b"bounce> "
PROMPT2 = b">> "
PROMPT_LINE = re.compile(rb"\n(bounce> |>> )")   # the shell starts every prompt on a new line
TRAILER = re.compile(rb"\x02DONE (ok|err ([^\r\n]*))(?=\r\n)")   # the line end leads to the prompt
FRAME_START, FRAME_ESCAPE = 0x01, 0x10
ESCAPED = (0x03, 0x10)     # Ctrl-C (taken by the UART driver) and the escape itself
INTERRUPT = b"\x03"


def encode_frame(source):
    """The bytes that make the shell run `source` (bytes) as one chunk."""
    body = bytearray()
    for c in source:
        if c in ESCAPED:
            body += bytes((FRAME_ESCAPE, c + 0x40))
        else:
            body.append(c)
    return b"\x01SCRIPT %d\n" % len(source) + bytes(body)


def clean(data):
    """Console bytes as text: CR LF to LF, undecodable bytes replaced."""
    return data.replace(b"\r\n", b"\n").decode("utf-8", errors="replace")


def recv_all(conn):
    """Every byte the peer sends until it shuts its side."""
    chunks = []
    while data := conn.recv(65536):
        chunks.append(data)
    return b"".join(chunks)


def printed(out, key):
    """The value a chunk printed with print(key, value), from its output."""
    m = re.search(rf"^{re.escape(key)}\t(.*)$", out, re.M)
    if not m:
        raise ShellError(f"no {key} in {out!r}")
    return m.group(1)


@contextlib.contextmanager
def booted_shell(iso, log, timeout=300, boot_timeout=1800):
    """Boot iso in Bochs (event log at log, its folder made) and give its
    shell at the first prompt, with what the boot printed before it in
    sh.banner; Bochs is stopped on the way out."""
    if not os.path.exists(iso):
        raise FileNotFoundError(f"{iso} is missing: run `make isos`")
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    with Bochs(iso, log=log, timeout=boot_timeout) as vm:
        sh = Shell(vm, timeout=timeout)
        sh.banner = sh.wait_prompt()
        yield sh


class ShellError(RuntimeError):
    """The shell did not answer as expected."""


class Shell:
    """The Lua shell behind a runner.Bochs (anything with send, read_until
    and an `output` bytes attribute that grows)."""

    def __init__(self, vm, timeout=120):
        self.vm = vm
        self.timeout = timeout
        self.seen = 0          # output before this offset has been consumed

    def _take_until(self, regex, timeout):
        """Output from self.seen to the end of the next match of regex, and
        the match; ShellError on timeout or when Bochs has exited."""
        limit = time.monotonic() + (timeout or self.timeout)
        while True:
            m = regex.search(self.vm.output, self.seen)
            if m:
                chunk = self.vm.output[self.seen:m.end()]
                self.seen = m.end()
                return chunk, m
            if self.vm.proc.poll() is not None:
                time.sleep(0.2)          # let the reader thread take the last bytes
                if not regex.search(self.vm.output, self.seen):
                    raise ShellError(f"Bochs exited (status {self.vm.proc.returncode}) "
                                     f"before {regex.pattern!r}; last output: "
                                     f"{self.vm.output[-300:]!r}")
            elif time.monotonic() > limit:
                raise ShellError(f"timed out waiting for {regex.pattern!r}; "
                                 f"last output: {self.vm.output[-300:]!r}")
            time.sleep(0.02)

    def wait_prompt(self, timeout=None):
        """Consume output up to the next prompt; return it, prompt excluded."""
        chunk, m = self._take_until(PROMPT_LINE, timeout)
        return chunk[:len(chunk) - len(m.group(1))]

    def run(self, source, timeout=None):
        """Run source (str or bytes) as one chunk; returns (output, error)
        where error is None or the first line of the error message."""
        if isinstance(source, str):
            source = source.encode()
        self.vm.send(encode_frame(source))
        chunk, m = self._take_until(TRAILER, timeout)
        self.wait_prompt(timeout)
        error = None if m.group(1) == b"ok" else m.group(2).decode(errors="replace")
        return clean(chunk[:len(chunk) - len(m.group(0))]), error

    def line(self, text, timeout=None):
        """Type one line at the prompt; returns what the shell printed
        before its next prompt, without the echo of the line."""
        self.vm.send(text.encode() + b"\n")
        out = clean(self.wait_prompt(timeout))
        echo = text + "\n"
        return out[len(echo):] if out.startswith(echo) else out

    def run_ok(self, source, timeout=None):
        """Run source as one chunk; its output, or ShellError on a Lua error."""
        out, err = self.run(source, timeout)
        if err is not None:
            raise ShellError(f"{err}\n{out}")
        return out

    def eval(self, expr, timeout=None):
        """The value of a Lua expression as the shell prints it (tostring),
        without the trailing newline; raises ShellError on a Lua error."""
        out = self.run_ok(f"print({expr})", timeout)
        return out[:-1] if out.endswith("\n") else out

    def interrupt(self):
        self.vm.send(INTERRUPT)


# -- script ------------------------------------------------------------------

def run_script(args):
    with open(args.file, "rb") as f:
        source = f.read()
    try:
        with Bochs(args.iso, log=args.log, timeout=args.timeout) as vm:
            sh = Shell(vm, timeout=args.timeout)
            sh.wait_prompt()
            vm.send(encode_frame(source))
            shown = sh.seen
            while True:
                m = TRAILER.search(vm.output, sh.seen)
                end = m.start() if m else len(vm.output)
                if end > shown:
                    sys.stdout.write(clean(vm.output[shown:end]))
                    sys.stdout.flush()
                    shown = end
                if m:
                    ok = m.group(1) == b"ok"
                    sh.seen = m.end()
                    sh.wait_prompt()
                    vm.send(b"k.exit(%d)\n" % (0 if ok else 1))
                    return vm.wait()
                if vm.proc.poll() is not None:       # k.exit() from the script
                    status = vm.wait()
                    sys.stdout.write(clean(vm.output[shown:]))
                    return status
                time.sleep(0.05)
    except (BochsError, ShellError) as e:
        print(f"client: {e}", file=sys.stderr)
        return 124


# -- interactive ---------------------------------------------------------------

class Attached:
    """COM1 of a guest that runs elsewhere (make gdb's QEMU), on a local
    TCP port: what Shell needs of a Bochs (output, send, proc.poll)."""

    class _Link:
        """Stands for the emulator process: it "exits" when COM1 closes."""
        returncode = None

        def poll(self):
            return self.returncode

    def __init__(self, port, timeout=30):
        self.output = b""
        self.proc = self._Link()
        self._conn = socket.create_connection(("127.0.0.1", port), timeout)
        self._conn.settimeout(None)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._conn.close()

    def _read_loop(self):
        while True:
            try:
                data = self._conn.recv(4096)
            except OSError:
                data = b""
            if not data:
                self.proc.returncode = 0      # the guest's own status is not seen here
                return
            self.output += data

    def send(self, data):
        self._conn.sendall(data)

    def wait(self, timeout=None):
        self._reader.join(timeout)
        return self.proc.returncode

    def quit(self, timeout=30):
        """Leave as Bochs.quit does: the shell ends the emulation."""
        try:
            self.send(QUIT_KEYS)
        except OSError:
            pass
        return self.wait(timeout)

class Session:
    """An interactive session; a lock keeps the terminal and remote
    scripts (--port) from talking to the shell at the same time."""

    def __init__(self, vm):
        self.sh = Shell(vm, timeout=10 ** 9)
        self.lock = threading.Lock()

    def serve(self, port):
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", port))
        srv.listen(4)
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()

    def _accept(self, srv):
        while True:
            conn, _ = srv.accept()
            with conn:
                source = recv_all(conn)
                with self.lock:
                    out, err = self.sh.run(source)
                status = b"ok" if err is None else b"err " + err.encode()
                conn.sendall(out.encode() + b"\x02" + status + b"\n")


def interactive(args):
    import readline
    history = os.path.expanduser("~/.bounce_history")
    try:
        readline.read_history_file(history)
    except OSError:
        pass
    if args.connect:
        print(f"client: attached to COM1 on port {args.connect}; the prompt comes when "
              f"the guest reaches it (`continue` in gdb)")
    with (Attached(args.connect) if args.connect else
          Bochs(args.iso, log=args.log, timeout=10 ** 9)) as vm:
        session = Session(vm)
        sh = session.sh
        if args.port:
            session.serve(args.port)
            print(f"client: scripts can be sent with: client.py send FILE --port {args.port}")
        print(clean(sh.wait_prompt()), end="")
        prompt = PROMPT.decode()
        while True:
            try:
                text = input(prompt)
            except EOFError:
                text = QUIT_KEY.decode()
            if QUIT_KEY.decode() in text:
                print()
                return vm.quit()
            with session.lock:
                try:
                    if text.startswith(":run "):
                        with open(text[5:].strip(), "rb") as f:
                            out, err = sh.run(f.read())
                        print(out, end="" if out.endswith("\n") or not out else "\n")
                        if err:
                            print(f"(error: {err})")
                        prompt = PROMPT.decode()
                        continue
                    vm.send(text.encode() + b"\n")
                    out = clean(sh.wait_prompt())
                except KeyboardInterrupt:
                    sh.interrupt()
                    out = clean(sh.wait_prompt())
                except OSError as e:
                    print(f"client: {e}")
                    continue
            prompt = PROMPT2.decode() if vm.output.endswith(PROMPT2) else PROMPT.decode()
            echo = text + "\n"
            print(out[len(echo):] if out.startswith(echo) else out, end="")
            readline.write_history_file(history)


def send(args):
    with open(args.file, "rb") as f:
        source = f.read()
    with socket.create_connection(("127.0.0.1", args.port)) as conn:
        conn.sendall(source)
        conn.shutdown(socket.SHUT_WR)
        reply = recv_all(conn)
    out, _, status = reply.rpartition(b"\x02")
    sys.stdout.write(out.decode(errors="replace"))
    return 0 if status.strip() == b"ok" else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("script", help="boot, run a Lua file, exit with its status")
    s.add_argument("file")
    i = sub.add_parser("interactive", help="boot and open a terminal on the shell")
    i.add_argument("--port", type=int, help="also accept scripts on this local TCP port")
    i.add_argument("--connect", type=int, metavar="PORT",
                   help="attach to a running guest's COM1 on this local TCP port (make gdb)")
    for p in (s, i):
        p.add_argument("--iso", default=os.path.join(ROOT, "build", "bounce.iso"))
        p.add_argument("--log", help="instrumentation event log (BOUNCE_TRACE)")
    s.add_argument("--timeout", type=float, default=600)
    c = sub.add_parser("send", help="run a Lua file in an interactive session")
    c.add_argument("file")
    c.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    return {"script": run_script, "interactive": interactive, "send": send}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
