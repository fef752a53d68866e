"""The TLB experiment of `make bench` (docs/performance.md): a user loop that
touches N distinct pages between two null system calls (user/bin/tlbtouch),
N = 1 ... 1024, in both layouts; page walks and instructions per iteration,
read live from the emulator's counters (k.emu) with logging off.

Each N runs tlbtouch twice, with R rounds and with none, and takes the
difference / R, so process start and exit cancel out.  With an event log
(sweep(..., log=PATH)) each run lies between two MARKs, and phase_walks()
splits its rounds' walks by where they happen (user, entry, kernel).

The large-page loop (user/bin/largeloop) is measured the same way: one
round writes a byte in each 4 KiB page of 64 MiB mapped with 4 KiB pages
or with 4 MiB pages (MAP_LARGE), with no system call in the loop.
"""
import re
import statistics

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analysis.events import read_events  # noqa: E402
from shell.client import Shell  # noqa: E402
from shell.runner import Bochs  # noqa: E402

NS = [1 << k for k in range(11)]         # 1 ... 1024
ROUNDS = 50
ROW = re.compile(r"^tlb (\d+) (-?\d+) (-?\d+)$", re.M)

LUA = """
local function run(n, r)
  k.mark(string.format("tlb n=%%d r=%%d begin", n, r))
  local c0 = k.emu.counters()
  local s = k.proc.wait(k.proc.spawn("tlbtouch", tostring(n), tostring(r)))
  local c1 = k.emu.counters()
  k.mark(string.format("tlb n=%%d r=%%d end", n, r))
  assert(s == 0, "tlbtouch failed")
  return c1.page_walks - c0.page_walks, c1.instructions - c0.instructions
end
for _, n in ipairs({%s}) do
  local w0, i0 = run(n, 0)
  local w1, i1 = run(n, %d)
  print(string.format("tlb %%d %%d %%d", n, w1 - w0, i1 - i0))
end
"""


def sweep(iso, bochs, ns=NS, rounds=ROUNDS, timeout=900, log=None):
    """[{n, walks, instructions}] per iteration for each N, in the ISO's layout;
    log: an event log to write (the counters are the same either way)."""
    with Bochs(iso, log=log, timeout=timeout, bochs=bochs) as vm:
        sh = Shell(vm, timeout=timeout)
        sh.wait_prompt()
        out, err = sh.run(LUA % (", ".join(map(str, ns)), rounds), timeout=timeout)
        if err is not None:
            raise RuntimeError(f"{iso}: the TLB sweep failed: {err}\n{out}")
    rows = [{"n": int(n), "walks": round(int(w) / rounds, 2),
             "instructions": round(int(i) / rounds, 1)} for n, w, i in ROW.findall(out)]
    if [r["n"] for r in rows] != list(ns):
        raise RuntimeError(f"{iso}: the TLB sweep printed {len(rows)} of {len(ns)} rows:\n{out}")
    return rows


def _where(ev):
    """An event's name in phase_walks: the directory a CR3 load loads, or
    the vector and the interrupted privilege level of an INT."""
    if ev.kind == "CR3":
        return f"CR3 {ev.fields['new']}"
    return f"INT {ev.fields['vec']} cpl={ev.fields['cpl']}"


def phase_walks(path, n, rounds):
    """{(from, to): [walks, ...]}: the page walks between each two
    consecutive CR3 loads or interrupts of the run `tlbtouch n rounds` in a
    log sweep() wrote. Bouncing, a round is three steps: user CR3 -> INT 128
    (the user's touches), INT 128 -> kernel CR3 (the entry trampoline),
    kernel CR3 -> user CR3 (the kernel visit, exit trampoline included)."""
    begin, end = f"tlb n={n} r={rounds} begin", f"tlb n={n} r={rounds} end"
    steps, inside, last = {}, False, None
    for ev in read_events(path):
        if ev.kind == "MARK" and ev.fields["label"] == begin:
            inside = True
        elif ev.kind == "MARK" and ev.fields["label"] == end and inside:
            return steps
        elif inside and ev.kind in ("CR3", "INT") and "walks" in ev.fields:
            walks = int(ev.fields["walks"])
            if last is not None:
                steps.setdefault((last[0], _where(ev)), []).append(walks - last[1])
            last = (_where(ev), walks)
    raise ValueError(f"{path}: no run marked '{begin}' ... '{end}' with the MMU counters")


