"""Start-up of quick commands, as a user runs them: `archiver --help` and `archiver list`
as fresh processes, interleaved with a bare interpreter start (`python -c pass`) in the
same run. Target: each <= 0.15 s on an idle machine; the figures that carry across
machines are the times above the bare interpreter. Medians of --runs; the load is printed.

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    archiver = [sys.executable, "-m", "archiver"]
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as tmp:
        sample = Path(tmp) / "note.txt"
        sample.write_text("a file to list\n")
        archive = ["--archive", str(Path(tmp) / "archive")]
        subprocess.run([*archiver, "import", str(sample), *archive], env=env, capture_output=True, check=True)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "archiver --help": [*archiver, "--help"],
            "archiver list": [*archiver, "list", *archive],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    bare = statistics.median(times["python -c pass"])
    print(f"[startup] load average {os.getloadavg()[0]:.2f}, {args.runs} runs each, medians")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"[startup] {name:16} {median:.3f} s  ({median - bare:+.3f} s over a bare interpreter)")


if __name__ == "__main__":
    main()
