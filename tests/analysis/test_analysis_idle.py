"""Idle time at the prompt is not a kernel visit's cost: a visit in which
the kernel reached its idle loop (an interrupt taken at the `@idle eip=`
address the kernel announced) is filed as idle, not under its trigger or
a window move, and stays out of the visit statistics (docs/analysis.md).
The log below is hand-written; every number is worked out from it."""
from analysis.classify import analyze
from analysis.summary import summarize, visit_arrays
from analysis_helpers import write_log
import known_logs as K

IDLE_EIP = "0x101500"


def idle_log_lines(announce_idle=True):
    P1 = K.P1
    lines = [
        "500 CR3 old=0x0 new=0x200000 cpl=0 cs=0x8 eip=0x1000c0 src=mov",
        "600 NOTE what=kernel cr3=0x200000 idt=0x105000 gdt=0x106000",
    ]
    if announce_idle:
        lines += [f"601 NOTE what=idle eip={IDLE_EIP}"]
    lines += [f"610 NOTE what=proc pid=1 cr3={P1} name=init",
              f"620 NOTE what=window cr3={P1} va=0xffbff000 pages=1 pa=0x300000"]
    lines += K.timed(700, 3, K.window(0xffbff000, P1)[:2] + [K.ltr(0xffbff000)])
    lines += [f"710 {K.window(0xffbff000, P1)[2]}",
              # visit 1: a system call, 104 instructions
              f"1000 {K.user_int(0x80, 'soft', P1)}",
              f"1006 {K.to_kernel(P1)}"]
    lines += K.timed(1100, 3, K.window(0xffbff000, P1)[:2]) + [f"1110 {K.window(0xffbff000, P1)[2]}"]
    # visit 2: a system call that sleeps; the kernel idles (the timer wakes
    # it in the idle loop), the shell moves the window meanwhile; 999,004
    lines += [f"2000 {K.user_int(0x80, 'soft', P1)}",
              f"2006 {K.to_kernel(P1)}",
              f"3000 INT vec=32 kind=hw cpl=0 cs=0x8 eip={IDLE_EIP} cr3=0x200000",
              f"500000 INT vec=32 kind=hw cpl=0 cs=0x8 eip={IDLE_EIP} cr3=0x200000",
              f"900000 NOTE what=window cr3={P1} va=0x40000000 pages=1 pa=0x300000"]
    lines += K.timed(1000000, 3, K.window(0x40000000, P1)[:2]) + [f"1000005 {K.ltr(0x40000000)}",
                                                                  f"1001010 {K.window(0x40000000, P1)[2]}"]
    # visit 3: a timer tick, with a nested tick in busy kernel code: 204
    lines += [f"1002000 {K.user_int(32, 'hw', P1)}",
              f"1002006 {K.to_kernel(P1)}",
              "1002100 INT vec=32 kind=hw cpl=0 cs=0x8 eip=0x101234 cr3=0x200000"]
    lines += K.timed(1002200, 3, K.window(0x40000000, P1)[:2]) + [f"1002210 {K.window(0x40000000, P1)[2]}"]
    lines += ["1003000 EXIT status=0"]
    return lines


def test_a_visit_that_reached_the_idle_loop_is_idle(tmp_path):
    a = analyze(write_log(tmp_path / "idle.log", idle_log_lines()))
    length, cause, _ = visit_arrays(a.c)
    assert length.tolist() == [104, 999004, 204]
    assert cause.tolist() == ["syscall", "idle", "timer"]
    assert a.c.idle_eips == {0x101500}


def test_idle_visits_stay_out_of_the_visit_statistics(tmp_path):
    s = summarize(analyze(write_log(tmp_path / "idle.log", idle_log_lines())))
    v = s["visits"]
    assert (v["count"], v["max"], v["total"]) == (2, 204, 308)
    assert v["by_cause"]["idle"]["count"] == 1 and v["by_cause"]["idle"]["max"] == 999004
    assert v["by_cause"]["window move"]["count"] == 0
    assert s["phases"][0]["visits"]["count"] == 2
    assert s["window_moves"]["observed"] == 1        # the move itself still counts


def test_without_the_announcement_nothing_is_idle(tmp_path):
    a = analyze(write_log(tmp_path / "plain.log", idle_log_lines(announce_idle=False)))
    _, cause, _ = visit_arrays(a.c)
    assert cause.tolist() == ["syscall", "window move", "timer"]
