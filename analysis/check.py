"""The isolation invariants of the bouncing kernel, checked on a classified log.

  flags         the emulator raised no FLAG event
  int-entry     every interrupt taken in user mode is followed by a CR3 load
                to the kernel's directory (before any other CR3 load)
  window-move   every window move (LIDT to a new window base) comes with an
                LGDT of the window GDT and an LTR in the same bounce

In shared mode (`@mode name=shared`) the kernel is mapped into every address
space by design, so only `flags` applies.
"""

SHOWN_PER_CHECK = 50


def _result(name, what, failures):
    messages = [m for _, m in failures]
    return {"name": name, "what": what, "ok": not failures, "failures": len(messages),
            "messages": messages[:SHOWN_PER_CHECK], "skipped": False}


def _skipped(name, what, why):
    return {"name": name, "what": what, "ok": True, "failures": 0, "messages": [],
            "skipped": True, "why": why}


def check(a):
    c = a.c
    flags = [(f.icount, f"FLAG {f.kind} at icount {f.icount} (line {f.line}): cpl={f.cpl} "
              f"eip={f.eip:#x} cr3={f.cr3:#x}" + (f" n={f.n}" if f.n else "")
              + (f" {f.detail}" if f.detail else "")) for f in c.flags]
    results = [_result("flags", "no FLAG events", flags)]
    int_what = "every user-mode INT is followed by a CR3 load to the kernel"
    move_what = "every window move has LIDT+LGDT+LTR"
    if c.mode == "shared":
        why = "shared mode maps the kernel everywhere"
        results += [_skipped("int-entry", int_what, why), _skipped("window-move", move_what, why)]
    elif c.kernel_cr3 is None or c.kernel_guessed:
        missing = [(0, "the kernel never announced its CR3 (@kernel): "
                       "cannot tell kernel from user directories")]
        results += [_result("int-entry", int_what, missing),
                    _result("window-move", move_what, missing)]
    else:
        results += [_result("int-entry", int_what, c.int_failures),
                    _result("window-move", move_what, c.move_failures)]
    return {"log": a.path, "complete": a.complete, "mode": c.mode,
            "ok": all(r["ok"] for r in results), "checks": results}


def text(report):
    lines = []
    for r in report["checks"]:
        state = "skip" if r["skipped"] else "ok" if r["ok"] else "FAIL"
        lines.append(f"{state:4}  {r['name']}: {r['what']}"
                     + (f" ({r['why']})" if r["skipped"] else "")
                     + (f" -- {r['failures']} failure(s)" if r["failures"] else ""))
        lines += [f"      {m}" for m in r["messages"]]
        if r["failures"] > len(r["messages"]):
            lines.append(f"      ... and {r['failures'] - len(r['messages'])} more")
    if not report["complete"]:
        lines.append("note: the log was cut off; an INT in its last bounce is not judged")
    lines.append("check: " + ("all invariants hold" if report["ok"] else "FAILED"))
    return "\n".join(lines)
