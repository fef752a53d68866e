"""Classify a log's events: boot vs kernel, address spaces, window moves,
kernel visits and MARK phases.

The Classifier sees each event once and keeps only compact per-CR3-load and
per-visit arrays (array.array, a few bytes each), so memory grows with the
number of CR3 loads, never with Python objects per event.
"""
import array
import collections
import warnings

from analysis.events import LogEnd, LogFormatError, number, read_events

BOOT_EIP_LIMIT = 1 << 20       # BIOS and GRUB run below 1 MiB
KERNEL_INDEX = 0               # the kernel's AddressSpace.index
# Before `@kernel` we cannot tell kernel from user CR3 loads, so events wait;
# a log that never announces gets a guess after this many.
PENDING_LIMIT = 100000


def directory(text):
    """A CR3 value as a page directory address: the low 12 bits are flags."""
    return number(text) & ~0xfff


class AddressSpace:
    """One page directory, as long as it served one process."""

    def __init__(self, index, cr3, pid=None, name=None):
        self.index = index
        self.cr3 = cr3
        self.pid = pid
        self.name = name
        self.loads = 0             # CR3 loads into it
        self.resident = 0          # instructions run with it loaded
        self.walks = 0             # page walks (TLB misses) while loaded (log version 3)
        self.user_ints = 0         # interrupts taken from user mode in it
        self.visits = 0            # kernel visits that started from it
        self.window_base = None    # its current window IDT base
        self.window_va = None      # its current announced window address
        self.moves = 0             # window moves seen as LIDT
        self.announced_moves = 0   # window moves the kernel announced
        self.staircase = []        # (icount, window IDT base) at each change
        self.pageouts = 0          # pages the kernel wrote to swap from it (@pageout)
        self.pageins = 0           # pages it read back (@pagein)

    @property
    def label(self):
        if self.index == KERNEL_INDEX:
            return "kernel"
        if self.pid is not None:
            return f"pid {self.pid} {self.name}" if self.name else f"pid {self.pid}"
        return f"cr3 {self.cr3:#x}"


class Phase:
    """The stretch of the log from one MARK to the next."""

    def __init__(self, label, start):
        self.label = label
        self.start = start
        self.end = start
        self.kinds = collections.Counter()
        self.cr3_loads = 0
        self.moves = 0


Move = collections.namedtuple("Move", "icount space old new source")
Flag = collections.namedtuple("Flag", "line icount kind cpl eip cr3 n detail")
FLAG_COMMON_KEYS = ("kind", "cpl", "cs", "eip", "cr3", "n")


class Span:
    """From a CR3 load to the kernel until user code runs again: the kernel
    half of a bounce.  Window moves in it must come with LGDT and with an
    LTR of a TSS in the new window (every bounce loads TR twice: the
    kernel's TSS on entry, the window's on exit; docs/window.md)."""

    def __init__(self, icount):
        self.icount = icount
        self.lgdt_window = False
        self.ltr_pages = set()
        self.moves = []


class SpacesByCr3:
    """Address spaces found by their CR3, numbered as they appear, the
    kernel's first (KERNEL_INDEX). The class using it sets self.spaces,
    self.by_cr3, self.kernel_cr3 and SPACE, the class of a space."""

    def space_of(self, cr3):
        if cr3 == self.kernel_cr3:
            return self.spaces[KERNEL_INDEX]
        space = self.by_cr3.get(cr3)
        if space is None:
            space = self.new_space(cr3)
        return space

    def new_space(self, cr3, pid=None, name=None):
        space = self.SPACE(len(self.spaces), cr3, pid, name)
        self.spaces.append(space)
        self.by_cr3[cr3] = space
        return space


