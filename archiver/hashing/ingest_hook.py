"""Perceptual hashes for a capture's pictures and footage, computed before the write lock.

Hashing is the slow part of storing media, so it runs on the staged files while other
processes may be writing; only the finished rows are inserted, in the same transaction
as the capture. A file that cannot be decoded still gets stored, with the reason it has
no perceptual hashes recorded in ``perceptual_hash_status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av

from archiver.hashing.image import ImageHashes, hash_image_file
from archiver.hashing.video import ARCHIVE_FPS, FrameHash, hash_video_file
from archiver.pixel_limit import TooManyPixels
from store import Archive
from store.catalog import Catalog
from store.perceptual import (
    FRAMES,
    IMAGES,
    insert_frame_hashes,
    insert_image_hashes,
    open_index,
    record_status,
)

if TYPE_CHECKING:
    from archiver.ingest import StagedFile, StoredArtifact
    from archiver.probe import MediaInfo

HASHED_ROLES = {"media", "thumbnail"}
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, av.error.FFmpegError, IndexError, MemoryError)


@dataclass
class Perceptual:
    kind: str  # image or video
    image: ImageHashes | None = None
    frames: list[FrameHash] | None = None
    error: str | None = None


def compute(files: list[StagedFile], infos: list[MediaInfo]) -> list[Perceptual | None]:
    """Hashes for each staged file that is a picture or footage, None for the others."""
    return [
        _compute_one(f.path, info.kind) if f.role in HASHED_ROLES else None
        for f, info in zip(files, infos, strict=True)
    ]


def _compute_one(path: Path, kind: str) -> Perceptual | None:
    try:
        if kind == "image":
            return Perceptual(kind, image=hash_image_file(path))
        if kind == "video":
            return Perceptual(kind, frames=hash_video_file(path, ARCHIVE_FPS))
    except TooManyPixels as exc:
        return Perceptual(kind, error=f"not hashed perceptually: {exc}")
    except _DECODE_ERRORS as exc:
        return Perceptual(kind, error=f"could not decode for perceptual hashing: {exc}")
    return None


def store_rows(catalog: Catalog, artifacts: list[StoredArtifact], computed: list[Perceptual | None]) -> bool:
    """Insert the rows (caller's transaction); True when any hash was added."""
    added = False
    for artifact, result in zip(artifacts, computed, strict=True):
        if result is None:
            continue
        if result.error is not None:
            record_status(catalog, artifact.sha256, result.kind, "failed", result.error)
            continue
        if result.image is not None:
            image = result.image
            insert_image_hashes(catalog, artifact.sha256, image.pdq, image.quality, image.phash)
            detail = f"pdq quality {image.quality}"
        else:
            insert_frame_hashes(catalog, artifact.sha256, [(f.t, f.pdq, f.quality) for f in result.frames])
            detail = f"{len(result.frames)} frames sampled at {ARCHIVE_FPS:g} fps"
        record_status(catalog, artifact.sha256, result.kind, "hashed", detail)
        added = True
    return added


def refresh_indexes(archive: Archive) -> None:
    """Add newly committed hashes to the on-disk indexes.

    Best effort: the catalog is the record, and a lookup brings an index that missed
    this update (disk full, process killed) level with it before answering.
    """
    try:
        for which in (IMAGES, FRAMES):
            open_index(archive.root, archive.catalog, which)
    except OSError:
        pass
