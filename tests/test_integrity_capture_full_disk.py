"""A capture onto a full disk ends as a recorded failed attempt, or in one sentence when not
even that row fits: never SQLite's "database or disk is full" traceback, never an orphan blob."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_archiver
from tests.small_disk import small_tmpfs
from tests.test_crash_and_concurrency import assert_consistent

# free bytes left on the disk when the capture starts: from "not even the row fits" up to
# "the download fits but not its blob"; the media served is about 0.9 MB
FREE_LEVELS = [12_000, 60_000, 400_000, 1_200_000, 1_600_000]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "disk", "8m") as mount:
        yield mount


def fill_to(disk: Path, free: int) -> Path:
    """Leave about ``free`` bytes on ``disk`` with one filler file beside the archive."""
    filler = disk / "filler"
    stats = os.statvfs(disk)
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - free))
    return filler


def failed_attempts(archive: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(archive / "catalog.db") as db:
        return db.execute("SELECT error_kind, error FROM failed_attempts").fetchall()


def test_a_capture_onto_a_full_disk_is_a_failed_attempt_or_one_sentence(small_disk, site, media):
    archive = small_disk / "archive"
    url = site.add("/clip.mp4", media["mp4"].read_bytes() * 40, "video/mp4")
    first = run_archiver("import", str(media["jpeg"]), "--archive", str(archive))
    assert first.returncode == 0, first.stderr
    outcomes = []
    for free in FREE_LEVELS:
        before = failed_attempts(archive)
        filler = fill_to(small_disk, free)
        result = run_archiver("capture", url, "--archive", str(archive))
        filler.unlink()
        assert result.returncode == 1, (free, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (free, result.stderr)
        after = failed_attempts(archive)
        if len(after) == len(before) + 1:
            kind, error = after[-1]
            assert kind == "disk-full", (free, after[-1])
            assert "is full" in error
            outcomes.append("recorded")
        else:
            assert after == before, free
            [line] = result.stderr.strip().splitlines()
            assert line.startswith(f"archiver: the disk holding {archive} is full"), line
            outcomes.append("sentence")
        assert_consistent(archive)
        assert not any((archive / "staging").iterdir())
        verify = run_archiver("verify", "--archive", str(archive))
        assert verify.returncode == 0, (free, verify.stdout, verify.stderr)
    assert {"recorded", "sentence"} <= set(outcomes), outcomes
    again = run_archiver("capture", url, "--archive", str(archive))
    assert again.returncode == 0, again.stderr
