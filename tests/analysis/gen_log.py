"""Synthetic Bounce event logs for developing and testing analysis/.

The shape follows docs/instrumentation.md and the bouncing kernel's entry
path: BIOS/GRUB descriptor loads below 1 MiB, the kernel's announcements,
then bounces -- INT from user mode, CR3 to the kernel, the kernel's LIDT/LGDT,
kernel work, LGDT/LIDT of the window tables, CR3 back -- with timer
interrupts, context switches and window moves (new window, LTR).

    python3 tests/analysis/gen_log.py --events 100000 --seed 1 out.log
"""
import argparse
import random

KERNEL_CR3 = 0x00200000
KERNEL_IDT = 0x00105000
KERNEL_GDT = 0x00106000
KERNEL_TSS = 0x00107000
WINDOW_GDT_OFFSET = 0x800
WINDOW_TSS_OFFSET = 0x900
TRAMPOLINE_OFFSET = 0xa00


class LogWriter:
    """Writes events with a running instruction count."""

    def __init__(self, out):
        self.out = out
        self.icount = 0
        self.events = 0
        out.write("# bounce-trace 1\n")

    def event(self, step, kind, text):
        self.icount += step
        self.events += 1
        self.out.write(f"{self.icount} {kind} {text}\n")

    def end(self):
        self.out.write(f"# end icount={self.icount} events={self.events}\n")


class Process:
    def __init__(self, pid, cr3, name, window_va):
        self.pid, self.cr3, self.name, self.window = pid, cr3, name, window_va
        self.loaded_window = None   # the window the kernel last returned into


class Machine:
    """Drives a LogWriter through boot, process creation and bounces."""

    def __init__(self, log, rng):
        self.log = log
        self.rng = rng
        self.cr3 = 0
        self.idt = (0, 0x3ff)
        self.gdt = (0, 0)
        self.tr = 0

    def cr3_load(self, step, new, cpl, eip):
        self.log.event(step, "CR3", f"old={self.cr3:#x} new={new:#x} cpl={cpl} cs=0x8 eip={eip:#x} src=mov")
        self.cr3 = new

    def table_load(self, step, kind, base, limit, eip):
        old = self.idt if kind == "LIDT" else self.gdt
        self.log.event(step, kind, f"old_base={old[0]:#x} old_limit={old[1]:#x} "
                       f"new_base={base:#x} new_limit={limit:#x} cpl=0 eip={eip:#x}")
        if kind == "LIDT":
            self.idt = (base, limit)
        else:
            self.gdt = (base, limit)

    def ltr(self, step, base, eip):
        self.log.event(step, "LTR", f"old={self.tr:#x} new=0x28 base={base:#x} cpl=0 eip={eip:#x}")
        self.tr = 0x28

    def note(self, text):
        self.log.event(50, "NOTE", text)

    def mark(self, label):
        self.log.event(20, "MARK", f"label={label}")

    def boot(self):
        log = self.log
        log.event(1200, "INT", "vec=16 kind=soft cpl=0 cs=0xf000 eip=0xe3fe cr3=0x0")
        log.event(3000, "INT", "vec=19 kind=soft cpl=0 cs=0xf000 eip=0xe3fe cr3=0x0")
        self.table_load(5000, "LGDT", 0x7c60, 0x27, 0x7c3a)           # GRUB
        self.table_load(400, "LIDT", 0x0, 0x3ff, 0x8a12)
        self.table_load(9000, "LGDT", KERNEL_GDT, 0x2f, 0x100040)    # kernel
        self.table_load(300, "LIDT", KERNEL_IDT, 0x7ff, 0x100080)
        self.cr3_load(2000, KERNEL_CR3, 0, 0x1000c0)
        self.ltr(100, KERNEL_TSS, 0x100100)
        self.note("what=mode name=bounce")
        self.note(f"what=kernel cr3={KERNEL_CR3:#x} idt={KERNEL_IDT:#x} gdt={KERNEL_GDT:#x}")

    def spawn(self, proc):
        self.note(f"what=proc pid={proc.pid} cr3={proc.cr3:#x} name={proc.name}")
        self.announce_window(proc)

    def announce_window(self, proc):
        self.note(f"what=window cr3={proc.cr3:#x} va={proc.window:#x} pages=1 pa=0x300000")

    def return_to(self, proc):
        """The kernel's exit path: window tables, TR if the window moved, CR3."""
        tramp = KERNEL_CR3 + TRAMPOLINE_OFFSET
        self.table_load(30, "LGDT", proc.window + WINDOW_GDT_OFFSET, 0x2f, tramp)
        self.table_load(3, "LIDT", proc.window, 0x7ff, tramp + 4)
        if proc.loaded_window != proc.window:
            self.ltr(5, proc.window + WINDOW_TSS_OFFSET, tramp + 8)
            proc.loaded_window = proc.window
        self.cr3_load(4, proc.cr3, 0, tramp + 12)

    def bounce(self, proc, vec, work, to=None, move_to=None):
        """One kernel visit entered by `vec` from `proc`, lasting about `work`."""
        kind = "soft" if vec == 0x80 else "exc" if vec < 32 else "hw"
        err = " err=0x6" if vec == 14 else ""
        user_eip = 0x08048000 + self.rng.randrange(0x10000)
        self.log.event(self.rng.randrange(100, 5000), "INT",
                       f"vec={vec} kind={kind} cpl=3 cs=0x1b eip={user_eip:#x} cr3={proc.cr3:#x}{err}")
        self.cr3_load(6, KERNEL_CR3, 0, proc.window + TRAMPOLINE_OFFSET)
        self.table_load(3, "LIDT", KERNEL_IDT, 0x7ff, 0x100400)
        self.table_load(3, "LGDT", KERNEL_GDT, 0x2f, 0x100404)
        if work > 2000 and self.rng.random() < 0.3:
            self.log.event(work // 2, "INT", "vec=32 kind=hw cpl=0 cs=0x8 eip=0x101234 cr3=0x200000")
            work -= work // 2
        if move_to is not None:
            proc.window = move_to
            self.announce_window(proc)
        target = to or proc
        self.log.icount += work
        self.return_to(target)
        return target


def generate(out, events, seed=1, procs=3, moves_every=40):
    """Write a log of about `events` events; returns the LogWriter."""
    rng = random.Random(seed)
    log = LogWriter(out)
    m = Machine(log, rng)
    m.boot()
    m.mark("spawn")
    procs = [Process(i + 1, 0x01000000 + i * 0x1000, name, 0xffbff000 - i * 0x400000)
             for i, name in zip(range(procs), ("init", "sh", "lua", "tour", "bench"))]
    for p in procs:
        m.spawn(p)
    current = procs[0]
    m.return_to(current)
    m.mark("work")
    n = 0
    while log.events < events - 3:
        n += 1
        if n % 500 == 0:
            m.mark(f"phase {n // 500}")
        vec = rng.choices((0x80, 32, 14, 33), (60, 25, 12, 3))[0]
        work = int(rng.lognormvariate(7 if vec == 0x80 else 6, 0.8)) + 20
        move_to = None
        if vec == 14 and n % moves_every < 2:
            move_to = rng.randrange(0x10, 0xfff00) << 12
        to = rng.choice(procs) if vec == 32 else None
        current = m.bounce(current, vec, work, to=to, move_to=move_to)
    m.mark("done")
    log.event(500, "EXIT", "status=0")
    log.end()
    return log


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--procs", type=int, default=3)
    args = ap.parse_args()
    with open(args.out, "w") as f:
        generate(f, args.events, args.seed, args.procs)


if __name__ == "__main__":
    main()
