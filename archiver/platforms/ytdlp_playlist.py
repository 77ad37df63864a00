"""A channel's recent posts through yt-dlp's playlist extractors (YouTube, TikTok, RSS feeds, ...).

The listing is flat: one request for the channel page, none per video. Channels list
their newest uploads first; when --since is given and an entry carries no date (YouTube's
flat entries do not), that entry's own page is asked for its date, and the walk stops at
the first entry older than --since.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yt_dlp
from yt_dlp.utils import DownloadError, unsmuggle_url

from archiver.errors import FetchError, UsageError
from archiver.platforms.base import FetchContext
from archiver.platforms.http import network
from archiver.platforms.http.polite import LoginRequiredError
from archiver.platforms.listing import Listing, PostRef
from archiver.platforms.urls import normalize_url

_LOGIN_WORDS = ("sign in", "log in", "login", "cookies")
PAGE = 20  # entries counted as one "page" against platforms.max_pages


class _Quiet:
    def debug(self, msg: str) -> None:
        pass

    info = warning = error = debug


def playlist_posts(
    url: str, label: str, ctx: FetchContext, *, since: datetime | None, limit: int | None
) -> Listing:
    """The entries of the channel, account or feed at ``url``; ``label`` names its platform in errors."""
    max_entries = ctx.max_pages * PAGE
    options: dict[str, Any] = {
        "extract_flat": "in_playlist",
        "playlistend": limit or max_entries,
        "quiet": True,
        "logger": _Quiet(),
        "socket_timeout": ctx.timeout,
        "http_headers": {"User-Agent": ctx.session.headers["User-Agent"]},
        "color": "never",
        **network.ytdlp_options(ctx.config),
    }
    requests_made = 1
    with network.ytdlp_turn(ctx.config), yt_dlp.YoutubeDL(options) as ydl:
        info = _extract(ydl, url, label)
        if info.get("_type") != "playlist":
            raise UsageError(f"{url} is a single post, not a channel, account or feed that lists posts")
        posts = []
        for entry in info.get("entries") or []:
            entry_url = unsmuggle_url(entry.get("webpage_url") or entry.get("url") or "")[0]
            if not entry_url.startswith(("http://", "https://")):
                continue
            when = _entry_time(entry)
            if when is None and since is not None:
                when = _entry_time(_extract(ydl, entry_url, label, process=False))
                requests_made += 1
            if since is not None and when is not None and when < since:
                break
            posts.append(PostRef(normalize_url(entry_url), str(entry.get("id") or entry_url), when))
    note = None
    if not limit and len(posts) >= max_entries:
        note = f"listed the newest {max_entries} entries only (setting platforms.max_pages x 20)"
    return Listing(posts, requests_made, note)


def _extract(ydl: yt_dlp.YoutubeDL, url: str, label: str, *, process: bool = True) -> dict[str, Any]:
    try:
        return ydl.extract_info(url, download=False, process=process) or {}
    except DownloadError as exc:
        message = str(exc).removeprefix("ERROR: ").strip()
        if any(word in message.lower() for word in _LOGIN_WORDS):
            cookies = ydl.params.get("cookiefile")
            raise LoginRequiredError(label, url, message, cookies_file=cookies) from exc
        raise FetchError(f"could not list {url}: {message}") from exc


def _entry_time(entry: dict[str, Any]) -> datetime | None:
    for key in ("timestamp", "release_timestamp"):
        if entry.get(key) is not None:
            return datetime.fromtimestamp(float(entry[key]), UTC)
    date = entry.get("upload_date") or entry.get("release_date")
    if date and len(date) == 8 and date.isdigit():
        return datetime(int(date[:4]), int(date[4:6]), int(date[6:]), tzinfo=UTC)
    return None
