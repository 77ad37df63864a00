"""The store never destroys data: recovery removes only blobs a crashed attempt itself wrote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Archive
from tests.conftest import run_archiver
from tests.small_disk import small_tmpfs
from tests.test_crash_and_concurrency import assert_consistent


def make_files(folder: Path, count: int, size: int = 2048) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"note-{n:04d}.txt").write_bytes(f"file {n}\n".encode() * (size // 8))
    return folder


def plant_dead_staging(archive_dir: Path, name: str = "killed") -> Path:
    """What SIGKILL leaves: a staging folder whose owner lock nobody holds any more."""
    folder = archive_dir / "staging" / name
    folder.mkdir(parents=True)
    (folder / ".owner.lock").touch()
    return folder


def blob_count(archive_dir: Path) -> int:
    return sum(1 for p in (archive_dir / "blobs").rglob("*") if p.is_file() and ".incoming" not in p.parts)


def test_recovery_with_a_lost_catalog_keeps_every_blob(tmp_path, archive_dir):
    result = run_archiver("import", str(make_files(tmp_path / "src", 60)), "--archive", str(archive_dir))
    assert result.returncode == 0, result.stderr
    assert blob_count(archive_dir) == 60
    for suffix in ("", "-wal", "-shm"):
        Path(f"{archive_dir}/catalog.db{suffix}").unlink(missing_ok=True)
    plant_dead_staging(archive_dir)
    archive = Archive(archive_dir, allow_lost_catalog=True)  # as restoring a catalog would
    assert archive.recover() == []
    assert blob_count(archive_dir) == 60
    assert not (archive_dir / "staging" / "killed").exists()


def test_recovery_removes_only_the_dead_attempts_journaled_blobs(tmp_path, archive_dir):
    result = run_archiver("import", str(make_files(tmp_path / "src", 5)), "--archive", str(archive_dir))
    assert result.returncode == 0, result.stderr
    script = (
        "import os, signal, sys; from pathlib import Path; from store import Archive\n"
        "a = Archive(Path(sys.argv[1]))\n"
        "with a.staging('doomed'), a.write_lock():\n"
        "    a.blobs.put_bytes(b'never recorded')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    repo = Path(__file__).parent.parent
    killed = subprocess.run([sys.executable, "-c", script, str(archive_dir)], cwd=repo)
    assert killed.returncode == -signal.SIGKILL
    assert blob_count(archive_dir) == 6
    assert len(Archive(archive_dir).recover()) == 1
    assert blob_count(archive_dir) == 5
    assert_consistent(archive_dir)


def test_a_failed_attempt_removes_its_own_new_blobs(archive_dir):
    archive = Archive(archive_dir)
    try:
        with archive.staging("fails"), archive.write_lock():
            archive.blobs.put_bytes(b"half of a batch")
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert archive.orphan_blobs() == []


def test_ctrl_c_during_a_large_import_leaves_no_orphan(tmp_path, archive_dir):
    source = make_files(tmp_path / "src", 3000, size=512)
    child = subprocess.Popen(
        [sys.executable, "-m", "archiver", "import", str(source), "--archive", str(archive_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    deadline = time.monotonic() + 60
    while not (archive_dir / "blobs").exists() or blob_count(archive_dir) < 20:
        assert child.poll() is None, "import ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Traceback" not in err
    assert_consistent(archive_dir)


def test_an_archive_whose_catalog_is_lost_is_refused_by_every_command(tmp_path, archive_dir):
    result = run_archiver("import", str(make_files(tmp_path / "src", 3)), "--archive", str(archive_dir))
    assert result.returncode == 0, result.stderr
    (archive_dir / "catalog.db").write_bytes(b"")  # emptied
    for suffix in ("-wal", "-shm"):
        Path(f"{archive_dir}/catalog.db{suffix}").unlink(missing_ok=True)
    plant_dead_staging(archive_dir)
    other = make_files(tmp_path / "other", 1, size=64)
    for args in (
        ["import", str(other)],
        ["verify"],
        ["log"],
        ["list"],
        ["export", "-o", str(tmp_path / "b")],
    ):
        result = run_archiver(*args, "--archive", str(archive_dir))
        assert result.returncode == 2, (args, result.stderr)
        assert "catalog.db is missing or empty" in result.stderr
        assert "Traceback" not in result.stderr
    assert blob_count(archive_dir) == 3
    assert (archive_dir / "catalog.db").stat().st_size == 0  # left as it was


def test_a_corrupt_catalog_is_a_finding_for_verify_and_refused_for_writes(tmp_path, archive_dir):
    result = run_archiver("import", str(make_files(tmp_path / "src", 40)), "--archive", str(archive_dir))
    assert result.returncode == 0, result.stderr
    catalog = archive_dir / "catalog.db"
    for damage in ("truncate", "garbage"):
        size = catalog.stat().st_size
        if damage == "truncate":
            os.truncate(catalog, size // 3)
        else:
            catalog.write_bytes(os.urandom(size))
        before = catalog.read_bytes()
        verify = run_archiver("verify", "--json", "--archive", str(archive_dir))
        assert verify.returncode == 1, verify.stderr
        assert [f["kind"] for f in json.loads(verify.stdout)["findings"]] == ["catalog-corrupt"]
        write = run_archiver("import", str(tmp_path / "src" / "note-0001.txt"), "--archive", str(archive_dir))
        assert write.returncode == 2, write.stderr
        assert write.stderr.startswith("archiver: the catalog") and "corrupt" in write.stderr
        assert "Traceback" not in verify.stderr + write.stderr
        assert catalog.read_bytes() == before  # nothing written into the damaged file


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 2 MiB tmpfs, so a write really fails with ENOSPC."""
    with small_tmpfs(tmp_path / "small-disk", "2m") as mount_point:
        yield mount_point


def test_a_full_disk_during_import_leaves_no_orphan(tmp_path, small_disk):
    source = tmp_path / "big"
    source.mkdir()
    for n in range(60):
        (source / f"f{n}.bin").write_bytes(os.urandom(60_000))
    archive_dir = small_disk / "archive"
    result = run_archiver("import", str(source), "--archive", str(archive_dir))
    assert result.returncode == 1
    assert result.stderr.startswith("archiver: No space left on device")
    assert "Traceback" not in result.stderr
    assert_consistent(archive_dir)
