"""What a platform is, and what every fetch receives and returns.

Platforms only write files into their work folder and describe the post; they never
touch the archive. The pipeline hands their result to the store.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

import requests

from archiver.ingest import StagedFile
from archiver.platforms.listing import Listing
from archiver.post import PostFacts

# progress(label, bytes_done, bytes_total_or_None)
ProgressCallback = Callable[[str, int, int | None], None]
Query = list[tuple[str, str]]


@dataclass
class FetchContext:
    config: dict[str, Any]
    session: requests.Session
    progress: ProgressCallback | None = None
    # What the post showed that this capture could not fetch, each {what, reason}: the
    # capture is then kept as "incomplete" rather than failed, since the rest is evidence too.
    missing: list[dict[str, str]] = field(default_factory=list)

    @property
    def timeout(self) -> float:
        return float(self.config["fetch"]["timeout"])

    @property
    def deadline(self) -> float:
        return float(self.config["fetch"].get("deadline", 0))

    @property
    def max_file_size(self) -> int:
        return int(self.config["fetch"]["max_file_size"])

    @property
    def cookies_file(self) -> str | None:
        return self.config["fetch"].get("cookies_file") or None

    @property
    def max_pages(self) -> int:
        """How far `sources sync` may page back through one account (setting platforms.max_pages)."""
        return max(1, int(self.config.get("platforms", {}).get("max_pages", 20)))

    def note_missing(self, what: str, reason: str, url: str | None = None) -> None:
        """Record an item the post showed that this capture lacks; ``url`` is the file's, when known."""
        self.missing.append({"what": what, "reason": reason, **({"url": url} if url else {})})

    def report(self, label: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(label, done, total)


@dataclass(kw_only=True)
class FetchResult(PostFacts):
    files: list[StagedFile]
    missing: list[dict[str, str]] = field(default_factory=list)  # filled from FetchContext.missing


class Fetcher(Protocol):
    """One step of a capture: the platform's own adapter, yt-dlp, or the plain web fetch."""

    name: str

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        """Fetch into ``workdir``; None means "nothing for me here, try the next step"."""


class Platform(ABC):
    """A site archiver knows, described in one place so reports, capture and sync agree on it.

    Subclasses fill in the class attributes; the registry discovers every module of this
    package that lists its platforms in a module-level ``PLATFORMS``. Pacing is per host,
    not per platform: every request an adapter makes goes through http/polite.py (``get``,
    ``get_file``, ``wait_turn``), which spaces them by ``[platforms] min_interval`` and
    retries 429 and 5xx answers, so a platform's rate limits are its hosts' entries there.
    """

    name: ClassVar[str]  # as captures and sources record it: "telegram", "x", ...
    label: ClassVar[str]  # as sentences name it: "Telegram", "X"
    # Every spelling of the hosts it owns, each mapped to the one canonical host.
    hosts: ClassVar[Mapping[str, str]] = {}
    # Query parameters that select content (all others are dropped); None keeps every one
    # that is not a tracking parameter.
    content_params: ClassVar[frozenset[str] | None] = None
    # Words near an @handle in a report that say it lives here ("on X", "Telegram channel").
    cue: ClassVar[re.Pattern[str] | None] = None
    # Words in "<word> account <handle>" phrases ("X account", "Telegram channel").
    handle_words: ClassVar[tuple[str, ...]] = ()
    # An account's address, "{}" standing for the handle; None when there is none to build.
    profile: ClassVar[str | None] = None
    # Own adapters rank 0, sites served by yt-dlp alone 1, the generic web 2: a platform of
    # a lower rank wins a name or a host that two of them claim.
    rank: ClassVar[int] = 0
    # True when ``fetch`` is an adapter of its own, tried before yt-dlp and the web fetch.
    adapter: ClassVar[bool] = False

    def canonical(self, host: str, path: str, query: Query) -> tuple[str, str, Query]:
        """The canonical host, path and query of an address on this platform (the host is
        already canonical); the default keeps them as they are."""
        return host, path, query

    def profile_url(self, handle: str) -> str | None:
        return self.profile.format(handle.lstrip("@")) if self.profile else None

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        """This platform's own way to fetch a post; None hands the URL to the shared steps."""
        return None

    def snapshot_url(self, address: str) -> str | None:
        """The page of the channel or account itself, which `sources sync` captures first so that
        a rename or a deletion is kept as evidence (its ``fetch`` reads the facts); None when
        the platform has no such page."""
        return None

    def listing_address(self, handle: str | None, url: str | None) -> str | None:
        """What ``list_posts`` walks for a source: its URL by default; None when it has none."""
        return url

    @abstractmethod
    def list_posts(
        self, address: str, ctx: FetchContext, *, since: datetime | None, limit: int | None
    ) -> Listing:
        """The account's recent posts, newest first, without capturing any of them."""


def spellings(canonical: str, *others: str) -> dict[str, str]:
    """A ``hosts`` table: the canonical host and each other spelling of it, mapped to it."""
    return {host: canonical for host in (canonical, *others)}


def account_name(handle: str | None, url: str | None) -> str | None:
    """The account name, from the handle or else a one-segment profile URL such as t.me/s/<name>."""
    if handle:
        return handle
    segments = [s for s in urlsplit(url or "").path.split("/") if s and s != "s"]
    return segments[0].lstrip("@") if len(segments) == 1 else None
