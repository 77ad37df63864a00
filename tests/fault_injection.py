"""Kill `archiver import` at random moments and check the archive after each kill.

Shared by the bounded test (tests/test_integrity_store_faults.py) and the longer run in
benchmarks/fault_injection.py. Each round starts an import of many small files, sends
SIGKILL or SIGINT after a random delay, then runs `archiver verify` (exit 0; like every
writer it first recovers what a killed process left) and checks SQLite integrity_check
ok and no blob file without a catalog row, then re-runs the import (ok, and checks again).
"""

from __future__ import annotations

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


def _archiver(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _problems(archive_dir: Path) -> list[str]:
    with Archive(archive_dir) as archive:
        problems = archive.catalog.integrity_errors()
        problems += [f"orphan blob {sha}" for sha in archive.orphan_blobs()]
    return problems


def run_rounds(workdir: Path, rounds: int, *, files_per_round: int = 400, seed: int = 9) -> Counter:
    """Returns counts of kills by signal, rounds killed before/after finishing, and failures."""
    rng = random.Random(seed)
    archive_dir = workdir / "archive"
    counts: Counter = Counter()
    for n in range(rounds):
        source = workdir / f"round-{n}"
        source.mkdir(parents=True)
        for i in range(files_per_round):
            (source / f"f{i}.txt").write_bytes(f"round {n} file {i} {rng.random()}\n".encode() * 32)
        child = _archiver("import", str(source), "--archive", str(archive_dir))
        time.sleep(rng.uniform(0.2, 2.5))
        sig = rng.choice([signal.SIGKILL, signal.SIGINT])
        if child.poll() is None:
            child.send_signal(sig)
            counts[f"killed by {sig.name}"] += 1
        else:
            counts["finished before the signal"] += 1
        _, err = child.communicate(timeout=120)
        if "Traceback" in err:
            counts["tracebacks"] += 1
        # a SIGKILL between a blob's rename and its row leaves it for the next command's recovery
        counts["orphans left by a kill"] += sum(p.startswith("orphan") for p in _problems(archive_dir))
        failures: list[str] = []
        verify = subprocess.run(
            [sys.executable, "-m", "archiver", "verify", "--archive", str(archive_dir)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        if verify.returncode != 0:
            failures.append(f"verify exit {verify.returncode}: {verify.stdout[-300:]}{verify.stderr[-300:]}")
        failures += _problems(archive_dir)
        rerun = _archiver("import", str(source), "--archive", str(archive_dir))
        _, err = rerun.communicate(timeout=120)
        if rerun.returncode != 0:
            failures.append(f"re-run exit {rerun.returncode}: {err.strip()}")
        failures += _problems(archive_dir)
        counts["rounds"] += 1
        counts["failed checks"] += len(failures)
        for failure in failures:
            print(f"round {n}: {failure}", file=sys.stderr)
    return counts
