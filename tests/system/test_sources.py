"""mk/fetch-source.sh: a verified tarball is kept as it is, a wrong one
stops the build with a clear message. Uses musl's tarball (the smallest);
needs `make sources` to have run."""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FETCH = ROOT / "mk" / "fetch-source.sh"
MUSL = "musl_1.2.3.orig.tar.gz"
MUSL_SHA = "7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4"
WRONG_SHA = "0" * 64


@pytest.fixture
def outdir(tmp_path):
    src = ROOT / "build" / "src" / MUSL
    if not src.exists():
        pytest.fail(f"{src.relative_to(ROOT)} is missing: run `make sources`")
    shutil.copy(src, tmp_path / MUSL)
    return tmp_path


def fetch(sha, outdir):
    return subprocess.run(["sh", str(FETCH), "musl", MUSL, sha, "bookworm", str(outdir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_verified_tarball_is_not_fetched_again(outdir):
    before = (outdir / MUSL).stat().st_mtime_ns
    r = fetch(MUSL_SHA, outdir)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert (outdir / MUSL).stat().st_mtime_ns == before


def test_checksum_mismatch_stops_with_a_clear_message(outdir):
    r = fetch(WRONG_SHA, outdir)
    assert r.returncode != 0
    assert f"checksum mismatch for {MUSL}: expected {WRONG_SHA} got {MUSL_SHA}" in r.stderr
    assert not (outdir / MUSL).exists() and (outdir / (MUSL + ".bad")).exists()
