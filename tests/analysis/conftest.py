"""Shared helpers for the analysis tests: the repo on sys.path, log writing,
running the CLI."""
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
for path in (REPO, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)


def write_log(path, lines, trailer=True):
    """A log file from event lines (without the header); returns its path."""
    text = "# bounce-trace 1\n" + "".join(line + "\n" for line in lines)
    if trailer:
        last = int(lines[-1].split()[0]) if lines else 0
        text += f"# end icount={last} events={len(lines)}\n"
    path.write_text(text)
    return str(path)


def run_cli(*args):
    """python3 -m analysis ARGS from the repo root; returns the CompletedProcess."""
    return subprocess.run([PYTHON, "-m", "analysis", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def synthetic_log(tmp_path):
    import gen_log
    path = tmp_path / "synthetic.log"
    with open(path, "w") as f:
        gen_log.generate(f, 6000, seed=7)
    return str(path)
