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
from urllib.parse import urlsplit

from archiver.capture import CaptureOutcome, capture_url
from archiver.demo import replaying
from archiver.errors import UsageError
from archiver.fetchers.base import FetchContext, ProgressCallback
from archiver.fetchers.http import make_session
from archiver.sources.playlist import playlist_posts
from archiver.sources.posts import Listing, PostRef, newest_first
from archiver.sources.registry import Source
from archiver.sources.telegram_channel import channel_posts
from archiver.sources.x_account import account_posts
from store import Archive
from store.reports import captured_urls

PLAYLIST_PAGE = 20  # entries counted as one "page" against platforms.max_pages


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
    max_pages = max(1, int(config.get("platforms", {}).get("max_pages", 20)))
    ctx = FetchContext(config=config, session=make_session(config))
    with ctx.session, replaying(config, ctx.session):
        if source.platform == "telegram":
            return channel_posts(_account(source), ctx, since=since, limit=limit, max_pages=max_pages)
        if source.platform == "x":
            return account_posts(_account(source), ctx)
        url = _feed_url(source)
        return playlist_posts(
            url, source.platform, ctx, since=since, limit=limit, max_entries=max_pages * PLAYLIST_PAGE
        )


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


def _account(source: Source) -> str:
    """The channel or account name, from the handle or else a profile URL such as t.me/s/<name>."""
    if source.handle:
        return source.handle
    segments = [s for s in urlsplit(source.url or "").path.split("/") if s and s != "s"]
    if len(segments) == 1:
        return segments[0].lstrip("@")
    raise _unsyncable(source)


def _feed_url(source: Source) -> str:
    """yt-dlp turns a YouTube channel's address into its uploads tab itself."""
    if not source.url:
        raise _unsyncable(source)
    return source.url


def _unsyncable(source: Source) -> UsageError:
    return UsageError(
        f"source {source.name!r} has no {source.platform} handle or channel URL to sync; "
        f"add one with `archiver sources add` (see its notes: {source.notes or 'none'})"
    )
