"""The summary of a classified log as plain data (what `--json` prints),
and the tables people read, built from that data."""
import numpy as np

from analysis.vectors import CAUSES, IDLE, cause_category, vector_name


def hexa(value):
    return None if value is None else f"{value:#x}"


def stats(lengths):
    """min/median/p99/max of instruction counts (a numpy array)."""
    if len(lengths) == 0:
        return {"count": 0, "min": None, "median": None, "p99": None, "max": None,
                "mean": None, "total": 0}
    return {"count": int(len(lengths)), "min": int(lengths.min()),
            "median": float(np.median(lengths)), "p99": float(np.percentile(lengths, 99)),
            "max": int(lengths.max()), "mean": round(float(lengths.mean()), 1),
            "total": int(lengths.sum())}


def visit_arrays(c):
    """The Classifier's visit arrays as numpy arrays, plus each visit's cause."""
    length = np.frombuffer(c.visit_length, dtype=np.int64) if c.visit_length else np.zeros(0, np.int64)
    vector = np.array(c.visit_vector, dtype=np.int16)
    moved = np.array(c.visit_move, dtype=bool)
    idle = np.array(c.visit_idle, dtype=bool)
    phase = np.array(c.visit_phase, dtype=np.int32)
    # Few distinct (vector, moved, idle) triples: name each once, not each visit.
    cause = np.empty(len(length), dtype=object)
    for vec, mv, idl in set(zip(vector.tolist(), moved.tolist(), idle.tolist())):
        cause[(vector == vec) & (moved == mv) & (idle == idl)] = cause_category(vec, mv, idl)
    return length, cause, phase


def _phase_slices(phases, visit_phase):
    """(phase, first, end) of each phase's visits; visits come in phase order."""
    bounds = np.searchsorted(visit_phase, np.arange(len(phases) + 1))
    return [(p, bounds[i], bounds[i + 1]) for i, p in enumerate(phases)]


def _space_row(s):
    return {"label": s.label, "cr3": hexa(s.cr3), "pid": s.pid, "name": s.name,
            "loads": s.loads, "instructions": s.resident, "user_ints": s.user_ints,
            "visits": s.visits, "window_moves": s.moves,
            "announced_moves": s.announced_moves, "window_base": hexa(s.window_base),
            "page_walks": s.walks}


def _phase_row(p, lengths):
    return {"label": p.label, "start": p.start, "end": p.end,
            "instructions": p.end - p.start, "events": sum(p.kinds.values()),
            "kinds": dict(p.kinds), "cr3_loads": p.cr3_loads, "window_moves": p.moves,
            "visits": stats(lengths)}


def _walks(c, cause, busy):
    """Page walks (TLB misses) per kernel visit, by cause, and per address
    space; None for a log before version 3 (no MMU counters)."""
    if not c.has_walks:
        return None
    walks = np.frombuffer(c.visit_walks, dtype=np.int64) if c.visit_walks else np.zeros(0, np.int64)
    return {"per_visit": dict(stats(walks[busy]), by_cause={k: stats(walks[cause == k]) for k in CAUSES}),
            "per_space": [{"label": sp.label, "walks": sp.walks, "loads": sp.loads,
                           "instructions": sp.resident} for sp in c.spaces]}


def _announced_before_run(c):
    """Announced moves made before the address space's first window LIDT
    (a window moved before its process first ran): the LIDT sees only
    where the window ended up, a placement, so they have no LIDT twin."""
    first = {s.index: s.staircase[0][0] if s.staircase else None for s in c.spaces}
    return sum(1 for m in c.moves if m.source == "announced"
               and (first[m.space] is None or m.icount < first[m.space]))


def _moves_why(w):
    """Why the overview's two counts of window moves differ ('' if they do not)."""
    early, other = w["announced_before_first_run"], w["announced"] - w["observed"]
    why = []
    if early:
        why.append(f"{early} announced before the process first ran (its first LIDT "
                   "is then a placement, not a move)")
    if other != early:
        why.append(f"{other - early:+d} otherwise (moved again before returning to user "
                   "mode, or a move not announced)")
    return "; ".join(why)


def summarize(a):
    c = a.c
    length, cause, phase = visit_arrays(c)
    busy = cause != IDLE          # idle time is not a visit's cost
    return {
        "log": a.path, "complete": a.complete, "events": a.events,
        "mode": c.mode, "exit_status": c.exit_status,
        "icount": {"first": c.first_icount, "kernel_start": c.kernel_start, "last": c.last_icount},
        "kernel": {"cr3": hexa(c.kernel_cr3), "idt": hexa(c.kernel_idt),
                   "gdt": hexa(c.kernel_gdt), "guessed": c.kernel_guessed},
        "kinds": dict(c.kinds.most_common()),
        "boot_kinds": dict(c.boot_kinds.most_common()),
        "cr3_loads": {"to_kernel": c.kernel_loads, "to_user": c.user_loads},
        "vectors": [{"vector": v, "name": vector_name(v), "count": n}
                    for v, n in sorted(c.vectors.items())],
        "address_spaces": [_space_row(s) for s in c.spaces],
        "window_moves": {
            "observed": sum(1 for m in c.moves if m.source == "lidt"),
            "announced": sum(1 for m in c.moves if m.source == "announced"),
            "announced_before_first_run": _announced_before_run(c),
            "moves": [{"icount": m.icount, "space": c.spaces[m.space].label,
                       "old": hexa(m.old), "new": hexa(m.new), "source": m.source}
                      for m in c.moves]},
        "visits": dict(stats(length[busy]), by_cause={k: stats(length[cause == k]) for k in CAUSES}),
        "page_walks": _walks(c, cause, busy),
        "phases": [_phase_row(p, length[lo:hi][busy[lo:hi]])
                   for p, lo, hi in _phase_slices(c.phases, phase)],
        "flags": len(c.flags),
    }


