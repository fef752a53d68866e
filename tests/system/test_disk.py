"""The swap disk (docs/disk.md): the ATA driver, the per-run images, k.disk.

Two shells boot at once, each on its own fresh image: each sees the disk at
boot, writes its own mark through k.disk.write (the kernel's driver), reads
it back, finds it in its own image file on the host and not in the other's.
The shared layout sees the disk too; a machine without one boots and says so.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shell.client import Shell  # noqa: E402
from shell.runner import DISK_TEMPLATE, Bochs  # noqa: E402

ISO = ROOT / "build" / "bounce.iso"
SHARED_ISO = ROOT / "build" / "bounce-shared.iso"
EXIT_ISO = ROOT / "build" / "bounce-exit.iso"
OUT = ROOT / "out" / "test_disk"
TIMEOUT = 900
SECTOR = 512
SCRATCH = 8          # kernel/ata.h DISK_SCRATCH_SECTORS
SLOT_SECTORS = 8     # kernel/swapslot.h
DISK_LINE = re.compile(r"disk: ata1 master '[^']*', (\d+) sectors")
SWAP_LINE = re.compile(r"swap: (\d+) slots of 4 KiB")


def image_sectors():
    return os.path.getsize(DISK_TEMPLATE) // SECTOR


def boot(iso, name, **kw):
    OUT.mkdir(parents=True, exist_ok=True)
    return Bochs(iso, log=OUT / f"{name}.bxlog", timeout=TIMEOUT, **kw)


def shell(vm):
    sh = Shell(vm, timeout=TIMEOUT)
    sh.banner = sh.wait_prompt().decode(errors="replace")
    return sh


def assert_disk_seen(banner):
    m = DISK_LINE.search(banner)
    assert m, f"no disk line at boot:\n{banner}"
    assert int(m.group(1)) == image_sectors()
    m = SWAP_LINE.search(banner)
    assert m and int(m.group(1)) == (image_sectors() - SCRATCH) // SLOT_SECTORS, banner


def image_bytes(vm, sector, n=SECTOR):
    with open(vm.disk, "rb") as f:
        f.seek(sector * SECTOR)
        return f.read(n)


@pytest.fixture(scope="module")
def pair():
    """Two shells in the bounce layout, running at once."""
    vms = [boot(ISO, "pair_a"), boot(ISO, "pair_b")]
    try:
        for vm in vms:
            vm.start()
        yield [shell(vm) for vm in vms]
    finally:
        for vm in vms:
            vm.close()


def test_disk_seen_at_boot(pair):
    for sh in pair:
        assert_disk_seen(sh.banner)
        info = sh.eval("(function(i) return i.sectors .. ' ' .. i.slots .. ' ' .. i.slots_free end)(k.disk.info())")
        slots = (image_sectors() - SCRATCH) // SLOT_SECTORS
        assert info == f"{image_sectors()} {slots} {slots}"


def test_each_run_has_its_own_disk(pair):
    """A sector the kernel writes reads back, lands in this run's image file,
    and not in the other run's, though both run at once."""
    a, b = pair
    assert a.vm.disk != b.vm.disk
    for sh, mark in ((a, "written by run A"), (b, "written by run B")):
        assert sh.eval(f"k.disk.write(3, {mark!r})") == "true"
    for sh, mine, theirs in ((a, "A", "B"), (b, "B", "A")):
        assert sh.eval("k.disk.read(3):sub(1, 16)") == f"written by run {mine}"
        on_host = image_bytes(sh.vm, 3)
        assert on_host.startswith(f"written by run {mine}".encode())
        assert on_host[16:] == bytes(SECTOR - 16), "the rest of the sector is zero padding"
        assert f"run {theirs}".encode() not in image_bytes(sh.vm, 0, SCRATCH * SECTOR)


