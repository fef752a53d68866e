"""`make demo`: boot, the window tour and the 4 GiB suite in one run, then a
report. The report's figures are checked against counts this test makes
itself from the raw log, line by line, without the analysis package."""
import collections
import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / "out" / "demo"
PLOTS = 4  # docs/analysis.md: CR3 bands, IDTR staircase, visit histogram, CR3 rate


@pytest.fixture(scope="module")
def demo():
    log = DEMO / "trace.log"
    if log.exists():
        log.unlink()  # make the run happen now, from this tree
    r = subprocess.run(["make", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=2400)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return {"stdout": r.stdout, "log": log, "report": DEMO / "report.html",
            "summary": json.loads((DEMO / "summary.json").read_text())}


def raw_counts(log):
    """Counts straight from the text of the log (two passes: the kernel
    announces its CR3 just after its first CR3 load)."""
    events = [line.split() for line in log.read_text().splitlines() if not line.startswith("#")]
    fields = [dict(w.split("=", 1) for w in words[2:] if "=" in w) for words in events]
    kinds = collections.Counter(words[1] for words in events)
    kernel_cr3 = next(int(f["cr3"], 16) for words, f in zip(events, fields)
                      if words[1] == "NOTE" and f.get("what") == "kernel")
    to_kernel = sum(1 for words, f in zip(events, fields)
                    if words[1] == "CR3" and int(f["new"], 16) & ~0xFFF == kernel_cr3)
    exits = [int(f["status"], 0) for words, f in zip(events, fields) if words[1] == "EXIT"]
    return kinds, to_kernel, exits[-1] if exits else None


def test_demo_ran_both_parts(demo):
    assert "total:" in demo["stdout"] and ", 0 failed" in demo["stdout"]
    labels = re.findall(r"MARK label=(.*)", demo["log"].read_text())
    assert "demo: window tour" in labels and "demo: 4 GiB suite" in labels


def test_report_embeds_every_plot(demo):
    html = demo["report"].read_text()
    assert html.count("data:image/") >= PLOTS
    assert "http://" not in html and "https://" not in html  # self-contained


def test_report_counts_match_the_raw_log(demo):
    kinds, to_kernel, exit_status = raw_counts(demo["log"])
    s = demo["summary"]
    assert s["events"] == sum(kinds.values())
    assert s["kinds"] == dict(kinds)
    assert s["cr3_loads"]["to_kernel"] == to_kernel
    assert s["flags"] == kinds.get("FLAG", 0) == 0
    assert s["exit_status"] == exit_status == 0
    assert s["window_moves"]["announced"] > 0
