"""`archiver demo`: the whole offline path on a fresh archive, and its bundle passes its own check."""

from __future__ import annotations

import json
import time
from pathlib import Path

from archiver.bundle.check import check_bag
from tests.conftest import run_archiver


def test_demo_runs_offline_end_to_end(tmp_path: Path):
    root = tmp_path / "demo"
    started = time.monotonic()
    result = run_archiver("demo", "--archive", str(root), "--json", timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True and summary["archive"] == str(root)
    steps = {s["step"]: s for s in summary["steps"]}

    captures = steps["capture"]["captures"]
    assert len(captures) == 10 and all(c["status"] == "ok" for c in captures)
    platforms = sorted(c["platform"] for c in captures)
    assert platforms == ["telegram"] * 3 + ["web"] * 4 + ["x"] * 3  # posts, plus profile and news pages
    assert any(a["kind"] == "video" for c in captures for a in c["artifacts"])

    export = steps["export"]
    assert export["exit_code"] == 0
    bundle = Path(export["bundle"])
    assert (bundle / "bagit.txt").is_file() and (bundle / "index.html").is_file()
    assert check_bag(bundle) == []
    assert elapsed < 60
