"""`make bench`: boot the benchmark ISOs, read the ops' costs off the logs.

user/bin/bench_ops.c runs each op n times between two MARKs,
`bench:<op>:N=<n>:begin` and `bench:<op>:end`, and prints the same lines on
COM1.  From the log this module takes, per op, the instructions and CR3 loads
between the two MARKs; from COM1, the Bochs CPU time between the two lines
(a secondary, noisy figure; the host is shared).  The op
`empty` (nothing between its marks) is what a pair of marks costs; it is
taken off every other op before dividing by n.  The timer op divides by the
timer interrupts the log shows taken from user mode instead, after taking off
the user loop's own instructions (the end label's `user=`).

Usage: python3 -m analysis.bench --out DIR [--runs R] --bochs B --bochs-stub S
       --bounce-iso I --shared-iso J --shell-iso K
       python3 -m analysis.bench --out DIR --render   (tables again from DIR/results.json)
(docs/performance.md).  The functions are also the system test's.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

from analysis import speed, tlb
from analysis.events import MARK_KINDS, read_events

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from shell.runner import Bochs  # noqa: E402

OPS = ["getpid", "timer", "pagefault", "copyin", "copyout", "memcpy",
       "fork", "switch", "window", "ipc", "ipc64", "ipcq", "cap", "pageout", "pagein"]
WHAT = {
    "getpid": "null system call (getpid)",
    "timer": "timer interrupt taken in user mode",
    "pagefault": "demand page fault (MAP_LAZY page, first touch)",
    "copyin": "copyin of 4 KiB (SYS_copybench)",
    "copyout": "copyout of 4 KiB (SYS_copybench)",
    "memcpy": "kernel memcpy of 4 KiB (the floor, SYS_copybench)",
    "fork": "fork + exit + wait of a small process",
    "switch": "context switch (one yield between two processes)",
    "window": "window move (SYS_window_move)",
    "ipc": "call/reply round trip between two processes, one word (docs/ipc.md)",
    "ipc64": "call/reply round trip with the 64-byte payload written and read",
    "ipcq": "send to a receiver asleep in receive: queued, delivered when it runs (+ a yield)",
    "cap": "split + merge of a 2-page memory descriptor",
    "pageout": "first touch of a lazy page with memory full: a fill and a page-out (8 sectors written)",
    "pagein": "touch of a paged-out page with memory full: a page-in (8 sectors read) and a page-out",
}
LABEL = re.compile(r"bench:(?P<op>\w+)(?::N=(?P<n>\d+):begin|:(?:user=(?P<user>\d+):)?end|:unavailable|)$")
TIMER_VECTOR = 32
PROMPT = b"bounce> "
BOOT_TARGET = 150_000_000


# -- the log -------------------------------------------------------------------

def read_log(path):
    """{mode, ops: {op: {n, span, cr3, user, timer_ints, entries, walks}},
    unavailable, marks: {label: icount}, last_icount} from one log.  walks
    (page walks between the marks) is None in a log before version 3."""
    result = {"mode": None, "ops": {}, "unavailable": [], "marks": {}, "last_icount": 0}
    current = None
    walks = None        # the MMU's cumulative page walks, as last logged
    for ev in read_events(path):
        result["last_icount"] = ev.icount
        if ev.kind in ("CR3", "INT") and "walks" in ev.fields:
            walks = int(ev.fields["walks"])
        if ev.kind == "NOTE" and ev.fields.get("what") == "mode":
            result["mode"] = ev.fields.get("name")
        elif ev.kind in MARK_KINDS:
            label = ev.fields["label"]
            result["marks"].setdefault(label, ev.icount)
            m = LABEL.match(label)
            if not m:
                continue
            op = m.group("op")
            if m.group("n") is not None:
                current = {"n": int(m.group("n")), "begin": ev.icount, "cr3": 0,
                           "timer_ints": 0, "entries": 0, "user": 0, "walks": walks}
                result["ops"][op] = current
            elif label.endswith(":unavailable"):
                result["unavailable"].append(op)
            elif current is not None and op in result["ops"]:
                current["span"] = ev.icount - current.pop("begin")
                # A mark is a system call: the counts were logged at its entry.
                begun = current["walks"]
                current["walks"] = None if begun is None else walks - begun
                current["user"] = int(m.group("user") or 0)
                current = None
        elif current is None:
            continue
        elif ev.kind == "CR3":
            current["cr3"] += 1
        elif ev.kind == "INT" and ev.fields["cpl"] == "3":
            current["entries"] += 1
            current["timer_ints"] += int(ev.fields["vec"]) == TIMER_VECTOR
    unfinished = [op for op, o in result["ops"].items() if "span" not in o]
    if unfinished:
        raise ValueError(f"{path}: ops without an end MARK: {', '.join(unfinished)}")
    return result


def per_op(log):
    """{op: {n, divisor, instructions, cr3, walks}} per op, the empty pair
    taken off; walks (page walks per op) is None for a log without them."""
    ops = log["ops"]
    empty = ops.get("empty", {"span": 0, "cr3": 0, "walks": 0})
    out = {}
    for op, o in ops.items():
        if op == "empty":
            continue
        divisor = o["timer_ints"] if op == "timer" else o["n"]
        if divisor <= 0:
            raise ValueError(f"op {op}: nothing to divide by (n={o['n']}, timer "
                             f"interrupts {o['timer_ints']})")
        work = o["span"] - empty["span"] - o["user"]
        out[op] = {"n": o["n"], "divisor": divisor, "span": o["span"],
                   "instructions": round(work / divisor, 1),
                   "cr3": round((o["cr3"] - empty["cr3"]) / divisor, 2),
                   "walks": None if o.get("walks") is None or empty.get("walks") is None
                   else round((o["walks"] - empty["walks"]) / divisor, 2)}
    return out


# -- booting -------------------------------------------------------------------

def cpu_seconds(pid):
    """User + system CPU time of a running process (all its threads), from
    /proc: unlike wall time it hardly depends on what else the host runs."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_bench_iso(iso, bochs, log=None, timeout=900, grace=15, env=None):
    """Boot an ISO that runs bench_ops and exits.  {wall, cpu, phases: {op:
    cpu s}, status}: host wall and Bochs CPU seconds from its start to
    bench_ops' last line on COM1, and Bochs CPU seconds between each op's two
    lines.  A Bochs without our module cannot exit at the kernel's request
    (its exit port is ours): it is stopped `grace` seconds after that last
    line, and its status is None."""
    seen, phases, begun, wall, cpu = 0, {}, {}, None, None
    t0 = time.monotonic()
    with Bochs(iso, log=log, timeout=timeout, bochs=bochs, env=env) as b:
        while b.proc.poll() is None and (wall is None or time.monotonic() < t0 + wall + grace):
            out = b.output
            while (nl := out.find(b"\n", seen)) >= 0:
                m = LABEL.match(out[seen:nl].decode(errors="replace").strip())
                seen = nl + 1
                if not m or wall is not None:
                    continue
                try:
                    now = cpu_seconds(b.proc.pid)
                except OSError:
                    break       # Bochs is gone: the loop ends on poll()
                if m.group("op") == "done":
                    wall, cpu = time.monotonic() - t0, now
                elif m.group("n") is not None:
                    begun[m.group("op")] = now
                elif m.group("op") in begun:
                    phases[m.group("op")] = now - begun.pop(m.group("op"))
            time.sleep(0.002)
        status = b.proc.poll()
        if status is not None:
            b.wait(5)
    if wall is None:
        raise RuntimeError(f"{iso}: bench_ops never finished (status {status}); "
                           f"COM1 ends {b.output[-300:]!r}")
    return {"wall": wall, "cpu": cpu, "phases": phases, "status": status}


