"""analysis/tlb.py's phase_walks: a logged TLB sweep's walks split by step."""
import pytest

from analysis import tlb
from analysis_helpers import write_log

USER, KERNEL = "0x1ffa4000", "0x15d000"


def bounce_run(n, rounds, walks, icount):
    """Event lines of one bouncing `tlbtouch n rounds` between its MARKs:
    a timer tick while the kernel loads the program, then each round the
    user walks n + 5, the entry 2, the kernel 15."""
    lines = [f"{icount} MARK label=tlb n={n} r={rounds} begin"]

    def event(text, step):
        nonlocal walks, icount
        walks += step
        icount += 10
        lines.append(f"{icount} {text} walks={walks} ptes={2 * walks} flushes=0")

    event(f"INT vec=32 kind=hw cpl=0 cs=0x8 eip=0x145113 cr3={KERNEL}", 0)
    event(f"CR3 old={KERNEL} new={USER} cpl=0 eip=0xf0000816", 40)
    for _ in range(rounds):
        event(f"INT vec=128 kind=soft cpl=3 cs=0x1b eip=0x4000029f cr3={USER}", n + 5)
        event(f"CR3 old={USER} new={KERNEL} cpl=0 eip=0xf0000774", 2)
        event(f"CR3 old={KERNEL} new={USER} cpl=0 eip=0xf0000816", 15)
    lines.append(f"{icount + 10} MARK label=tlb n={n} r={rounds} end")
    return lines, walks, icount + 10


def sweep_log(tmp_path, runs):
    """A version-3 log of runs [(n, rounds)], a timer tick between them."""
    lines, walks, icount = [], 1000, 100
    for n, rounds in runs:
        run, walks, icount = bounce_run(n, rounds, walks, icount)
        walks, icount = walks + 50, icount + 10
        lines += run + [f"{icount - 5} INT vec=32 kind=hw cpl=0 cs=0x8 eip=0x145113 "
                        f"cr3={KERNEL} walks={walks} ptes=0 flushes=0"]
    path = write_log(tmp_path / "tlb.log", lines)
    text = open(path).read().replace("# bounce-trace 1\n", "# bounce-trace 3\n", 1)
    open(path, "w").write(text)
    return path


def test_a_round_splits_into_user_entry_and_kernel(tmp_path):
    path = sweep_log(tmp_path, [(1, 3), (64, 3), (64, 0)])
    user, entry, kernel = (f"CR3 {USER}", "INT 128 cpl=3"), \
        ("INT 128 cpl=3", f"CR3 {KERNEL}"), (f"CR3 {KERNEL}", f"CR3 {USER}")
    # Only the run asked for: not the other N, not the run without rounds,
    # not the timer tick between runs.
    start = ("INT 32 cpl=0", f"CR3 {USER}")
    assert tlb.phase_walks(path, 64, 3) == {start: [40], user: [69] * 3, entry: [2] * 3,
                                            kernel: [15] * 3}
    assert tlb.phase_walks(path, 1, 3)[user] == [6] * 3


def test_a_run_missing_from_the_log_is_an_error(tmp_path):
    path = sweep_log(tmp_path, [(1, 3)])
    with pytest.raises(ValueError, match="tlb n=1024 r=3 begin"):
        tlb.phase_walks(path, 1024, 3)
    with pytest.raises(ValueError, match="tlb n=1 r=50 begin"):
        tlb.phase_walks(path, 1, 50)


def test_the_table_keeps_the_steps_of_every_round(tmp_path):
    path = sweep_log(tmp_path, [(1, 3), (64, 3)])
    md = tlb.phase_markdown(path, [1, 64], 3)
    assert f"| 64 | CR3 {USER} | INT 128 cpl=3 | 3 | 69 | 69 | 69 |" in md
    assert f"| 1 | CR3 {KERNEL} | CR3 {USER} | 3 | 15 | 15 | 15 |" in md
    assert md.count("\n| 1 |") == 3 and md.count("\n| 64 |") == 3
