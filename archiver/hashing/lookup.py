"""`archiver lookup`'s answer: exact copies first, then near ones, each where and when it appeared.

Every stored blob that matches is expanded into the captures that hold it, because the
same bytes posted on two platforms are two appearances. The earliest appearance (post
time when the platform gave one, else capture time) is flagged ``first_seen``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.hashing.match import Matcher, NearMatch
from archiver.hashing.query import Query
from store.catalog import Catalog
from store.perceptual import appearances


def lookup(root: Path, catalog: Catalog, query: Query, *, radius: int, min_quality: int) -> dict[str, Any]:
    matches: list[dict[str, Any]] = []
    if query.sha256:
        exact = NearMatch(query.sha256, 0, 1.0, query.kind)
        matches += _expand(catalog, {query.sha256: exact}, "exact")
    near = _near(Matcher(root, catalog, radius=radius, min_quality=min_quality), query)
    near.pop(query.sha256, None)
    matches += _expand(catalog, near, "near")
    mark_first_seen(matches)
    return {"query": query.as_json(), "matches": matches}


def _near(matcher: Matcher, query: Query) -> dict[str, NearMatch]:
    if query.kind == "video":
        found = matcher.similar_videos(query.frames)
    elif query.image is not None:
        found = matcher.similar_images(query.image.pdq, query.image.quality, query.image.phash)
    else:
        found = []
    return {m.sha256: m for m in found}


def _expand(catalog: Catalog, found: dict[str, NearMatch], how: str) -> list[dict[str, Any]]:
    rows = appearances(catalog, list(found))
    order = {sha: i for i, sha in enumerate(found)}
    rows.sort(key=lambda r: (order[r["sha256"]], r["captured_at"]))
    out = []
    for row in rows:
        match = found[row["sha256"]]
        out.append(
            {
                "capture_id": row["capture_id"],
                "sha256": row["sha256"],
                "match": how,
                "kind": row["kind"],
                "role": row["role"],
                **match.as_json(),
                "url": row["url"],
                "platform": row["platform"],
                "author": row["author"],
                "handle": row["handle"],
                "title": row["title"],
                "captured_at": row["captured_at"],
                "post_time": row["post_time"],
                "first_seen": False,
            }
        )
    return out


def mark_first_seen(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Flag the earliest appearance (post time, else capture time); exact copies win ties."""
    if not rows:
        return None
    earliest = min(rows, key=appeared_at)
    earliest["first_seen"] = True
    return earliest


def appeared_at(row: dict[str, Any]) -> datetime:
    times = [_parse(row.get("post_time")), _parse(row.get("captured_at"))]
    return min(t for t in times if t is not None) if any(times) else datetime.max.replace(tzinfo=UTC)


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
