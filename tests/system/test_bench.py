"""The benchmark programs run and their results are well-formed.

Boots build/bounce.iso once with the event log on and, from the shell, runs
`bench_ops 100` (every N divided by 100, so the boot stays short); then reads
the log with analysis/bench.py, the reader `make bench` uses, and checks the
shape of what comes out -- every op between its two MARKs, positive counts,
a JSON-able table -- never the figures themselves (docs/performance.md).
"""
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis import bench  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
BOCHS = ROOT / "build" / "bochs" / "bochs"
OUT = ROOT / "out" / "test_bench"
QUICK = 100                 # bench_ops' divisor for every N
PER_OP_KEYS = {"n", "divisor", "span", "instructions", "cr3", "walks"}


@pytest.fixture(scope="module")
def run():
    for path in (ISO, BOCHS):
        if not path.exists():
            pytest.skip(f"{path} missing (make isos bochs)")
    log = OUT / "trace.log"
    console = bench.shell_session(
        str(ISO), str(BOCHS), str(log),
        [f'local s, o = k.proc.wait(k.proc.spawn("bench_ops", "{QUICK}")) '
         'print(o) print("status " .. s)'])
    (OUT / "console.txt").write_text(console)
    return console, bench.read_log(str(log))


def test_program_exits_zero(run):
    console, _ = run
    assert f"bench_ops: done (scale 1/{QUICK})" in console, console[-2000:]
    assert "status 0" in console, console[-2000:]


def test_every_op_has_both_marks(run):
    _, log = run
    missing = [op for op in ["empty"] + bench.OPS if op not in log["ops"]]
    assert not missing, f"ops without a begin/end MARK pair: {missing}"
    assert log["unavailable"] == [], "bounce mode must have a window to move"
    assert "bench:done" in log["marks"]


def test_counts_are_positive(run):
    _, log = run
    for op, o in log["ops"].items():
        assert o["span"] > 0, f"{op}: no instructions between its MARKs"
        assert o["n"] >= 1, f"{op}: N={o['n']}"
    ops = bench.per_op(log)
    for op, o in ops.items():
        assert o["instructions"] > 0, f"{op}: {o['instructions']} instructions per op"
        assert o["cr3"] >= 0, f"{op}: {o['cr3']} CR3 loads per op"
        assert o["walks"] is not None and o["walks"] >= 0, f"{op}: {o['walks']} page walks per op"
    assert ops["timer"]["divisor"] >= 1, "no timer interrupt from user mode while spinning"


def test_results_shape(run):
    _, log = run
    ops = json.loads(json.dumps(bench.per_op(log)))
    assert set(ops) == set(bench.OPS)
    for op, o in ops.items():
        assert set(o) == PER_OP_KEYS, f"{op}: keys {sorted(o)}"
        assert isinstance(o["n"], int) and isinstance(o["divisor"], int)


def test_reader_rejects_an_op_without_end(tmp_path):
    log = tmp_path / "cut.log"
    log.write_text("# bounce-trace 1\n"
                   "10 MARK label=bench:getpid:N=5:begin\n"
                   "20 CR3 old=0x1 new=0x2 cpl=0 eip=0x3\n"
                   "# end icount=20 events=2\n")
    with pytest.raises(ValueError, match="getpid"):
        bench.read_log(str(log))


def test_tlb_sweep_walks_every_page_again_only_when_bouncing():
    """analysis/tlb.py's experiment, two sizes: bouncing, a round walks its N
    pages again after each call (N + the call's own walks); shared, they stay
    in the TLB (Bochs's DTLB holds 2,048 entries)."""
    from analysis import tlb
    shared_iso = ROOT / "build" / "bounce-shared.iso"
    for path in (ISO, shared_iso, BOCHS):
        if not path.exists():
            pytest.skip(f"{path} missing (make isos bochs)")
    # 200 rounds: a figure is the difference of two runs, and the timer's
    # ticks fall differently in each.  With 20 rounds the shared N = 1 row
    # failed once the boot got shorter (40 walks more in one run: 2 a round);
    # with 200 such a difference moves a row by 0.2 walks.
    ns = [1, 64]
    bounce = tlb.sweep(str(ISO), str(BOCHS), ns=ns, rounds=200)
    shared = tlb.sweep(str(shared_iso), str(BOCHS), ns=ns, rounds=200)
    for b, s in zip(bounce, shared):
        assert b["n"] + 10 <= b["walks"] <= b["n"] + 60, b
        assert s["walks"] < 1 + s["n"] / 8, s
        assert abs(b["instructions"] - s["instructions"]) < 200, (b, s)
