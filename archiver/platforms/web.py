"""The generic web: every host no other platform owns, and the last step of every capture.

Its fetch keeps whatever a URL serves, if it is a page or a media file; a feed or a
channel page on it is listed through yt-dlp's playlist extractors.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from archiver.errors import NothingArchivableError
from archiver.ingest import StagedFile
from archiver.platforms.base import FetchContext, FetchResult
from archiver.platforms.http.session import download
from archiver.platforms.ytdlp import PlaylistListed
from archiver.probe import sniff_mime

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_ARCHIVABLE_PREFIXES = ("image/", "video/", "audio/")
_ARCHIVABLE_TYPES = {"text/html", "application/pdf", "text/plain", "application/json"}


class Web(PlaylistListed):
    name = "web"
    label = "web"
    rank = 2  # the fallback: owns what no other platform does

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        folder = workdir / "web"
        folder.mkdir(exist_ok=True)
        path, response = download(url, folder, ctx, default_name="index")
        mime = sniff_mime(path)
        if not (mime.startswith(_ARCHIVABLE_PREFIXES) or mime in _ARCHIVABLE_TYPES):
            declared = response.headers.get("Content-Type", "no Content-Type")
            raise NothingArchivableError(
                f"{url} served neither a web page nor media ({declared}, {path.stat().st_size:,} bytes)"
            )
        if mime == "text/html":
            if path.suffix.lower() not in (".html", ".htm"):
                path = path.rename(path.with_name(path.name + ".html"))
            role, title = "page", _page_title(path)
        else:
            role, title = "media", None
        return FetchResult(
            files=[StagedFile(path, role, path.name, response.url)],
            final_url=response.url,
            platform=self.name,
            extractor=self.name,
            title=title,
            metadata={
                "http_status": response.status_code,
                "content_type": response.headers.get("Content-Type"),
                "redirects": [r.url for r in response.history],
            },
        )


def _page_title(path: Path) -> str | None:
    head = path.read_bytes()[:65536].decode("utf-8", "replace")
    match = _TITLE.search(head)
    return " ".join(unescape(match.group(1)).split()) or None if match else None


PLATFORMS = [Web()]
