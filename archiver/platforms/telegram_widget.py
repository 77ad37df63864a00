"""Telegram's widget markup: the messages of an embed page (``?embed=1``) or a channel preview.

A post's embed page and the channel preview t.me/s/<channel> show messages in the same
markup: text, author, date, views, forwards, photos, videos, albums. This module reads
it; telegram.py decides what to fetch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from yt_dlp.utils import clean_html, get_element_by_class

from archiver.errors import FetchError
from archiver.platforms.http.polite import LoginRequiredError

_MESSAGE_START = re.compile(r'<div class="tgme_widget_message[ "][^>]*data-post="(?P<post>[^"]+)"')
_PHOTO = re.compile(
    r'<a class="tgme_widget_message_photo_wrap[^"]*"[^>]*?(?:href="(?P<href>[^"]*)")?[^>]*'
    r"background-image:url\('(?P<url>[^']+)'\)"
)
_VIDEO = re.compile(r'<video[^>]+src="(?P<url>[^"]+)"')
# Some embed pages give the file only as a link to it, with its access token.
_VIDEO_LINK = re.compile(r'<a[^>]+href="(?P<url>https?://[^"]+\.mp4\?[^"]*token=[^"]*)"')
# A video the web preview will not serve ("Media is too big", "VIEW IN TELEGRAM"): a player
# with a thumbnail and no <video src>.
_UNSERVED_VIDEO = re.compile(
    r'<a class="tgme_widget_message_video_player not_supported[ "].*?</a>', re.DOTALL
)
_BACKGROUND = re.compile(r"background-image:url\('(?P<url>[^']+)'\)")
_DATE = re.compile(r'<a class="tgme_widget_message_date"[^>]*>\s*<time[^>]*datetime="(?P<when>[^"]+)"')
_VIEWS = re.compile(r'<span class="tgme_widget_message_views">(?P<views>[^<]+)</span>')
_FORWARD = re.compile(
    r'class="tgme_widget_message_forwarded_from_name"(?:\s+href="(?P<href>[^"]+)")?[^>]*>(?P<name>.*?)</(?:a|span)>',
    re.DOTALL,
)
# A reply quotes the post it answers first, in a link of its own, with the same text class as the body.
_REPLY = re.compile(r'<a class="tgme_widget_message_reply[ "][^>]*>.*?</a>', re.DOTALL)
_REPLY_TO = re.compile(r'href="https?://t\.me/(?:s/)?(?P<channel>[A-Za-z0-9_]+)/(?P<id>\d+)')
_REPLY_AUTHOR = re.compile(r'class="tgme_widget_message_author_name"[^>]*>(?P<name>.*?)</span>', re.DOTALL)
_REPLY_TEXT = re.compile(r'class="[^"]*js-message_reply_text[^"]*"[^>]*>(?P<text>.*?)</div>', re.DOTALL)
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
    # One entry per video the preview does not serve: its thumbnail's URL, or None.
    unserved_videos: list[str | None] = field(default_factory=list)
    album: bool = False
    reply_to: dict[str, str | None] | None = None  # the post this one answers: channel, post_id, author, text

    @property
    def url(self) -> str:
        return f"https://t.me/{self.channel}/{self.post_id}"


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
    reply = _REPLY.search(chunk)
    if reply:
        message.reply_to = _reply(reply[0])
        chunk = chunk[: reply.start()] + chunk[reply.end() :]  # the rest is this post's own
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
    links = [unescape(m["url"]) for m in _VIDEO_LINK.finditer(chunk)]
    message.videos += [link for link in dict.fromkeys(links) if link not in message.videos]
    for player in _UNSERVED_VIDEO.finditer(chunk):
        thumb = _BACKGROUND.search(player[0])
        message.unserved_videos.append(unescape(thumb["url"]) if thumb else None)
    message.album = "tgme_widget_message_grouped_wrap" in chunk
    return message


def _reply(block: str) -> dict[str, str | None]:
    """The quoted post of a reply: where it is, who wrote it, the words the widget shows of it."""
    target = _REPLY_TO.search(block)
    author = _REPLY_AUTHOR.search(block)
    text = _REPLY_TEXT.search(block)
    return {
        "channel": target["channel"] if target else None,
        "post_id": target["id"] if target else None,
        "author": _plain(author["name"]) if author else None,
        "text": clean_html(text["text"]) if text else None,
    }


def _plain(fragment: str) -> str:
    return " ".join(clean_html(fragment).split())


def the_message(html: str, channel: str, post_id: str, post_url: str) -> TelegramMessage:
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


def utc(when: str | None) -> str | None:
    """Telegram writes "2024-11-29T18:01:45+00:00"; we store "...Z"."""
    if not when:
        return None
    return when.replace("+00:00", "Z")
