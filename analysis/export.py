"""A classified log in Chrome's Trace Event Format (JSON object form), for
Perfetto's UI (ui.perfetto.dev, "Open trace file") and chrome://tracing.

Time is instructions retired: one instruction is one nanosecond of trace
time (`ts` and `dur` are in microseconds, so ts = icount / 1000).  Each
address space is a trace process (pid = its index + 1, named by its label)
with two rows: "CR3 loaded" slices for the stretches its directory was
loaded, and "kernel visits" slices for the visits that started from it,
named by cause.  Window moves are instant events on the space's row, MARK
phases global instant events, and the kernel's process carries two
counters in bins: CR3 loads (to the kernel, to user directories) and page
walks (logs of format version 3).  docs/analysis.md says how to open it.
"""
import json

import numpy as np

from analysis.classify import KERNEL_INDEX
from analysis.events import read_events
from analysis.summary import visit_arrays

COUNTER_BINS = 1000
CR3_TID, VISIT_TID = 1, 2
FORMATS = ("chrome-trace",)


def ts(icount):
    """Trace time in microseconds: one instruction is one nanosecond."""
    return icount / 1000


def pid(index):
    return index + 1


def visits(c):
    """(start icount, end icount, address space index) of each kernel visit,
    in the order of the Classifier's visit arrays: from a CR3 load to the
    kernel made while a user directory was loaded to the next load of a user
    directory (docs/analysis.md, Classification)."""
    icount = np.frombuffer(c.load_icount, dtype=np.int64) if c.load_icount else np.zeros(0, np.int64)
    space = np.array(c.load_space, dtype=np.int64)
    kernel = space == KERNEL_INDEX
    first = np.flatnonzero(kernel[1:] & ~kernel[:-1]) + 1
    user = np.flatnonzero(~kernel)
    after = np.searchsorted(user, first, side="right")
    first = first[after < len(user)]            # a visit the log ends in is not counted
    last = user[after[after < len(user)]]
    length = np.frombuffer(c.visit_length, dtype=np.int64) if c.visit_length else np.zeros(0, np.int64)
    if len(first) != len(length) or np.any(icount[last] - icount[first] != length):
        raise ValueError("kernel visits from the CR3 timeline disagree with the classifier's")
    return icount[first], icount[last], space[first - 1]


def _metadata(c):
    events = []
    for s in c.spaces:
        events.append({"ph": "M", "name": "process_name", "pid": pid(s.index), "tid": 0, "ts": 0,
                       "args": {"name": s.label}})
        events.append({"ph": "M", "name": "process_sort_index", "pid": pid(s.index), "tid": 0,
                       "ts": 0, "args": {"sort_index": s.index}})
        for tid, name in ((CR3_TID, "CR3 loaded"), (VISIT_TID, "kernel visits")):
            events.append({"ph": "M", "name": "thread_name", "pid": pid(s.index), "tid": tid,
                           "ts": 0, "args": {"name": name}})
    return events


def _residency(c):
    """One slice per CR3 load of a user directory, until the next load."""
    icount = list(c.load_icount)
    ends = icount[1:] + [c.last_icount]
    return [{"ph": "X", "name": "CR3 loaded", "cat": "cr3", "pid": pid(space), "tid": CR3_TID,
             "ts": ts(start), "dur": ts(end - start)}
            for start, end, space in zip(icount, ends, c.load_space) if space != KERNEL_INDEX]


def _visit_slices(c):
    length, cause, phase = visit_arrays(c)
    start, end, space = visits(c)
    walks = list(c.visit_walks) if c.has_walks else [None] * len(length)
    vector = list(c.visit_vector)
    return [{"ph": "X", "name": str(why), "cat": "visit", "pid": pid(int(sp)), "tid": VISIT_TID,
             "ts": ts(int(s)), "dur": ts(int(n)),
             "args": {"instructions": int(n), "vector": v if v >= 0 else None,
                      "page walks": w if w is None or w >= 0 else None,
                      "phase": c.phases[int(ph)].label}}
            for s, n, sp, why, v, w, ph in zip(start, length, space, cause, vector, walks, phase)]


def _instants(c):
    moves = [{"ph": "i", "s": "p", "name": "window move" if m.source == "lidt" else "window move announced",
              "cat": "window", "pid": pid(m.space), "tid": VISIT_TID, "ts": ts(m.icount),
              "args": {"old": f"{m.old:#x}", "new": f"{m.new:#x}", "seen as": m.source}}
             for m in c.moves]
    marks = [{"ph": "i", "s": "g", "name": p.label, "cat": "mark", "pid": pid(KERNEL_INDEX),
              "tid": CR3_TID, "ts": ts(p.start), "args": {"phase": n}}
             for n, p in enumerate(c.phases) if n > 0]
    return moves + marks


def _walk_samples(path):
    """(icount, cumulative page walks) at each CR3 load: the walks between two
    loads count at the second, as the address-space table counts them."""
    return [(ev.icount, int(ev.fields["walks"])) for ev in read_events(path)
            if ev.kind == "CR3" and "walks" in ev.fields]


def _counters(a, x0, x1):
    """CR3 loads and page walks per bin of the run, as counter events."""
    c = a.c
    edges = np.linspace(x0, x1, COUNTER_BINS + 1)
    icount = np.frombuffer(c.load_icount, dtype=np.int64) if c.load_icount else np.zeros(0, np.int64)
    space = np.array(c.load_space, dtype=np.int64)
    to_kernel, _ = np.histogram(icount[space == KERNEL_INDEX], bins=edges)
    to_user, _ = np.histogram(icount[space != KERNEL_INDEX], bins=edges)
    series = {"CR3 loads": {"to kernel": to_kernel, "to user": to_user}}
    samples = _walk_samples(a.path) if c.has_walks else []
    if len(samples) > 1:
        at, total = np.array(samples, dtype=np.int64).T
        walks, _ = np.histogram(at[1:], bins=edges, weights=np.diff(total))
        series["page walks"] = {"walks": walks}
    return [{"ph": "C", "name": name, "cat": "counter", "pid": pid(KERNEL_INDEX), "tid": CR3_TID,
             "ts": ts(float(edges[i])), "args": {k: int(v[i]) for k, v in values.items()}}
            for name, values in series.items() for i in range(COUNTER_BINS)]


def chrome_trace(a):
    """The Trace Event Format object for Analysis `a`."""
    c = a.c
    x0 = c.kernel_start if c.kernel_start is not None else c.first_icount or 0
    x1 = max(c.last_icount, x0 + 1)
    events = _metadata(c) + _residency(c) + _visit_slices(c) + _instants(c) + _counters(a, x0, x1)
    return {"traceEvents": events, "displayTimeUnit": "ns",
            "otherData": {"log": a.path, "time": "1 ns of trace time = 1 instruction retired",
                          "counter_bin_instructions": (x1 - x0) / COUNTER_BINS}}


def write(a, out_path, fmt="chrome-trace"):
    """Write `a` in format `fmt` to out_path; returns the number of events."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    trace = chrome_trace(a)
    with open(out_path, "w") as f:
        json.dump(trace, f, separators=(",", ":"))
    return len(trace["traceEvents"])
