"""analysis/window_view.py on a hand-written log: the frames it embeds say
where the window is, which pages each process has, who leaves when, and
which plain bounces are left out.  (The page itself is tested in Chromium:
tests/system/test_window_view.py.)"""
import json

from analysis import window_view
from analysis_helpers import run_cli, write_log

K, P1, P2 = "0x200000", "0x1000000", "0x1001000"
KIDT = "0x105000"
F_LINE, F_TEXT, F_LOADED, F_SHOWN, F_OPS, F_SKIPPED = 1, 2, 3, 4, 5, 6


def lidt(base):
    return f"LIDT old_base={KIDT} old_limit=0x7ff new_base={base} new_limit=0x407 cpl=0 eip=0x200a04"


def cr3(new):
    return f"CR3 old=0x0 new={new} cpl=0 cs=0x8 eip=0x200a0c src=mov"


def bounce(user, window_base):
    """A system call: into the kernel and back, the window reloaded."""
    return [f"INT vec=128 kind=soft cpl=3 cs=0x1b eip=0x40000123 cr3={user}", cr3(K),
            lidt(window_base), cr3(user)]


def demo_log():
    lines = [cr3(K), f"NOTE what=kernel cr3={K} idt={KIDT} gdt=0x106000",
             # spawn maps before @proc names the process
             f"NOTE what=map cr3={P1} va=0x40000000 pages=2",
             f"NOTE what=map cr3={P1} va=0xffff0000 pages=16",
             f"NOTE what=proc pid=2 cr3={P1} name=first",
             f"NOTE what=window cr3={P1} va=0xf0000000 pages=1 pa=0x300000",
             lidt("0xf0000000"), cr3(P1)]
    for _ in range(20):
        lines += bounce(P1, "0xf0000000")
    lines += ["INT vec=14 kind=exc cpl=3 cs=0x1b eip=0x40000123 cr3=" + P1, cr3(K),
              f"NOTE what=window cr3={P1} va=0x10000000 pages=1 pa=0x300000",
              lidt("0x10000000"), cr3(P1)]
    lines += ["INT vec=128 kind=soft cpl=3 cs=0x1b eip=0x40000123 cr3=" + P1, cr3(K),
              f"NOTE what=map cr3={P1} va=0x80000000 pages=1024",
              f"NOTE what=unmap cr3={P1} va=0x80000000 pages=24",
              f"NOTE what=proc pid=3 cr3={P2} parent=2 name=first",
              f"NOTE what=window cr3={P2} va=0x10000000 pages=1 pa=0x301000",
              lidt("0x10000000"), cr3(P2),
              "INT vec=128 kind=soft cpl=3 cs=0x1b eip=0x40000123 cr3=" + P2, cr3(K),
              lidt("0x10000000"), cr3(P1),
              "INT vec=128 kind=soft cpl=3 cs=0x1b eip=0x40000123 cr3=" + P1, cr3(K),   # pid 2 leaves
              # the next spawn gets P1 again
              f"NOTE what=map cr3={P1} va=0x50000000 pages=1",
              f"NOTE what=proc pid=4 cr3={P1} name=second",
              f"NOTE what=window cr3={P1} va=0xf0000000 pages=1 pa=0x300000",
              lidt("0xf0000000"), cr3(P1),
              "EXIT status=0"]
    return [f"{1000 + 10 * i} {line}" for i, line in enumerate(lines)]


def replay(data, upto=None):
    """The page's state after the frames up to `upto` (all by default), as
    analysis/window_view.html computes it."""
    spaces = [{"label": s["label"], "counts": [0] * 1024, "pt": [0] * 1024, "win": None,
               "alive": False, "exited": False} for s in data["spaces"]]
    for f in data["frames"][:upto]:
        for op in f[F_OPS]:
            s = spaces[op[1]] if len(op) > 1 else None
            if op[0] == "new":
                s["alive"], s["label"] = True, op[2]
                if op[3] is not None:
                    s["counts"] = list(spaces[op[3]]["counts"])
                    s["pt"] = list(spaces[op[3]]["pt"])
            elif op[0] == "pg":
                for r, c in op[2]:
                    s["counts"][r] = c
            elif op[0] == "win":
                s["win"] = op[2]
            elif op[0] == "exit":
                s["alive"], s["exited"] = False, True
    return spaces


def by_label(spaces, label):
    return next(s for s in spaces if s["label"] == label)


def test_pages_windows_and_exits(tmp_path):
    data = window_view.view_data(write_log(tmp_path / "v.log", demo_log()))
    spaces = replay(data)
    first, child, second = (by_label(spaces, f"pid {n}") for n in ("2 first", "3 first", "4 second"))
    # pid 2: its spawn's pages (0x40000000: 2, stack: 16), a full region less 24
    assert first["counts"][0x40000000 >> 22] == 2 and first["counts"][0xffff0000 >> 22] == 16
    assert first["counts"][0x80000000 >> 22] == 1000
    assert first["win"] == 0x10000000 and first["exited"] and not first["alive"]
    # the fork's child starts with its parent's pages; it ran once, so it
    # left at the CR3 load that left its directory then
    assert child["counts"][0x80000000 >> 22] == 1000 and child["win"] == 0x10000000
    assert child["exited"]
    # the CR3's next process gets only its own pages
    assert sum(second["counts"]) == 1 and second["counts"][0x50000000 >> 22] == 1
    assert second["win"] == 0xf0000000


def test_window_moves_when_the_cpu_loads_it(tmp_path):
    """The window column follows the LIDT, not the announcement."""
    data = window_view.view_data(write_log(tmp_path / "v.log", demo_log()))
    frames = data["frames"]
    announce = next(i for i, f in enumerate(frames) if "va=0x10000000" in f[F_TEXT])
    assert by_label(replay(data, announce + 1), "pid 2 first")["win"] == 0xf0000000
    load = next(i for i, f in enumerate(frames) if "new_base=0x10000000" in f[F_TEXT])
    assert load > announce and frames[load][F_LOADED] == 0
    assert by_label(replay(data, load + 1), "pid 2 first")["win"] == 0x10000000


def test_plain_bounces_beyond_the_first_are_counted_not_kept(tmp_path):
    data = window_view.view_data(write_log(tmp_path / "v.log", demo_log()))
    frames = data["frames"]
    kept = [f for f in frames if f[F_TEXT].split()[1] == "CR3"]
    skipped = sum(f[F_SKIPPED] for f in frames) + data["skipped_at_end"]
    assert skipped == 20 - window_view.KEEP_BOUNCES
    assert all(a[F_LINE] < b[F_LINE] for a, b in zip(frames, frames[1:]))   # in log order
    # every kept kernel entry says the kernel's CR3 is loaded
    assert all(f[F_LOADED] == 0 for f in kept if f" new={K} " in f[F_TEXT])


def test_cli_writes_a_self_contained_page(tmp_path):
    log = write_log(tmp_path / "v.log", demo_log() + ["9000 MARK label=</script><b>x"])
    out = tmp_path / "view.html"
    r = run_cli("window-view", log, str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    assert "http://" not in html and "https://" not in html
    assert html.count("</script>") == 1                     # the label cannot end the script
    data = json.loads(html.split("const DATA = ", 1)[1].split(";\nconst errors", 1)[0])
    assert data["frames"][-1][F_TEXT].endswith("label=</script><b>x")


def test_a_log_without_events_gives_an_empty_view(tmp_path):
    log = write_log(tmp_path / "e.log", [])
    r = run_cli("window-view", log, str(tmp_path / "e.html"))
    assert r.returncode == 0, r.stderr
    assert window_view.view_data(log)["frames"] == []