def shell_session(iso, bochs, log, lua_lines, timeout=300):
    """Boot the shell ISO, send each Lua line at a prompt, then k.exit(0).
    Returns COM1's text."""
    with Bochs(iso, log=log, timeout=timeout, bochs=bochs) as b:
        b.read_until(PROMPT)
        for n, line in enumerate(lua_lines, start=2):
            b.send(line.encode() + b"\n")
            b.read_until(re.compile(b"(?:" + re.escape(PROMPT) + b".*?){%d}" % n, re.S))
        b.send(b"k.exit(0)\n")
        b.wait()
        return b.output.decode(errors="replace")


def boot_to_prompt(iso, bochs, log):
    """The log's instruction count at the first shell prompt: the MARK the
    first command line makes (so it also holds that line's own work)."""
    shell_session(iso, bochs, log, ['k.mark("prompt")'])
    return read_log(log)["marks"]["prompt"]


# -- the figures -----------------------------------------------------------------

def median(xs):
    return statistics.median(xs) if xs else None


def boot_all(args, say):
    """`runs` rounds, each booting every configuration once: both modes
    with the log on, bounce with the log on but the isolation checks off
    (docs/instrumentation.md), bounce with the log off, bounce in the stub
    Bochs.  Interleaved so that a change in the host's load over the minutes
    hits every configuration alike.  {config: [run, ...]}, a mode's runs
    with their parsed logs."""
    configs = [("bounce", args.bounce_iso, args.bochs, True, None),
               ("shared", args.shared_iso, args.bochs, True, None),
               ("checks_off", args.bounce_iso, args.bochs, True, {"BOUNCE_NO_CHECKS": "all"}),
               ("log_off", args.bounce_iso, args.bochs, False, None)]
    if args.bochs_stub:
        configs.append(("stub", args.bounce_iso, args.bochs_stub, False, None))
    runs = {name: [] for name, *_ in configs}
    for r in range(args.runs):
        for name, iso, bochs, logged, env in configs:
            say(f"round {r + 1}/{args.runs}: {name}")
            log = os.path.join(args.out, f"{name}-{r}.bxlog") if logged else None
            run = run_bench_iso(iso, bochs, log, env=env)
            if logged:
                if run["status"] != 0:
                    raise RuntimeError(f"{name}: {iso} exited with status {run['status']} (log {log})")
                run["log"] = read_log(log)
            runs[name].append(run)
    return runs


