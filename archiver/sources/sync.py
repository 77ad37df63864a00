"""`sources sync`: list a source's recent posts, then capture those the archive does not hold yet.

"Holds" means a successful capture whose input or final URL is the post's URL; a post
whose earlier capture failed is tried again. The listing requests go through the same
polite, replayable session as captures, but are not themselves kept as evidence: each
post's own capture records its exchanges in its WARC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from archiver.capture import CaptureOutcome, capture_url
from archiver.demo import replaying
from archiver.errors import UsageError
from archiver.platforms import registry
from archiver.platforms.base import FetchContext, ProgressCallback
from archiver.platforms.http.session import make_session
from archiver.platforms.listing import Listing, PostRef, newest_first
from archiver.sources.registry import Source
from store import Archive
from store.reports import captured_urls


@dataclass
class SyncResult:
    source: Source
    listed: list[PostRef]
    known: list[PostRef]
    outcomes: list[tuple[PostRef, CaptureOutcome]] = field(default_factory=list)
    requests: int = 0
    note: str | None = None

    @property
    def failed(self) -> bool:
        return any(o.status != "ok" for _, o in self.outcomes)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source.name,
            "platform": self.source.platform,
            "listed": len(self.listed),
            "already_captured": [p.url for p in self.known],
            "captures": [p.as_json() | o.as_json() for p, o in self.outcomes],
            "listing_requests": self.requests,
            "note": self.note,
        }


def list_posts(
    source: Source, config: dict[str, Any], *, since: datetime | None, limit: int | None
) -> Listing:
    """The source's recent posts, as its platform lists them (a channel preview, a timeline, a playlist)."""
    platform = registry.named(source.platform)
    address = platform.listing_address(source.handle, source.url)
    if address is None:
        raise _unsyncable(source)
    ctx = FetchContext(config=config, session=make_session(config))
    with ctx.session, replaying(config, ctx.session):
        return platform.list_posts(address, ctx, since=since, limit=limit)


def sync_source(
    archive: Archive,
    source: Source,
    config: dict[str, Any],
    *,
    since: datetime | None = None,
    limit: int | None = None,
    case_name: str | None = None,
    progress: ProgressCallback | None = None,
) -> SyncResult:
    listing = list_posts(source, config, since=since, limit=limit)
    posts = newest_first(listing.posts, since, limit)
    held = captured_urls(archive.catalog, [p.url for p in posts])
    result = SyncResult(source, posts, [p for p in posts if p.url in held], requests=listing.requests)
    result.note = listing.note
    for post in reversed([p for p in posts if p.url not in held]):  # oldest first, like the channel
        outcome = capture_url(archive, post.url, config, case_name=case_name, progress=progress)
        result.outcomes.append((post, outcome))
    return result


def _unsyncable(source: Source) -> UsageError:
    return UsageError(
        f"source {source.name!r} has no {source.platform} handle or channel URL to sync; "
        f"add one with `archiver sources add` (see its notes: {source.notes or 'none'})"
    )
