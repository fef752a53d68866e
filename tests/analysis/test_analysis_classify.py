"""Classification of the hand-written log in known_logs.py: every expected
number below is worked out by hand from that log's comments."""
import pytest

from analysis.check import check
from analysis.classify import analyze
from analysis.events import LogFormatError
from analysis.summary import summarize, visit_arrays
from analysis_helpers import write_log
import known_logs as K


@pytest.fixture
def known(tmp_path):
    return analyze(write_log(tmp_path / "known.log", K.known_log_lines()))


def test_visit_lengths_and_causes(known):
    length, cause, phase = visit_arrays(known.c)
    assert length.tolist() == K.VISIT_LENGTHS
    assert cause.tolist() == K.VISIT_CAUSES
    assert list(known.c.visit_vector) == K.VISIT_VECTORS
    assert phase.tolist() == [1, 1, 2, 2]


def test_boot_events_are_set_apart(known):
    c = known.c
    assert dict(c.boot_kinds) == {"INT": 1, "LGDT": 1}
    assert dict(c.vectors) == {0x80: 2, 14: 1, 32: 2}     # the BIOS's INT 0x10 is not here


def test_cr3_loads_kernel_vs_user(known):
    assert (known.c.kernel_loads, known.c.user_loads) == (5, 5)


def test_address_spaces_named_by_pid(known):
    spaces = {s.label: s for s in known.c.spaces}
    assert list(spaces) == ["kernel", "pid 1 init", "pid 2 sh"]
    assert [spaces[k].resident for k in spaces] == [1626, 2178, 896]
    assert [spaces[k].visits for k in spaces] == [0, 3, 1]
    assert spaces["pid 1 init"].staircase == [(703, 0xffbff000), (2103, 0x40000000)]


def test_window_moves(known):
    moves = [(m.source, m.icount, m.old, m.new) for m in known.c.moves]
    # The return to pid 1 at 5103 reloads 0x40000000 again: not a move;
    # pid 2's first window is a placement, not a move.
    assert moves == [("announced", 2050, 0xffbff000, 0x40000000),
                     ("lidt", 2103, 0xffbff000, 0x40000000)]


def test_phases(known):
    s = summarize(known)
    phases = [(p["label"], p["start"], p["end"], p["cr3_loads"], p["window_moves"],
               p["visits"]["count"], p["visits"]["max"]) for p in s["phases"]]
    assert phases == [("(before first MARK)", 0, 800, 2, 0, 0, None),
                      ("first phase", 800, 2500, 4, 1, 2, 104),
                      ("second phase", 2500, 5200, 4, 0, 2, 1104)]


def test_visit_statistics(known):
    v = summarize(known)["visits"]
    assert (v["count"], v["min"], v["median"], v["max"], v["total"]) == (4, 104, 104, 1104, 1416)
    assert v["by_cause"]["syscall"]["count"] == 2
    assert v["by_cause"]["page fault"]["count"] == 0     # its visit moved the window


def test_known_log_passes_check(known):
    result = check(known)
    assert result["ok"], result


def test_missing_ltr_fails_window_move_check(tmp_path):
    lines = K.without(K.known_log_lines(), "2105 LTR")
    result = check(analyze(write_log(tmp_path / "noltr.log", lines)))
    failed = {r["name"]: r for r in result["checks"] if not r["ok"]}
    assert list(failed) == ["window-move"]
    assert "without LTR" in failed["window-move"]["messages"][0]


def test_user_int_without_kernel_entry_fails(tmp_path):
    lines = K.without(K.known_log_lines(), "3006 CR3")
    result = check(analyze(write_log(tmp_path / "noentry.log", lines)))
    failed = {r["name"]: r for r in result["checks"] if not r["ok"]}
    # (The window tables then load under pid 1's CR3 and look like a move
    # of its window too; only the entry failure is this test's concern.)
    assert "int-entry" in failed and failed["int-entry"]["failures"] == 1
    assert "icount 3000" in failed["int-entry"]["messages"][0]


def test_flag_event_fails_check(tmp_path):
    lines = K.known_log_lines()
    lines.insert(-1, "5150 FLAG kind=cpl0-outside-window cpl=0 cs=0x8 eip=0x100400 cr3=0x1000000")
    result = check(analyze(write_log(tmp_path / "flag.log", lines)))
    assert not result["ok"]
    assert result["checks"][0]["failures"] == 1
    assert "cpl0-outside-window" in result["checks"][0]["messages"][0]


def test_shared_mode_skips_bounce_invariants(tmp_path):
    lines = K.without(K.known_log_lines(), "3006 CR3")
    lines.insert(5, "550 NOTE what=mode name=shared")
    result = check(analyze(write_log(tmp_path / "shared.log", lines)))
    assert result["ok"]
    assert [r["skipped"] for r in result["checks"]] == [False, True, True]


