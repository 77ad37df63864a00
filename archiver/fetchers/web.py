"""The last resort: keep whatever a URL serves, if it is a page or a media file."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from archiver.errors import NothingArchivableError
from archiver.fetchers.base import FetchContext, FetchResult
from archiver.fetchers.http import download
from archiver.ingest import StagedFile
from archiver.probe import sniff_mime

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_ARCHIVABLE_PREFIXES = ("image/", "video/", "audio/")
_ARCHIVABLE_TYPES = {"text/html", "application/pdf", "text/plain", "application/json"}


class WebFetcher:
    name = "web"

    def accepts(self, url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https")

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
            platform="web",
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
