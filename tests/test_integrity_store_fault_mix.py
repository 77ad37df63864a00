"""Random SIGKILL, Ctrl-C and a full disk (tmpfs) during capture, import and export: the archive stays whole.

A real tmpfs stands in for the small disk (the suite runs as root), and real
``python -m archiver`` processes are killed at random moments. After every fault the
catalog passes integrity_check, no blob lacks a row, ``verify`` is clean and the same
command run again succeeds.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_archiver
from tests.small_disk import small_tmpfs
from tests.test_crash_and_concurrency import assert_consistent

LOOP_BUDGET_S = float(os.environ.get("ARCHIVER_FAULT_BUDGET_S", "25"))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "disk", "24m") as mount:
        yield mount


def random_files(folder: Path, count: int, size: int, rng: random.Random) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"f{n:04d}.bin").write_bytes(rng.randbytes(size))
    return folder


def assert_whole(archive: Path) -> None:
    assert_consistent(archive)
    result = run_archiver("verify", "--archive", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr


def interrupt_midway(args: list[str], sig: int, delay: float) -> int:
    child = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    child.send_signal(sig)
    _, err = child.communicate(timeout=120)
    assert "Traceback" not in err, err
    return child.returncode


def test_random_kills_interrupts_and_full_disks_never_break_the_archive(tmp_path, small_disk, site, media):
    rng = random.Random(int(os.environ.get("ARCHIVER_FAULT_SEED", "1309")))
    archive = small_disk / "archive"
    url = site.add("/v.mp4", media["mp4"].read_bytes() * 8, "video/mp4", chunk_delay=0.005)
    counts: Counter[str] = Counter()
    deadline = time.monotonic() + LOOP_BUDGET_S
    while time.monotonic() < deadline:
        round_no = counts["checks passed"]
        kind = rng.choice(["kill", "interrupt", "enospc"])
        if kind == "enospc":
            free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
            source = random_files(tmp_path / f"full{round_no}", 8, free // 6, rng)
            result = run_archiver("import", str(source), "--archive", str(archive))
            assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        else:
            action = rng.choice(["import", "capture", "export"])
            if action == "import":
                args = ["import", str(random_files(tmp_path / f"src{round_no}", 200, 2000, rng))]
            elif action == "capture":
                args = ["capture", url]
            else:
                args = ["export", "-o", str(tmp_path / f"bundle{round_no}")]
            sig = signal.SIGKILL if kind == "kill" else signal.SIGINT
            interrupt_midway([*args, "--archive", str(archive)], sig, rng.uniform(0.2, 1.5))
        counts[kind] += 1
        assert_whole(archive)
        rerun = run_archiver(
            "import", str(random_files(tmp_path / f"again{round_no}", 1, 64, rng)), "--archive", str(archive)
        )
        assert rerun.returncode == 0, rerun.stderr
        assert_whole(archive)
        counts["checks passed"] += 1
    print(f"fault injection: {dict(counts)}")
    assert counts["checks passed"] >= 3
