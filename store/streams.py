"""Read a file once and feed every chunk to several consumers at the same time.

Hashing (hashlib) and writing both release the GIL, so giving each consumer its own
thread lets storing-while-hashing, or SHA-256 plus SHA-512 plus a copy, run at the
speed of the slowest consumer instead of the sum of all of them.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

CHUNK = 4 * 1024 * 1024
_DEPTH = 4  # chunks in flight per consumer: bounded memory, enough to keep cores busy
_DONE = object()  # end-of-stream marker


def fan_out(source: BinaryIO, consumers: list[Callable[[bytes], object]]) -> int:
    """Stream ``source`` to every consumer; returns the byte count. Small inputs skip threads."""
    first = source.read(CHUNK)
    if len(first) < CHUNK:
        for consume in consumers:
            consume(first)
        return len(first)

    queues = [queue.Queue(maxsize=_DEPTH) for _ in consumers]
    errors: list[BaseException] = []

    def drain(q: queue.Queue, consume: Callable[[bytes], object]) -> None:
        try:
            while (chunk := q.get()) is not _DONE:
                if not errors:
                    consume(chunk)
        except BaseException as exc:  # surfaced on the reading thread
            errors.append(exc)
            while q.get() is not _DONE:
                pass

    threads = [
        threading.Thread(target=drain, args=pair, daemon=True) for pair in zip(queues, consumers, strict=True)
    ]
    for thread in threads:
        thread.start()
    size = 0
    chunk = first
    try:
        while chunk and not errors:
            size += len(chunk)
            for q in queues:
                q.put(chunk)
            chunk = source.read(CHUNK)
    finally:
        for q in queues:
            q.put(_DONE)
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return size


def hash_mapped(source: BinaryIO, hashers: list) -> int:
    """Feed a whole file to hashers from a memory map: no copy into Python buffers, and
    hashlib releases the GIL on each large slice. Returns the byte count."""
    size = os.fstat(source.fileno()).st_size
    if size == 0:
        return 0
    # Slices stay unnamed: a named one would outlive a Ctrl-C in the traceback's frame and
    # keep the map from closing (BufferError instead of a clean interrupt).
    with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as mapped, memoryview(mapped) as view:
        for start in range(0, size, CHUNK):
            for hasher in hashers:
                hasher.update(view[start : start + CHUNK])
    return size


def digest_file(path: Path, algorithms: tuple[str, ...] = ("sha256",)) -> tuple[dict[str, str], int]:
    """Hex digests of a file under each algorithm, from one mapped pass, and its size."""
    hashers = [hashlib.new(name) for name in algorithms]
    with open(path, "rb") as fh:
        size = hash_mapped(fh, hashers)
    return {name: h.hexdigest() for name, h in zip(algorithms, hashers, strict=True)}, size
