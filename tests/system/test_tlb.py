"""The TLB experiment of `make bench` (analysis/tlb.py, user/bin/tlbtouch)
measures the same cost in every round.

`tlbtouch N R` less `tlbtouch N 0`, / R, is meant to be one round's walks:
bouncing, N pages walked again after the call plus the call's own, a
constant (docs/performance.md, "The TLB experiment"). If one of the R rounds
were cheaper than the others -- its pages still in the TLB from the
untimed first touch -- the figure would fall by N / R (20 walks at
N = 1024 with 50 rounds): the constant must not depend on N.
"""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis import tlb  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
BOCHS = ROOT / "build" / "bochs" / "bochs"
ROUNDS = 50        # make bench's; a round left out would cost N / 50 walks
# The two runs subtracted differ by more than their rounds (the shell's own
# work around them): up to about 60 walks, +-1.2 a round at ROUNDS = 50.
NOISE = 5


def test_bounce_walks_beyond_n_do_not_depend_on_n():
    for path in (ISO, BOCHS):
        if not path.exists():
            pytest.skip(f"{path} missing (make isos bochs)")
    small, large = tlb.sweep(str(ISO), str(BOCHS), ns=[1, 1024], rounds=ROUNDS)
    beyond = [r["walks"] - r["n"] for r in (small, large)]
    assert beyond[0] >= 10, small           # a bouncing call walks on its own
    assert abs(beyond[1] - beyond[0]) <= NOISE, (small, large)
