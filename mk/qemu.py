#!/usr/bin/python3
"""The ISO under QEMU: `make qemu` and `make gdb` (README, docs/build.md).

    qemu.py run ISO
        COM1 and the QEMU monitor share this terminal (QEMU's mux): Ctrl-C
        goes to the guest (it interrupts the Lua chunk), Ctrl-A c switches
        between the shell and the monitor, Ctrl-A x ends QEMU. The exit
        status is the guest's k.exit(s): QEMU's isa-debug-exit reports
        2*s+1 (so s is 0..127), translated back here.

    qemu.py gdb ISO ELF [--gdb-port P] [--serial-port S] [-- GDB-ARGS...]
        QEMU stopped at the first instruction, gdb attached on this terminal
        with ELF's symbols; COM1 on the local TCP port S, for
        `shell/client.py interactive --connect S` in a second terminal.
        Ctrl-C in gdb interrupts the guest; QEMU ends when gdb does. The
        exit status is gdb's.
"""

import argparse
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RAM_MIB = 512       # as bochsrc: half becomes the kernel heap (docs/memory.md)


DISK = os.path.join(ROOT, "build", "disk.img")     # mk/disk.mk


def drives(iso, disk):
    """As in bochsrc: the CD-ROM on ata0 master (IDE index 0), the swap disk
    on ata1 master (index 2; kernel/ata.c looks there).  snapshot=on keeps
    the guest's writes in a temporary file, so every run starts from the
    same empty image and runs never share one.  No image: no disk, and the
    kernel says so and runs without swap."""
    args = ["-drive", f"file={iso},if=ide,index=0,media=cdrom", "-boot", "d"]
    if disk and os.path.exists(disk):
        args += ["-drive", f"file={disk},if=ide,index=2,media=disk,format=raw,snapshot=on"]
    return args


def qemu_command(iso, serial, disk=DISK):
    return ["qemu-system-i386", "-m", str(RAM_MIB), *drives(iso, disk), "-display", "none",
            "-serial", serial, "-no-reboot",
            "-device", "isa-debug-exit,iobase=0x501,iosize=2"]   # kernel/debugport.h EXIT_PORT


def guest_status(qemu_status):
    """isa-debug-exit ends QEMU with 2*s+1 for the guest's s; an even
    status is QEMU's own (0: ended from the monitor)."""
    return qemu_status // 2 if qemu_status % 2 else qemu_status


def run(args):
    # mon:stdio multiplexes the monitor onto COM1's terminal and, unlike
    # plain stdio, leaves Ctrl-C to the guest (QEMU's signal=off).
    status = subprocess.call(qemu_command(args.iso, "mon:stdio"))
    return guest_status(status) if status >= 0 else 128 - status


def wait_listening(port, qemu, seconds=10):
    limit = time.monotonic() + seconds
    while time.monotonic() < limit and qemu.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def gdb(args):
    serial = f"tcp:127.0.0.1:{args.serial_port},server=on,wait=off"
    # Its own session: the terminal's Ctrl-C is gdb's alone (gdb then
    # stops the guest through the stub), never a signal to QEMU.
    qemu = subprocess.Popen(qemu_command(args.iso, serial) +
                            ["-S", "-gdb", f"tcp:127.0.0.1:{args.gdb_port}", "-monitor", "none"],
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        if not wait_listening(args.gdb_port, qemu):
            print(f"qemu.py: QEMU did not open port {args.gdb_port}", file=sys.stderr)
            return 1
        print(f"qemu.py: the guest is stopped; its shell is on COM1, TCP port {args.serial_port}.\n"
              f"qemu.py: in a second terminal, attach to it before you `continue` here:\n"
              f"    /usr/bin/python3 shell/client.py interactive --connect {args.serial_port}\n"
              f"qemu.py: Ctrl-C in gdb stops the guest; quitting gdb ends QEMU.", flush=True)
        cmd = ["gdb", "-q", "-ex", f"target remote 127.0.0.1:{args.gdb_port}", args.elf]
        if not args.gdb_args:
            cmd += ["-ex", "break kmain"]
        gdb = subprocess.Popen(cmd + args.gdb_args)
        while True:
            try:
                return gdb.wait()
            except KeyboardInterrupt:       # gdb's to handle (it interrupts the guest)
                continue
    finally:
        qemu.terminate()
        try:
            qemu.wait(5)
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("run", help="COM1 and the monitor on this terminal")
    r.add_argument("iso")
    g = sub.add_parser("gdb", help="QEMU stopped, gdb here, COM1 on a TCP port")
    g.add_argument("iso")
    g.add_argument("elf", help="the kernel's ELF (symbols)")
    g.add_argument("--gdb-port", type=int, default=1234)
    g.add_argument("--serial-port", type=int, default=4321)
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = ap.parse_args(argv[:cut])
    args.gdb_args = argv[cut + 1:]      # gdb's own (default: break kmain)
    return {"run": run, "gdb": gdb}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