class Classifier(SpacesByCr3):
    SPACE = AddressSpace

    def __init__(self, path="<log>"):
        self.path = path
        self.kernel_cr3 = None
        self.kernel_idt = None
        self.kernel_gdt = None
        self.kernel_guessed = False
        self.mode = None
        self.exit_status = None
        self.kinds = collections.Counter()
        self.boot_kinds = collections.Counter()
        self.vectors = collections.Counter()
        self.spaces = [AddressSpace(KERNEL_INDEX, None)]
        self.by_cr3 = {}
        self.phases = [Phase("(before first MARK)", 0)]
        self.moves = []
        self.flags = []
        self.kernel_loads = 0
        self.user_loads = 0
        self.first_icount = None
        self.kernel_start = None    # icount of the first event after BIOS/GRUB
        self.last_icount = 0
        self.window_notes = []      # (icount, space index, va) of every @window
        # Paging (@pageout/@pagein, docs/disk.md): one entry per page moved.
        self.paging_icount = array.array("q")
        self.paging_space = array.array("i")
        self.paging_in = array.array("b")     # 1: a page-in, 0: a page-out
        self.idle_eips = set()      # where an interrupt finds the kernel idle (@idle)
        # CR3 timeline: when each load happened and which space it loaded.
        self.load_icount = array.array("q")
        self.load_space = array.array("i")
        # Kernel visits, one entry per visit in each array.
        self.visit_length = array.array("q")
        self.visit_vector = array.array("h")
        self.visit_move = array.array("b")
        self.visit_idle = array.array("b")
        self.visit_phase = array.array("i")
        self.visit_walks = array.array("q")   # page walks of each visit (version 3)
        self.has_walks = False      # the log carries the MMU counters
        self._load_walks = None     # the walks counter at the last CR3 load
        # Isolation findings for `check`: (icount, message).
        self.int_failures = []
        self.move_failures = []
        self._space = None          # loaded AddressSpace, None before paging
        self._booting = True
        self._pending = []          # events held until the kernel's CR3 is known
        self._waiting = True
        self._last_int = None       # vector of the last INT since the last CR3 load
        self._visit = None          # (start icount, cause vector) while in the kernel
        self._visit_moved = False
        self._visit_idle = False
        self._awaiting_kernel = None  # user-mode INT not yet followed by a kernel CR3 load
        self._unplaced_lidt = None    # window LIDT done under the kernel CR3
        self._span = None
        self._handlers = {kind: getattr(self, "_on_" + kind) for kind in
                          ("NOTE", "MARK", "EXIT", "FLAG", "INT", "CR3", "LIDT", "LGDT", "LTR")}
        self._handlers["UMARK"] = self._on_MARK

    # -- feeding ---------------------------------------------------------

    def feed(self, ev):
        if self._waiting:
            if self._is_kernel_note(ev):
                self._blaming(ev, self._learn_kernel, ev.fields)
                self._replay()
            else:
                self._pending.append(ev)
                if len(self._pending) > PENDING_LIMIT:
                    self._guess_kernel()
                return
        self._handle(ev)

    def finish(self, truncated=False):
        if self._pending:
            self._guess_kernel()
        self._close_span()
        if self._awaiting_kernel is not None and not truncated:
            self._int_failure(self._awaiting_kernel, "the log ended before a CR3 load to the kernel")
        if self._space is not None:
            self._space.resident += self.last_icount - self.load_icount[-1]
        self.phases[-1].end = self.last_icount
        return self

    @staticmethod
    def _is_kernel_note(ev):
        return ev.kind == "NOTE" and ev.fields["what"] == "kernel"

    def _learn_kernel(self, fields):
        self._waiting = self.kernel_guessed = False
        self.kernel_cr3 = directory(fields["cr3"])
        self.kernel_idt = number(fields["idt"]) if "idt" in fields else None
        self.kernel_gdt = number(fields["gdt"]) if "gdt" in fields else None
        self.spaces[KERNEL_INDEX].cr3 = self.kernel_cr3

    def _replay(self):
        pending, self._pending = self._pending, []
        for ev in pending:
            self._handle(ev)

    def _guess_kernel(self):
        """No @kernel announcement: take the first CR3 loaded as the kernel's."""
        self._waiting = False
        first = next((e for e in self._pending if e.kind == "CR3"), None)
        if first is not None:
            self.kernel_cr3 = directory(first.fields["new"])
            self.kernel_guessed = True
            self.spaces[KERNEL_INDEX].cr3 = self.kernel_cr3
            warnings.warn(f"the kernel never announced its CR3; guessing {self.kernel_cr3:#x} "
                          "(the first one loaded)")
        self._replay()

    def _handle(self, ev):
        self._blaming(ev, self._classify, ev)

    def _blaming(self, ev, func, *args):
        """Run func; a value the format allows but we cannot use (a NOTE
        without cr3=, an address that is not a number) is the log's fault,
        reported with ev's line like any other format error."""
        try:
            func(*args)
        except KeyError as e:
            raise LogFormatError(self.path, ev.line, f"{ev.kind} event lacks key {e}") from None
        except ValueError as e:
            raise LogFormatError(self.path, ev.line, f"{ev.kind} event has a bad value: {e}") from None

    def _classify(self, ev):
        if self.first_icount is None:
            self.first_icount = ev.icount
        self.last_icount = ev.icount
        self.kinds[ev.kind] += 1
        if self._is_boot(ev):
            self.boot_kinds[ev.kind] += 1
            return
        if self.kernel_start is None:
            self.kernel_start = ev.icount
        self.phases[-1].kinds[ev.kind] += 1
        handler = self._handlers.get(ev.kind)
        if handler is not None:
            handler(ev)

    def _is_boot(self, ev):
        """BIOS and GRUB: below 1 MiB, until the kernel shows itself by
        loading CR3 or announcing something.  MARKs before that are the VGA
        BIOS's banner (it shares the marker port)."""
        if not self._booting:
            return False
        if ev.kind in ("CR3", "NOTE", "EXIT"):
            self._booting = False
            return False
        if ev.kind == "MARK":
            return True
        return "eip" in ev.fields and number(ev.fields["eip"]) < BOOT_EIP_LIMIT

    # -- event handlers --------------------------------------------------

    def _on_NOTE(self, ev):
        f = ev.fields
        what = f["what"]
        if what == "kernel":
            self._learn_kernel(f)
        elif what == "proc":
            self._on_proc(directory(f["cr3"]), int(f["pid"]), f.get("name"))
        elif what == "window":
            self._on_window_note(ev, self.space_of(directory(f["cr3"])), number(f["va"]))
        elif what in ("pageout", "pagein"):
            self._on_paging(ev, what == "pagein")
        elif what == "mode":
            self.mode = f.get("name")
        elif what == "idle":
            self.idle_eips.add(number(f["eip"]))

    def _on_proc(self, cr3, pid, name):
        space = self.by_cr3.get(cr3)
        if space is not None and space.pid is None:
            space.pid, space.name = pid, name
        else:
            self.new_space(cr3, pid, name)

    def _on_window_note(self, ev, space, va):
        self.window_notes.append((ev.icount, space.index, va))
        if space.window_va is not None and space.window_va != va:
            space.announced_moves += 1
            self.moves.append(Move(ev.icount, space.index, space.window_va, va, "announced"))
            self._visit_moved = self._visit_moved or self._visit is not None
        space.window_va = va

    def _on_paging(self, ev, page_in):
        space = self.space_of(directory(ev.fields["as"]))
        number(ev.fields["va"]), int(ev.fields["slot"])     # well-formed, or the log's fault
        self.paging_icount.append(ev.icount)
        self.paging_space.append(space.index)
        self.paging_in.append(page_in)
        if page_in:
            space.pageins += 1
        else:
            space.pageouts += 1

    def _on_MARK(self, ev):
        self.phases[-1].end = ev.icount
        self.phases.append(Phase(ev.fields["label"], ev.icount))
        self.phases[-1].kinds[ev.kind] += 1

    def _on_EXIT(self, ev):
        self.exit_status = int(ev.fields["status"])

    def _on_FLAG(self, ev):
        f = ev.fields
        detail = " ".join(f"{k}={v}" for k, v in f.items() if k not in FLAG_COMMON_KEYS)
        self.flags.append(Flag(ev.line, ev.icount, f["kind"], int(f["cpl"]),
                               number(f["eip"]), number(f["cr3"]), f.get("n"), detail))

    def _on_INT(self, ev):
        vec, cpl = number(ev.fields["vec"]), int(ev.fields["cpl"])
        self.vectors[vec] += 1
        self._last_int = vec
        if cpl != 3:
            if self._visit is not None and number(ev.fields["eip"]) in self.idle_eips:
                self._visit_idle = True     # the kernel waited in its idle loop
            return
        pending = self._awaiting_kernel
        if pending is not None and pending.icount == ev.icount:
            # The delivery of `pending` faulted (say INT n through a DPL 0
            # gate): the log shows both, and this exception is what entered.
            self._awaiting_kernel = ev
            return
        self._close_span()
        self.space_of(directory(ev.fields["cr3"])).user_ints += 1
        if pending is not None:
            self._int_failure(pending, "another user-mode INT came first")
        self._awaiting_kernel = ev

    def _on_CR3(self, ev):
        space = self.space_of(directory(ev.fields["new"]))
        self._account_walks(ev)
        self._account_load(ev.icount, space)
        if space.index == KERNEL_INDEX:
            self._enter_kernel(ev.icount)
        else:
            self._leave_kernel(ev, space)

    def _account_walks(self, ev):
        """The walks since the last CR3 load belong to the space it loaded
        (the counter is cumulative; a CR3 event's includes its own load)."""
        walks = ev.fields.get("walks")
        if walks is None:
            return
        walks = int(walks)
        self.has_walks = True
        if self._space is not None and self._load_walks is not None:
            self._space.walks += walks - self._load_walks
        self._load_walks = walks

    def _account_load(self, icount, space):
        if self._space is not None:
            self._space.resident += icount - self.load_icount[-1]
        self._space = space
        space.loads += 1
        self.phases[-1].cr3_loads += 1
        self.load_icount.append(icount)
        self.load_space.append(space.index)
        if space.index == KERNEL_INDEX:
            self.kernel_loads += 1
        else:
            self.user_loads += 1

    def _enter_kernel(self, icount):
        self._awaiting_kernel = None
        if self._visit is not None or len(self.load_space) < 2 \
                or self.load_space[-2] == KERNEL_INDEX:
            return                  # a reload, or paging switched on: no visit
        from_space = self.spaces[self.load_space[-2]]
        from_space.visits += 1
        self._visit = (icount, self._last_int, self._load_walks)
        self._visit_moved = False
        self._visit_idle = False
        self._last_int = None
        self._close_span()
        self._span = Span(icount)

    def _leave_kernel(self, ev, space):
        if self._awaiting_kernel is not None:
            self._int_failure(self._awaiting_kernel,
                              f"the next CR3 load (line {ev.line}) is to a user directory")
            self._awaiting_kernel = None
        if self._unplaced_lidt is not None:
            self._window_lidt(self._unplaced_lidt, space)
            self._unplaced_lidt = None
        self._last_int = None
        if self._visit is None:
            return
        start, vec, walks = self._visit
        self.visit_length.append(ev.icount - start)
        self.visit_walks.append(-1 if walks is None else self._load_walks - walks)
        self.visit_vector.append(-1 if vec is None else vec)
        self.visit_move.append(1 if self._visit_moved else 0)
        self.visit_idle.append(1 if self._visit_idle else 0)
        self.visit_phase.append(len(self.phases) - 1)
        self._visit = None

    def _on_LIDT(self, ev):
        base = number(ev.fields["new_base"])
        if base == self.kernel_idt:
            return
        if self._space is None or self._space.index == KERNEL_INDEX:
            # Loaded under the kernel CR3: it is the window of the space
            # the kernel returns to next.
            self._unplaced_lidt = (ev.icount, base)
        else:
            self._window_lidt((ev.icount, base), self._space)

    def _window_lidt(self, lidt, space):
        icount, base = lidt
        old = space.window_base
        if old == base:
            return
        space.window_base = base
        space.staircase.append((icount, base))
        if old is None:
            return                  # the first window of a space is a placement
        space.moves += 1
        self.phases[-1].moves += 1
        move = Move(icount, space.index, old, base, "lidt")
        self.moves.append(move)
        if self._span is not None:
            self._span.moves.append(move)
        if self._visit is not None:
            self._visit_moved = True

    def _on_LGDT(self, ev):
        if self._span is not None and number(ev.fields["new_base"]) != self.kernel_gdt:
            self._span.lgdt_window = True

    def _on_LTR(self, ev):
        if self._span is not None:
            self._span.ltr_pages.add(number(ev.fields["base"]) >> 12)

    # -- isolation findings -----------------------------------------------

    def _close_span(self):
        span, self._span = self._span, None
        if span is None:
            return
        for move in span.moves:
            missing = [name for name, seen in (("LGDT", span.lgdt_window),
                                               ("LTR", move.new >> 12 in span.ltr_pages)) if not seen]
            if missing:
                self.move_failures.append((move.icount,
                    f"window move of {self.spaces[move.space].label} at icount {move.icount} "
                    f"({move.old:#x} -> {move.new:#x}) without {' or '.join(missing)} "
                    f"in the bounce starting at icount {span.icount}"))

    def _int_failure(self, ev, why):
        self.int_failures.append((ev.icount,
            f"user-mode INT vec={ev.fields['vec']} at icount {ev.icount} (line {ev.line}) "
            f"is not followed by a CR3 load to the kernel: {why}"))


class Analysis:
    """A classified log: the Classifier's results plus how the log ended."""

    def __init__(self, path, classifier, end):
        self.path = path
        self.c = classifier
        self.complete = end.complete
        self.events = end.events


def analyze(path):
    end = LogEnd()
    c = Classifier(path)
    for ev in read_events(path, end):
        c.feed(ev)
    c.finish(truncated=not end.complete)
    return Analysis(path, c, end)