def mode_result(name, runs, out_dir):
    """One mode's figures: counts from the first log (the others must agree:
    the counts are deterministic), CPU time per op the median of the runs."""
    first = runs[0]["log"]
    ops = per_op(first)
    deterministic = all(per_op(r["log"]) == ops for r in runs[1:])
    for op, o in ops.items():
        times = [r["phases"][op] for r in runs if op in r["phases"]]
        o["cpu_us"] = round(median(times) * 1e6 / o["divisor"], 2) if times else None
    return {"available": first["mode"] == name, "mode_note": first["mode"],
            "log": os.path.join(out_dir, f"{name}-0.bxlog"),
            "deterministic": deterministic,
            "unavailable_ops": first["unavailable"], "ops": ops,
            "total_instructions": first["last_icount"],
            "runs": [{"wall": r["wall"], "cpu": r["cpu"]} for r in runs]}


def per_round(o, a, b):
    """CPU time of config a over b, round by round: each round ran both back
    to back, so their ratio is the fair comparison on a host whose load drifts."""
    return [round(x / y, 3) for x, y in zip(o[a]["cpu_s"], o[b]["cpu_s"]) if y]


def on_vs_off(o):
    """Logging on against off, and the isolation checks on against off."""
    o["on_off_per_round"] = per_round(o, "log_on", "log_off")
    o["on_vs_off"] = median(o["on_off_per_round"])
    if o.get("checks_off", {}).get("cpu_s"):
        o["checks_per_round"] = per_round(o, "log_on", "checks_off")
        o["checks_cost"] = median(o["checks_per_round"])


def overhead(runs):
    """Bochs CPU seconds (and wall seconds) for the whole bounce workload:
    log on, log off, and Bochs built with the stub module.  CPU time is the
    figure: the wall clock also counts whatever else the host runs."""
    config = {"log_on": runs["bounce"], "checks_off": runs["checks_off"],
              "log_off": runs["log_off"], "stub": runs.get("stub", [])}
    out = {k: {"cpu_s": [round(r["cpu"], 2) for r in v], "wall_s": [round(r["wall"], 2) for r in v]}
           for k, v in config.items()}
    for v in out.values():
        v["cpu_median"], v["wall_median"] = median(v["cpu_s"]), median(v["wall_s"])
    ratio = lambda a, b: round(out[a]["cpu_median"] / out[b]["cpu_median"], 3) \
        if out[a]["cpu_median"] and out[b]["cpu_median"] else None
    on_vs_off(out)
    out["off_vs_stub"] = ratio("log_off", "stub")
    out["on_vs_stub"] = ratio("log_on", "stub")
    return out


