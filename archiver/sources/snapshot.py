"""A channel's or account's own page, captured at each `sources sync` and compared with the last one.

The snapshot is an ordinary capture (WARC, hashes, custody, timestamp) of the page the
platform serves for the channel; the platform's adapter reads its facts (title,
description, subscriber count, avatar) into the capture's metadata under ``channel``.
What changed since the previous snapshot of the same page is worked out here, from the
two captures as stored, so a rename, a new avatar or a deleted channel is reported the
day it is seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver.capture import CaptureOutcome, capture_url
from archiver.platforms.base import ProgressCallback
from store import Archive
from store.catalog import Catalog
from store.queries import capture_detail
from store.snapshots import previous_snapshot

_COMPARED = ("state", "title", "description", "subscribers", "avatar_sha256")


@dataclass
class Snapshot:
    url: str
    outcome: CaptureOutcome
    facts: dict[str, Any] | None = None  # None when the capture failed or the page showed none
    previous_id: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def gone(self) -> bool:
        return (self.facts or {}).get("state") == "not-found"

    def as_json(self) -> dict[str, Any]:
        return {
            "capture_id": self.outcome.capture_id,
            "status": self.outcome.status,
            "url": self.url,
            "error": self.outcome.error,
            "channel": self.facts,
            "previous_snapshot": self.previous_id,
            "changes": self.changes,
        }


def take_snapshot(
    archive: Archive,
    url: str,
    config: dict[str, Any],
    *,
    case_name: str | None = None,
    progress: ProgressCallback | None = None,
) -> Snapshot:
    outcome = capture_url(archive, url, config, case_name=case_name, progress=progress)
    snapshot = Snapshot(url, outcome)
    if outcome.status != "ok":
        return snapshot
    snapshot.facts = _facts(archive.catalog, outcome.capture_id)
    snapshot.previous_id = previous_snapshot(archive.catalog, url, outcome.capture_id)
    before = _facts(archive.catalog, snapshot.previous_id) if snapshot.previous_id else None
    if before is not None and snapshot.facts is not None:
        snapshot.changes = [
            {"field": key, "before": before.get(key), "after": snapshot.facts.get(key)}
            for key in _COMPARED
            if before.get(key) != snapshot.facts.get(key)
        ]
    return snapshot


def _facts(catalog: Catalog, capture_id: str) -> dict[str, Any] | None:
    """The channel facts of a stored snapshot, with the SHA-256 of its avatar as stored: the
    avatar's address is a signed CDN link that changes by itself, its bytes do not."""
    detail = capture_detail(catalog, capture_id) or {}
    facts = (detail.get("metadata") or {}).get("channel")
    if not isinstance(facts, dict):
        return None
    avatar = facts.get("avatar_url")
    shas = [a["sha256"] for a in detail.get("artifacts", []) if avatar and a["source_url"] == avatar]
    return {**facts, "avatar_sha256": shas[0] if shas else None}
