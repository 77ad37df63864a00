"""The fetcher chain: the first fetcher that accepts a URL and finds something wins.

Platform adapters go before yt-dlp when they know a platform better; the plain web
fetcher is always last.
"""

from __future__ import annotations

from archiver.fetchers.base import FetchContext, Fetcher, FetchResult
from archiver.fetchers.telegram import TelegramFetcher
from archiver.fetchers.web import WebFetcher
from archiver.fetchers.x import XFetcher
from archiver.fetchers.ytdlp import YtDlpFetcher


def fetcher_chain() -> list[Fetcher]:
    return [TelegramFetcher(), XFetcher(), YtDlpFetcher(), WebFetcher()]


__all__ = ["FetchContext", "FetchResult", "Fetcher", "fetcher_chain"]
