"""pytest set-up for tests/analysis: the repo (for `analysis`) and this
directory (for the helpers) on sys.path, and a generated log fixture."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (os.path.dirname(os.path.dirname(HERE)), HERE):
    if path not in sys.path:
        sys.path.insert(0, path)


@pytest.fixture
def synthetic_log(tmp_path):
    import gen_log
    path = tmp_path / "synthetic.log"
    with open(path, "w") as f:
        gen_log.generate(f, 6000, seed=7)
    return str(path)
