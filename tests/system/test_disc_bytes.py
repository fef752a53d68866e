"""What GRUB has to read from a disc, in bytes (docs/performance.md, "Boot
to the shell prompt").  The boot time is make bench's business; these are
the byte-level properties it depends on, read back from the built ISOs:

  * the kernel on the disc carries no symbols and no debug information:
    GRUB's multiboot loader reads every section outside the loaded segments
    (about 14 instructions a byte in Bochs); build/.../bounce.elf keeps them
    for gdb and analysis;
  * the user programs on the disc carry no symbols either.

Needs the ISOs test_iso_layout.py reads (make isos debug-isos
build/bounce-debug.iso)."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.system.test_iso_layout import ISOS, iso_file, iso_listing  # noqa: E402

READELF = "readelf"


def sections(elf):
    """{name: size} of an ELF file's sections."""
    r = subprocess.run([READELF, "-S", "-W", str(elf)], check=True, capture_output=True,
                       text=True, timeout=60)
    out = {}
    for line in r.stdout.splitlines():
        line = line.strip()
        if not line.startswith("[") or line.startswith("[Nr]"):
            continue
        fields = line.split("]", 1)[1].split()
        if fields and fields[0] not in ("NULL",):
            out[fields[0]] = int(fields[4], 16)
    return out


def unneeded(elf):
    """The sections of elf nobody at run time reads: symbols, debug info."""
    return sorted(n for n in sections(elf) if n in (".symtab", ".strtab") or n.startswith(".debug"))


@pytest.fixture(params=sorted(ISOS), ids=lambda p: p)
def disc(request):
    path = ROOT / request.param
    if not path.exists():
        pytest.fail(f"{request.param} is missing: run `make isos debug-isos build/bounce-debug.iso`")
    return path


def test_disc_kernel_has_no_symbols_or_debug_info(disc, tmp_path):
    kernel = tmp_path / "bounce.elf"
    iso_file(disc, "/boot/bounce.elf", kernel)
    assert unneeded(kernel) == []


def test_disc_programs_have_no_symbols(disc, tmp_path):
    elfs = sorted(f for f in iso_listing(disc) if f.endswith(".elf") and f.startswith("/mods/"))
    assert elfs
    for f in elfs:
        dest = tmp_path / pathlib.Path(f).name
        iso_file(disc, f, dest)
        assert unneeded(dest) == [], f
