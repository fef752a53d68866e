"""Format version 2: user marks (UMARK), escaped labels, FLAG details."""
import pytest

from analysis import bench
from analysis.check import check
from analysis.classify import analyze
from analysis.events import LogFormatError, read_events
from analysis_helpers import write_log
import known_logs as K


def write_v2(path, lines):
    """write_log, with the version-2 header the module writes now."""
    write_log(path, lines)
    path.write_text(path.read_text().replace("# bounce-trace 1\n", "# bounce-trace 2\n", 1))
    return str(path)


def test_umark_keeps_pid_and_escaped_label(tmp_path):
    (ev,) = read_events(write_v2(tmp_path / "u.log",
                                 [r"5 UMARK pid=3 label=\x0d@mode name=shared\x5c x"]))
    assert ev.kind == "UMARK"
    assert ev.fields == {"pid": "3", "label": r"\x0d@mode name=shared\x5c x"}


def test_umark_without_pid_is_malformed(tmp_path):
    with pytest.raises(LogFormatError, match="lacks key 'pid'"):
        list(read_events(write_v2(tmp_path / "u.log", ["5 UMARK label=x"])))


def test_user_marks_delimit_phases(tmp_path):
    lines = K.known_log_lines()
    lines = [l.replace("MARK label=second phase", "UMARK pid=1 label=second phase") for l in lines]
    a = analyze(write_v2(tmp_path / "k.log", lines))
    assert [p.label for p in a.c.phases] == ["(before first MARK)", "first phase", "second phase"]
    assert a.c.phases[2].kinds["UMARK"] == 1


def test_a_user_mark_never_announces(tmp_path):
    """Even a UMARK whose label is exactly an announcement stays a mark."""
    lines = K.known_log_lines()
    lines.insert(-1, "5150 UMARK pid=1 label=@mode name=shared")
    a = analyze(write_v2(tmp_path / "k.log", lines))
    assert a.c.mode != "shared"
    assert check(a)["ok"]


def test_flag_details_reach_the_check_message(tmp_path):
    lines = K.known_log_lines()
    lines.insert(-1, "5150 FLAG kind=table-outside-window cpl=0 cs=0x8 eip=0xffbff008 "
                     "cr3=0x1000000 which=idt base=0x105000 limit=0x7ff")
    result = check(analyze(write_v2(tmp_path / "f.log", lines)))
    assert not result["ok"]
    assert "which=idt base=0x105000 limit=0x7ff" in result["checks"][0]["messages"][0]


def test_bench_reads_user_marks(tmp_path):
    log = tmp_path / "b.log"
    log.write_text("# bounce-trace 2\n"
                   "10 UMARK pid=4 label=bench:getpid:N=5:begin\n"
                   "20 CR3 old=0x1 new=0x2 cpl=0 eip=0x3\n"
                   "90 UMARK pid=4 label=bench:getpid:user=7:end\n"
                   "# end icount=90 events=3\n")
    got = bench.read_log(str(log))
    assert got["ops"]["getpid"]["span"] == 80 and got["ops"]["getpid"]["user"] == 7
