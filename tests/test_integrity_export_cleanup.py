"""A failed export leaves nothing beside OUT: no hidden partial folder, no partial zip."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests import test_bundle_verify

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


def _interrupted_export(out_dir: Path, target: str) -> int:
    """Ctrl-C an export as soon as its hidden build folder shows; its exit code (0: it won the race)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "archiver", "export", "--case", "aleppo", "-o", str(out_dir / target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while not _hidden(out_dir) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert "Traceback" not in err, err
    leftover = [p.name for p in out_dir.iterdir() if p.name != target]
    assert leftover == [], (leftover, child.returncode, err)
    return child.returncode


def test_ctrl_c_during_export_leaves_no_partial(exported, tmp_path):
    for target in ("b", "b.zip"):
        codes: list[int] = []
        while len(codes) < 5 and not any(codes):  # an export may finish before the signal lands
            out_dir = tmp_path / f"out-{target}-{len(codes)}"
            out_dir.mkdir()
            codes.append(_interrupted_export(out_dir, target))
        assert any(codes), f"no export of {target} was interrupted mid-way: {codes}"
