"""A source file deleted while `archiver import` runs fails alone: the others are imported,
it leaves no blob, and the archive verifies clean.

The timing is made deterministic with a real lock rather than a sleep: the test holds the
archive's write lock exclusively (as crash recovery would), so the import lists every
file, prepares its first batch and then waits for the lock, which the test sees in
/proc/locks. Only then are two files deleted: one of the waiting batch, already probed
but not yet read into the store, and one of a later batch, not yet looked at.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import run_archiver
from tests.test_crash_and_concurrency import assert_consistent


def wait_until_blocked_on(lock_file: Path, pid: int, timeout: float = 60) -> None:
    """Until ``pid`` waits for a flock on ``lock_file`` (a "->" line of /proc/locks)."""
    inode = f":{os.stat(lock_file).st_ino} "
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in Path("/proc/locks").read_text().splitlines():
            if "->" in line and f" {pid} " in line and inode in line:
                return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} never waited for {lock_file}")


def test_a_file_deleted_mid_import_fails_alone(tmp_path, archive_dir):
    assert run_archiver("import", str(Path(__file__)), "--archive", str(archive_dir)).returncode == 0
    (archive_dir / "config.toml").write_text("[import]\nbatch_size = 4\n")
    source = tmp_path / "footage"
    source.mkdir()
    for n in range(12):
        (source / f"f{n:02d}.bin").write_bytes(os.urandom(4096))
    lock_file = archive_dir / ".write.lock"
    with open(lock_file, "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        args = ["import", str(source), "--archive", str(archive_dir), "--json"]
        child = subprocess.Popen(
            [sys.executable, "-m", "archiver", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until_blocked_on(lock_file, child.pid)
        (source / "f02.bin").unlink()  # in the waiting batch: probed, not yet stored
        (source / "f09.bin").unlink()  # in a later batch
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 1, err
    assert "Traceback" not in err
    outcomes = {Path(o["path"]).name: o for o in json.loads(out)}
    assert sorted(outcomes) == [f"f{n:02d}.bin" for n in range(12)]
    failed = {name: o["error"] for name, o in outcomes.items() if o["status"] == "failed"}
    assert sorted(failed) == ["f02.bin", "f09.bin"]
    assert all("disappeared after it was listed" in error for error in failed.values())
    assert_consistent(archive_dir)
    assert not any((archive_dir / "staging").iterdir())
    verify = run_archiver("verify", "--archive", str(archive_dir))
    assert verify.returncode == 0, verify.stdout + verify.stderr
