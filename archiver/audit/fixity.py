"""Re-hash every stored blob, fast: large reads, several files at once.

hashlib releases the GIL while hashing large buffers and file reads release it too,
so a small thread pool keeps every core and the disk busy; each worker reuses one
buffer (readinto) so no time goes to allocating chunks.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Rehash:
    path: Path
    sha256: str | None  # None when the file could not be read
    size: int
    error: str | None = None


def sha256_file(path: Path, buffer: bytearray | None = None) -> tuple[str, int]:
    hasher = hashlib.sha256()
    view = memoryview(buffer if buffer is not None else bytearray(CHUNK))
    size = 0
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(view):
            hasher.update(view[:n])
            size += n
    return hasher.hexdigest(), size


def rehash_all(
    paths: Iterable[Path], *, workers: int | None = None, done: Callable[[int], None] | None = None
) -> list[Rehash]:
    """Hash every path; results in the order given. ``done(bytes)`` reports progress."""
    paths = list(paths)
    workers = workers or min(len(paths), max(2, os.cpu_count() or 2)) or 1
    buffers: dict[int, bytearray] = {}

    def one(path: Path) -> Rehash:
        buffer = buffers.setdefault(threading.get_ident(), bytearray(CHUNK))
        try:
            digest, size = sha256_file(path, buffer)
        except OSError as exc:
            return Rehash(path, None, 0, exc.strerror or str(exc))
        if done is not None:
            done(size)
        return Rehash(path, digest, size)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, paths))