def target(op, text, value, limit, met, why=None):
    """One target: the op it belongs to (None: the whole run), what it asks,
    the measured value, the limit, and whether it is met (None: no figure,
    or `why` says the figure cannot decide)."""
    return {"op": op, "text": text, "value": value, "limit": limit, "met": met, "why": why}


def targets(res):
    """The issue's targets, measured; met is None where a figure is missing."""
    b = res["modes"]["bounce"]["ops"]
    shared = res["modes"]["shared"]
    s = shared["ops"] if shared["available"] else {}
    instr = lambda ops, op: ops[op]["instructions"] if op in ops else None
    out = []
    bg, sg = instr(b, "getpid"), instr(s, "getpid")
    out.append(target("getpid", "null syscall: bounce <= 1.25 x shared",
                      round(bg / sg, 3) if bg and sg else None, 1.25,
                      None if not sg else bg / sg <= 1.25))
    bt, st = instr(b, "timer"), instr(s, "timer")
    out.append(target("timer", "timer from user: bounce <= shared + 40",
                      round(bt - st, 1) if bt and st else None, 40,
                      None if st is None else bt - st <= 40))
    bw = instr(b, "window")
    out.append(target("window", "window move <= 2000 instructions", bw, 2000,
                      None if bw is None else bw <= 2000))
    bi, bm = instr(b, "copyin"), instr(b, "memcpy")
    out.append(target("copyin", "copyin 4 KiB <= 1.3 x memcpy (bounce)",
                      round(bi / bm, 3) if bi and bm else None, 1.3,
                      None if not bm else bi / bm <= 1.3))
    bc, sc = instr(b, "ipc"), instr(s, "ipc")
    out.append(target("ipc", "ipc round trip <= 3 x null syscall (bounce)",
                      round(bc / bg, 3) if bc and bg else None, 3,
                      None if not (bc and bg) else bc / bg <= 3))
    out.append(target(None, "ipc round trip <= 3 x null syscall (shared)",
                      round(sc / sg, 3) if sc and sg else None, 3,
                      None if not (sc and sg) else sc / sg <= 3))
    out.append(target(None, "ipc: bounce <= 1.3 x shared",
                      round(bc / sc, 3) if bc and sc else None, 1.3,
                      None if not (bc and sc) else bc / sc <= 1.3))
    o = res["overhead"]
    pairs = o["on_off_per_round"]
    if not pairs:
        met, why = None, None
    elif len(pairs) < 2:
        met, why = None, "inconclusive: one round, no measure of the noise"
    elif max(pairs) <= 1.10 or min(pairs) > 1.10:
        met, why = max(pairs) <= 1.10, None
    else:
        met, why = None, f"inconclusive: rounds give {min(pairs):.2f} to {max(pairs):.2f}"
    out.append(target(None, "logging on <= 10% slower than off (Bochs CPU s, "
                      "median of the rounds' on/off)", o["on_vs_off"], 1.10, met, why))
    bp = res["boot_prompt_instructions"]
    out.append(target(None, "boot to the shell prompt <= 150 M instructions",
                      bp, BOOT_TARGET, None if bp is None else bp <= BOOT_TARGET))
    sp = res.get("speed", {}).get("summary", {})
    out.append(target(None, f"emulator: logging on <= {speed.TARGET} x the optimised plain "
                      "Bochs (CPU s per round, median; analysis/speed.py)",
                      sp.get("measured"), speed.TARGET, sp.get("met")))
    return out


# -- output ----------------------------------------------------------------------

def fmt(v, digits=1):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def met_text(t):
    if t["met"] is None:
        return t["why"] or "not available"
    return "yes" if t["met"] else "**no**"


