"""Report reading and citation extraction throughput on reports dense with links.

A generated Markdown report (tests/dense_report.py: links, handles, bare platform
links, and runs with no sentence end) of 1, 5 and 50 MB is parsed and its targets
extracted exactly as `archiver report` does before storing them. Target: linear time,
50 MB in under 30 s. Medians of --runs, in MB/s.

    python benchmarks/report_extraction.py [--sizes 1 5 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archiver.reports.extract import extract_targets  # noqa: E402
from archiver.reports.read import parse_report  # noqa: E402
from archiver.sources.registry import load_registry  # noqa: E402
from tests.dense_report import dense_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 50], metavar="MB")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    registry = load_registry(None)
    for size in args.sizes:
        text = dense_report(int(size * 1_000_000))
        seconds, targets = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            targets = len(extract_targets(parse_report(text, "markdown"), registry))
            seconds.append(time.perf_counter() - start)
        median = statistics.median(seconds)
        print(f"{size:g} MB: {targets:,} targets, median {median:.2f} s, {len(text) / 1e6 / median:.2f} MB/s")


if __name__ == "__main__":
    main()
