"""Hash index speed: in-process radius queries over 1M and 10M hashes, and `archiver lookup` end to end.

1. Query latency (targets: median <= 2 ms over 1M hashes, <= 15 ms over 10M): random
   256-bit hashes in a store.hashindex.HashIndex; each query is a stored hash with 16 random
   bits flipped (so it has a true hit) or a fresh random hash (no hit), radius 31. Also the
   8-variant query `lookup` makes for a picture, and a full numpy scan as the baseline.
2. End to end (target <= 1.5 s wall): an archive whose catalog holds 1M image hashes
   (filled in bulk with random hashes; one real photo imported through `archiver import`),
   then `python -m archiver lookup edited-photo.jpg` in a fresh process. Median of runs.

    python benchmarks/hash_index.py [--sizes 1000000 10000000] [--queries 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store import Archive  # noqa: E402
from store.hashindex import HashIndex, _scan  # noqa: E402
from store.perceptual import IMAGES, open_index  # noqa: E402
from tests.edits import edited_jpeg  # noqa: E402
from tests.media import photo  # noqa: E402

RADIUS = 31


def flip_bits(codes: np.ndarray, bits: int, rng: np.random.Generator) -> np.ndarray:
    out = codes.copy()
    for row in out:
        for bit in rng.choice(256, bits, replace=False):
            row[bit // 8] ^= 1 << (bit % 8)
    return out


def median_ms(fn, queries: np.ndarray) -> float:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def latency(size: int, n_queries: int, folder: Path) -> None:
    rng = np.random.default_rng(size)
    codes = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    ids = np.arange(size, dtype=np.int64)
    index = HashIndex(folder / f"idx-{size}")
    start = time.perf_counter()
    with index.writing():
        index.rebuild(ids, codes, size - 1)
    build = time.perf_counter() - start
    start = time.perf_counter()
    index = HashIndex(folder / f"idx-{size}")  # as a new process would: memory-mapped
    len(index)
    opened = (time.perf_counter() - start) * 1000
    picked = rng.integers(0, size, n_queries)
    near = flip_bits(codes[picked], 16, rng)
    fresh = rng.integers(0, 256, (n_queries, 32), dtype=np.uint8)
    index.search(near[:1], RADIUS)  # first touch of the mapped pages
    found = sum(int(picked[i]) in index.search(near[i : i + 1], RADIUS).ids for i in range(n_queries))
    near_ms = median_ms(lambda q: index.search(q[None], RADIUS), near)
    fresh_ms = median_ms(lambda q: index.search(q[None], RADIUS), fresh)
    eight = np.stack([flip_bits(near[i : i + 1].repeat(8, axis=0), 40, rng) for i in range(n_queries // 4)])
    eight_ms = median_ms(lambda q: index.search(q, RADIUS), eight)
    scan_ms = median_ms(lambda q: _scan(q[None], codes, ids, RADIUS), near[:10])
    target = 2.0 if size <= 1_000_000 else 15.0
    print(f"{size:>11,} hashes: build {build:.1f} s, open {opened:.1f} ms")
    print(f"    query with a true hit   median {near_ms:7.3f} ms   (target <= {target} ms)", end="")
    print(f"  found {found}/{n_queries}")
    print(f"    query with no hit       median {fresh_ms:7.3f} ms")
    print(f"    8-variant picture query median {eight_ms:7.3f} ms")
    print(
        f"    full numpy scan         median {scan_ms:7.3f} ms   (index is {scan_ms / near_ms:.0f}x faster)"
    )


def fill_catalog(root: Path, count: int) -> None:
    """Bulk path: random image hashes straight into the catalog, as 1M imports would leave them."""
    Archive(root).close()
    db = sqlite3.connect(root / "catalog.db")
    rng = np.random.default_rng(1)
    now = "2026-01-01T00:00:00.000Z"
    with db:
        for start in range(0, count, 100_000):
            n = min(100_000, count - start)
            shas = [secrets.token_hex(32) for _ in range(n)]
            codes = rng.integers(0, 256, (n, 32), dtype=np.uint8)
            db.executemany(
                "INSERT INTO blobs (sha256, size, mime, kind, first_stored_at)"
                " VALUES (?, 1000, 'image/jpeg', 'image', ?)",
                [(sha, now) for sha in shas],
            )
            db.executemany(
                "INSERT INTO image_hashes (sha256, variant, pdq, quality, phash) VALUES (?, 0, ?, 100, NULL)",
                [(sha, codes[i].tobytes()) for i, sha in enumerate(shas)],
            )
    db.close()


def end_to_end(count: int, runs: int, folder: Path) -> None:
    root = folder / "archive"
    start = time.perf_counter()
    fill_catalog(root, count)
    filled = time.perf_counter() - start
    original = folder / "astronaut.jpg"
    Image.fromarray(photo("astronaut")).save(original, quality=92)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVER_ARCHIVE": str(root)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "import", str(original)], env=env, capture_output=True
    )
    imported = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    with Archive(root) as archive:
        indexed = len(open_index(root, archive.catalog, IMAGES))
    query = edited_jpeg(Image.open(original), "jpeg-q30", folder / "query.jpg")
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "archiver", "lookup", str(query)], env=env, capture_output=True
        )
        walls.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    print(f"end to end: catalog filled with {count:,} hashes in {filled:.0f} s;", end="")
    print(f" first import (builds the index) {imported:.1f} s; index holds {indexed:,} hashes")
    runs_text = ", ".join(f"{w:.2f}" for w in walls)
    print(f"    `archiver lookup photo.jpg` wall median {statistics.median(walls):.2f} s", end="")
    print(f" (runs {runs_text}; target <= 1.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--e2e-hashes", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hash-index-bench-") as tmp:
        for size in args.sizes:
            latency(size, args.queries, Path(tmp))
        end_to_end(args.e2e_hashes, args.runs, Path(tmp))


if __name__ == "__main__":
    main()
