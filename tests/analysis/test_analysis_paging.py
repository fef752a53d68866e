"""analysis/paging.py: the kernel's @pageout / @pagein announcements
(docs/disk.md) counted per address space, drawn with the window moves, and
shown in the report."""
import json
import os

import pytest

from analysis_helpers import run_cli, write_log

from analysis import paging
from analysis.classify import analyze
from analysis.events import LogFormatError

KERNEL = "100 NOTE what=kernel cr3=0x200000 idt=0x105000 gdt=0x106000"
LINES = [
    KERNEL,
    "200 NOTE what=proc pid=4 cr3=0x1000000 name=t_swap",
    "300 NOTE what=proc pid=5 cr3=0x1001000 name=t_swap_child",
    "400 NOTE what=pageout as=0x1000000 va=0x00400000 slot=0",
    "410 NOTE what=pageout as=0x1000000 va=0x00401000 slot=1",
    "420 NOTE what=pageout as=0x1001000 va=0x00400000 slot=2",
    "500 NOTE what=pagein as=0x1000000 va=0x00400000 slot=0",
    "600 NOTE what=pageout as=0x1002000 va=0xfffff000 slot=3",   # a space nobody named
    "700 MARK label=pageout as=0x1000000 va=0 slot=9",           # a mark is no announcement
]


def test_counts_per_address_space(tmp_path):
    stats = paging.paging_stats(analyze(write_log(tmp_path / "p.log", LINES)))
    assert [(r["space"], r["cr3"], r["pageouts"], r["pageins"]) for r in stats["spaces"]] == [
        ("pid 4 t_swap", "0x1000000", 2, 1),
        ("pid 5 t_swap_child", "0x1001000", 1, 0),
        ("cr3 0x1002000", "0x1002000", 1, 0),
    ]
    assert (stats["pageouts"], stats["pageins"]) == (4, 1)


def test_a_reused_directory_is_a_new_space(tmp_path):
    """A page directory freed and given to a later process: its paging is
    the later process's."""
    lines = LINES[:4] + ["450 NOTE what=proc pid=9 cr3=0x1000000 name=later",
                         "460 NOTE what=pagein as=0x1000000 va=0x00400000 slot=0"]
    stats = paging.paging_stats(analyze(write_log(tmp_path / "p.log", lines)))
    assert [(r["space"], r["pageouts"], r["pageins"]) for r in stats["spaces"]] == [
        ("pid 4 t_swap", 1, 0), ("pid 9 later", 0, 1)]


def test_no_paging(tmp_path):
    log = write_log(tmp_path / "p.log", LINES[:3])
    assert paging.paging_stats(analyze(log))["spaces"] == []
    out = run_cli("paging", log)
    assert out.returncode == 0 and "no paging" in out.stdout


@pytest.mark.parametrize("bad", ["as=zz va=0x0 slot=1", "as=0x1000000 slot=1",
                                 "as=0x1000000 va=0x0 slot=x"])
def test_malformed_announcement_is_the_logs_fault(tmp_path, bad):
    log = write_log(tmp_path / "p.log", [KERNEL, f"400 NOTE what=pageout {bad}"])
    with pytest.raises(LogFormatError, match=":3: NOTE"):
        analyze(log)
    assert run_cli("paging", log).returncode == 2


def test_command_line_table_json_and_plot(tmp_path):
    log = write_log(tmp_path / "p.log", LINES)
    out = run_cli("paging", log)
    assert out.returncode == 0, out.stderr
    assert "pid 4 t_swap" in out.stdout and "page-outs" in out.stdout
    row = next(l for l in out.stdout.splitlines() if l.startswith("all"))
    assert row.split()[1:3] == ["4", "1"]
    data = json.loads(run_cli("paging", "--json", log).stdout)
    assert data["spaces"][1]["name"] == "t_swap_child"
    out = run_cli("paging", log, "--out", str(tmp_path / "fig"))
    assert out.returncode == 0, out.stderr
    png = (tmp_path / "fig" / "paging.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert os.path.exists(tmp_path / "fig" / "paging.svg")


def with_paging(synthetic_log, tmp_path):
    """The generated log (processes, window moves) with page-outs and
    page-ins of its first process slipped in, in icount order."""
    lines = open(synthetic_log).read().splitlines()
    proc = next(l for l in lines if "what=proc" in l)
    cr3 = proc.split("cr3=")[1].split()[0]
    first, last = int(proc.split()[0]), int(lines[-2].split()[0])
    extra = [(first + (last - first) * i // 40, f"NOTE what={'pagein' if i % 4 == 3 else 'pageout'} "
              f"as={cr3} va={i << 12:#x} slot={i}") for i in range(1, 40)]
    events = [l for l in lines[1:] if not l.startswith("#")]
    merged = sorted([(int(l.split()[0]), l) for l in events] +
                    [(ic, f"{ic} {text}") for ic, text in extra], key=lambda p: p[0])
    return write_log(tmp_path / "paged.log", [l for _, l in merged])


def test_report_has_the_paging_section(synthetic_log, tmp_path):
    log = with_paging(synthetic_log, tmp_path)
    a = analyze(log)
    stats = paging.paging_stats(a)
    assert (stats["pageouts"], stats["pageins"]) == (29, 10)
    assert stats["window_moves"] >= 1, "the generated log moves windows"
    out = run_cli("report", log, "--out", str(tmp_path / "report"))
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "report" / "report.html").read_text()
    assert "<h2>Paging</h2>" in page and 'id="paging"' in page and "page-outs" in page
    assert (tmp_path / "report" / "paging.png").exists()


def test_report_without_paging_has_no_section(synthetic_report):
    out, out_dir = synthetic_report
    assert out.returncode == 0
    assert "<h2>Paging</h2>" not in (out_dir / "report.html").read_text()
    assert not (out_dir / "paging.png").exists()
