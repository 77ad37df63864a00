"""Perceptual-hash rows in the catalog, and the on-disk indexes kept level with them.

The catalog is the record; ``ARCHIVE/index/`` holds two HashIndex folders derived from
it (image hashes as stored, and video frame hashes), each remembering the newest row id
it has seen. Opening an index compares that mark with the catalog and adds whatever is
missing, or rebuilds it when it is absent or belongs to another state of the catalog;
on read-only media it rebuilds a stale one in a temporary folder instead.
"""

from __future__ import annotations

import atexit
import errno
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from store.catalog import Catalog
from store.clock import utc_now
from store.hashindex import HashIndex, catch_up
from store.records import Appearance


@dataclass(frozen=True)
class IndexedTable:
    name: str  # folder under ARCHIVE/index/
    table: str
    where: str  # which rows of the table are indexed


IMAGES = IndexedTable("image-pdq", "image_hashes", "variant = 0")
FRAMES = IndexedTable("frame-pdq", "video_frame_hashes", "1")


def insert_image_hashes(catalog: Catalog, sha256: str, pdq: list[bytes], quality: int, phash: str) -> None:
    """One row per dihedral variant; pHash is kept with the picture as stored (variant 0)."""
    catalog.db.conn.executemany(
        "INSERT OR IGNORE INTO image_hashes (sha256, variant, pdq, quality, phash) VALUES (?, ?, ?, ?, ?)",
        [
            (sha256, variant, code, quality, phash if variant == 0 else None)
            for variant, code in enumerate(pdq)
        ],
    )


def insert_frame_hashes(catalog: Catalog, sha256: str, frames: list[tuple[float, bytes, int]]) -> None:
    catalog.db.conn.executemany(
        "INSERT OR IGNORE INTO video_frame_hashes (sha256, t, pdq, quality) VALUES (?, ?, ?, ?)",
        [(sha256, t, code, quality) for t, code, quality in frames],
    )


def record_status(catalog: Catalog, sha256: str, kind: str, status: str, detail: str | None) -> None:
    catalog.db.execute(
        "INSERT OR IGNORE INTO perceptual_hash_status (sha256, kind, status, detail, hashed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [sha256, kind, status, detail, utc_now()],
    )


def open_index(archive_root: Path, catalog: Catalog, which: IndexedTable) -> HashIndex:
    """The index for ``which``, brought level with the catalog first (cheap when it already is)."""
    index = HashIndex(Path(archive_root) / "index" / which.name)
    newest = catalog.db.execute(f"SELECT coalesce(max(id), -1) FROM {which.table}").fetchone()[0]

    def rows_after(last_id: int) -> tuple[np.ndarray, np.ndarray]:
        rows = catalog.db.execute(
            f"SELECT id, pdq FROM {which.table} WHERE id > ? AND id <= ? AND {which.where} ORDER BY id",
            [last_id, newest],
        ).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        codes = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8).reshape(-1, 32)
        return ids, codes

    try:
        catch_up(index, newest, rows_after)
    except OSError as exc:
        if exc.errno not in _READ_ONLY:
            raise
        index = HashIndex(_scratch_folder() / which.name)  # the archive's media cannot be written
        catch_up(index, newest, rows_after)
    return index


