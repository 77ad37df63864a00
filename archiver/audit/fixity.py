"""Re-hash every stored blob, fast: several files at once.

hashlib releases the GIL while hashing the mapped file (store.streams.digest_file), so
a small thread pool keeps every core and the disk busy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from store.streams import digest_file


@dataclass(frozen=True)
class Rehash:
    path: Path
    sha256: str | None  # None when the file could not be read
    size: int
    error: str | None = None


def rehash_all(
    paths: Iterable[Path], *, workers: int | None = None, done: Callable[[int], None] | None = None
) -> list[Rehash]:
    """Hash every path; results in the order given. ``done(bytes)`` reports progress."""
    paths = list(paths)
    workers = workers or min(len(paths), max(2, os.cpu_count() or 2)) or 1

    def one(path: Path) -> Rehash:
        try:
            digests, size = digest_file(path)
        except OSError as exc:
            return Rehash(path, None, 0, exc.strerror or str(exc))
        if done is not None:
            done(size)
        return Rehash(path, digests["sha256"], size)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, paths))
