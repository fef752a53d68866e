"""Benchmark: a generated 10-million-event log through the reader and the
whole summary.  Runs only under `make bench-analysis` (BOUNCE_BENCH=1);
prints time and peak memory, asserts only completion and bounded memory."""
import os
import subprocess
import time

import pytest

import gen_log
from analysis_helpers import PYTHON, REPO

EVENTS = 10_000_000
MEMORY_LIMIT_MB = 200

pytestmark = pytest.mark.skipif(os.environ.get("BOUNCE_BENCH") != "1",
                                reason="benchmark; run it with `make bench-analysis`")

COUNT_EVENTS = ("import sys; from analysis.events import read_events; "
                "print(sum(1 for _ in read_events(sys.argv[1])))")


def measured(argv):
    """Run argv; return (stdout, seconds, peak RSS in MB) of that process alone."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, argv
    return out.decode(), time.monotonic() - start, usage.ru_maxrss / 1024


def test_ten_million_events(tmp_path):
    path = str(tmp_path / "big.log")
    start = time.monotonic()
    with open(path, "w") as f:
        written = gen_log.generate(f, EVENTS, seed=3, procs=5).events
    print(f"\nbench: generated {written} events, {os.path.getsize(path) / 2**20:.0f} MiB "
          f"in {time.monotonic() - start:.1f} s")

    out, seconds, peak = measured([PYTHON, "-c", COUNT_EVENTS, path])
    print(f"bench: parse    {seconds:6.1f} s  {written / seconds / 1e6:.2f} M events/s  peak RSS {peak:.0f} MB")
    assert int(out) == written
    assert peak < MEMORY_LIMIT_MB

    out, seconds, peak = measured([PYTHON, "-m", "analysis", "summary", "--json", path])
    print(f"bench: summary  {seconds:6.1f} s  {written / seconds / 1e6:.2f} M events/s  peak RSS {peak:.0f} MB")
    assert '"events": %d' % written in out
    assert peak < MEMORY_LIMIT_MB