def test_kernel_announced_late_is_replayed(tmp_path):
    """CR3 loads before `@kernel` are classified once the kernel speaks."""
    lines = K.known_log_lines()
    note = next(l for l in lines if "what=kernel" in l)
    lines.remove(note)
    lines.insert(lines.index(next(l for l in lines if l.startswith("1000 "))), note.replace("600", "900"))
    a = analyze(write_log(tmp_path / "late.log", lines))
    assert list(a.c.visit_length) == K.VISIT_LENGTHS


def test_vga_bios_banner_is_boot_not_a_phase(tmp_path):
    lines = K.known_log_lines()
    lines.insert(1, "150 MARK label=Bochs VBE Display Adapter enabled")
    a = analyze(write_log(tmp_path / "vga.log", lines))
    assert a.c.boot_kinds["MARK"] == 1
    assert [p.label for p in a.c.phases] == ["(before first MARK)", "first phase", "second phase"]


def test_cr3_flag_bits_do_not_split_address_spaces(tmp_path):
    """CR3's low 12 bits (PWT, PCD) are not part of the directory address."""
    lines = [l.replace(f"new={K.P1} ", "new=0x1000018 ") for l in K.known_log_lines()]
    a = analyze(write_log(tmp_path / "pcd.log", lines))
    assert [s.label for s in a.c.spaces] == ["kernel", "pid 1 init", "pid 2 sh"]
    assert list(a.c.visit_length) == K.VISIT_LENGTHS


def test_log_without_kernel_announcement_guesses_and_fails_check(tmp_path):
    lines = [l for l in K.known_log_lines() if "what=kernel" not in l]
    with pytest.warns(UserWarning, match="never announced"):
        a = analyze(write_log(tmp_path / "nokernel.log", lines))
    assert a.c.kernel_guessed and a.c.kernel_cr3 == 0x200000
    assert list(a.c.visit_length) == K.VISIT_LENGTHS
    result = check(a)
    assert not result["ok"] and "never announced" in result["checks"][1]["messages"][0]


def test_faulting_delivery_is_one_entry(tmp_path):
    """INT 0x30 through a DPL 0 gate logs vector 48, then the #GP it raised,
    at the same icount; the kernel is entered once, through the #GP."""
    lines = K.known_log_lines()
    i = lines.index(next(l for l in lines if l.startswith("1000 INT")))
    lines[i:i + 1] = [f"1000 {K.user_int(48, 'soft', K.P1)}",
                      f"1000 {K.user_int(13, 'exc', K.P1)}"]
    a = analyze(write_log(tmp_path / "gp.log", lines))
    assert check(a)["ok"]
    assert list(a.c.visit_vector)[0] == 13
    assert a.c.spaces[1].user_ints == 3


@pytest.mark.parametrize("old, new, words", [
    ("what=kernel cr3=0x200000", "what=kernel", "lacks key 'cr3'"),
    ("new_base=0x40000000 new_limit", "new_base=0x4zz new_limit", "bad value"),
])
def test_unusable_values_are_format_errors(tmp_path, old, new, words):
    lines = K.known_log_lines()
    n = next(i for i, l in enumerate(lines) if old in l)
    lines[n] = lines[n].replace(old, new)
    with pytest.raises(LogFormatError, match=words) as err:
        analyze(write_log(tmp_path / "v.log", lines))
    assert err.value.line == n + 2


def test_page_walks_per_visit_and_per_space(tmp_path):
    """Version 3: walks between CR3 loads go to the space loaded; a visit's
    walks are those from its kernel CR3 load to the exit's."""
    lines = ["100 NOTE what=kernel cr3=0x1000 idt=0x2000 gdt=0x3000",
             "110 NOTE what=mode name=bounce",
             "200 CR3 old=0x1000 new=0x5000 cpl=0 eip=0x7000 walks=10 ptes=15 flushes=1",
             "300 INT vec=48 kind=soft cpl=3 cs=0x1b eip=0x40001000 cr3=0x5000 walks=17 ptes=25 flushes=1",
             "310 CR3 old=0x5000 new=0x1000 cpl=0 eip=0x7010 walks=18 ptes=26 flushes=2",
             "400 CR3 old=0x1000 new=0x5000 cpl=0 eip=0x7020 walks=40 ptes=50 flushes=3",
             "500 INT vec=48 kind=soft cpl=3 cs=0x1b eip=0x40001000 cr3=0x5000 walks=45 ptes=55 flushes=3",
             "510 CR3 old=0x5000 new=0x1000 cpl=0 eip=0x7010 walks=46 ptes=56 flushes=4",
             "600 CR3 old=0x1000 new=0x5000 cpl=0 eip=0x7020 walks=70 ptes=80 flushes=5"]
    a = analyze(write_log(tmp_path / "w.log", lines))
    assert list(a.c.visit_walks) == [22, 24]
    assert {s.label: s.walks for s in a.c.spaces} == {"kernel": 46, "cr3 0x5000": 8 + 6}
    s = summarize(a)
    assert s["page_walks"]["per_visit"]["median"] == 23
    old = analyze(write_log(tmp_path / "old.log", [l.split(" walks=")[0] for l in lines]))
    assert summarize(old)["page_walks"] is None
