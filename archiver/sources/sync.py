"""`sources sync`: snapshot the channel, list its recent posts, capture those the archive does not hold.

The channel's or account's own page is captured first (sources/snapshot.py), so its
facts on the day of the sync are evidence, and a channel that is gone is reported as
such instead of as an empty listing. "Holds" means a successful capture whose input or
final URL is the post's URL; a post whose earlier capture failed is tried again. The
listing requests go through the same polite, replayable session as captures, but are not
themselves kept as evidence: the snapshot and each post's capture record theirs in a WARC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from archiver.capture import CaptureOutcome, capture_url
from archiver.demo import replaying
from archiver.errors import UsageError
from archiver.platforms import registry
from archiver.platforms.base import FetchContext, Platform, ProgressCallback
from archiver.platforms.http.session import make_session
from archiver.platforms.listing import Listing, PostRef, newest_first
from archiver.sources.registry import Source
from archiver.sources.snapshot import Snapshot, take_snapshot
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
    snapshot: Snapshot | None = None

    @property
    def failed(self) -> bool:
        shot = self.snapshot
        snapshot_failed = shot is not None and (shot.outcome.status != "ok" or shot.gone)
        return snapshot_failed or any(o.status != "ok" for _, o in self.outcomes)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source.name,
            "platform": self.source.platform,
            "listed": len(self.listed),
            "already_captured": [p.url for p in self.known],
            "captures": [p.as_json() | o.as_json() for p, o in self.outcomes],
            "listing_requests": self.requests,
            "note": self.note,
            "snapshot": self.snapshot.as_json() if self.snapshot else None,
        }


def list_posts(
    source: Source, config: dict[str, Any], *, since: datetime | None, limit: int | None
) -> Listing:
    """The source's recent posts, as its platform lists them (a channel preview, a timeline, a playlist)."""
    platform, address = _address(source)
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
    platform, address = _address(source)
    page = platform.snapshot_url(address)
    snapshot = take_snapshot(archive, page, config, case_name=case_name, progress=progress) if page else None
    if snapshot is not None and snapshot.gone:
        gone = f"{page} shows no {platform.label} channel or account {address}: deleted, or it never existed"
        return SyncResult(source, [], [], note=gone, snapshot=snapshot)
    listing = list_posts(source, config, since=since, limit=limit)
    posts = newest_first(listing.posts, since, limit)
    held = captured_urls(archive.catalog, [p.url for p in posts])
    result = SyncResult(source, posts, [p for p in posts if p.url in held], requests=listing.requests)
    result.note = listing.note
    result.snapshot = snapshot
    for post in reversed([p for p in posts if p.url not in held]):  # oldest first, like the channel
        outcome = capture_url(archive, post.url, config, case_name=case_name, progress=progress)
        result.outcomes.append((post, outcome))
    return result


def _address(source: Source) -> tuple[Platform, str]:
    platform = registry.named(source.platform)
    address = platform.listing_address(source.handle, source.url)
    if address is None:
        raise _unsyncable(source)
    return platform, address


def _unsyncable(source: Source) -> UsageError:
    return UsageError(
        f"source {source.name!r} has no {source.platform} handle or channel URL to sync; "
        f"add one with `archiver sources add` (see its notes: {source.notes or 'none'})"
    )
