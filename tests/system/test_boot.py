"""Boot and instrumentation system tests.

Two guests run in the instrumented Bochs (build/bochs/bochs) through
shell/runner.py:

  * the kernel, from build/bounce-exit.iso (kernel command line `exit`:
    banner, boot checks, exit 0), checked against its own symbols (nm) and
    instructions (objdump);
  * tests/system/probe.S, a tiny multiboot guest built here, which
    triggers every kind of event with answers known in advance.

Event logs land in out/test_boot/.
"""
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.runner import Bochs, BochsError, kernel_build  # noqa: E402

BUILD = ROOT / "build"
OUT = ROOT / "out" / "test_boot"
BOOT_ISO = BUILD / "bounce-exit.iso"
SHELL_ISO = BUILD / "bounce.iso"
KERNEL_ELF = pathlib.Path(kernel_build()) / "kernel" / "bounce.elf"  # the one the ISOs boot
PROBE_DIR = BUILD / "tmp-probe"
CROSS = "i686-linux-gnu-"
ONE_MIB = 0x100000
TIMEOUT = 120


# -- helpers -----------------------------------------------------------------

def read_log(path):
    """[(icount, kind, {key: value})] of an event log, plus its trailer."""
    events, trailer = [], None
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith("# end "):
            trailer = line
        if line.startswith("#"):
            continue
        head, _, rest = line.partition(" ")
        kind, _, rest = rest.partition(" ")
        if kind == "MARK":
            fields = {"label": rest[len("label="):]}
        else:
            fields = dict(kv.split("=", 1) for kv in rest.split())
        events.append((int(head), kind, fields))
    return events, trailer


def num(text):
    return int(text, 0)


def of_kind(events, kind, **match):
    return [f for _, k, f in events
            if k == kind and all(f.get(key) == v for key, v in match.items())]


