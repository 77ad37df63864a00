"""What every fetcher receives and returns.

Fetchers only write files into their work folder and describe the post; they never
touch the archive. The pipeline hands their result to the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

from archiver.ingest import StagedFile
from archiver.post import PostFacts

# progress(label, bytes_done, bytes_total_or_None)
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass
class FetchContext:
    config: dict[str, Any]
    session: requests.Session
    progress: ProgressCallback | None = None

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

    def report(self, label: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(label, done, total)


@dataclass(kw_only=True)
class FetchResult(PostFacts):
    files: list[StagedFile]


class Fetcher(Protocol):
    name: str

    def accepts(self, url: str) -> bool:
        """Cheap check on the URL alone."""

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        """Fetch into ``workdir``; None means "nothing for me here, try the next fetcher"."""
