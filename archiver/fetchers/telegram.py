"""Telegram public posts, t.me/<channel>/<id>: text, photos, albums, video, date, views, forwards.

yt-dlp's Telegram extractor only knows videos. The post's embed page (the widget that
``?embed=1`` serves) carries everything else, so it is kept as the post's page and
parsed here; videos still go through yt-dlp so its extractor and downloader do that
part. The same widget markup fills the channel preview t.me/s/<channel>, which
`archiver sources sync` walks with :func:`parse_messages`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from yt_dlp.utils import clean_html, get_element_by_class

from archiver.errors import FetchError
from archiver.fetchers.base import FetchContext, FetchResult
from archiver.fetchers.polite import LoginRequiredError, get, get_file
from archiver.fetchers.ytdlp import YtDlpFetcher
from archiver.ingest import StagedFile

_POST_PATH = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z0-9_]{3,64})/(?P<id>\d+)/?$")
_MESSAGE_START = re.compile(r'<div class="tgme_widget_message[ "][^>]*data-post="(?P<post>[^"]+)"')
_PHOTO = re.compile(
    r'<a class="tgme_widget_message_photo_wrap[^"]*"[^>]*?(?:href="(?P<href>[^"]*)")?[^>]*'
    r"background-image:url\('(?P<url>[^']+)'\)"
)
_VIDEO = re.compile(r'<video[^>]+src="(?P<url>[^"]+)"')
_DATE = re.compile(r'<a class="tgme_widget_message_date"[^>]*>\s*<time[^>]*datetime="(?P<when>[^"]+)"')
_VIEWS = re.compile(r'<span class="tgme_widget_message_views">(?P<views>[^<]+)</span>')
_FORWARD = re.compile(
    r'class="tgme_widget_message_forwarded_from_name"(?:\s+href="(?P<href>[^"]+)")?[^>]*>(?P<name>.*?)</(?:a|span)>',
    re.DOTALL,
)
_OWNER = re.compile(r'class="tgme_widget_message_owner_name"[^>]*>(?P<name>.*?)</a>', re.DOTALL)
_ERROR = re.compile(r'<div class="tgme_widget_message_error">(?P<text>.*?)</div>', re.DOTALL)
# What the widget says instead of a post it will only show to a signed-in app user.
_LOGIN_WALL = re.compile(
    r"open telegram|\blog ?in\b|\bsign ?in\b|sensitive content|age[- ]restricted|\b18\+", re.I
)
_MULTIPLIERS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


@dataclass
class TelegramMessage:
    channel: str
    post_id: str
    author: str | None = None
    text: str | None = None
    time: str | None = None
    views: str | None = None
    forwarded_from: str | None = None
    forwarded_from_url: str | None = None
    photos: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    album: bool = False

    @property
    def url(self) -> str:
        return f"https://t.me/{self.channel}/{self.post_id}"


def post_address(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if parts.hostname not in ("t.me", "telegram.me", "www.t.me"):
        return None
    match = _POST_PATH.match(parts.path)
    return (match["channel"], match["id"]) if match else None


def parse_messages(html: str) -> list[TelegramMessage]:
    """Every widget message in a page (one for an embed page, a screenful for t.me/s/)."""
    starts = list(_MESSAGE_START.finditer(html))
    messages = []
    for i, start in enumerate(starts):
        chunk = html[start.start() : starts[i + 1].start() if i + 1 < len(starts) else len(html)]
        channel, _, post_id = start["post"].partition("/")
        messages.append(_parse_one(channel, post_id, chunk))
    return messages


def _parse_one(channel: str, post_id: str, chunk: str) -> TelegramMessage:
    message = TelegramMessage(channel=channel, post_id=post_id)
    text = get_element_by_class("tgme_widget_message_text", chunk)
    message.text = clean_html(text) if text else None
    owner = _OWNER.search(chunk)
    message.author = _plain(owner["name"]) if owner else None
    when = _DATE.search(chunk)
    message.time = when["when"] if when else None
    views = _VIEWS.search(chunk)
    message.views = views["views"].strip() if views else None
    forward = _FORWARD.search(chunk)
    if forward:
        message.forwarded_from = _plain(forward["name"])
        message.forwarded_from_url = unescape(forward["href"]) if forward["href"] else None
    message.photos = [unescape(m["url"]) for m in _PHOTO.finditer(chunk)]
    message.videos = [unescape(m["url"]) for m in _VIDEO.finditer(chunk)]
    message.album = "tgme_widget_message_grouped_wrap" in chunk
    return message


def _plain(fragment: str) -> str:
    return " ".join(clean_html(fragment).split())


class TelegramFetcher:
    name = "telegram"

    def accepts(self, url: str) -> bool:
        return post_address(url) is not None

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        address = post_address(url)
        assert address is not None
        channel, post_id = address
        post_url = f"https://t.me/{channel}/{post_id}"
        single = "single" in urlsplit(url).query
        embed_url = post_url + ("?embed=1&single" if single else "?embed=1")
        response = get(embed_url, ctx)
        if response.status_code >= 400:
            raise FetchError(f"{embed_url} answered HTTP {response.status_code}")
        page = workdir / f"{channel}-{post_id}-embed.html"
        page.write_bytes(response.content)
        message = _the_message(response.text, channel, post_id, post_url)
        files = [StagedFile(page, "page", page.name, embed_url)]
        media_dir = workdir / "media"
        media_dir.mkdir()
        for n, photo in enumerate(message.photos, 1):
            path = get_file(photo, media_dir, ctx, default_name=f"{post_id}-photo{n}.jpg")
            files.append(StagedFile(path, "media", path.name, photo))
        files += self._videos(url, message, workdir, ctx)
        record = workdir / f"{channel}-{post_id}.post.json"
        record.write_text(json.dumps(asdict(message), ensure_ascii=False, indent=2), encoding="utf-8")
        files.append(StagedFile(record, "metadata", record.name))
        return FetchResult(
            files=files,
            final_url=post_url,
            platform="telegram",
            extractor=self.name,
            post_id=post_id,
            author=message.author,
            handle=channel,
            title=(message.text or "")[:120] or None,
            post_text=message.text,
            post_time=_utc(message.time),
            metadata={
                "views": message.views,
                "view_count": approximate_count(message.views),
                "forwarded_from": message.forwarded_from,
                "forwarded_from_url": message.forwarded_from_url,
                "photos": len(message.photos),
                "videos": len(message.videos),
                "album": message.album,
            },
        )

    def _videos(
        self, url: str, message: TelegramMessage, workdir: Path, ctx: FetchContext
    ) -> list[StagedFile]:
        """Videos through yt-dlp's Telegram extractor; straight from the page if it finds none."""
        if not message.videos:
            return []
        try:
            result = YtDlpFetcher().fetch(url, workdir / "yt-dlp", ctx)
        except FetchError:
            result = None  # yt-dlp's extractor gave up; the widget's own video links still work
        from_ytdlp = [f for f in result.files if f.role != "page"] if result else []
        if any(f.role == "media" for f in from_ytdlp):
            return from_ytdlp
        folder = workdir / "videos"
        folder.mkdir()
        staged = []
        for n, video in enumerate(message.videos, 1):
            path = get_file(video, folder, ctx, default_name=f"{message.post_id}-video{n}.mp4")
            staged.append(StagedFile(path, "media", path.name, video))
        return staged


def _the_message(html: str, channel: str, post_id: str, post_url: str) -> TelegramMessage:
    error = _ERROR.search(html)
    if error:
        text = _plain(error["text"])
        if _LOGIN_WALL.search(text):
            raise LoginRequiredError("Telegram", post_url, text)
        raise FetchError(f"Telegram says {text!r} for {post_url}")
    for message in parse_messages(html):
        if message.post_id == post_id and message.channel.casefold() == channel.casefold():
            return message
    raise FetchError(f"{post_url} served no Telegram post (the page has no message widget)")


def approximate_count(shown: str | None) -> int | None:
    """Telegram shows views rounded ("48.2K", "1.2M"); this is that number, as precise as shown."""
    match = re.fullmatch(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>[KMB]?)", (shown or "").strip(), re.I)
    if match is None:
        return None
    return round(float(match["number"]) * _MULTIPLIERS[match["unit"].upper()])


def _utc(when: str | None) -> str | None:
    """Telegram writes "2024-11-29T18:01:45+00:00"; we store "...Z"."""
    if not when:
        return None
    return when.replace("+00:00", "Z")
