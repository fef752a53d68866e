"""The streaming reader: header, malformed lines, truncated logs."""
import warnings

import pytest

from analysis.events import LogEnd, LogFormatError, TruncatedLogWarning, read_events
from analysis_helpers import write_log
import known_logs as K


def read_all(path):
    end = LogEnd()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events = list(read_events(path, end))
    return events, end, [w for w in caught if issubclass(w.category, TruncatedLogWarning)]


def test_complete_log(tmp_path):
    lines = K.known_log_lines()
    events, end, warned = read_all(write_log(tmp_path / "k.log", lines))
    assert len(events) == len(lines) and end.complete and not warned
    assert events[0].line == 2 and events[0].kind == "INT" and events[0].fields["vec"] == "16"


def test_reader_is_a_generator(tmp_path):
    """It hands out events one by one rather than building a list."""
    gen = read_events(write_log(tmp_path / "k.log", K.known_log_lines()))
    assert iter(gen) is gen
    assert next(gen).icount == 100


def test_mark_label_keeps_spaces(tmp_path):
    events, _, _ = read_all(write_log(tmp_path / "m.log", ["5 MARK label=suite: 4 GiB  map"]))
    assert events[0].fields == {"label": "suite: 4 GiB  map"}


@pytest.mark.parametrize("bad, lineno, words", [
    ("xyz CR3 old=0x0 new=0x1 cpl=0 eip=0x10", 4, "not a decimal"),
    ("900 CR3 old=0x0 new=0x1 cpl=0", 4, "lacks key 'eip'"),
    ("900 LIDT new_base", 4, "key=value"),
    ("900", 4, "expected"),
    ("50 EXIT status=0", 4, "below the previous"),
    ("900 lowercase x=1", 4, "upper-case"),
])
def test_malformed_line_reports_its_number(tmp_path, bad, lineno, words):
    lines = K.known_log_lines()[:2] + [bad] + K.known_log_lines()[2:]
    path = write_log(tmp_path / "bad.log", lines)
    with pytest.raises(LogFormatError) as err:
        read_all(path)
    assert err.value.line == lineno
    assert f":{lineno}:" in str(err.value) and words in str(err.value)


def test_bad_header_and_version(tmp_path):
    p = tmp_path / "h.log"
    p.write_text("")
    with pytest.raises(LogFormatError, match="empty log"):
        read_all(str(p))
    p.write_text("hello\n")
    with pytest.raises(LogFormatError, match="not a bounce trace"):
        read_all(str(p))
    p.write_text("# bounce-trace 3\n1 EXIT status=0\n")
    with pytest.raises(LogFormatError, match="unsupported trace version '3'") as err:
        read_all(str(p))
    assert err.value.line == 1


def test_truncated_log_reads_up_to_last_whole_line(tmp_path):
    lines = K.known_log_lines()
    text = "# bounce-trace 1\n" + "".join(l + "\n" for l in lines[:20]) + lines[20][:17]
    p = tmp_path / "cut.log"
    p.write_text(text)
    events, end, warned = read_all(str(p))
    assert [e.icount for e in events] == [int(l.split()[0]) for l in lines[:20]]
    assert not end.complete
    assert any("cut off" in str(w.message) for w in warned)


def test_log_without_trailer_warns(tmp_path):
    events, end, warned = read_all(write_log(tmp_path / "t.log", K.known_log_lines(), trailer=False))
    assert len(events) == len(K.known_log_lines()) and not end.complete and warned


def test_note_values_may_contain_spaces(tmp_path):
    events, _, _ = read_all(write_log(tmp_path / "n.log", ["5 NOTE what=proc pid=2 cr3=0x1000 name=lua shell"]))
    assert events[0].fields == {"what": "proc", "pid": "2", "cr3": "0x1000", "name": "lua shell"}


def test_killed_log_names_the_signal(tmp_path):
    p = tmp_path / "k.log"
    p.write_text("# bounce-trace 1\n5 EXIT status=0\n# killed signal=15\n")
    events, end, warned = read_all(str(p))
    assert len(events) == 1 and end.killed == "15"
    assert any("signal 15" in str(w.message) for w in warned)
