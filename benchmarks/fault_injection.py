"""Longer fault-injection run: random SIGKILL / SIGINT during `archiver import`, checked after each.

    python benchmarks/fault_injection.py [--rounds 40] [--files 400] [--seed 9]

Prints the counts (kills by signal, rounds, failed checks); exit 1 if any check failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fault_injection import run_rounds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        counts = run_rounds(Path(work), args.rounds, files_per_round=args.files, seed=args.seed)
    for name, value in sorted(counts.items()):
        print(f"{name}: {value}")
    sys.exit(1 if counts["failed checks"] or counts["tracebacks"] else 0)


if __name__ == "__main__":
    main()