def symbols(elf):
    """{name: address} of an ELF's symbols, from nm."""
    out = subprocess.run([CROSS + "nm", str(elf)], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def function_at(elf, addr):
    """The text symbol whose code contains addr (nm -n ordering)."""
    out = subprocess.run([CROSS + "nm", "-n", str(elf)], check=True,
                         capture_output=True, text=True).stdout
    best = None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tT" and int(parts[0], 16) <= addr:
            best = parts[2]
    return best


def instruction_at(elf, addr):
    """objdump's text of the instruction at addr, e.g. 'mov %eax,%cr3'."""
    out = subprocess.run(
        [CROSS + "objdump", "-d", f"--start-address={addr:#x}",
         f"--stop-address={addr + 16:#x}", str(elf)],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)", line)
        if m and int(m.group(1), 16) == addr:
            return " ".join(m.group(2).split())
    return None


def boot(iso, name, **kw):
    """Run iso to its end; (status, COM1 bytes, events, trailer, log path)."""
    log = OUT / f"{name}.log"
    with Bochs(iso, log=log, timeout=TIMEOUT, **kw) as b:
        status = b.wait()
        output = b.output
    events, trailer = read_log(log)
    return status, output, events, trailer, log


def need(path, target):
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make {target}`")


# -- the kernel --------------------------------------------------------------

@pytest.fixture(scope="module")
def kernel_boot():
    need(BOOT_ISO, BOOT_ISO.relative_to(ROOT))
    need(KERNEL_ELF, "kernel")
    return boot(BOOT_ISO, "kernel")


@pytest.fixture(scope="module")
def kernel_note(kernel_boot):
    notes = of_kind(kernel_boot[2], "NOTE", what="kernel")
    assert len(notes) == 1, "the kernel announces @kernel once"
    return notes[0]


def test_banner_on_com1(kernel_boot):
    assert b"Bounce" in kernel_boot[1]


def test_exit_status_is_what_the_guest_wrote(kernel_boot):
    status, _, events, trailer, _ = kernel_boot
    exits = of_kind(events, "EXIT")
    assert [num(e["status"]) for e in exits] == [status]
    assert status == 0, "the kernel's `exit` command line exits with 0"
    assert trailer is not None and f"events={len(events)}" in trailer


def test_kernel_cr3_load_matches_symbols(kernel_boot, kernel_note):
    kcr3 = kernel_note["cr3"]
    loads = [e for e in of_kind(kernel_boot[2], "CR3") if num(e["new"]) == num(kcr3)]
    assert loads, f"no CR3 event loads the announced kernel CR3 {kcr3}"
    load = loads[0]
    eip = num(load["eip"])
    assert load["src"] == "mov" and load["cpl"] == "0"
    assert eip >= ONE_MIB
    assert function_at(KERNEL_ELF, eip) is not None
    assert re.fullmatch(r"mov %e\w\w,%cr3", instruction_at(KERNEL_ELF, eip) or "")


def test_kernel_lidt_matches_symbols(kernel_boot, kernel_note):
    idt = num(kernel_note["idt"])
    loads = [e for e in of_kind(kernel_boot[2], "LIDT") if num(e["new_base"]) == idt]
    assert loads, f"no LIDT loads the announced IDT {idt:#x}"
    eip = num(loads[0]["eip"])
    assert eip >= ONE_MIB and function_at(KERNEL_ELF, eip) is not None
    assert (instruction_at(KERNEL_ELF, eip) or "").startswith("lidt")


def test_cr3_old_values_chain(kernel_boot):
    loads = of_kind(kernel_boot[2], "CR3")
    assert loads and num(loads[0]["old"]) == 0
    for prev, cur in zip(loads, loads[1:]):
        assert cur["old"] == prev["new"]


def test_firmware_table_loads_are_below_1mib(kernel_boot):
    """BIOS and GRUB load descriptor tables below 1 MiB, all before the
    kernel's first; from then on every load comes from the kernel."""
    events = kernel_boot[2]
    loads = [(n, k, f) for n, k, f in events if k in ("LIDT", "LGDT")]
    low = [(n, k) for n, k, f in loads if num(f["eip"]) < ONE_MIB]
    high = [n for n, k, f in loads if num(f["eip"]) >= ONE_MIB]
    assert sum(k == "LIDT" for _, k in low) >= 2 and any(k == "LGDT" for _, k in low)
    assert high, "the kernel loads its own tables"
    assert max(n for n, _ in low) < min(high)


def test_interrupt_kinds(kernel_boot):
    ints = of_kind(kernel_boot[2], "INT")
    kinds = {e["kind"] for e in ints}
    assert {"soft", "hw"} <= kinds     # BIOS/GRUB INT 10h/13h, BIOS timer
    assert all("err" not in e for e in ints if e["kind"] != "exc")


def test_kernel_mark(kernel_boot, kernel_note):
    events = kernel_boot[2]
    announced = next(n for n, k, f in events if k == "NOTE" and f["what"] == "kernel")
    labels = [f["label"] for n, k, f in events if k == "MARK" and n > announced]
    assert "boot done" in labels


def test_two_runs_give_identical_logs(kernel_boot):
    again = boot(BOOT_ISO, "kernel-again")
    assert kernel_boot[4].read_bytes() == again[4].read_bytes()


# -- the probe guest ---------------------------------------------------------

def build_probe(source):
    """Build a probe guest (tests/system/<source>) into a multiboot ISO;
    (iso, {symbol: address})."""
    for tool in (CROSS + "gcc", CROSS + "ld", "grub-mkrescue"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run `make deps`")
    stem = pathlib.Path(source).stem
    work = BUILD / f"tmp-{stem}"
    tree = work / "iso"
    (tree / "boot" / "grub").mkdir(parents=True, exist_ok=True)
    obj, elf = work / f"{stem}.o", tree / "boot" / f"{stem}.elf"
    subprocess.run([CROSS + "gcc", "-m32", "-c", str(ROOT / "tests/system" / source),
                    "-o", str(obj)], check=True)
    subprocess.run([CROSS + "ld", "-m", "elf_i386", "-Ttext=0x100000", "-e", "_start",
                    "--build-id=none", "--no-warn-rwx-segments", str(obj), "-o", str(elf)],
                   check=True)
    (tree / "boot" / "grub" / "grub.cfg").write_text(
        f"set timeout=0\nmenuentry {stem} {{\n  multiboot /boot/{stem}.elf\n  boot\n}}\n")
    iso = work / f"{stem}.iso"
    subprocess.run(["grub-mkrescue", "-o", str(iso), str(tree)], check=True,
                   capture_output=True)
    return iso, symbols(elf)


@pytest.fixture(scope="module")
def probe():
    return build_probe("probe.S")


# probe.S's tables lie outside its window: its tests are about the transit
# checks, and probe_checks.S (test_instrument.py) fires the tables check.
PROBE_ENV = {"BOUNCE_NO_CHECKS": "tables"}


@pytest.fixture(scope="module")
def probe_boot(probe):
    return boot(probe[0], "probe", env=PROBE_ENV)


def test_probe_exit_status_and_banner(probe_boot):
    status, output, events, trailer, _ = probe_boot
    assert status == 165
    assert b"probe: Bounce instrumentation probe\r\n" in output
    assert of_kind(events, "EXIT") == [{"status": "165"}]
    assert trailer is not None


def test_exit_port_works_with_logging_off(probe):
    with Bochs(probe[0], log=None, timeout=TIMEOUT) as b:
        assert b.wait() == 165


def test_probe_descriptor_table_loads(probe, probe_boot):
    sym, events = probe[1], probe_boot[2]
    lidt = of_kind(events, "LIDT", eip=hex(sym["probe_lidt"]))
    assert len(lidt) == 1
    assert num(lidt[0]["new_base"]) == sym["idt"] and lidt[0]["new_limit"] == "0x7ff"
    lldt = of_kind(events, "LLDT", eip=hex(sym["probe_lldt"]))
    assert lldt == [{"old": "0x0", "new": "0x0", "cpl": "0", "eip": hex(sym["probe_lldt"])}]


def test_probe_cr3_load(probe, probe_boot):
    sym, events = probe[1], probe_boot[2]
    first = of_kind(events, "CR3")[0]
    assert first == {"old": "0x0", "new": "0x104000", "cpl": "0", "cs": "0x10",
                     "eip": hex(sym["probe_cr3"]), "src": "mov"}


def test_probe_interrupts(probe, probe_boot):
    sym, events = probe[1], probe_boot[2]
    soft = of_kind(events, "INT", vec="48")
    assert soft == [{"vec": "48", "kind": "soft", "cpl": "0", "cs": "0x10",
                     "eip": hex(sym["probe_after_int"]), "cr3": "0x0"}]
    gp = of_kind(events, "INT", vec="13")
    assert gp == [{"vec": "13", "kind": "exc", "cpl": "0", "cs": "0x10",
                   "eip": hex(sym["probe_gp"]), "cr3": "0x104000", "err": "0x1234"}]


def test_probe_isolation_flags(probe, probe_boot):
    sym, events = probe[1], probe_boot[2]
    flags = of_kind(events, "FLAG")
    assert flags == [
        {"kind": "cpl0-outside-window", "cpl": "0", "cs": "0x10",
         "eip": hex(sym["probe_outside"]), "cr3": "0x105000"},
        {"kind": "long-transit", "cpl": "0", "cs": "0x10",
         "eip": hex(sym["win_code"] + 8), "cr3": "0x105000", "n": "102"},
    ]
    shared = next(n for n, k, f in events if k == "NOTE" and f["what"] == "mode")
    assert all(n < shared for n, k, _ in events if k == "FLAG")


def test_probe_notes_and_marks(probe_boot):
    events = probe_boot[2]
    assert of_kind(events, "NOTE", what="window") == [
        {"what": "window", "cr3": "0x105000", "va": "0x103000", "pages": "1",
         "pa": "0x103000"}]
    assert of_kind(events, "MARK", label="probe done")
    counts = [n for n, _, _ in events]
    assert counts == sorted(counts)


def test_transit_limit_from_environment(probe):
    _, _, events, _, _ = boot(probe[0], "probe-transit",
                              env={"BOUNCE_TRANSIT_MAX": "200", **PROBE_ENV})
    assert [f["kind"] for f in of_kind(events, "FLAG")] == ["cpl0-outside-window"]


# -- the runner's failures ---------------------------------------------------

def test_runner_reports_bochs_that_cannot_start(probe, tmp_path):
    bad_rc = tmp_path / "bochsrc"
    bad_rc.write_text("megs: 128\nno_such_option: 1\n")
    with pytest.raises(BochsError, match="before connecting COM1"):
        with Bochs(probe[0], bochsrc=str(bad_rc), timeout=TIMEOUT):
            pass


def test_timeout_kills_bochs_and_keeps_the_log():
    need(SHELL_ISO, "iso")
    log = OUT / "timeout.log"
    with Bochs(SHELL_ISO, log=log, timeout=TIMEOUT) as b:
        b.read_until(b"Bounce", timeout=60)
        with pytest.raises(BochsError, match="killed"):
            b.wait(timeout=1)
        assert b.proc.returncode is not None
    text = log.read_text()
    assert text.startswith("# bounce-trace 2\n")
    assert "# killed signal=15" in text and "# end " not in text
