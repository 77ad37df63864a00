"""Sites whose posts yt-dlp fetches by itself: YouTube, TikTok, Instagram, Facebook, VK, Rumble.

They need no adapter of their own: a post goes straight to the shared yt-dlp step
(ytdlp_media.py), and a channel or account is listed through yt-dlp's playlist
extractors (ytdlp_playlist.py). What each file here adds is what archiver must know
without asking the network: its hosts, which query parameters select content, the
words that name it in a report, and the address of an account. A site that needs more
(say, VK's wall posts with their text) gets a module of its own whose platform of the
same name ranks before these.
"""

from __future__ import annotations

import re
from datetime import datetime

from archiver.platforms.base import FetchContext, Platform, Query, spellings
from archiver.platforms.listing import Listing
from archiver.platforms.ytdlp_playlist import playlist_posts


class PlaylistListed(Platform):
    """A platform whose accounts, channels and feeds yt-dlp lists from their URL."""

    def list_posts(
        self, address: str, ctx: FetchContext, *, since: datetime | None, limit: int | None
    ) -> Listing:
        return playlist_posts(address, self.label, ctx, since=since, limit=limit)


class YtDlpSite(PlaylistListed):
    rank = 1


class YouTube(YtDlpSite):
    name = "youtube"
    label = "YouTube"
    hosts = spellings("www.youtube.com", "youtube.com", "m.youtube.com", "music.youtube.com") | spellings(
        "youtu.be"
    )
    content_params = frozenset({"v", "list", "t", "index"})
    cue = re.compile(r"\bYouTube\b", re.IGNORECASE)
    handle_words = ("YouTube",)
    profile = "https://www.youtube.com/@{}"

    def canonical(self, host: str, path: str, query: Query) -> tuple[str, str, Query]:
        """youtu.be/<id> is www.youtube.com/watch?v=<id>."""
        if host == "youtu.be" and len(path) > 1:
            return "www.youtube.com", "/watch", [("v", path.strip("/")), *query]
        return host, path, query


class TikTok(YtDlpSite):
    name = "tiktok"
    label = "TikTok"
    hosts = spellings("www.tiktok.com", "tiktok.com", "m.tiktok.com") | spellings("vm.tiktok.com")
    content_params = frozenset()
    cue = re.compile(r"\bTikTok\b", re.IGNORECASE)
    handle_words = ("TikTok",)
    profile = "https://www.tiktok.com/@{}"


class Instagram(YtDlpSite):
    name = "instagram"
    label = "Instagram"
    hosts = spellings("www.instagram.com", "instagram.com", "m.instagram.com")
    content_params = frozenset({"img_index"})
    cue = re.compile(r"\bInstagram\b", re.IGNORECASE)
    handle_words = ("Instagram",)
    profile = "https://www.instagram.com/{}"


class Facebook(YtDlpSite):
    name = "facebook"
    label = "Facebook"
    hosts = spellings(
        "www.facebook.com", "facebook.com", "m.facebook.com", "mbasic.facebook.com", "web.facebook.com"
    ) | spellings("fb.watch")
    cue = re.compile(r"\bFacebook\b", re.IGNORECASE)
    profile = "https://www.facebook.com/{}"


class VK(YtDlpSite):
    name = "vk"
    label = "VK"
    hosts = spellings("vk.com", "m.vk.com", "www.vk.com", "vk.ru", "m.vk.ru")
    cue = re.compile(r"\b(?:VK|VKontakte)\b")
    profile = "https://vk.com/{}"


class Rumble(YtDlpSite):
    name = "rumble"
    label = "Rumble"
    hosts = spellings("rumble.com", "www.rumble.com")
    cue = re.compile(r"\bRumble\b", re.IGNORECASE)
    profile = "https://rumble.com/c/{}"


PLATFORMS = [YouTube(), TikTok(), Instagram(), Facebook(), VK(), Rumble()]