def phase_markdown(path, ns, rounds):
    """The steps of phase_walks that every round takes (at least `rounds`
    times in the run), median walks, for each N."""
    lines = [f"Page walks per step of a round (`tlbtouch N {rounds}`, median over the run):", "",
             "| N | from | to | times | median walks | min | max |", "|---:|---|---|---:|---:|---:|---:|"]
    for n in ns:
        for (a, b), walks in phase_walks(path, n, rounds).items():
            if len(walks) >= rounds:
                lines.append(f"| {n} | {a} | {b} | {len(walks)} | {statistics.median(walks):g} | "
                             f"{min(walks)} | {max(walks)} |")
    return "\n".join(lines) + "\n"


def markdown(tlb):
    b, s = tlb["bounce"], tlb["shared"]
    lines = [f"TLB experiment (`tlbtouch N {ROUNDS}` less `tlbtouch N 0`, per iteration: "
             "touch N pages, one null system call):", "",
             "| N pages | bounce walks | shared walks | bounce walks − N | bounce instr | shared instr |",
             "|---:|---:|---:|---:|---:|---:|"]
    for rb, rs in zip(b, s):
        lines.append(f"| {rb['n']} | {rb['walks']:.2f} | {rs['walks']:.2f} | "
                     f"{rb['walks'] - rb['n']:.2f} | {rb['instructions']:,.1f} | "
                     f"{rs['instructions']:,.1f} |")
    return "\n".join(lines) + "\n"


def plot(tlb, path):
    fig, (aw, ai) = plt.subplots(1, 2, figsize=(12, 4.5))
    for mode, style in (("bounce", "o-"), ("shared", "s--")):
        rows = tlb[mode]
        ns = [r["n"] for r in rows]
        aw.plot(ns, [max(r["walks"], 0.01) for r in rows], style, label=mode)
        ai.plot(ns, [r["instructions"] for r in rows], style, label=mode)
    ns = [r["n"] for r in tlb["bounce"]]
    aw.plot(ns, ns, ":", color="grey", label="N (every page walked again)")
    for ax, what in ((aw, "page walks per iteration"), (ai, "instructions per iteration")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("N distinct pages touched between two system calls")
        ax.set_ylabel(what)
        ax.legend()
    aw.set_title("TLB refills: bouncing refills every page after each call")
    ai.set_title("Instructions: nearly the same in both layouts")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


LOOP_ROUNDS = 4
LOOP_ROW = re.compile(r"^loop (small|large) (-?\d+) (-?\d+) (-?\d+)$", re.M)
LOOP_LUA = """
local function run(kind, r)
  local c0 = k.emu.counters()
  local s = k.proc.wait(k.proc.spawn("largeloop", kind, tostring(r)))
  local c1 = k.emu.counters()
  assert(s == 0, "largeloop could not map 64 MiB")
  return c1.page_walks - c0.page_walks, c1.pt_reads - c0.pt_reads, c1.instructions - c0.instructions
end
for _, kind in ipairs({"small", "large"}) do
  local w0, p0, i0 = run(kind, 0)
  local w1, p1, i1 = run(kind, %d)
  print(string.format("loop %%s %%d %%d %%d", kind, w1 - w0, p1 - p0, i1 - i0))
end
"""


def large_loop(iso, bochs, rounds=LOOP_ROUNDS, timeout=900):
    """{small: {walks, pt_reads, instructions}, large: {...}} per round of the 64 MiB loop."""
    with Bochs(iso, log=None, timeout=timeout, bochs=bochs) as vm:
        sh = Shell(vm, timeout=timeout)
        sh.wait_prompt()
        out, err = sh.run(LOOP_LUA % rounds, timeout=timeout)
        if err is not None:
            raise RuntimeError(f"{iso}: the large-page loop failed: {err}\n{out}")
    rows = {kind: {"walks": round(int(w) / rounds, 1), "pt_reads": round(int(p) / rounds, 1),
                   "instructions": round(int(i) / rounds, 1)}
            for kind, w, p, i in LOOP_ROW.findall(out)}
    if set(rows) != {"small", "large"}:
        raise RuntimeError(f"{iso}: the large-page loop printed {sorted(rows)}:\n{out}")
    return rows


def loop_markdown(loop):
    lines = [f"Large pages (`largeloop small|large {LOOP_ROUNDS}` less 0 rounds, per round: "
             "a byte written in each 4 KiB page of 64 MiB, no system call):", "",
             "| layout | pages | page walks | page-table reads | instructions |", "|---|---|---:|---:|---:|"]
    for mode in ("bounce", "shared"):
        for kind, label in (("small", "16,384 × 4 KiB"), ("large", "16 × 4 MiB")):
            r = loop[mode][kind]
            lines.append(f"| {mode} | {label} | {r['walks']:,.1f} | {r['pt_reads']:,.1f} | "
                         f"{r['instructions']:,.1f} |")
    return "\n".join(lines) + "\n"