def test_multi_sector_transfer(pair):
    """A page's worth of sectors in one command, both ways, and a sector at
    the disk's far end."""
    sh = pair[0]
    out = sh.run_ok("""
        local page = {}
        for i = 0, 4095 do page[#page + 1] = string.char((i * 7 + i // 512) % 256) end
        page = table.concat(page)
        assert(k.disk.write(0, page))
        print(k.disk.read(0, 8) == page, #k.disk.read(0, 8))
        local last = k.disk.info().sectors - 1
        print(#k.disk.read(last), k.disk.read(last) == string.rep('\\0', 512))
    """)
    assert out.split() == ["true", "4096", "512", "true"]
    expect = bytes((i * 7 + i // 512) % 256 for i in range(4096))
    assert image_bytes(sh.vm, 0, 4096) == expect


def test_bad_requests_are_lua_errors(pair):
    """Sectors off the disk, swap sectors for k.disk.write, bad counts: a Lua
    error each, and the shell lives on."""
    sh = pair[1]
    for call in ("k.disk.read(k.disk.info().sectors)", "k.disk.read(0, 0)",
                 "k.disk.read(0, 129)", "k.disk.read(-1)", "k.disk.write(8, 'x')",
                 "k.disk.write(7, string.rep('x', 513))", "k.disk.write(0, {})",
                 "k.disk.read(k.disk.info().sectors - 1, 2)"):
        out, err = sh.run(f"return {call}")
        assert err and "bad argument" in err, f"{call}: {err!r} {out!r}"
    assert sh.eval("k.disk.info().slots_free") == str((image_sectors() - SCRATCH) // SLOT_SECTORS)


def test_the_run_disk_is_removed_at_close():
    vm = boot(EXIT_ISO, "exit")
    with vm:
        assert vm.wait() == 0
        path = vm.disk
        assert os.path.getsize(path) == os.path.getsize(DISK_TEMPLATE)
        assert os.stat(path).st_blocks * 512 < 1 << 20, "the run's image is sparse"
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path))
    assert_disk_seen(vm.output.decode(errors="replace"))


def test_shared_layout_sees_the_disk():
    with boot(SHARED_ISO, "shared") as vm:
        sh = shell(vm)
        assert_disk_seen(sh.banner)
        assert sh.eval("k.disk.write(1, 'shared') and k.disk.read(1):sub(1, 6)") == "shared"
        assert image_bytes(vm, 1).startswith(b"shared")


@pytest.fixture
def no_disk_bochsrc(tmp_path):
    """bochsrc as before the disk: no secondary ATA channel at all."""
    text = (ROOT / "bochsrc").read_text()
    rc = tmp_path / "bochsrc"
    rc.write_text("".join(l for l in text.splitlines(True) if not l.startswith("ata1")))
    return str(rc)


def test_no_disk_boots_and_says_so(no_disk_bochsrc):
    with boot(ISO, "nodisk", bochsrc=no_disk_bochsrc) as vm:
        sh = shell(vm)
        assert "disk: no disk on ata1 master (swap off)" in sh.banner
        assert not SWAP_LINE.search(sh.banner)
        assert sh.run_ok("print(k.disk.info())\nprint(k.disk.read(0))") == "nil\tno disk\nnil\tno disk\n"
        assert sh.run_ok("print(k.disk.write(0, 'x'))") == "nil\tno disk\n"
        assert sh.eval("(k.proc.wait(k.proc.spawn('hello')))").endswith("\n0")


@pytest.mark.skipif(not shutil.which("qemu-system-i386"), reason="no QEMU")
@pytest.mark.parametrize("with_disk", [True, False])
def test_qemu_attaches_the_disk(with_disk):
    """make qemu's command line: the disk on ata1 master as in bochsrc, or
    none at all (the kernel says so)."""
    sys.path.insert(0, str(ROOT / "mk"))
    import qemu
    cmd = qemu.qemu_command(str(EXIT_ISO), "stdio", disk=DISK_TEMPLATE if with_disk else None)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert qemu.guest_status(r.returncode) == 0, r.stdout[-2000:]
    if with_disk:
        assert_disk_seen(r.stdout)
    else:
        assert "disk: no disk on ata1 master (swap off)" in r.stdout


def test_paging_announcements_are_the_ones_analysis_reads():
    """announce() puts the '@' in front itself, so a format that starts with
    one reaches the log as NOTE what=@name, which analysis/paging.py (and
    test_instrument's list of announcements) would never see.  The pager's
    page moves must read `pageout as= va= slot=` / `pagein ...` (docs/disk.md)."""
    text = "".join(p.read_text() for p in (ROOT / "kernel").glob("*.c"))
    formats = re.findall(r'\bannounce\("([^"]*)"', text)
    assert formats, "no announce() calls found"
    assert [f for f in formats if f.startswith("@")] == []
    for f in formats:
        if f.split(" ")[0] in ("pageout", "pagein"):
            assert re.fullmatch(r"page(out|in) as=0x%\w+ va=0x%\w+ slot=%\w+", f), f
