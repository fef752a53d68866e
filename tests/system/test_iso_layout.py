"""What is on each disc, read back from the built ISOs (xorriso), and where
the disc's recipe lives (iso/, see iso/README.md).

The command lines below are pinned by hand: they are what each variant has
always booted with, so moving or rewriting the recipe cannot change them
unnoticed.  Every ISO carries the same modules (every user program, every
scripts/lua/*.lua, in name order, packed in one archive GRUB loads as one
module) and the kernel of its own build.
Needs `make isos debug-isos` and build/bounce-debug.iso (make test builds
all three)."""
import io
import pathlib
import subprocess
import tarfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"

USER_TESTS = ("t_4gb_map,t_4gb_edges,t_window_chase,t_window_pair,t_fork_cow,"
              "t_no_kernel_bytes,t_bad_pointers,t_window_spots,t_threads,"
              "t_copyinstr,t_fork_alias,t_wait_race,t_cap,t_ipc,t_large_pages,"
              "t_swap_fill,t_swap_window,t_swap_fork")

# variant -> kernel command line ("" is build/bounce.iso, the shell)
CMDLINES = {
    "": "",
    "exit": "exit",
    "shared": "mode=shared",
    "tests": f"run={USER_TESTS} exit",
    "tests-shared": f"mode=shared run={USER_TESTS} exit",
    "bench": "mode=bounce run=bench_ops",
    "bench-shared": "mode=shared run=bench_ops",
}

# ISO -> (variant, the kernel it boots)
ISOS = {}
for _v in CMDLINES:
    _name = f"bounce-{_v}.iso" if _v else "bounce.iso"
    ISOS[f"build/{_name}"] = (_v, BUILD / "kernel" / "bounce.elf")
    ISOS[f"build/debug/{_name}"] = (_v, BUILD / "debug" / "kernel" / "bounce.elf")
ISOS["build/bounce-debug.iso"] = ("", BUILD / "kernel-debug" / "bounce.elf")


def modules():
    """(file, name) of every module, in the order of the disc's archive
    (the kernel's order); the kernel names each by its file less .elf."""
    progs = sorted(p.stem for p in (ROOT / "user" / "bin").glob("*.c"))
    scripts = sorted(p.name for p in (ROOT / "scripts" / "lua").glob("*.lua"))
    return [(f"{p}.elf", p) for p in progs] + [(s, s) for s in scripts]


def iso_file(iso, path, dest):
    subprocess.run(["osirrox", "-indev", str(iso), "-extract", path, str(dest)],
                   check=True, capture_output=True, timeout=60)
    return dest.read_bytes()


def iso_listing(iso):
    r = subprocess.run(["xorriso", "-indev", str(iso), "-find", "/", "-type", "f"],
                       check=True, capture_output=True, text=True, timeout=60)
    return {line.strip("'") for line in r.stdout.split()}


def archive(iso, tmp_path):
    """[(member name, bytes)] of the disc's module archive, in order."""
    data = iso_file(iso, "/boot/modules.tar", tmp_path / "modules.tar")
    with tarfile.open(fileobj=io.BytesIO(data), format=tarfile.USTAR_FORMAT) as t:
        return [(m.name, t.extractfile(m).read()) for m in t.getmembers()]


def stripped(elf, tmp_path):
    """elf's bytes as iso/mkiso.sh puts them on a disc."""
    out = tmp_path / f"stripped-{elf.name}"
    subprocess.run(["i686-linux-gnu-strip", "--strip-all", "-o", str(out), str(elf)],
                   check=True, capture_output=True, timeout=60)
    return out.read_bytes()


@pytest.fixture(params=sorted(ISOS), ids=lambda p: p)
def iso(request):
    path = ROOT / request.param
    if not path.exists():
        pytest.fail(f"{request.param} is missing: run `make isos debug-isos build/bounce-debug.iso`")
    return path, *ISOS[request.param]


def test_grub_menu_boots_the_variants_command_line_and_every_module(iso, tmp_path):
    path, variant, _ = iso
    cfg = iso_file(path, "/boot/grub/grub.cfg", tmp_path / "grub.cfg").decode()
    want = ["set timeout=0", "set default=0", 'menuentry "Bounce" {',
            f"\tmultiboot /boot/bounce.elf {CMDLINES[variant]}"]
    want += ["\tmodule /boot/modules.tar modules.tar"]
    want += ["}"]
    assert cfg.split("\n") == want + [""]


def test_disc_holds_its_kernel_and_the_modules(iso, tmp_path):
    path, _, kernel = iso
    files = {f for f in iso_listing(path) if not f.startswith("/boot/grub/")}
    assert files == {"/boot/bounce.elf", "/boot/modules.tar"}
    assert iso_file(path, "/boot/bounce.elf", tmp_path / "k.elf") == stripped(kernel, tmp_path)
    members = archive(path, tmp_path)
    assert [name for name, _ in members] == [f for f, _ in modules()]
    for name, data in members:
        if name.endswith(".elf"):
            assert data == stripped(BUILD / "user" / name, tmp_path), name
        else:
            assert data == (ROOT / "scripts" / "lua" / name).read_bytes(), name


def test_recipe_lives_in_iso_dir():
    """The disc is defined in iso/ only: template, script, variant list."""
    for f in ("README.md", "grub.cfg.in", "mkiso.sh", "mktar.sh", "variants"):
        assert (ROOT / "iso" / f).is_file(), f"iso/{f} is missing"
    assert not (ROOT / "mk" / "mkiso.sh").exists()
    listed = []
    for line in (ROOT / "iso" / "variants").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            listed.append(line.split()[0])
    assert sorted(listed) == sorted(v for v in CMDLINES if v)
    for mk in list((ROOT / "mk").glob("*.mk")) + [ROOT / "Makefile"]:
        assert "ISO_CMDLINE_" not in mk.read_text() or mk.name == "iso.mk", mk.name
