"""The window, watched: a self-contained HTML page that plays a run back.

`python3 -m analysis window-view LOG OUT.html` draws the loaded process's
4 GiB address space as 1,024 columns of 4 MiB regions (pages in use, the
page-table pages, the window) and steps through the log's events with a
slider (docs/analysis.md, "The window view").

The CPU's side comes from Bochs's events: which directory CR3 holds, and
where the window is (the IDT base of each window LIDT, attributed to an
address space the way classify.py does).  The kernel's announcements name
things: @proc (pid, name, parent), @window (where the kernel put it),
@map / @unmap (the user pages each call changed).  A process has no exit
event: it is shown leaving at the CR3 load that left its directory for the
last time.

Plain bounces (a kernel entry and the return to the same process with
nothing else in between) are frames too, but only the first KEEP_BOUNCES of
each address space: a long run has hundreds of thousands of them, and the
page embeds every frame.
"""
import json
import pathlib

from analysis.classify import SpacesByCr3, directory
from analysis.events import number, read_events

REGIONS = 1024                  # 4 MiB regions in 4 GiB
REGION_PAGES = 1024             # 4 KiB pages in a region
KEEP_BOUNCES = 16               # plain bounces shown per address space
TEMPLATE = pathlib.Path(__file__).with_name("window_view.html")
PLACEHOLDER = "/*BOUNCE_DATA*/null"


def event_text(ev):
    """The event as its log line (the reader keeps fields, not text)."""
    if ev.kind in ("MARK", "UMARK"):
        pid = f"pid={ev.fields['pid']} " if ev.kind == "UMARK" else ""
        return f"{ev.icount} {ev.kind} {pid}label={ev.fields['label']}"
    return f"{ev.icount} {ev.kind} " + " ".join(f"{k}={v}" for k, v in ev.fields.items())


def window_of(lidt):
    """The window's page from a window LIDT: the IDT sits in it
    (kernel/window_layout.h)."""
    return number(lidt.fields["new_base"]) & ~0xfff


def _is_proc(ev):
    return ev.kind == "NOTE" and ev.fields["what"] == "proc"


