"""A hand-written log whose answers are worked out by hand (see each line's
comment), and variants of it that break one isolation invariant each."""

K = "cr3=0x200000"
KTABLES = ["LIDT old_base=0x0 old_limit=0x0 new_base=0x105000 new_limit=0x7ff cpl=0 eip=0x100400",
           "LGDT old_base=0x0 old_limit=0x0 new_base=0x106000 new_limit=0x2f cpl=0 eip=0x100404"]


def window(base, cr3_after):
    """The exit path into a window at `base`: LGDT, LIDT, (no LTR), CR3."""
    return [f"LGDT old_base=0x106000 old_limit=0x2f new_base={base + 0x800:#x} new_limit=0x2f cpl=0 eip=0x200a00",
            f"LIDT old_base=0x105000 old_limit=0x7ff new_base={base:#x} new_limit=0x7ff cpl=0 eip=0x200a04",
            f"CR3 old=0x200000 new={cr3_after} cpl=0 cs=0x8 eip=0x200a0c src=mov"]


def ltr(base):
    return f"LTR old=0x28 new=0x28 base={base + 0x900:#x} cpl=0 eip=0x200a08"


def to_kernel(user_cr3):
    return f"CR3 old={user_cr3} new=0x200000 cpl=0 cs=0x8 eip=0xffbffa00 src=mov"


def user_int(vec, kind, cr3):
    err = " err=0x6" if vec == 14 else ""
    return f"INT vec={vec} kind={kind} cpl=3 cs=0x1b eip=0x8048123 cr3={cr3}{err}"


P1, P2 = "0x1000000", "0x1001000"


def timed(start, step, events):
    """Give `events` icounts start, start+step, ..."""
    return [f"{start + i * step} {e}" for i, e in enumerate(events)]


def known_log_lines():
    g, l_idt = KTABLES[1], KTABLES[0]
    lines = [
        "100 INT vec=16 kind=soft cpl=0 cs=0xf000 eip=0xe3fe cr3=0x0",              # BIOS
        "200 LGDT old_base=0x0 old_limit=0x0 new_base=0x7c60 new_limit=0x27 cpl=0 eip=0x7c3a",  # GRUB
        f"300 {g}".replace("eip=0x100404", "eip=0x100040"),                          # kernel
        f"400 {l_idt}".replace("eip=0x100400", "eip=0x100080"),
        "500 CR3 old=0x0 new=0x200000 cpl=0 cs=0x8 eip=0x1000c0 src=mov",           # paging on
        "600 NOTE what=kernel cr3=0x200000 idt=0x105000 gdt=0x106000",
        f"610 NOTE what=proc pid=1 cr3={P1} name=init",
        f"620 NOTE what=window cr3={P1} va=0xffbff000 pages=1 pa=0x300000",
    ]
    lines += timed(700, 3, window(0xffbff000, P1)[:2] + [ltr(0xffbff000)])
    lines += [f"710 {window(0xffbff000, P1)[2]}",                                    # first entry: no visit
              "800 MARK label=first phase",
              f"1000 {user_int(0x80, 'soft', P1)}",
              f"1006 {to_kernel(P1)}"]                                               # visit 1: syscall
    lines += timed(1010, 3, KTABLES)
    lines += timed(1100, 3, window(0xffbff000, P1)[:2]) + [f"1110 {window(0xffbff000, P1)[2]}"]  # 104
    lines += [f"2000 {user_int(14, 'exc', P1)}",
              f"2006 {to_kernel(P1)}"]                                               # visit 2: page fault
    lines += timed(2010, 3, KTABLES)
    lines += [f"2050 NOTE what=window cr3={P1} va=0x40000000 pages=1 pa=0x300000"]
    lines += timed(2100, 3, window(0x40000000, P1)[:2]) + [f"2105 {ltr(0x40000000)}",
                                                            f"2110 {window(0x40000000, P1)[2]}"]  # 104, move
    lines += ["2500 MARK label=second phase",
              f"3000 {user_int(32, 'hw', P1)}",
              f"3006 {to_kernel(P1)}"]                                               # visit 3: timer
    lines += timed(3010, 3, KTABLES)
    lines += ["3500 INT vec=32 kind=hw cpl=0 cs=0x8 eip=0x101234 cr3=0x200000",      # nested, in kernel
              f"4000 NOTE what=proc pid=2 cr3={P2} name=sh",
              f"4001 NOTE what=window cr3={P2} va=0xff7ff000 pages=1 pa=0x301000"]
    lines += timed(4100, 3, window(0xff7ff000, P2)[:2]) + [f"4106 {ltr(0xff7ff000)}",
                                                            f"4110 {window(0xff7ff000, P2)[2]}"]  # 1104, switch
    lines += [f"5000 {user_int(0x80, 'soft', P2)}",
              f"5006 {to_kernel(P2)}"]                                               # visit 4: syscall
    lines += timed(5010, 3, KTABLES)
    lines += timed(5100, 3, window(0x40000000, P1)[:2]) + [f"5110 {window(0x40000000, P1)[2]}"]  # 104
    lines += ["5200 EXIT status=0"]
    return lines


# What the log above must yield.
VISIT_LENGTHS = [104, 104, 1104, 104]
VISIT_CAUSES = ["syscall", "window move", "timer", "syscall"]
VISIT_VECTORS = [0x80, 14, 32, 0x80]


def without(lines, needle):
    """The log with the first line containing `needle` removed."""
    i = next(n for n, line in enumerate(lines) if needle in line)
    return lines[:i] + lines[i + 1:]
