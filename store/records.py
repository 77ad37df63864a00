"""The records the store hands out and the application passes around: frozen dataclasses.

They sit at the bottom of the house and import nothing of ours, so the store, every
part of archiver and any other program can share them without an import cycle. Each
record that reaches the command line has one ``as_json`` giving its documented JSON
shape, keys in their documented order (``--json`` output is a contract).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A problem an audit found: what kind, on which object, in one sentence."""

    kind: str
    object: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "object": self.object, "detail": self.detail}


@dataclass(frozen=True)
class CustodyEvent:
    """One event of the custody log, as logged: its fields, its leaf and the leaf's hash."""

    seq: int
    time: str
    actor: str
    action: str
    subject: str
    hashes: list[str]
    detail: dict[str, Any]
    leaf: str
    leaf_hash: str

    def as_json(self) -> dict[str, Any]:
        """What `archiver log` and `archiver note` print (the leaf is recomputable from it)."""
        return {
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "hashes": self.hashes,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Appearance:
    """One capture holding a stored file: where and when it was posted and captured."""

    sha256: str
    role: str
    name: str
    capture_id: str
    url: str | None
    platform: str | None
    author: str | None
    handle: str | None
    captured_at: str
    post_time: str | None
    title: str | None
    kind: str  # of the stored file: image, video, ...

    def as_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class NearMatch:
    """How close a stored file is to a query: Hamming distance, score, and for video the spans."""

    sha256: str
    distance: int
    score: float
    kind: str  # image or video: what was matched in the archive
    variant: int | None = None  # which dihedral variant of the query matched a picture
    time_range: tuple[float, float] | None = None  # in the stored video
    query_range: tuple[float, float] | None = None
    offset: float | None = None  # stored time minus query time
    frames_matched: int | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"distance": self.distance, "score": round(self.score, 3)}
        if self.variant:
            data["variant"] = self.variant
        if self.time_range is not None:
            data["time_range"] = _span(self.time_range)
        if self.query_range is not None:
            data["query_range"] = _span(self.query_range)
        if self.offset is not None:
            data["offset"] = round(self.offset, 3)
        if self.frames_matched is not None:
            data["frames_matched"] = self.frames_matched
        return data


def _span(span: tuple[float, float]) -> dict[str, float]:
    return {"start": round(span[0], 3), "end": round(span[1], 3)}


@dataclass(frozen=True)
class LookupMatch:
    """One answer of `archiver lookup`: a matching file in one capture that holds it."""

    match: str  # exact or near
    appearance: Appearance
    similarity: NearMatch
    first_seen: bool = False

    def as_json(self) -> dict[str, Any]:
        seen = self.appearance
        return {
            "capture_id": seen.capture_id,
            "sha256": seen.sha256,
            "match": self.match,
            "kind": seen.kind,
            "role": seen.role,
            **self.similarity.as_json(),
            "url": seen.url,
            "platform": seen.platform,
            "author": seen.author,
            "handle": seen.handle,
            "title": seen.title,
            "captured_at": seen.captured_at,
            "post_time": seen.post_time,
            "first_seen": self.first_seen,
        }