_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def _scratch_folder() -> Path:
    """Where a stale index of an archive on read-only media is rebuilt, for this process only:
    a lookup must still answer, and the archive must stay exactly as it is."""
    folder = Path(tempfile.mkdtemp(prefix="archiver-index-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def image_rows(catalog: Catalog, ids: list[int]) -> dict[int, dict[str, Any]]:
    sql = "SELECT id, sha256, quality, phash FROM image_hashes WHERE id IN ({})"
    return _by_key(catalog, sql, [int(i) for i in ids], "id")


def frame_rows(catalog: Catalog, ids: list[int]) -> dict[int, dict[str, Any]]:
    sql = "SELECT id, sha256, t, quality FROM video_frame_hashes WHERE id IN ({})"
    return _by_key(catalog, sql, [int(i) for i in ids], "id")


def _by_key(catalog: Catalog, sql: str, keys: list, column: str) -> dict[Any, dict[str, Any]]:
    """Rows whose ``column`` is one of ``keys``, asked 500 at a time (SQLite's variable limit)."""
    found: dict[Any, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        for row in catalog.rows(sql.format(",".join("?" * len(part))), part):
            found[row[column]] = row
    return found


def image_hashes_of(catalog: Catalog, sha256: str) -> dict[str, Any] | None:
    """A stored picture's hashes: every variant's PDQ, its quality and pHash."""
    rows = catalog.rows(
        "SELECT variant, pdq, quality, phash FROM image_hashes WHERE sha256 = ? ORDER BY variant", [sha256]
    )
    if not rows:
        return None
    return {"pdq": [r["pdq"] for r in rows], "quality": rows[0]["quality"], "phash": rows[0]["phash"]}


def frame_hashes_of(catalog: Catalog, sha256: str) -> list[tuple[float, bytes, int]]:
    rows = catalog.db.execute(
        "SELECT t, pdq, quality FROM video_frame_hashes WHERE sha256 = ? ORDER BY t", [sha256]
    ).fetchall()
    return [(t, bytes(code), quality) for t, code, quality in rows]


def hash_status(catalog: Catalog, sha256: str) -> dict[str, Any] | None:
    return catalog.one("SELECT kind, status, detail FROM perceptual_hash_status WHERE sha256 = ?", [sha256])


def appearances(catalog: Catalog, shas: list[str]) -> list[Appearance]:
    """Every capture holding one of these blobs, with where and when it was posted and captured."""
    found: list[Appearance] = []
    for start in range(0, len(shas), 500):
        part = shas[start : start + 500]
        rows = catalog.rows(
            f"""SELECT a.sha256, a.role, a.name, c.id AS capture_id,
                       coalesce(c.final_url, c.input_url) AS url, c.platform, c.author, c.handle,
                       c.started_at AS captured_at, c.post_time, c.title, b.kind
                FROM artifacts a JOIN captures c ON c.id = a.capture_id JOIN blobs b ON b.sha256 = a.sha256
                WHERE a.sha256 IN ({",".join("?" * len(part))})
                ORDER BY c.started_at, a.id""",
            part,
        )
        found += [Appearance(**row) for row in rows]
    return found


def perceptual_summary(catalog: Catalog, sha256: str) -> dict[str, Any] | None:
    """A blob's perceptual hashes as hex, for evidence bundles; None when it never had any."""
    status = hash_status(catalog, sha256)
    if status is None:
        return None
    summary: dict[str, Any] = {"algorithm": "pdq", **status}
    image = image_hashes_of(catalog, sha256)
    if image is not None:
        summary.update(
            pdq=image["pdq"][0].hex(),
            quality=image["quality"],
            phash=image["phash"],
            pdq_dihedral=[code.hex() for code in image["pdq"]],
        )
    frames = frame_hashes_of(catalog, sha256)
    if frames:
        summary["frames"] = [{"t": t, "pdq": code.hex(), "quality": quality} for t, code, quality in frames]
    return summary


def hashed_blobs(catalog: Catalog) -> list[str]:
    """Every blob that has perceptual hashes."""
    return [
        r[0] for r in catalog.db.execute("SELECT sha256 FROM perceptual_hash_status WHERE status = 'hashed'")
    ]


def picture_codes(catalog: Catalog, min_quality: int) -> list[tuple[str, bytes]]:
    """Every picture variant's PDQ of at least this quality, as (sha256, code), in row order."""
    rows = catalog.db.execute(
        "SELECT sha256, pdq FROM image_hashes WHERE quality >= ? ORDER BY id", [min_quality]
    ).fetchall()
    return [(sha, bytes(code)) for sha, code in rows]


def hashed_videos(catalog: Catalog) -> list[str]:
    return [r[0] for r in catalog.db.execute("SELECT DISTINCT sha256 FROM video_frame_hashes")]


def video_durations(catalog: Catalog, shas: list[str]) -> dict[str, float]:
    """The duration of each of these blobs that has one."""
    rows = _by_key(catalog, "SELECT sha256, duration FROM blobs WHERE sha256 IN ({})", shas, "sha256")
    return {sha: float(row["duration"]) for sha, row in rows.items() if row["duration"]}
