"""A source's recent posts as a list of addresses, newest first, before any of them is captured.

Each platform lists them differently (its ``list_posts``); what comes back is the same
small record, so `sources sync` can filter by date, cap the count and skip what the
archive already holds in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from archiver.errors import UsageError


@dataclass
class PostRef:
    url: str  # normalised, the same spelling a capture of the post records
    post_id: str
    time: datetime | None = None  # UTC; None when the listing does not say

    def as_json(self) -> dict[str, str | None]:
        return {"url": self.url, "post_id": self.post_id, "time": iso(self.time)}


@dataclass
class Listing:
    """What a platform listed: the posts, how many requests it took, and anything left unlisted."""

    posts: list[PostRef]
    requests: int = 1
    note: str | None = None  # e.g. "stopped after 20 pages"


def newest_first(posts: list[PostRef], since: datetime | None, limit: int | None) -> list[PostRef]:
    """Posts at or after ``since`` (undated ones are kept), newest first, at most ``limit``."""
    unique = {p.url: p for p in posts}.values()
    kept = [p for p in unique if since is None or p.time is None or p.time >= since]
    kept.sort(key=lambda p: (p.time or datetime.max.replace(tzinfo=UTC), _numeric(p.post_id)), reverse=True)
    return kept[:limit] if limit else kept


def _numeric(post_id: str) -> int:
    return int(post_id) if post_id.isdigit() else 0


def parse_since(value: str) -> datetime:
    """``2024-11-27`` or a full ISO 8601 time; a time without a zone is taken as UTC."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--since {value!r} is not a date like 2024-11-27 or 2024-11-27T06:00Z") from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_time(value: str | None) -> datetime | None:
    """A platform's ISO 8601 time, or None when it is missing or unreadable."""
    if not value:
        return None
    try:
        return parse_since(value)
    except UsageError:
        return None


def iso(when: datetime | None) -> str | None:
    return when.isoformat().replace("+00:00", "Z") if when else None
