"""A public Telegram channel's recent posts, from its web preview t.me/s/<channel>.

The preview shows a screenful of the newest messages (about twenty) in the same widget
markup as a single post's embed page; ``?before=<id>`` shows the screenful before that
message, so older posts are reached page by page until --since or --limit is satisfied.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from archiver.errors import FetchError
from archiver.fetchers.base import FetchContext
from archiver.fetchers.polite import get
from archiver.fetchers.telegram import parse_messages
from archiver.sources.posts import Listing, PostRef, parse_time


def preview_url(channel: str, before: int | None = None) -> str:
    return f"https://t.me/s/{channel}" + (f"?before={before}" if before else "")


def channel_posts(
    channel: str, ctx: FetchContext, *, since: datetime | None, limit: int | None, max_pages: int
) -> Listing:
    found: dict[int, PostRef] = {}
    before: int | None = None
    for page in range(1, max_pages + 1):
        url = preview_url(channel, before)
        messages = _page_messages(url, channel, ctx)
        older = [m for m in messages if before is None or int(m.post_id) < before]
        if not older:
            return Listing(list(found.values()), page)
        for message in older:
            found[int(message.post_id)] = PostRef(message.url, message.post_id, parse_time(message.time))
        before = min(int(m.post_id) for m in older)
        oldest = found[before].time
        wanted = [p for p in found.values() if since is None or p.time is None or p.time >= since]
        if (since is not None and oldest is not None and oldest < since) or (limit and len(wanted) >= limit):
            return Listing(list(found.values()), page)
        if before <= 1:
            return Listing(list(found.values()), page)
    note = f"stopped after {max_pages} pages of t.me/s/{channel} (setting platforms.max_pages)"
    return Listing(list(found.values()), max_pages, note)


def _page_messages(url: str, channel: str, ctx: FetchContext) -> list:
    response = get(url, ctx)
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code}")
    if not urlsplit(response.url).path.startswith("/s/"):
        raise FetchError(
            f"t.me/s/{channel} has no public web preview (the channel is private, does not exist, "
            "or its owner switched the preview off)"
        )
    return [m for m in parse_messages(response.text) if m.channel.casefold() == channel.casefold()]
