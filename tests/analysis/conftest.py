"""pytest set-up for tests/analysis: the repo (for `analysis`) and this
directory (for the helpers) on sys.path, and a generated log fixture."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for path in (os.path.dirname(os.path.dirname(HERE)), HERE):
    if path not in sys.path:
        sys.path.insert(0, path)


@pytest.fixture(scope="session")
def synthetic_log(tmp_path_factory):
    """A generated log of about 6000 events, shared by the tests that read it."""
    import gen_log
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.log"
    with open(path, "w") as f:
        gen_log.generate(f, 6000, seed=7)
    return str(path)


@pytest.fixture(scope="session")
def synthetic_report(synthetic_log, tmp_path_factory):
    """`report` run once on synthetic_log: (CompletedProcess, output directory)."""
    from analysis_helpers import run_cli
    out_dir = tmp_path_factory.mktemp("report")
    return run_cli("report", synthetic_log, "--out", str(out_dir)), out_dir