# -- tables: (title, headers, rows) -----------------------------------------

def _num(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}" if v != int(v) else str(int(v))
    return str(v)


def _stats_cells(s):
    return [_num(s[k]) for k in ("count", "min", "median", "p99", "max")]


STATS_HEADERS = ["visits", "min", "median", "p99", "max"]
MOVES_LISTED = 100


def tables(s):
    """The summary's tables, in reading order."""
    overview = [["log", s["log"]], ["complete", "yes" if s["complete"] else "no (cut off)"],
                ["events", _num(s["events"])], ["mode", s["mode"] or "-"],
                ["instructions", _num((s["icount"]["last"] or 0) - (s["icount"]["first"] or 0))],
                ["kernel's first event at icount", _num(s["icount"]["kernel_start"])],
                ["kernel CR3", (s["kernel"]["cr3"] or "-")
                 + (" (guessed)" if s["kernel"]["guessed"] else "")],
                ["CR3 loads to kernel / to user",
                 f"{s['cr3_loads']['to_kernel']} / {s['cr3_loads']['to_user']}"],
                ["window moves (LIDT / announced)",
                 f"{s['window_moves']['observed']} / {s['window_moves']['announced']}",
                 _moves_why(s["window_moves"])],
                ["FLAG events", _num(s["flags"])], ["exit status", _num(s["exit_status"])]]
    kinds = [[k, _num(n), _num(s["boot_kinds"].get(k, 0))] for k, n in s["kinds"].items()]
    vectors = [[_num(v["vector"]), v["name"], _num(v["count"])] for v in s["vectors"]]
    spaces = [[r["label"], r["cr3"] or "-", _num(r["loads"]), _num(r["instructions"]),
               _num(r["user_ints"]), _num(r["visits"]), _num(r["window_moves"]),
               _num(r["announced_moves"])] for r in s["address_spaces"]]
    visits = [["all but idle"] + _stats_cells(s["visits"])] + \
             [[k] + _stats_cells(v) for k, v in s["visits"]["by_cause"].items()]
    phases = [[p["label"], _num(p["start"]), _num(p["instructions"]), _num(p["events"]),
               _num(p["cr3_loads"]), _num(p["window_moves"])] + _stats_cells(p["visits"])[1:]
              for p in s["phases"]]
    listed = s["window_moves"]["moves"]
    moves = [[_num(m["icount"]), m["space"], m["old"], m["new"], m["source"]]
             for m in listed[:MOVES_LISTED]]
    if len(listed) > MOVES_LISTED:
        moves.append(["...", f"{len(listed) - MOVES_LISTED} more (see --json)", "", "", ""])
    walk_tables = []
    if s.get("page_walks"):
        w = s["page_walks"]
        walk_tables = [
            ("Page walks per kernel visit (TLB misses in the kernel's address space)",
             ["cause"] + STATS_HEADERS,
             [["all but idle"] + _stats_cells(w["per_visit"])] +
             [[k] + _stats_cells(v) for k, v in w["per_visit"]["by_cause"].items()]),
            ("Page walks per address space (while its CR3 was loaded)",
             ["space", "page walks", "CR3 loads", "walks per load", "instructions resident"],
             [[r["label"], _num(r["walks"]), _num(r["loads"]),
               _num(round(r["walks"] / r["loads"], 1) if r["loads"] else None),
               _num(r["instructions"])] for r in w["per_space"]]),
        ]
    return [
        ("Overview", ["", "", ""], [row + [""] * (3 - len(row)) for row in overview]),
        ("Events per kind", ["kind", "count", "of which BIOS/GRUB"], kinds),
        ("Interrupts per vector (after boot)", ["vector", "name", "count"], vectors),
        ("Address spaces", ["space", "CR3", "loads", "instructions resident",
                            "user-mode INTs", "kernel visits from it", "window moves",
                            "announced moves"], spaces),
        ("Instructions per kernel visit", ["cause"] + STATS_HEADERS, visits),
        *walk_tables,
        ("Phases (between MARKs)", ["phase", "start icount", "instructions", "events",
                                     "CR3 loads", "window moves", "min", "median", "p99",
                                     "max"], phases),
        ("Window moves", ["icount", "space", "old", "new", "seen as"], moves),
    ]
