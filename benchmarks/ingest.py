"""Import throughput, measured against `sha256sum` on the same files in the same run.

1. One 1 GiB file: archiver's hash-and-store (copy into the blob store, fsync,
   catalog row) as a ratio of sha256sum's throughput reading the same file. Target >= 0.9.
2. 2,000 small files (4-64 KiB): files per second through `import`. Target >= 500/s.

Both sides read from a warm page cache, so the comparison is hashing-and-storing
against hashing alone. Medians of several runs; each archiver run gets a fresh archive.

    python benchmarks/ingest.py [--size-mib 1024] [--files 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archiver.importing import import_files  # noqa: E402
from archiver.settings import load_config  # noqa: E402
from store import Archive  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def write_random(path: Path, size: int) -> None:
    block = os.urandom(8 * 1024 * 1024)
    with open(path, "wb") as fh:
        left = size
        while left > 0:
            fh.write(block[: min(left, len(block))])
            left -= len(block)


def import_into_fresh_archive(work: Path, files: list[Path]) -> float:
    root = work / "bench-archive"
    shutil.rmtree(root, ignore_errors=True)
    archive = Archive(root)
    config = load_config(root)
    try:
        seconds = timed(lambda: import_files(archive, files, config))
    finally:
        archive.close()
    return seconds


def big_file(work: Path, size_mib: int, runs: int) -> None:
    path = work / "big.bin"
    write_random(path, size_mib * 1024 * 1024)
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    base, ours = [], []
    for _ in range(runs):
        base.append(
            timed(lambda: subprocess.run(["sha256sum", str(path)], stdout=subprocess.DEVNULL, check=True))
        )
        ours.append(import_into_fresh_archive(work, [path]))
    mib = size_mib
    b, o = statistics.median(base), statistics.median(ours)
    print(f"[1 file, {mib} MiB] sha256sum median {b:.3f} s ({mib / b:.0f} MiB/s)")
    print(f"[1 file, {mib} MiB] archiver import median {o:.3f} s ({mib / o:.0f} MiB/s)")
    print(f"[1 file, {mib} MiB] throughput ratio archiver/sha256sum = {b / o:.2f}  (target >= 0.9)")
    path.unlink()


def small_files(work: Path, count: int, runs: int) -> None:
    folder = work / "small"
    folder.mkdir()
    rng = random.Random(7)
    files = []
    for i in range(count):
        path = folder / f"f{i:05d}.bin"
        path.write_bytes(os.urandom(rng.randint(4, 64) * 1024))
        files.append(path)
    base = statistics.median(
        timed(lambda: subprocess.run(["sha256sum", *map(str, files)], stdout=subprocess.DEVNULL, check=True))
        for _ in range(runs)
    )
    ours = statistics.median(import_into_fresh_archive(work, files) for _ in range(runs))
    print(f"[{count} small files] sha256sum median {base:.3f} s ({count / base:.0f} files/s)")
    rate = count / ours
    print(f"[{count} small files] archiver import median {ours:.3f} s = {rate:.0f} files/s  (target >= 500)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archiver-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        work = Path(tmp)
        big_file(work, args.size_mib, args.runs)
        small_files(work, args.files, args.runs)


if __name__ == "__main__":
    main()
