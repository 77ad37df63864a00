"""A failed export leaves nothing beside OUT: no hidden partial folder, no partial zip."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
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
