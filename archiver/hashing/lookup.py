"""`archiver lookup`'s answer: exact copies first, then near ones, each where and when it appeared.

Every stored blob that matches is expanded into the captures that hold it, because the
same bytes posted on two platforms are two appearances. The earliest appearance (post
time when the platform gave one, else capture time) is flagged ``first_seen``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.hashing.match import Matcher
from archiver.hashing.query import Query
from archiver.records import Appearance, LookupMatch, NearMatch
from store.catalog import Catalog
from store.perceptual import appearances


@dataclass(frozen=True)
class LookupResult:
    query: dict[str, Any]
    matches: list[LookupMatch]

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "matches": [m.as_json() for m in self.matches]}


def lookup(root: Path, catalog: Catalog, query: Query, *, radius: int, min_quality: int) -> LookupResult:
    matches: list[LookupMatch] = []
    if query.sha256:
        exact = NearMatch(query.sha256, 0, 1.0, query.kind)
        matches += _expand(catalog, {query.sha256: exact}, "exact")
    near = _near(Matcher(root, catalog, radius=radius, min_quality=min_quality), query)
    near.pop(query.sha256, None)
    matches += _expand(catalog, near, "near")
    return LookupResult(query.as_json(), _with_first_seen(matches))


def _near(matcher: Matcher, query: Query) -> dict[str, NearMatch]:
    if query.kind == "video":
        found = matcher.similar_videos(query.frames)
    elif query.image is not None:
        found = matcher.similar_images(query.image.pdq, query.image.quality, query.image.phash)
    else:
        found = []
    return {m.sha256: m for m in found}


def _expand(catalog: Catalog, found: dict[str, NearMatch], how: str) -> list[LookupMatch]:
    seen = appearances(catalog, list(found))
    order = {sha: i for i, sha in enumerate(found)}
    seen.sort(key=lambda a: (order[a.sha256], a.captured_at))
    return [LookupMatch(how, appearance, found[appearance.sha256]) for appearance in seen]


def _with_first_seen(matches: list[LookupMatch]) -> list[LookupMatch]:
    first = earliest([m.appearance for m in matches])
    if first is None:
        return matches
    at = next(i for i, m in enumerate(matches) if m.appearance is first)
    return [*matches[:at], dataclasses.replace(matches[at], first_seen=True), *matches[at + 1 :]]


def earliest(seen: list[Appearance]) -> Appearance | None:
    """The earliest appearance (post time, else capture time); the first listed wins ties,
    which puts exact copies ahead of near ones."""
    return min(seen, key=appeared_at) if seen else None


def appeared_at(appearance: Appearance) -> datetime:
    times = [_parse(appearance.post_time), _parse(appearance.captured_at)]
    return min(t for t in times if t is not None) if any(times) else datetime.max.replace(tzinfo=UTC)


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
