"""The command line: exit codes, JSON shapes, the report page, compare."""
import base64
import json
import os
import re

from analysis_helpers import run_cli, write_log
import known_logs as K

PLOTS = ("cr3_bands", "window_staircase", "visit_histogram", "walk_histogram", "cr3_rate")


def test_help_lists_every_subcommand():
    out = run_cli("--help")
    assert out.returncode == 0
    for cmd in ("summary", "plot", "report", "compare", "check"):
        assert cmd in out.stdout


def test_check_exit_codes(tmp_path):
    good = write_log(tmp_path / "good.log", K.known_log_lines())
    bad = write_log(tmp_path / "bad.log", K.without(K.known_log_lines(), "2105 LTR"))
    ok, failed = run_cli("check", good), run_cli("check", bad)
    assert ok.returncode == 0 and "all invariants hold" in ok.stdout
    assert failed.returncode == 1 and "FAIL  window-move" in failed.stdout


def test_malformed_log_is_an_error_not_a_crash(tmp_path):
    lines = K.known_log_lines()
    lines[6] = "oops"
    out = run_cli("summary", write_log(tmp_path / "m.log", lines))
    assert out.returncode == 2
    assert re.search(r"^error: .*m\.log:8: ", out.stderr) and "Traceback" not in out.stderr


def test_truncated_log_warns_and_still_summarises(tmp_path):
    out = run_cli("summary", "--json", write_log(tmp_path / "t.log", K.known_log_lines(), trailer=False))
    assert out.returncode == 0 and "warning:" in out.stderr
    assert json.loads(out.stdout)["complete"] is False


def test_summary_json_shape(tmp_path):
    out = run_cli("summary", "--json", write_log(tmp_path / "k.log", K.known_log_lines()))
    s = json.loads(out.stdout)
    assert {"kinds", "vectors", "address_spaces", "window_moves", "visits", "phases",
            "cr3_loads", "kernel", "complete", "events"} <= set(s)
    assert s["kinds"]["CR3"] == 10
    assert {"vector": 128, "name": "syscall", "count": 2} in s["vectors"]
    assert [a["label"] for a in s["address_spaces"]] == ["kernel", "pid 1 init", "pid 2 sh"]
    assert set(s["visits"]) >= {"count", "min", "median", "p99", "max", "by_cause"}
    assert s["window_moves"]["observed"] == 1 and s["window_moves"]["announced"] == 1
    assert [p["label"] for p in s["phases"]][1:] == ["first phase", "second phase"]


def test_check_json_shape(tmp_path):
    out = run_cli("check", "--json", write_log(tmp_path / "k.log", K.known_log_lines()))
    result = json.loads(out.stdout)
    assert result["ok"] is True
    assert [c["name"] for c in result["checks"]] == ["flags", "int-entry", "window-move"]
    assert all({"ok", "failures", "messages", "what"} <= set(c) for c in result["checks"])


def test_report_embeds_every_plot(synthetic_report):
    out, out_dir = synthetic_report
    assert out.returncode == 0 and out.stdout.strip().endswith("report.html")
    page = (out_dir / "report.html").read_text()
    for name in PLOTS:
        m = re.search(rf'<figure id="{name}"><img alt="{name}" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
        assert m, name
        assert base64.b64decode(m.group(1))[:8] == b"\x89PNG\r\n\x1a\n"
        assert (out_dir / f"{name}.png").stat().st_size > 0
        assert (out_dir / f"{name}.svg").read_text().lstrip().startswith("<?xml")
    assert not re.search(r'src="(?!data:)', page)          # nothing to fetch: self-contained


def test_report_counts_match_the_raw_log(synthetic_log, synthetic_report):
    """Counts in summary.json equal counts taken from the raw text here."""
    s = json.loads((synthetic_report[1] / "summary.json").read_text())
    raw = [l.split() for l in open(synthetic_log) if not l.startswith("#")]
    kinds = {}
    for words in raw:
        kinds[words[1]] = kinds.get(words[1], 0) + 1
    assert s["kinds"] == kinds
    to_kernel = sum(1 for w in raw if w[1] == "CR3" and "new=0x200000" in w)
    assert s["cr3_loads"]["to_kernel"] == to_kernel
    user_ints = sum(1 for w in raw if w[1] == "INT" and "cpl=3" in w)
    assert s["visits"]["count"] == user_ints          # every bounce starts with one
    # The generator loads TR once for the kernel, once when a process first
    # enters user mode, and once on each return into a moved window.
    procs = sum(1 for w in raw if w[1] == "NOTE" and "what=proc" in w)
    moved = sum(1 for w in raw if w[1] == "LTR") - 1 - procs
    assert moved > 0 and s["window_moves"]["observed"] == moved


def test_compare_gives_ratios(tmp_path, synthetic_log):
    other = write_log(tmp_path / "k.log", K.known_log_lines())
    out = run_cli("compare", "--json", synthetic_log, other, "--out", str(tmp_path / "cmp"))
    assert out.returncode == 0
    rows = {r["metric"]: r for r in json.loads(out.stdout)["rows"]}
    visits = rows["kernel visits"]
    assert visits["b"] == 4 and visits["ratio"] == round(4 / visits["a"], 3)
    page = (tmp_path / "cmp" / "compare.html").read_text()
    assert page.count("data:image/png;base64,") == 2 * len(PLOTS)


def test_plot_writes_png_and_svg(tmp_path):
    out = run_cli("plot", write_log(tmp_path / "k.log", K.known_log_lines()), "--out", str(tmp_path / "p"))
    assert out.returncode == 0
    assert sorted(os.listdir(tmp_path / "p")) == sorted(f"{n}.{e}" for n in PLOTS for e in ("png", "svg"))
