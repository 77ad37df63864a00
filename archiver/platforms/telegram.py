"""Telegram public posts, t.me/<channel>/<id>: text, photos, albums, video, date, views, forwards.

yt-dlp's Telegram extractor only knows videos. The post's embed page (the widget that
``?embed=1`` serves) carries everything else, so it is kept as the post's page and
parsed (telegram_widget.py); videos still go through yt-dlp so its extractor and
downloader do that part. A channel's posts are listed from its web preview
t.me/s/<channel>, which shows a screenful of the newest messages (about twenty) in the
same markup; ``?before=<id>`` shows the screenful before that message, so older posts
are reached page by page until --since or --limit is satisfied.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from archiver.errors import FetchError
from archiver.ingest import StagedFile
from archiver.platforms.base import FetchContext, FetchResult, Platform, Query, account_name, spellings
from archiver.platforms.http.polite import get, get_files
from archiver.platforms.listing import Listing, PostRef, parse_time
from archiver.platforms.media import videos
from archiver.platforms.telegram_channel import channel_facts
from archiver.platforms.telegram_widget import (
    TelegramMessage,
    approximate_count,
    parse_messages,
    the_message,
    utc,
)

TOO_BIG = "too big for the web preview; needs a Telegram account"
_POST_PATH = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z0-9_]{3,64})/(?P<id>\d+)/?$")
# A public Telegram username: 5 to 32 characters today, 4 for some old ones.
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def post_address(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if (parts.hostname or "") not in Telegram.hosts:
        return None
    match = _POST_PATH.match(parts.path)
    return (match["channel"], match["id"]) if match else None


def channel_address(url: str) -> str | None:
    """The channel of a channel address, t.me/s/<channel> or t.me/<channel>; None for anything else."""
    parts = urlsplit(url)
    if (parts.hostname or "") not in Telegram.hosts:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    return segments[0] if len(segments) == 1 and _NAME.match(segments[0]) else None


def preview_url(channel: str, before: int | None = None) -> str:
    return f"https://t.me/s/{channel}" + (f"?before={before}" if before else "")


class Telegram(Platform):
    name = "telegram"
    label = "Telegram"
    hosts = spellings("t.me", "telegram.me", "www.t.me", "www.telegram.me")
    content_params = frozenset({"single", "comment", "thread"})
    cue = re.compile(r"\b(?:Telegram|t\.me)\b", re.IGNORECASE)
    handle_words = ("Telegram",)
    profile = "https://t.me/s/{}"  # the web preview, which lists the channel's posts
    adapter = True

    def canonical(self, host: str, path: str, query: Query) -> tuple[str, str, Query]:
        """A post is t.me/<channel>/<id>; a channel is its web preview t.me/s/<channel>, the page
        that lists its posts (t.me/<channel> only shows a join card)."""
        segments = [s for s in path.split("/") if s]
        if segments[:1] == ["s"]:
            segments = segments[1:]
        if len(segments) == 1 and _NAME.match(segments[0]):
            path = f"/s/{segments[0]}"
        elif len(segments) == 2 and _NAME.match(segments[0]) and segments[1].isdigit():
            path = f"/{segments[0]}/{segments[1]}"
        return host, path, query

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        address = post_address(url)
        if address is None:
            channel = channel_address(url)
            return self._snapshot(channel, workdir, ctx) if channel else None
        channel, post_id = address
        post_url = f"https://t.me/{channel}/{post_id}"
        single = "single" in urlsplit(url).query
        embed_url = post_url + ("?embed=1&single" if single else "?embed=1")
        response = get(embed_url, ctx)
        if response.status_code >= 400:
            raise FetchError(f"{embed_url} answered HTTP {response.status_code}")
        page = workdir / f"{channel}-{post_id}-embed.html"
        page.write_bytes(response.content)
        message = the_message(response.text, channel, post_id, post_url)
        files = [StagedFile(page, "page", page.name, embed_url)]
        photos = [(photo, f"{post_id}-photo{n}.jpg") for n, photo in enumerate(message.photos, 1)]
        files += get_files(photos, workdir / "media", ctx)
        files += _unserved_videos(message, workdir, ctx)
        if message.videos:
            clips = [(video, f"{post_id}-video{n}.mp4") for n, video in enumerate(message.videos, 1)]
            files += videos(url, clips, workdir, ctx)
        record = workdir / f"{channel}-{post_id}.post.json"
        record.write_text(json.dumps(asdict(message), ensure_ascii=False, indent=2), encoding="utf-8")
        files.append(StagedFile(record, "metadata", record.name))
        return _result(message, files, channel, post_url)

    def _snapshot(self, channel: str, workdir: Path, ctx: FetchContext) -> FetchResult:
        """The channel itself as evidence: its page as served, its avatar, its facts in metadata."""
        url = preview_url(channel)
        response = get(url, ctx)
        if response.status_code >= 400:
            raise FetchError(f"{url} answered HTTP {response.status_code}")
        page = workdir / f"{channel}-channel.html"
        page.write_bytes(response.content)
        preview = urlsplit(response.url).path.startswith("/s/")
        facts = channel_facts(response.text, channel, preview=preview)
        files = [StagedFile(page, "page", page.name, response.url)]
        if facts.avatar_url:
            files += get_files([(facts.avatar_url, f"{channel}-avatar.jpg")], workdir / "media", ctx)
        return FetchResult(
            files=files,
            final_url=response.url,
            platform=self.name,
            extractor=f"{self.name}:channel",
            author=facts.title,
            handle=channel,
            title=facts.title,
            post_text=facts.description,
            metadata={"channel": facts.as_json()},
        )

    def snapshot_url(self, address: str) -> str | None:
        return preview_url(address)

    def listing_address(self, handle: str | None, url: str | None) -> str | None:
        return account_name(handle, url)

    def list_posts(
        self, address: str, ctx: FetchContext, *, since: datetime | None, limit: int | None
    ) -> Listing:
        channel = address
        found: dict[int, PostRef] = {}
        before: int | None = None
        for page in range(1, ctx.max_pages + 1):
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
            past_since = since is not None and oldest is not None and oldest < since
            if past_since or (limit and len(wanted) >= limit) or before <= 1:
                return Listing(list(found.values()), page)
        note = f"stopped after {ctx.max_pages} pages of t.me/s/{channel} (setting platforms.max_pages)"
        return Listing(list(found.values()), ctx.max_pages, note)


def _unserved_videos(message: TelegramMessage, workdir: Path, ctx: FetchContext) -> list[StagedFile]:
    """Each video the web preview will not serve is noted as missing; its thumbnail is kept."""
    for _ in message.unserved_videos:
        ctx.note_missing("video", TOO_BIG)
    thumbs = [
        (thumb, f"{message.post_id}-video{n}-thumb.jpg")
        for n, thumb in enumerate(message.unserved_videos, 1)
        if thumb is not None
    ]
    return get_files(thumbs, workdir / "thumbnails", ctx, role="thumbnail")


def _result(message: TelegramMessage, files: list[StagedFile], channel: str, post_url: str) -> FetchResult:
    return FetchResult(
        files=files,
        final_url=post_url,
        platform=Telegram.name,
        extractor=Telegram.name,
        post_id=message.post_id,
        author=message.author,
        handle=channel,
        title=(message.text or "")[:120] or None,
        post_text=message.text,
        post_time=utc(message.time),
        metadata={
            "views": message.views,
            "view_count": approximate_count(message.views),
            "forwarded_from": message.forwarded_from,
            "forwarded_from_url": message.forwarded_from_url,
            "photos": len(message.photos),
            "videos": len(message.videos),
            "album": message.album,
            "reply_to": message.reply_to,
        },
    )


def _page_messages(url: str, channel: str, ctx: FetchContext) -> list[TelegramMessage]:
    response = get(url, ctx)
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code}")
    if not urlsplit(response.url).path.startswith("/s/"):
        raise FetchError(
            f"t.me/s/{channel} has no public web preview (the channel is private, does not exist, "
            "or its owner switched the preview off)"
        )
    return [m for m in parse_messages(response.text) if m.channel.casefold() == channel.casefold()]


PLATFORMS = [Telegram()]