class Space:
    """One address space, for as long as one process has it."""

    def __init__(self, index, cr3, pid=None, name=None):
        self.index, self.cr3 = index, cr3
        self.pid, self.name = pid, name
        self.pages = bytearray(REGIONS * REGION_PAGES)  # 1 per user page in use
        self.window = None          # the window's address the CPU last loaded (LIDT)
        self.bounces = 0            # plain bounces shown so far

    def label(self):
        if self.index == 0:
            return "kernel"
        if self.pid is None:
            return f"cr3 {self.cr3:#x}"
        return f"pid {self.pid} {self.name}"

    def change(self, va, npages, value):
        """Mark pages [va, va + npages) used (1) or free (0); return the
        regions whose counts changed, with their new counts."""
        first = va >> 12
        last = min(first + npages, REGIONS * REGION_PAGES)
        self.pages[first:last] = bytes([value]) * (last - first)
        changed = []
        for r in range(first // REGION_PAGES, (last - 1) // REGION_PAGES + 1):
            changed.append([r, self.pages[r * REGION_PAGES:(r + 1) * REGION_PAGES].count(1)])
        return changed

    def copy_from(self, parent):
        """fork: the child starts with the parent's pages (copy-on-write)."""
        self.pages[:] = parent.pages


def _spaces_pass(path):
    """First pass: the kernel's CR3 and IDT, and for each address space
    (a CR3 from one @proc to the next) the line of its last CR3 load."""
    kernel_cr3 = kernel_idt = None
    generation, last_load = {}, {}
    for ev in read_events(path):
        if ev.kind == "NOTE" and ev.fields["what"] == "kernel":
            kernel_cr3 = directory(ev.fields["cr3"])
            kernel_idt = number(ev.fields["idt"]) if "idt" in ev.fields else None
        elif _is_proc(ev):
            cr3 = directory(ev.fields["cr3"])
            generation[cr3] = generation.get(cr3, 0) + 1
        elif ev.kind == "CR3":
            cr3 = directory(ev.fields["new"])
            last_load[(cr3, generation.get(cr3, 0))] = ev.line
    return kernel_cr3, kernel_idt, last_load


class Player(SpacesByCr3):
    """Second pass: turns events into frames, each the state change the
    page applies: [icount, log line number, text, loaded space, shown
    space, ops, bounces left out before it]."""

    SPACE = Space

    def __init__(self, kernel_cr3, kernel_idt, last_load):
        self.kernel_cr3, self.kernel_idt, self.last_load = kernel_cr3, kernel_idt, last_load
        self.spaces = [Space(0, kernel_cr3)]
        self.by_cr3 = {}
        self.generation = {}
        self.frames = []
        self.loaded = None          # the Space CR3 holds, None before paging
        self.shown = None           # the user Space the page draws
        self.held_entry = None      # a kernel entry not yet known to be plain
        self.held_lidt = None       # a window LIDT under the kernel's CR3
        self.pending_maps = {}      # cr3 -> maps made before its @proc (spawn)
        self.skipped = 0            # plain bounces left out since the last frame
        self.line = 0               # the log line being fed

    # -- frames ------------------------------------------------------------

    def emit(self, ev, ops=(), shown=None):
        if self.held_entry is not None and ev is not self.held_entry:
            held, self.held_entry = self.held_entry, None
            self.emit(held)
        if shown is not None:
            self.shown = shown
        self.frames.append([ev.icount, ev.line, event_text(ev), self._index(self.loaded),
                            self._index(self.shown), list(ops), self.skipped])
        self.skipped = 0

    @staticmethod
    def _index(space):
        return None if space is None else space.index

    # -- address spaces ------------------------------------------------------

    def gone(self, space):
        """Has this space's CR3 been loaded for the last time already?"""
        last = self.last_load.get((space.cr3, self.generation.get(space.cr3, 0)))
        return last is not None and self.line >= last

    # -- events ---------------------------------------------------------------

    def feed(self, ev):
        self.line = ev.line
        handler = getattr(self, "on_" + ev.kind, None)
        # without @kernel no CR3 can be told the kernel's: only names are shown
        if handler is not None and (self.kernel_cr3 is not None or ev.kind == "NOTE"):
            handler(ev)

    def on_NOTE(self, ev):
        f, what = ev.fields, ev.fields["what"]
        if what == "kernel":
            self.emit(ev)
        elif what == "proc":
            self.on_proc(ev, directory(f["cr3"]), int(f["pid"]), f.get("name"), f.get("parent"))
        elif what == "window":
            space = self.space_of(directory(f["cr3"]))
            va = number(f["va"])
            self.emit(ev, [["ann", space.index, va], ["pt", space.index, va >> 22]], shown=space)
        elif what in ("map", "unmap"):
            self.on_pages(ev, directory(f["cr3"]), number(f["va"]), int(f["pages"]), what == "map")

    def on_proc(self, ev, cr3, pid, name, parent_pid):
        self.generation[cr3] = self.generation.get(cr3, 0) + 1
        old = self.by_cr3.get(cr3)
        if old is not None and old.pid is None:
            old.pid, old.name, space = pid, name, old   # loaded before it was named
        else:
            space = self.new_space(cr3, pid, name)
        parent = next((s for s in reversed(self.spaces) if parent_pid is not None
                       and s.pid == int(parent_pid)), None)
        ops = [["new", space.index, space.label(), None if parent is None else parent.index]]
        if parent is not None:
            space.copy_from(parent)
        for held in self.pending_maps.pop(cr3, []):
            ops += self.page_ops(space, *held)
        self.emit(ev, ops, shown=space)

    def on_pages(self, ev, cr3, va, npages, mapped):
        space = self.by_cr3.get(cr3)
        if space is None or self.gone(space):
            # spawn maps the new program before @proc names it: keep these
            # for the process that gets this CR3 next
            self.pending_maps.setdefault(cr3, []).append((va, npages, mapped))
            self.emit(ev)
            return
        self.emit(ev, self.page_ops(space, va, npages, mapped), shown=space)

    @staticmethod
    def page_ops(space, va, npages, mapped):
        changed = space.change(va, npages, 1 if mapped else 0)
        return [["pg", space.index, changed, 1 if mapped else 0]]

    def on_CR3(self, ev):
        space = self.space_of(directory(ev.fields["new"]))
        if space.index == 0:
            self.enter_kernel(ev, space)
        else:
            self.leave_kernel(ev, space)

    def enter_kernel(self, ev, kernel):
        previous, self.loaded = self.loaded, kernel
        ops = []
        if previous is not None and previous.index != 0 and self.gone(previous):
            ops.append(["exit", previous.index])
        if ops or previous is None or previous.index == 0:
            self.emit(ev, ops)
        else:
            self.held_entry = ev    # maybe the first half of a plain bounce

    def leave_kernel(self, ev, space):
        entry, self.held_entry = self.held_entry, None
        lidt, self.held_lidt = self.held_lidt, None
        moved = lidt is not None and window_of(lidt) != space.window
        plain = entry is not None and self.shown is space and not moved
        if plain and space.bounces >= KEEP_BOUNCES:
            self.skipped += 1
            self.loaded = space
            return
        if plain:
            space.bounces += 1
        if entry is not None:
            self.emit(entry)        # under the kernel's CR3, as it happened
        if lidt is not None:
            self.window_loaded(lidt, space)
        self.loaded = space
        self.emit(ev, shown=space)

    def on_LIDT(self, ev):
        base = number(ev.fields["new_base"])
        if base == self.kernel_idt or self.loaded is None:
            return
        if self.loaded.index == 0:
            self.held_lidt = ev     # the window of the space the kernel returns to
        else:
            self.window_loaded(ev, self.loaded)

    def window_loaded(self, ev, space):
        va = window_of(ev)
        if va != space.window:
            space.window = va
            self.emit(ev, [["win", space.index, va]], shown=space)

    def on_MARK(self, ev):
        if self.loaded is not None:  # before paging: the VGA BIOS's banner
            self.emit(ev)

    on_UMARK = on_MARK

    def on_FLAG(self, ev):
        self.emit(ev, [["flag"]])

    def on_EXIT(self, ev):
        self.emit(ev)


def view_data(path):
    """What the page embeds: the address spaces and the frames."""
    kernel_cr3, kernel_idt, last_load = _spaces_pass(path)
    player = Player(kernel_cr3, kernel_idt, last_load)
    for ev in read_events(path):
        player.feed(ev)
    return {
        "log": pathlib.Path(path).name,
        "kernel_cr3": None if kernel_cr3 is None else f"{kernel_cr3:#x}",
        "spaces": [{"label": s.label(), "cr3": f"{s.cr3:#x}" if s.cr3 is not None else None,
                    "pid": s.pid} for s in player.spaces],
        "regions": REGIONS,
        "region_pages": REGION_PAGES,
        "keep_bounces": KEEP_BOUNCES,
        "frames": player.frames,
        "skipped_at_end": player.skipped,
    }


def write_view(path, out):
    """Write the page; the data goes inside it as JSON ('</' escaped so a
    label cannot close the script element)."""
    data = json.dumps(view_data(path), separators=(",", ":")).replace("</", "<\\/")
    html = TEMPLATE.read_text().replace(PLACEHOLDER, data)
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html)
    return str(out)
