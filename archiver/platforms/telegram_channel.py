"""A Telegram channel's own facts, read from its web preview t.me/s/<channel> or its card t.me/<channel>.

A channel's rename, a new description, a jump in subscribers or its deletion is evidence
as much as a post is, so `sources sync` keeps a snapshot of the channel each time it runs.
The preview's header (``tgme_channel_info``) names the title, the @username, the
description, the avatar and counters ("48.2K subscribers", "1.1K photos"). A channel whose
owner switched the preview off redirects to its card t.me/<channel>, which still shows the
title, description, avatar and "12 345 subscribers" (``tgme_page_*``). A username nobody
holds gets the same card with no title, only "you can contact @name right away": the
channel is gone (or never was).
"""

from __future__ import annotations

import re
from html import unescape

from yt_dlp.utils import clean_html, get_element_by_class

from archiver.platforms.channel import ChannelFacts
from archiver.platforms.telegram_widget import approximate_count

_AVATAR = re.compile(r'<i class="tgme_page_photo_image[^"]*"[^>]*>\s*<img src="(?P<url>[^"]+)"')
_CARD_AVATAR = re.compile(r'<img class="tgme_page_photo_image" src="(?P<url>[^"]+)"')
_COUNTER = re.compile(
    r'<span class="counter_value">(?P<value>[^<]+)</span>\s*<span class="counter_type">(?P<type>[^<]+)</span>'
)
_CARD_COUNT = re.compile(r"(?P<value>\d[\d\s,]*)\s+(?P<type>subscribers?|members?)", re.I)
_CONTACT_ONLY = re.compile(r"you can contact\s*(?:<[^>]+>\s*)*@", re.I)


def channel_facts(html: str, channel: str, *, preview: bool) -> ChannelFacts:
    """The facts the page shows; ``preview`` says whether t.me served t.me/s/ or redirected to the card."""
    if preview:
        return _from_preview(html, channel)
    title = _text(get_element_by_class("tgme_page_title", html))
    if title is None and _CONTACT_ONLY.search(html):
        return ChannelFacts(channel, "not-found")
    description = _text(get_element_by_class("tgme_page_description", html))
    facts = ChannelFacts(channel, "no-preview", title, description)
    extra = _text(get_element_by_class("tgme_page_extra", html)) or ""
    count = _CARD_COUNT.search(extra)
    if count:
        facts.subscribers = " ".join(count["value"].split())
        facts.subscriber_count = int(re.sub(r"\D", "", count["value"]))
    avatar = _CARD_AVATAR.search(html)
    facts.avatar_url = unescape(avatar["url"]) if avatar else None
    return facts


def _from_preview(html: str, channel: str) -> ChannelFacts:
    info = get_element_by_class("tgme_channel_info", html) or ""
    facts = ChannelFacts(
        channel,
        "public",
        _text(get_element_by_class("tgme_channel_info_header_title", info)),
        _text(get_element_by_class("tgme_channel_info_description", info)),
    )
    for counter in _COUNTER.finditer(info):
        facts.counters[counter["type"].strip()] = counter["value"].strip()
    shown = facts.counters.get("subscribers") or facts.counters.get("subscriber")
    facts.subscribers = shown or facts.counters.get("members")
    facts.subscriber_count = approximate_count(facts.subscribers)
    avatar = _AVATAR.search(info)
    facts.avatar_url = unescape(avatar["url"]) if avatar else None
    return facts


def _text(fragment: str | None) -> str | None:
    text = clean_html(fragment).strip() if fragment else ""
    return text or None
