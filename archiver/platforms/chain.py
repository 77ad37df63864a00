"""The steps that capture a URL: the owner's own adapter, then yt-dlp, then the plain web fetch."""

from __future__ import annotations

from archiver.platforms import registry
from archiver.platforms.base import Fetcher
from archiver.platforms.ytdlp_media import YtDlpFetcher


def fetch_chain(url: str) -> list[Fetcher]:
    """In order; the first step that finds something wins. An adapter goes first because it
    knows its platform better (text, photos, albums) than yt-dlp, which only wants media;
    the web fetch keeps whatever is left, a page or a file."""
    owner = registry.owner_of_url(url)
    head: list[Fetcher] = [owner] if owner is not None and owner.adapter else []
    return [*head, YtDlpFetcher(), registry.fallback()]
