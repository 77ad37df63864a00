"""A normal (non-editable) install runs: the wheel carries config/, seeds/ and the demo recordings.

The wheel is built from this checkout and installed into a fresh venv outside it; the
venv borrows the already-installed dependencies through a plain path entry (not a site
dir, so the checkout's editable finder is not loaded and cannot shadow the wheel).
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("archiver-*.whl")
    return built


def test_wheel_holds_the_shipped_files(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (REPO / "config").rglob("*"):
        if path.is_file():
            assert f"archiver/_shipped/config/{path.relative_to(REPO / 'config').as_posix()}" in names
    assert "archiver/_shipped/seeds/aleppo-offensive.md" in names
    assert "archiver/demo/recordings/aleppo/routes.json" in names


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_outside_the_checkout(wheel: Path, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ARCHIVER_ARCHIVE")}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    venv_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (venv_site / "borrowed-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import archiver; print(archiver.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(venv_site)), where.stderr
    result = subprocess.run(
        [str(venv / "bin" / "archiver"), "demo", "--archive", str(work / "archive"), "--json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert {s["step"] for s in summary["steps"]} >= {"report", "capture", "lookup", "export", "verify"}
