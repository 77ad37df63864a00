"""Random SIGKILL, Ctrl-C and a full disk during capture, import and export, checked after each.

Shared by the bounded test (tests/test_integrity_store_fault_mix.py) and the longer run in
benchmarks/fault_injection.py. The archive lives on a small tmpfs. Round n runs capture,
import or export in turn (so each of them really runs) under a random fault: SIGKILL or
SIGINT after a random delay, or ENOSPC (a ballast file leaves the tmpfs almost full, and an
export then writes its bundle there too). After each fault: `archiver verify` clean (like
every writer it first recovers what a killed process left), SQLite integrity_check ok and
no blob without a catalog row; then the same command again, with room and no fault, must
succeed (an export's bundle must then verify), and the archive is checked again.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from store import Archive

REPO = Path(__file__).resolve().parent.parent
CASE = "faults"
ACTIONS = ("capture", "import", "export")
FAULTS = ("SIGKILL", "SIGINT", "ENOSPC")
ROOM_LEFT = 128 * 1024  # what the ballast leaves free: less than any action below writes


def run_loop(disk: Path, work: Path, video_url: str, *, rounds: int, seed: int) -> Counter:
    """``disk``: a small tmpfs; ``work``: ordinary storage for sources and bundles;
    ``video_url``: a clip served slowly enough to be interrupted mid-download.
    Returns counts of outcomes per action and fault, bundles verified, rounds and failed checks."""
    rng = random.Random(seed)
    archive = disk / "archive"
    counts: Counter = Counter()
    seeded = _run(
        "import", str(_files(work / "seed", 40, 50_000, rng)), "--case", CASE, "--archive", str(archive)
    )
    assert seeded.returncode == 0, seeded.stderr
    for n in range(rounds):
        action, fault = ACTIONS[n % len(ACTIONS)], rng.choice(FAULTS)
        if action == "import":
            args = ["import", str(_files(work / f"src{n}", 200, 2000, rng)), "--case", CASE]
        elif action == "capture":
            args = ["capture", video_url, "--case", CASE]
        else:
            args = ["export", "--case", CASE, "-o"]
        code, err = _faulted(action, args, fault, n, disk, work, archive, rng)
        counts[f"{action} under {fault}: {'stopped' if code else 'finished first'}"] += 1
        failures = [f"traceback: {err[-400:]}"] if "Traceback" in err else []
        failures += _checks(archive)
        again = _run(
            *args, *([str(work / f"again{n}")] if action == "export" else []), "--archive", str(archive)
        )
        if again.returncode != 0:
            failures.append(f"re-run of {action} exit {again.returncode}: {again.stderr.strip()[-300:]}")
        elif action == "export":
            failures += _bundle_problems(work / f"again{n}", json.loads(again.stdout))
            counts["bundles verified"] += not failures
        failures += _checks(archive)
        counts["rounds"] += 1
        counts["failed checks"] += len(failures)
        for failure in failures:
            print(f"round {n} ({action} under {fault}): {failure}", file=sys.stderr)
    return counts


def _faulted(
    action: str,
    args: list[str],
    fault: str,
    n: int,
    disk: Path,
    work: Path,
    archive: Path,
    rng: random.Random,
) -> tuple[int, str]:
    """Run the command under the fault; returns its exit code and stderr."""
    out = [str((disk if fault == "ENOSPC" else work) / f"bundle{n}")] if action == "export" else []
    command = [*args, *out, "--archive", str(archive)]
    if fault == "ENOSPC":
        ballast = disk / "ballast"
        stat = os.statvfs(disk)
        with open(ballast, "wb") as fh:
            os.posix_fallocate(fh.fileno(), 0, max(0, stat.f_bavail * stat.f_frsize - ROOM_LEFT))
        try:
            done = _run(*command)
        finally:
            ballast.unlink()
        return done.returncode, done.stderr
    child = subprocess.Popen(
        _argv(*command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env()
    )
    time.sleep(rng.uniform(0.2, 1.5))
    child.send_signal(signal.SIGKILL if fault == "SIGKILL" else signal.SIGINT)
    _, err = child.communicate(timeout=120)
    return child.returncode, err


def _checks(archive: Path) -> list[str]:
    verify = _run("verify", "--archive", str(archive))
    problems = [] if verify.returncode == 0 else [f"verify exit {verify.returncode}: {verify.stdout[-300:]}"]
    with Archive(archive) as opened:
        problems += opened.catalog.integrity_errors()
        problems += [f"orphan blob {sha}" for sha in opened.orphan_blobs()]
    return problems


def _bundle_problems(bundle: Path, exported: dict) -> list[str]:
    if not exported.get("capture_ids"):
        return ["the export exported no capture"]
    verify = _run("verify", str(bundle))
    return (
        [] if verify.returncode == 0 else [f"bundle verify exit {verify.returncode}: {verify.stdout[-300:]}"]
    )


def _files(folder: Path, count: int, size: int, rng: random.Random) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"f{i:04d}.bin").write_bytes(rng.randbytes(size))
    return folder


def _argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "archiver", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _run(*args: str) -> subprocess.CompletedProcess:
    json_flag = ["--json"] if args[0] == "export" else []
    return subprocess.run(_argv(*args, *json_flag), capture_output=True, text=True, env=_env(), timeout=300)
