"""`make demo`'s window view (out/demo/window.html), opened in Debian's
headless Chromium: at three moments of the demo run the page must draw the
window where the log says it is, and log nothing to the console.

The expected positions come from the raw log text, line by line, without the
analysis package: the window tour's MARK "tour stop N va=X", the process the
shell spawned for it (its @proc), and the process's first CR3 load after the
mark (the window's IDT was loaded just before it).  The page is opened at
that log line (#line=N), its state read from the DOM (<output id="state">),
and the pixels of its screenshot checked at the window's column."""
import html
import json
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / "out" / "demo"
VIEW = DEMO / "window.html"
WINDOW_RGB = (0xff, 0x8c, 0x00)     # analysis/window_view.html: WINDOW
STOPS = (1, 4, 7)                   # scripts/lua/window_tour.lua: 0x00001000, 0x7FFFF000, 0xFFFEF000
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-quic", "--enable-logging=stderr", "--v=0", "--window-size=1100,720"]


@pytest.fixture(scope="module")
def demo():
    """`make demo` (a no-op for the boot when test_demo.py just made it)."""
    r = subprocess.run(["make", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=2400)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "out/demo/window.html" in r.stdout
    return (DEMO / "trace.log").read_text().splitlines()


def chromium(url, *what):
    """Run headless Chromium on url with a throw-away profile; return its
    stdout and stderr (with --enable-logging, console messages are the
    stderr lines holding ':CONSOLE')."""
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *what, url],
                           capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout, r.stderr


def console_lines(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def open_at(line, tmp_path):
    """The page's state and screenshot with the view opened at a log line."""
    url = f"{VIEW.resolve().as_uri()}#line={line}"
    dom, err = chromium(url, "--dump-dom")
    m = re.search(r'<output id="state">(.*?)</output>', dom, re.S)
    assert m, "the page published no state"
    shot = tmp_path / f"line{line}.png"
    _, err2 = chromium(url, f"--screenshot={shot}")
    return json.loads(html.unescape(m.group(1))), Image.open(shot).convert("RGB"), \
        console_lines(err) + console_lines(err2)


def cr3_load(text):
    """The directory a CR3 event loads (CR3 values compare without their
    low 12 bits), or None for another line."""
    m = re.match(r"\d+ CR3 .*\bnew=(0x[0-9a-f]+)", text)
    return int(m.group(1), 16) & ~0xfff if m else None


def tour_moments(lines):
    """(log line, pid, window va) for each tour stop in STOPS: the first CR3
    load of the stop's process after the stop's MARK."""
    moments, proc = [], None
    for i, text in enumerate(lines):
        m = re.search(r"NOTE what=proc pid=(\d+) cr3=(0x[0-9a-f]+)", text)
        if m:
            proc = (int(m.group(1)), int(m.group(2), 16))
        m = re.search(r"MARK label=tour stop (\d+) va=(0x[0-9a-f]+)", text)
        if m and int(m.group(1)) in STOPS:
            pid, cr3 = proc
            j = next(j for j in range(i + 1, len(lines)) if cr3_load(lines[j]) == cr3)
            moments.append((j + 1, pid, int(m.group(2), 16)))   # log lines count from 1
    assert len(moments) == len(STOPS), moments
    return moments


def pixel(image, state, region, y):
    c = state["canvas"]
    return image.getpixel((int(c["left"] + region), int(c["top"] + y)))


def near(rgb, want, slack=8):
    return all(abs(a - b) <= slack for a, b in zip(rgb, want))


def test_view_is_self_contained(demo):
    text = VIEW.read_text()
    assert "http://" not in text and "https://" not in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)   # nothing loaded from elsewhere


@pytest.mark.parametrize("stop", range(len(STOPS)))
def test_window_drawn_where_the_log_says(demo, stop, tmp_path):
    line, pid, va = tour_moments(demo)[stop]
    state, image, console = open_at(line, tmp_path)
    assert console == [] and state["errors"] == []
    assert state["line"] == line
    assert state["loaded"] == state["shown"] == f"pid {pid} hello"
    assert state["window_va"] == va and state["window_region"] == va >> 22
    y = state["canvas"]["bars_top"] + 10
    assert near(pixel(image, state, va >> 22, y), WINDOW_RGB)
    # and only there: the regions of the other stops are not the window's colour
    for other in {0x00001000 >> 22, 0x7FFFF000 >> 22, 0xFFFEF000 >> 22} - {va >> 22}:
        assert not near(pixel(image, state, other, y), WINDOW_RGB), hex(other)


def test_kernel_entry_shows_the_kernel_cr3(demo, tmp_path):
    """The CR3 load just after a process's first run is the bounce into the
    kernel: the page says the kernel's directory is loaded, and still draws
    the process's window (the one page of its space the CPU used)."""
    line, pid, va = tour_moments(demo)[1]
    kernel_cr3 = int(re.search(r"NOTE what=kernel cr3=(0x[0-9a-f]+)", "\n".join(demo)).group(1), 16)
    entry = next(j + 1 for j in range(line, len(demo)) if cr3_load(demo[j]) == kernel_cr3)
    state, image, console = open_at(entry, tmp_path)
    assert console == [] and state["errors"] == []
    assert state["loaded"] == "kernel" and state["shown"] == f"pid {pid} hello"
    assert near(pixel(image, state, va >> 22, state["canvas"]["bars_top"] + 10), WINDOW_RGB)


def test_page_plays_to_the_end_without_errors(demo, tmp_path):
    """Opened without a position the page shows the run's last event."""
    dom, err = chromium(VIEW.resolve().as_uri(), "--dump-dom")
    state = json.loads(html.unescape(re.search(r'<output id="state">(.*?)</output>', dom, re.S).group(1)))
    assert console_lines(err) == [] and state["errors"] == []
    assert state["frame"] == state["frames"] - 1 > 1000
