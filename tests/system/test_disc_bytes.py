"""What GRUB has to read from a disc, in bytes (docs/performance.md, "Boot
to the shell prompt").  The boot time is make bench's business; these are
the byte-level properties it depends on, read back from the built ISOs:

  * the kernel on the disc carries no symbols and no debug information:
    GRUB's multiboot loader reads every section outside the loaded segments
    (about 14 instructions a byte in Bochs); build/.../bounce.elf keeps them
    for gdb and analysis;
  * the user programs on the disc carry no symbols either, nor padding:
    their segments follow each other in the file (the kernel's loader
    copies each from its own offset, kernel/elf.c, so the file needs no
    page alignment);
  * they come as one GRUB module, an archive (GRUB spends about a million
    instructions on each module it loads, whatever its size);
  * GRUB's own modules on the disc are those its menu needs and no others
    (GRUB tries every filesystem module it finds).

Needs the ISOs test_iso_layout.py reads (make isos debug-isos
build/bounce-debug.iso)."""
import pathlib
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.system.test_iso_layout import ISOS, archive, iso_file, iso_listing  # noqa: E402

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
    elfs = [(name, data) for name, data in archive(disc, tmp_path) if name.endswith(".elf")]
    assert elfs
    for name, data in elfs:
        dest = tmp_path / name
        dest.write_bytes(data)
        assert unneeded(dest) == [], name


def load_segments(elf):
    """(offset, filesz, align) of an ELF32 file's PT_LOAD segments."""
    phoff, = struct.unpack_from("<I", elf, 28)
    phentsize, phnum = struct.unpack_from("<HH", elf, 42)
    heads = [struct.unpack_from("<II8xI8xI", elf, phoff + i * phentsize) for i in range(phnum)]
    return [(off, filesz, align) for kind, off, filesz, align in heads if kind == 1]


def test_disc_programs_are_not_padded(disc, tmp_path):
    """Each segment starts where the bytes before it end, rounded up only to
    its own alignment (a page only for a program with page-aligned data);
    page-aligned file offsets put 4 KiB of padding before every program's
    text."""
    for name, data in archive(disc, tmp_path):
        if not name.endswith(".elf"):
            continue
        phoff, = struct.unpack_from("<I", data, 28)
        end = phoff + 32 * struct.unpack_from("<H", data, 44)[0]
        for i, (off, filesz, align) in enumerate(load_segments(data)):
            assert off - end < (align if i else 64), f"{name}: segment {i} at {off:#x}, {off - end} bytes after the previous"
            end = off + filesz


def test_disc_has_only_the_grub_modules_the_menu_needs(disc, tmp_path):
    files = {f.removeprefix("/boot/grub/i386-pc/") for f in iso_listing(disc)}
    mods = {f.removesuffix(".mod") for f in files if f.endswith(".mod")}
    deps = {}
    for line in iso_file(disc, "/boot/grub/i386-pc/moddep.lst", tmp_path / "moddep.lst").decode().splitlines():
        name, _, needs = line.partition(":")
        deps[name] = needs.split()
    want, todo = set(), ["normal", "multiboot"]
    while todo:
        m = todo.pop()
        if m not in want:
            want.add(m)
            todo += deps.get(m, [])
    assert mods == want
    assert not [f for f in files if f.endswith((".mo", ".pf2"))]


def test_grub_loads_one_module(disc, tmp_path):
    cfg = iso_file(disc, "/boot/grub/grub.cfg", tmp_path / "grub.cfg").decode()
    assert [line.split()[0] for line in cfg.splitlines() if line.split()[:1] == ["module"]] \
        == ["module"]


# -- the kernel's side: splitting the archive --------------------------------

def test_kernel_splits_archives_and_keeps_loose_modules(tmp_path):
    """A hand-made disc: the archive, a program as a module of its own, and a second archive whose second
    header is corrupt.  The kernel takes every member of the good archive,
    the loose program, the bad archive's first member, reports the bad
    header and boots on; run= starts the loose program and a member."""
    from shell.runner import Bochs
    shell_iso = ROOT / "build" / "bounce.iso"
    if not shell_iso.exists():
        pytest.fail("build/bounce.iso is missing: run `make isos`")
    tree = tmp_path / "tree"
    (tree / "boot" / "grub").mkdir(parents=True)
    (tree / "x").mkdir()
    iso_file(shell_iso, "/boot/bounce.elf", tree / "boot" / "bounce.elf")
    good = iso_file(shell_iso, "/boot/modules.tar", tree / "boot" / "modules.tar")
    second = 512 + (len(archive(shell_iso, tmp_path)[0][1]) + 511) // 512 * 512
    bad = bytearray(good)
    bad[second + 148] ^= 1                  # the second header's checksum
    (tree / "boot" / "bad.tar").write_bytes(bad)
    (tree / "x" / "greet.elf").write_bytes(dict(archive(shell_iso, tmp_path))["hello.elf"])
    (tree / "boot" / "grub" / "grub.cfg").write_text(
        "set timeout=0\nmenuentry split {\n"
        "  multiboot /boot/bounce.elf run=greet,nap exit\n"
        "  module /boot/modules.tar modules.tar\n"
        "  module /x/greet.elf greet\n"
        "  module /boot/bad.tar bad.tar\n}\n")
    iso = tmp_path / "split.iso"
    subprocess.run(["grub-mkrescue", "-o", str(iso), str(tree)], check=True,
                   capture_output=True, timeout=120)
    with Bochs(iso, log=None, timeout=120) as b:
        status = b.wait()
        out = b.output.decode(errors="replace")
    assert f"boot: module bad.tar: bad checksum at byte {second}, the rest left out" in out
    listed = next(line for line in out.splitlines() if "modules:" in line).split("modules:")[1].split()
    first = archive(shell_iso, tmp_path)[0][0].removesuffix(".elf")
    assert listed == [f.removesuffix(".elf") for f, _ in archive(shell_iso, tmp_path)] + ["greet", first]
    assert "run: greet exited with status 0" in out
    assert "run: nap exited with status 0" in out
    assert status == 0