def markdown(res):
    bounce, shared = res["modes"]["bounce"], res["modes"]["shared"]
    by_op = {t["op"]: t for t in res["targets"] if t["op"]}
    lines = [f"Produced by `{res['command']}` on {res['date']} "
             f"({res['runs']} run(s) per configuration; instructions and CR3 loads from the "
             "first log of each mode; CPU µs/op is Bochs CPU time between the op's two COM1 "
             "lines, median of the runs).", ""]
    if not shared["available"]:
        lines += [f"**shared mode: not available** (the shared ISO's log announces "
                  f"`@mode name={shared['mode_note']}`), so its columns say n/a.", ""]
    lines += ["| op | bounce instr/op | shared instr/op | ratio | bounce CR3/op | shared CR3/op "
              "| bounce walks/op | shared walks/op "
              "| bounce CPU µs/op | shared CPU µs/op | target | met? |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for op in OPS:
        b = bounce["ops"].get(op)
        s = shared["ops"].get(op) if shared["available"] and op not in shared["unavailable_ops"] else None
        if b is None:
            continue
        ratio = round(b["instructions"] / s["instructions"], 2) if s and s["instructions"] else None
        t = by_op.get(op)
        lines.append(f"| {op} | {fmt(b['instructions'])} | {fmt(s and s['instructions'])} | "
                     f"{fmt(ratio, 2)} | {fmt(b['cr3'], 2)} | {fmt(s and s['cr3'], 2)} | "
                     f"{fmt(b.get('walks'), 2)} | {fmt(s and s.get('walks'), 2)} | "
                     f"{fmt(b['cpu_us'], 2)} | {fmt(s and s['cpu_us'], 2)} | "
                     f"{t['text'] if t else ''} | {met_text(t) if t else ''} |")
    lines += ["", "| target | measured | met? |", "|---|---:|---|"]
    for t in res["targets"]:
        lines.append(f"| {t['text']} | {fmt(t['value'], 3)} | {met_text(t)} |")
    o = res["overhead"]
    runs = lambda xs: ", ".join(f"{x:.2f}" for x in xs)
    lines += ["", "Instrumentation overhead: the whole bounce-mode bench run (boot to `bench:done`), "
              "Bochs CPU seconds (user + system) and host wall seconds, median of the runs:", "",
              "| Bochs | CPU s | CPU s per run | wall s | wall s per run |", "|---|---:|---|---:|---|"]
    for key, what in (("log_on", "ours, logging on"),
                      ("checks_off", "ours, logging on, isolation checks off"),
                      ("log_off", "ours, logging off"), ("stub", "stub module")):
        c = o.get(key)
        if c is None:
            continue
        lines.append(f"| {what} | {fmt(c['cpu_median'], 2)} | {runs(c['cpu_s'])} | "
                     f"{fmt(c['wall_median'], 2)} | {runs(c['wall_s'])} |")
    lines += ["", f"CPU time ratios: on/off per round {runs(o['on_off_per_round'])} "
              f"(median {fmt(o['on_vs_off'], 3)}); medians off/stub "
              f"{fmt(o['off_vs_stub'], 3)}, on/stub {fmt(o['on_vs_stub'], 3)}."]
    if o.get("checks_per_round"):
        lines += ["", f"The isolation checks' cost: logging on with checks / without, per round "
                  f"{runs(o['checks_per_round'])} (median {fmt(o['checks_cost'], 3)})."]
    lines.append("")
    return "\n".join(lines)


def plot(res, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    bounce, shared = res["modes"]["bounce"]["ops"], res["modes"]["shared"]
    ops = [op for op in OPS if op in bounce]
    x = np.arange(len(ops))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.bar(x - 0.2, [bounce[op]["instructions"] for op in ops], 0.4, label="bounce")
    if shared["available"]:
        sv = [shared["ops"][op]["instructions"] if op in shared["ops"] else 0 for op in ops]
        ax.bar(x + 0.2, sv, 0.4, label="shared")
        for i, v in enumerate(sv):
            if not v:
                ax.text(x[i] + 0.2, 0.02, "n/a", transform=ax.get_xaxis_transform(), ha="center")
    else:
        ax.text(0.99, 0.95, "shared mode: not available", transform=ax.transAxes, ha="right")
    ax.set_xticks(x, ops)
    ax.set_yscale("log")
    ax.set_ylabel("instructions per op (log scale)")
    ax.set_title("Bounce: instructions per kernel operation")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bochs")
    ap.add_argument("--bochs-stub")
    ap.add_argument("--bounce-iso")
    ap.add_argument("--shared-iso")
    ap.add_argument("--shell-iso")
    ap.add_argument("--shared-shell-iso", help="the shared layout's shell ISO (TLB experiment)")
    ap.add_argument("--bochs-ref", help="plain Bochs, --enable-all-optimizations (speed table)")
    ap.add_argument("--bochs-plain", help="plain Bochs, default options (speed table)")
    ap.add_argument("--render", action="store_true",
                    help="boot nothing: recompute the targets and rewrite the tables "
                         "and plot from OUT/results.json")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.render:
        with open(os.path.join(args.out, "results.json")) as f:
            res = json.load(f)
        on_vs_off(res["overhead"])
        res["targets"] = targets(res)
        with open(os.path.join(args.out, "results.json"), "w") as f:
            json.dump(res, f, indent=1)
        write_outputs(res, args.out)
        return 0
    if not all((args.bochs, args.bounce_iso, args.shared_iso, args.shell_iso,
                args.shared_shell_iso)):
        ap.error("--bochs, --bounce-iso, --shared-iso, --shell-iso and --shared-shell-iso "
                 "are needed to run")
    say = lambda what: print(f"bench: {what}", file=sys.stderr, flush=True)

    res = {"command": "make bench" + (f" BENCH_RUNS={args.runs}" if args.runs != 3 else ""),
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "runs": args.runs, "ops": OPS, "what": WHAT, "modes": {}}
    # boot copies: others may rebuild build/*.iso while the rounds run
    for attr in ("bounce_iso", "shared_iso", "shell_iso", "shared_shell_iso"):
        copy = os.path.join(args.out, os.path.basename(getattr(args, attr)))
        shutil.copyfile(getattr(args, attr), copy)
        setattr(args, attr, copy)
    runs = boot_all(args, say)
    for name in ("bounce", "shared"):
        res["modes"][name] = mode_result(name, runs[name], args.out)
    res["overhead"] = overhead(runs)
    say("boot to the shell prompt")
    res["boot_prompt_instructions"] = boot_to_prompt(
        args.shell_iso, args.bochs, os.path.join(args.out, "prompt.bxlog"))
    say("TLB experiment (tlbtouch N, both layouts)")
    res["tlb"] = {"bounce": tlb.sweep(args.shell_iso, args.bochs),
                  "shared": tlb.sweep(args.shared_shell_iso, args.bochs)}
    say("large pages (largeloop small|large, both layouts)")
    res["large_loop"] = {"bounce": tlb.large_loop(args.shell_iso, args.bochs),
                         "shared": tlb.large_loop(args.shared_shell_iso, args.bochs)}
    say("emulator speed (analysis/speed.py)")
    res["speed"] = speed.run(args.shell_iso, args.out, args.runs, say, ref=args.bochs_ref,
                             plain=args.bochs_plain, ours=args.bochs, stub=args.bochs_stub)
    res["targets"] = targets(res)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    write_outputs(res, args.out)
    return 0


def write_outputs(res, out):
    """results.md, instructions.png, tlb.png and compare.txt from the results."""
    md = markdown(res)
    if res.get("tlb"):
        md += "\n" + tlb.markdown(res["tlb"])
        tlb.plot(res["tlb"], os.path.join(out, "tlb.png"))
    if res.get("large_loop"):
        md += "\n" + tlb.loop_markdown(res["large_loop"])
    if res.get("speed"):
        md += "\n" + speed.markdown(res["speed"])
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(md)
    plot(res, os.path.join(out, "instructions.png"))
    with open(os.path.join(out, "compare.txt"), "w") as f:
        subprocess.run([sys.executable, "-m", "analysis", "compare",
                        res["modes"]["bounce"]["log"], res["modes"]["shared"]["log"]],
                       stdout=f, check=True, cwd=ROOT)
    print(md)
    print(f"bench: wrote {out}/results.json, results.md, instructions.png, tlb.png, compare.txt",
          file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
