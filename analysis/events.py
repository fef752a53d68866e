"""Streaming reader for the Bounce event log (format: docs/instrumentation.md).

read_events() is a generator: it holds one line at a time, so a log of any
length costs constant memory.  Malformed input raises LogFormatError with the
line number; a log cut off by a killed Bochs is read up to its last whole
line with a TruncatedLogWarning.
"""
import collections
import operator
import warnings

FORMAT_VERSION = 2
# Version 2 added UMARK, FLAG kinds with their own keys, NOTE what=stack and
# \xNN escapes in labels; a version-1 log reads the same way.
READABLE_VERSIONS = ("1", "2")
HEADER_PREFIX = "# bounce-trace "

# Marks delimit phases: the kernel's (MARK) and user programs' (UMARK).
MARK_KINDS = ("MARK", "UMARK")

# The keys each kind must carry; the classifier relies on them.  Extra keys
# are kept, so the module may add some without breaking this reader.
REQUIRED_KEYS = {
    "CR3": ("old", "new", "cpl", "eip"),
    "LIDT": ("new_base", "new_limit", "cpl", "eip"),
    "LGDT": ("new_base", "new_limit", "cpl", "eip"),
    "LLDT": ("new", "cpl", "eip"),
    "LTR": ("new", "base", "cpl", "eip"),
    "INT": ("vec", "kind", "cpl", "eip", "cr3"),
    "MARK": ("label",),
    "UMARK": ("pid", "label"),
    "NOTE": ("what",),
    "FLAG": ("kind", "cpl", "eip", "cr3"),
    "EXIT": ("status",),
}

Event = collections.namedtuple("Event", "line icount kind fields")


class LogFormatError(Exception):
    """The log breaks the format; .line is the 1-based line number."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


class TruncatedLogWarning(UserWarning):
    """The log ends without its `# end` trailer (Bochs was killed)."""


class LogEnd:
    """What the reader learnt about the end of the log once it has run out."""

    def __init__(self):
        self.complete = False      # saw the `# end` trailer
        self.killed = None         # the signal a `# killed signal=<n>` line names
        self.events = 0            # events yielded
        self.last_icount = 0


def number(text):
    """A value from the log: 0x-prefixed hex or decimal."""
    if text[:2] in ("0x", "0X"):
        return int(text, 16)
    return int(text, 10)


_REQUIRED_SETS = {kind: frozenset(keys) for kind, keys in REQUIRED_KEYS.items()}
_split_pair = operator.methodcaller("split", "=", 1)


def _malformed_fields(path, lineno, kind, words):
    """Explain why the key=value words of a line did not parse."""
    for word in words:
        if "=" not in word or word.startswith("="):
            return LogFormatError(path, lineno, f"expected key=value, got {word!r}")
    return LogFormatError(path, lineno, f"{kind} event has a malformed field")


def _guest_pairs(words):
    """A NOTE's pairs are the guest's text: a word without '=' continues the
    previous value (`name=lua shell`) rather than failing the whole log."""
    fields, key = {}, None
    for word in words:
        if "=" in word:
            key, value = word.split("=", 1)
            fields[key] = value
        elif key is not None:
            fields[key] += " " + word
    return fields


def _fields(path, lineno, kind, words, line):
    if kind in MARK_KINDS:
        # label= runs to the end of the line and may contain spaces.
        head, eq, label = line.partition(" label=")
        if not eq:
            raise LogFormatError(path, lineno, f"{kind} event lacks key 'label'")
        fields = {"label": label}
        if kind == "UMARK":
            pid = head.split()[2:]
            if len(pid) != 1 or not pid[0].startswith("pid="):
                raise LogFormatError(path, lineno, "UMARK event lacks key 'pid'")
            fields["pid"] = pid[0][len("pid="):]
        return fields
    try:
        fields = dict(map(_split_pair, words))
    except ValueError:
        if kind != "NOTE":
            raise _malformed_fields(path, lineno, kind, words) from None
        fields = _guest_pairs(words)
    required = _REQUIRED_SETS.get(kind)
    if required is not None and not required <= fields.keys():
        missing = sorted(required - fields.keys())
        raise LogFormatError(path, lineno, f"{kind} event lacks key {missing[0]!r}")
    return fields


def _check_header(path, line):
    if not line:
        raise LogFormatError(path, 1, "empty log (Bochs wrote nothing)")
    if not line.startswith(HEADER_PREFIX):
        raise LogFormatError(path, 1, f"not a bounce trace (header {line.strip()!r})")
    version = line[len(HEADER_PREFIX):].strip()
    if version not in READABLE_VERSIONS:
        raise LogFormatError(path, 1, f"unsupported trace version {version!r} "
                             f"(this reader knows versions {', '.join(READABLE_VERSIONS)})")


def _check_trailer(path, lineno, line, end):
    """`# end icount=<n> events=<n>`: the log is complete; cross-check counts."""
    words = line.split()[2:]
    try:
        told = {k: int(v) for k, _, v in (w.partition("=") for w in words)}
    except ValueError:
        raise LogFormatError(path, lineno, f"malformed end trailer {line.strip()!r}")
    if "events" in told and told["events"] != end.events:
        warnings.warn(f"{path}: trailer says {told['events']} events, "
                      f"log holds {end.events}", TruncatedLogWarning)
    end.complete = True


def read_events(path, end=None):
    """Yield the Events of the log at `path`, in order.

    Pass a LogEnd as `end` to learn, after the generator is exhausted,
    whether the log was complete.
    """
    end = end if end is not None else LogEnd()
    with open(path, encoding="utf-8", errors="replace") as f:
        first = f.readline()
        _check_header(path, first)
        lineno = 1
        for line in f:
            lineno += 1
            if not line.endswith("\n"):
                warnings.warn(f"{path}:{lineno}: last line is cut off; "
                              "reading up to the line before", TruncatedLogWarning)
                break
            if line.startswith("#"):
                if line.startswith("# end"):
                    _check_trailer(path, lineno, line, end)
                elif line.startswith("# killed signal="):
                    end.killed = line.split("=", 1)[1].strip()
                continue
            words = line.split()
            if not words:
                continue
            if len(words) < 2:
                raise LogFormatError(path, lineno, f"expected '<icount> <KIND> ...', got {line.strip()!r}")
            try:
                icount = int(words[0])
            except ValueError:
                raise LogFormatError(path, lineno, f"icount {words[0]!r} is not a decimal number")
            if icount < end.last_icount:
                raise LogFormatError(path, lineno, f"icount {icount} is below the previous {end.last_icount}")
            kind = words[1]
            if kind not in REQUIRED_KEYS and not (kind.isalnum() and kind.isupper()):
                raise LogFormatError(path, lineno, f"event kind {kind!r} is not an upper-case word")
            fields = _fields(path, lineno, kind, words[2:], line.rstrip("\n"))
            end.last_icount = icount
            end.events += 1
            yield Event(lineno, icount, kind, fields)
    if not end.complete:
        killed = f" (Bochs killed by signal {end.killed})" if end.killed else ""
        warnings.warn(f"{path}: no '# end' trailer; the log was cut off{killed} "
                      f"after {end.events} events", TruncatedLogWarning)
