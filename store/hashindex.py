"""An on-disk index of 256-bit hashes answering Hamming-radius queries in milliseconds.

Multi-index hashing: each hash is cut into 16 chunks of 16 bits. Two hashes within
distance R agree to within R // 16 bits on at least one chunk (pigeonhole), so a query
only looks at rows whose chunk values lie that close to its own, found through one
sorted permutation per chunk, then checks those few candidates exactly with popcount.
For 1M random hashes and R = 31 that is about 4,000 candidates instead of 1M.

Layout of a folder (all files numpy ``.npy``, opened memory-mapped, so a command-line
call pays nothing to "load" the index)::

    meta.json                 which files are current, how many rows, the high-water mark
    main-<gen>.codes.npy      N x 32 uint8, sorted by nothing in particular
    main-<gen>.ids.npy        N int64, the caller's row ids
    main-<gen>.perm.npy       16 x N uint32, rows ordered by each chunk's value
    main-<gen>.offs.npy       16 x 65537 uint32, where each chunk value starts in perm
    tail-<gen>.codes.npy      rows added since the main part was built, scanned in full
    tail-<gen>.ids.npy

New rows go to the tail; when it grows past an eighth of the main part the two are merged
into a new main part. Every file is written under a fresh name and becomes current only
when meta.json is replaced (temporary file + rename), so a crash at any point leaves the
previous state intact. Writers take an exclusive lock; readers take none.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from store.durable import fsync_dir

CODE_BYTES = 32
CHUNKS = 16
CHUNK_VALUES = 1 << 16
FORMAT = 1
MIN_TAIL = 65_536  # rows the tail may hold before a merge, at least
BRUTE_FORCE_RADIUS = 48  # from here on enumerating chunk neighbours costs more than a full scan
SCAN_CELLS = 1 << 22  # query x row pairs compared at once in a full scan, to bound memory


@dataclass
class Hits:
    """Parallel arrays: for each hit, the query's position, the row id and the distance."""

    query: np.ndarray
    ids: np.ndarray
    distance: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def as_codes(hashes: list[bytes] | np.ndarray) -> np.ndarray:
    if isinstance(hashes, np.ndarray):
        return np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, CODE_BYTES)
    return np.frombuffer(b"".join(hashes), dtype=np.uint8).reshape(-1, CODE_BYTES).copy()


class HashIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._meta: dict | None = None
        self._arrays: dict[str, np.ndarray] = {}

    # --- reading ----------------------------------------------------------------------

    @property
    def exists(self) -> bool:
        return (self.folder / "meta.json").is_file()

    @property
    def meta(self) -> dict:
        return self._loaded()[0]

    def _loaded(self) -> tuple[dict, dict[str, np.ndarray]]:
        if self._meta is None:
            self._open()
        return self._meta, self._arrays

    def __len__(self) -> int:
        return int(self.meta["count"])

    @property
    def high_water(self) -> int:
        return int(self.meta["high_water"])

    def _open(self) -> None:
        """Read meta.json and map its files; retry if a writer swapped them in between.

        An index that cannot be read (damaged, or written by another format) reads as
        empty and "unreadable", which makes the next catch-up rebuild it from the catalog.
        """
        unreadable = {**_empty_meta(), "unreadable": True}
        for _attempt in range(5):
            try:
                meta = json.loads((self.folder / "meta.json").read_text())
                if meta.get("format") != FORMAT:
                    self._meta, self._arrays = unreadable, {}
                    return
                arrays = {
                    key: np.load(self.folder / name, mmap_mode="r") for key, name in meta["files"].items()
                }
            except FileNotFoundError:
                if not self.exists:
                    self._meta, self._arrays = _empty_meta(), {}
                    return
                continue  # a writer replaced the files after we read meta.json
            except (ValueError, KeyError, AttributeError):
                self._meta, self._arrays = unreadable, {}
                return
            self._meta, self._arrays = meta, arrays
            return
        self._meta, self._arrays = unreadable, {}

    def reload(self) -> None:
        self._meta, self._arrays = None, {}

    def search(self, queries: list[bytes] | np.ndarray, radius: int) -> Hits:
        """Every indexed row within ``radius`` bits of each query, exactly (no approximation)."""
        codes = as_codes(queries)
        _meta, arrays = self._loaded()
        parts = []
        main = arrays.get("main_codes")
        if main is not None and len(main):
            if radius < BRUTE_FORCE_RADIUS:
                parts.append(self._search_main(codes, radius))
            else:
                parts.append(_scan(codes, main, arrays["main_ids"], radius))
        tail = arrays.get("tail_codes")
        if tail is not None and len(tail):
            parts.append(_scan(codes, tail, arrays["tail_ids"], radius))
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            return Hits(empty, empty, empty)
        return Hits(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("query", "ids", "distance")))

    def _search_main(self, codes: np.ndarray, radius: int) -> Hits:
        perm, offs = self._arrays["main_perm"], self._arrays["main_offs"]
        main_codes, main_ids = self._arrays["main_codes"], self._arrays["main_ids"]
        n = main_codes.shape[0]
        masks = _masks(radius // CHUNKS)
        chunks = codes.view(">u2").astype(np.int64)  # Q x 16
        keys = chunks[:, :, None] ^ masks[None, None, :]  # Q x 16 x M
        chunk_of = np.broadcast_to(np.arange(CHUNKS)[None, :, None], keys.shape)
        starts = offs[chunk_of, keys].ravel().astype(np.int64)
        lengths = offs[chunk_of, keys + 1].ravel().astype(np.int64) - starts
        query_of = np.broadcast_to(np.arange(len(codes))[:, None, None], keys.shape).ravel()
        chunk_flat = chunk_of.ravel()
        keep = lengths > 0
        starts, lengths, query_of, chunk_flat = starts[keep], lengths[keep], query_of[keep], chunk_flat[keep]
        total = int(lengths.sum())
        if total == 0:
            empty = np.empty(0, dtype=np.int64)
            return Hits(empty, empty, empty)
        # expand each [start, start + length) range into positions, without a Python loop
        run_starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.repeat(starts, lengths) + (np.arange(total) - run_starts)
        rows = np.asarray(perm[np.repeat(chunk_flat, lengths), positions], dtype=np.int64)
        query = np.repeat(query_of, lengths)
        distance = _distances(codes[query], main_codes[rows])
        close = distance <= radius
        # a row near a query on several chunks was found several times: keep it once
        pair = query[close] * n + rows[close]
        pair, first = np.unique(pair, return_index=True)
        query, rows = pair // n, pair % n
        return Hits(query, np.asarray(main_ids[rows]), distance[close][first])

    # --- writing ----------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[HashIndex]:
        """Exclusive right to change this index, across processes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self.reload()
                yield self
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, ids: np.ndarray, codes: np.ndarray, high_water: int) -> None:
        """Add rows (caller holds :meth:`writing`); ``high_water`` is the source's newest id seen."""
        ids, codes = np.asarray(ids, dtype=np.int64), as_codes(codes)
        meta, arrays = self._loaded()
        main_n = len(arrays.get("main_ids", ()))
        tail_ids = arrays.get("tail_ids")
        tail_n = 0 if tail_ids is None else len(tail_ids)
        if tail_n + len(ids) > max(MIN_TAIL, main_n // 8):
            every_id = [arrays.get("main_ids"), tail_ids, ids]
            every_code = [arrays.get("main_codes"), arrays.get("tail_codes"), codes]
            self.rebuild(
                np.concatenate([a for a in every_id if a is not None]),
                np.concatenate([a for a in every_code if a is not None]),
                high_water,
            )
            return
        files = {k: v for k, v in meta["files"].items() if k.startswith("main_")}
        gen = _generation()
        if tail_n:
            ids = np.concatenate([tail_ids, ids])
            codes = np.concatenate([arrays["tail_codes"], codes])
        files["tail_ids"] = self._write(f"tail-{gen}.ids.npy", ids)
        files["tail_codes"] = self._write(f"tail-{gen}.codes.npy", codes)
        self._commit(files, main_n + len(ids), high_water)

    def rebuild(self, ids: np.ndarray, codes: np.ndarray, high_water: int) -> None:
        """Replace the whole index with these rows (caller holds :meth:`writing`)."""
        ids, codes = np.asarray(ids, dtype=np.int64), as_codes(codes)
        gen = _generation()
        if len(ids) <= MIN_TAIL:  # a full scan of this few rows beats the chunk tables
            files = {
                "tail_ids": self._write(f"tail-{gen}.ids.npy", ids),
                "tail_codes": self._write(f"tail-{gen}.codes.npy", codes),
            }
            self._commit(files, len(ids), high_water)
            return
        chunks = codes.view(">u2")
        perm = np.empty((CHUNKS, len(ids)), dtype=np.uint32)
        offs = np.zeros((CHUNKS, CHUNK_VALUES + 1), dtype=np.uint32)
        for j in range(CHUNKS):
            perm[j] = np.argsort(chunks[:, j], kind="stable")
            np.cumsum(np.bincount(chunks[:, j], minlength=CHUNK_VALUES), out=offs[j, 1:])
        files = {
            "main_ids": self._write(f"main-{gen}.ids.npy", ids),
            "main_codes": self._write(f"main-{gen}.codes.npy", codes),
            "main_perm": self._write(f"main-{gen}.perm.npy", perm),
            "main_offs": self._write(f"main-{gen}.offs.npy", offs),
        }
        self._commit(files, len(ids), high_water)

    def _write(self, name: str, array: np.ndarray) -> str:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".npy")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name

    def _commit(self, files: dict[str, str], count: int, high_water: int) -> None:
        meta = {"format": FORMAT, "count": int(count), "high_water": int(high_water), "files": files}
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as fh:
            json.dump(meta, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "meta.json")
        fsync_dir(self.folder)
        current = set(files.values())
        for path in self.folder.glob("*.npy"):
            if path.name not in current:
                path.unlink(missing_ok=True)
        for path in self.folder.glob(".tmp-*"):
            path.unlink(missing_ok=True)
        self.reload()


def catch_up(
    index: HashIndex,
    newest_id: int,
    rows_after: Callable[[int], tuple[np.ndarray, np.ndarray]],
) -> bool:
    """Bring ``index`` level with a source whose newest row id is ``newest_id``.

    ``rows_after(id)`` returns (ids, codes) of the source's rows with a larger id. A source
    behind the index (another catalog, rows removed) means the index is stale: rebuilt.
    Returns True when the index changed.
    """
    if index.exists and index.high_water == newest_id:
        return False
    with index.writing():
        if index.exists and index.high_water == newest_id:
            return False
        if not index.exists or index.meta.get("unreadable") or index.high_water > newest_id:
            ids, codes = rows_after(-1)
            index.rebuild(ids, codes, newest_id)
        else:
            ids, codes = rows_after(index.high_water)
            index.append(ids, codes, newest_id)
    return True


def _scan(codes: np.ndarray, target: np.ndarray, target_ids: np.ndarray, radius: int) -> Hits:
    words = np.asarray(target).view(np.uint64)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    if len(words) == 0:
        empty = np.empty(0, dtype=np.int64)
        return Hits(empty, empty, empty)
    query_words = codes.view(np.uint64)
    step = max(1, SCAN_CELLS // max(1, len(words)))
    for start in range(0, len(codes), step):
        block = query_words[start : start + step]
        distance = np.bitwise_count(block[:, None, :] ^ words[None, :, :]).sum(axis=2, dtype=np.int64)
        query, rows = np.nonzero(distance <= radius)
        found.append((query + start, np.asarray(target_ids[rows]), distance[query, rows]))
    return Hits(*(np.concatenate([f[i] for f in found]).astype(np.int64) for i in range(3)))


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.bitwise_count(a.view(np.uint64) ^ np.asarray(b).view(np.uint64)).sum(axis=1, dtype=np.int64)


_MASKS: dict[int, np.ndarray] = {}


def _masks(bits: int) -> np.ndarray:
    """Every 16-bit value with at most ``bits`` bits set: the chunk neighbours to probe."""
    if bits not in _MASKS:
        values = np.arange(CHUNK_VALUES, dtype=np.int64)
        _MASKS[bits] = values[np.bitwise_count(values) <= bits]
    return _MASKS[bits]


def _empty_meta() -> dict:
    return {"format": FORMAT, "count": 0, "high_water": -1, "files": {}}


def _generation() -> str:
    return secrets.token_hex(6)
