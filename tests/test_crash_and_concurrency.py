"""A killed process leaves the archive consistent; two processes can share one archive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from store import Archive
from tests.conftest import run_archiver


def staged_bytes(archive_dir: Path) -> int:
    staging = archive_dir / "staging"
    if not staging.exists():
        return 0
    return sum(p.stat().st_size for p in staging.rglob("*") if p.is_file() and p.name != ".owner.lock")


def assert_consistent(archive_dir: Path) -> None:
    archive = Archive(archive_dir)
    assert archive.catalog.integrity_errors() == []
    assert archive.orphan_blobs() == []
    referenced = {r["sha256"] for r in archive.catalog.rows("SELECT sha256 FROM artifacts")}
    known = {r["sha256"] for r in archive.catalog.rows("SELECT sha256 FROM blobs")}
    assert referenced <= known


def test_sigkill_mid_download_then_rerun_succeeds(site, media, archive_dir):
    body = media["mp4"].read_bytes() * 20  # ~ a few MB, sent slowly
    url = site.add("/slow.mp4", body, "video/mp4", chunk_delay=0.05)
    child = subprocess.Popen(
        [sys.executable, "-m", "archiver", "capture", url, "--archive", str(archive_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while staged_bytes(archive_dir) < 256 * 1024:
        assert child.poll() is None, "capture ended before it could be killed"
        assert time.monotonic() < deadline, "download never started"
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert (archive_dir / "staging").exists() and any((archive_dir / "staging").iterdir())

    site.routes["/slow.mp4"].chunk_delay = 0
    result = run_archiver("capture", url, "--archive", str(archive_dir), "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "ok"
    assert not any((archive_dir / "staging").iterdir())
    assert_consistent(archive_dir)


def test_sigkill_between_blob_write_and_commit_leaves_no_orphan(tmp_path, media, archive_dir):
    """Kill a writer at the worst moment: blob renamed into place, catalog row not yet written."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from store import Archive
        archive = Archive(Path({str(archive_dir)!r}))
        with archive.staging("doomed"):
            with archive.write_lock():
                archive.blobs.put_file(Path({str(media["jpeg"])!r}))
                os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    assert killed.returncode == -signal.SIGKILL
    assert Archive(archive_dir).orphan_blobs() != []  # the crash really left a blob behind

    other = tmp_path / "other.jpg"
    other.write_bytes(media["jpeg"].read_bytes() + b"trailing")
    result = run_archiver("import", str(other), "--archive", str(archive_dir), "--json")
    assert result.returncode == 0, result.stderr
    assert_consistent(archive_dir)
    assert not (archive_dir / "staging" / "doomed").exists()


def test_recovery_leaves_a_live_writers_work_alone(media, archive_dir):
    archive = Archive(archive_dir)
    with archive.staging("alive"), archive.write_lock():
        archive.blobs.put_file(media["jpeg"])
        other = Archive(archive_dir)
        assert other.recover() == []
        assert other.orphan_blobs() != []  # still there: its owner may yet commit it


def test_two_capture_processes_on_one_new_archive(site, media, archive_dir):
    first = site.add("/a.mp4", media["mp4"].read_bytes(), "video/mp4", chunk_delay=0.01)
    second = site.add("/b.jpg", media["jpeg"].read_bytes(), "image/jpeg", chunk_delay=0.01)
    env = {**os.environ, "ARCHIVER_ARCHIVE": str(archive_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "archiver", "capture", url, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for url in (first, second)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert json.loads(out)[0]["status"] == "ok"
    archive = Archive(archive_dir)
    assert archive.catalog.one("SELECT count(*) AS n FROM captures")["n"] == 2
    assert_consistent(archive_dir)


def test_processes_racing_to_create_one_archive_all_succeed(tmp_path):
    """Each opens the same brand-new archive: migrations and the WAL switch must not collide."""
    opener = "import sys; from store import Archive; Archive(sys.argv[1]).close()"
    for round_ in range(5):
        root = tmp_path / f"new{round_}"
        procs = [
            subprocess.Popen([sys.executable, "-c", opener, str(root)], stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        assert Archive(root).catalog.integrity_errors() == []
