"""A failed export leaves nothing beside OUT: no hidden partial folder, no partial zip.

Real ``python -m archiver export`` processes are stopped by a full file, and by one or
two real SIGINTs at random moments (the second used to cut the cleanup short).
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests import test_bundle_verify
from tests.conftest import run_archiver

exported = test_bundle_verify.exported  # an archive with two captures in case aleppo, exported once


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_zip_write_failing_midway_leaves_no_partial(exported, archive_dir, tmp_path):
    bag, _ = exported
    sizes = [p.stat().st_size for p in bag.rglob("*") if p.is_file()]
    catalog = max(p.stat().st_size for p in archive_dir.rglob("*") if p.is_file())
    limit = max(*sizes, catalog) + 65536  # every file of the bag fits, the zip of all of them does not
    assert sum(sizes) > limit + 65536
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def cap_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "--case", "aleppo", "-o", str(out_dir / "b.zip")],
        capture_output=True,
        text=True,
        preexec_fn=cap_file_size,
        timeout=120,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert list(out_dir.iterdir()) == [], _hidden(out_dir)


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory) -> Path:
    """Forty 512 KiB captures in case bulk: an export takes long enough to interrupt anywhere."""
    folder = tmp_path_factory.mktemp("big")
    source = folder / "files"
    source.mkdir()
    for n in range(40):
        (source / f"f{n:02d}.bin").write_bytes(os.urandom(512 * 1024))
    root = folder / "archive"
    run_archiver("import", str(source), "--case", "bulk", "--archive", str(root), check=True, timeout=300)
    return root


def export_child(archive: Path, out: Path) -> subprocess.Popen:
    args = ["export", "--case", "bulk", "-o", str(out), "--archive", str(archive)]
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def building(child: subprocess.Popen, parent: Path) -> Path | None:
    """The child's build folder as soon as it exists (None if the child ended first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        found = [p for p in parent.iterdir() if ".partial-" in p.name]
        if found:
            return found[0]
        time.sleep(0.001)
    assert child.poll() is not None, "no build folder appeared in 60 s"
    return None


def test_exports_ctrl_c_once_or_twice_at_random_moments_leave_nothing(big_archive, tmp_path):
    rng = random.Random(int(os.environ.get("ARCHIVER_FAULT_SEED", "8")))
    counts: Counter[str] = Counter()
    timed = export_child(big_archive, tmp_path / "timed")
    building(timed, tmp_path)
    started = time.monotonic()
    assert timed.wait(timeout=120) == 0
    took = time.monotonic() - started  # from the build folder's creation to the bundle in place
    for n in range(30):
        parent = tmp_path / f"round{n}"  # its own folder: the next export's sweep must not hide a leftover
        parent.mkdir()
        out = parent / ("b.zip" if n % 3 == 0 else "b")
        child = export_child(big_archive, out)
        building(child, parent)  # a Ctrl-C in Python's own start-up is no export's business
        started = time.monotonic()
        time.sleep(rng.uniform(0.0, took))
        presses = rng.choice([1, 2])
        for _ in range(presses):
            child.send_signal(signal.SIGINT)
            time.sleep(rng.uniform(0.0, 0.1))
        _, err = child.communicate(timeout=120)
        if child.returncode == 0:  # the machine got faster (the other cores freed): aim earlier
            took = min(took, time.monotonic() - started)
        assert "Traceback" not in err and "Exception ignored" not in err, err
        # 130 from the command; 1 (click's "Aborted!") or death by SIGINT when Ctrl-C lands
        # before the command starts or as it exits
        assert child.returncode in (0, 1, 130, -signal.SIGINT), (child.returncode, err)
        assert len(err.strip().splitlines()) <= 1, err
        counts["finished first" if child.returncode == 0 else f"interrupted by {presses} Ctrl-C"] += 1
        assert _hidden(parent) == [], (n, presses, err)
        published = [p.name for p in parent.iterdir()]
        assert published == [out.name] if child.returncode == 0 else published in ([], [out.name])
        if child.returncode and published:  # Ctrl-C in the instant after the rename: complete all the same
            counts["complete, though interrupted as it returned"] += 1
            verified = run_archiver("verify", str(out), timeout=120)
            assert verified.returncode == 0, verified.stdout + verified.stderr
    print(f"interrupted exports: {dict(counts)}")
    assert counts["finished first"] <= 10, counts  # most rounds really were cut short
