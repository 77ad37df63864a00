"""What `archiver lookup` was asked about: a file, a stored blob's SHA-256, or a bare PDQ hash.

A 64-digit hex string could be either a SHA-256 or a PDQ hash. It is read as a SHA-256
when the archive holds a blob with that hash (then that blob's stored perceptual hashes
are used), otherwise as PDQ; ``sha256:`` or ``pdq:`` in front settles it explicitly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av

from archiver.errors import CorruptMediaError, UsageError
from archiver.hashing.image import ImageHashes, hash_image_file, parse_pdq_hex
from archiver.hashing.video import QUERY_FPS, FrameHash, hash_video_file
from archiver.pixel_limit import TooManyPixels
from archiver.probe import probe
from store.catalog import Catalog
from store.perceptual import frame_hashes_of, image_hashes_of
from store.queries import blob_kind


@dataclass
class Query:
    kind: str  # image or video
    source: str  # file, sha256 or pdq
    sha256: str | None = None
    image: ImageHashes | None = None
    frames: list[FrameHash] = field(default_factory=list)
    path: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sha256": self.sha256, "kind": self.kind, "source": self.source}
        if self.path:
            data["path"] = self.path
        if self.image is not None:
            data.update(self.image.as_json())
        if self.kind == "video":
            data["frames"] = len(self.frames)
            data["duration"] = round(self.frames[-1].t, 3) if self.frames else None
        return data


def read_query(target: str, catalog: Catalog) -> Query:
    """Turn the user's argument into hashes; bad input raises UsageError (exit 2)."""
    path = Path(target).expanduser()
    if path.is_file():
        return _from_file(path)
    prefix, _, rest = target.partition(":")
    text = rest if prefix in ("sha256", "pdq") and rest else target
    code = parse_pdq_hex(text)
    if code is None:
        raise UsageError(f"{target!r} is neither a readable file nor a 64-digit SHA-256 or PDQ hash")
    if prefix != "pdq":
        stored = _from_blob(text.strip().lower(), catalog)
        if stored is not None:
            return stored
        if prefix == "sha256":
            return Query(kind="image", source="sha256", sha256=text.strip().lower())
    return Query(kind="image", source="pdq", image=ImageHashes(pdq=[code], quality=100, phash=""))


def _from_file(path: Path) -> Query:
    try:
        info = probe(path)
    except CorruptMediaError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if info.kind not in ("image", "video"):
        raise UsageError(f"{path.name} is not an image or video ({info.mime}), so it has no perceptual hash")
    sha = _sha256(path)
    try:
        if info.kind == "image":
            return Query(kind="image", source="file", sha256=sha, image=hash_image_file(path), path=str(path))
        return Query(
            kind="video", source="file", sha256=sha, frames=hash_video_file(path, QUERY_FPS), path=str(path)
        )
    except TooManyPixels as exc:
        raise UsageError(
            f"{exc}, so it has no perceptual hash to look up;"
            f" `archiver lookup sha256:{sha}` finds exact copies"
        ) from exc
    except (OSError, ValueError, SyntaxError, av.error.FFmpegError) as exc:
        raise UsageError(f"{path.name} cannot be decoded for perceptual hashing: {exc}") from exc


def _from_blob(sha256: str, catalog: Catalog) -> Query | None:
    kind = blob_kind(catalog, sha256)
    if kind is None:
        return None
    query = Query(kind=kind if kind in ("image", "video") else "image", source="sha256", sha256=sha256)
    stored = image_hashes_of(catalog, sha256)
    if stored is not None:
        query.image = ImageHashes(pdq=stored["pdq"], quality=stored["quality"], phash=stored["phash"] or "")
    query.frames = [FrameHash(t, code, quality) for t, code, quality in frame_hashes_of(catalog, sha256)]
    return query


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
