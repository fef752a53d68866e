"""Helpers for the analysis tests: where things are, writing logs, running the CLI."""
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"


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
