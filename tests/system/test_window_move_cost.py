"""What a window move costs, held at the issue's target (docs/performance.md,
"Window move").

The bounce bench ISO booted and read as `make bench` does (analysis/bench.py;
instruction counts are deterministic): `bench_ops`' `window` op, 2000 calls
of window_move() alternately to 0x70000000 and 0x70400000, costs at most
2,000 instructions a call.  Each call leaves a 4 MiB region, so each one
also asks whether that region can coalesce into a large page.
"""
import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis import bench  # noqa: E402

BOCHS = ROOT / "build" / "bochs" / "bochs"
ISO = ROOT / "build" / "bounce-bench.iso"
OUT = ROOT / "out" / "test_window_move_cost"
TARGET = 2000


@pytest.fixture(scope="module")
def ops():
    if not ISO.exists() or not BOCHS.exists():
        pytest.fail(f"{ISO.relative_to(ROOT)} or the Bochs is missing: make isos bochs")
    OUT.mkdir(parents=True, exist_ok=True)
    copy = OUT / ISO.name          # what we boot cannot change under us
    shutil.copy(ISO, copy)
    log = OUT / "bounce.bxlog"
    bench.run_bench_iso(str(copy), str(BOCHS), log=str(log))
    return bench.per_op(bench.read_log(str(log)))


def test_window_move_within_target(ops):
    w = ops["window"]
    print(f"window move: {w['instructions']:.1f} instructions, {w['walks']:.2f} page walks")
    assert w["n"] >= 1000, w
    assert w["instructions"] <= TARGET, w
