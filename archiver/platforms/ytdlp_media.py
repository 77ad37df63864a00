"""Media posts through yt-dlp used as a library: the capture step after a platform's own adapter.

We ask for the files exactly as the platform serves them: the best single file when
there is one; when video and audio come separately they are merged (a remux, no
re-encoding) and the separate originals are kept as well (``keepvideo``).
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yt_dlp
from yt_dlp.networking import exceptions as net_errors
from yt_dlp.utils import DownloadError, ExtractorError, UnavailableVideoError, UnsupportedError

from archiver.errors import CorruptMediaError, FetchError
from archiver.ingest import StagedFile
from archiver.platforms import registry
from archiver.platforms.base import FetchContext, FetchResult
from archiver.platforms.http import network
from archiver.platforms.http.session import fetch_page
from archiver.platforms.x_graphql import CoreAuthorTwitterIE
from archiver.probe import probe
from archiver.safe_names import safe_name

# folder under the work dir -> artifact role
_ROLE_FOLDERS = {
    "media": "media",
    "thumbnails": "thumbnail",
    "subtitles": "subtitle",
    "description": "description",
    "metadata": "metadata",
}
_SKIP_SUFFIXES = (".part", ".ytdl", ".temp", ".frag")
# yt-dlp's extractors for "any page with a video on it", which name no site
_SITELESS_EXTRACTORS = {"generic", "html5mediaembed"}
_KEPT_INFO_KEYS = (
    "id", "title", "uploader", "uploader_id", "uploader_url", "channel", "channel_id", "channel_url",
    "timestamp", "upload_date", "duration", "view_count", "like_count", "repost_count", "comment_count",
    "webpage_url", "original_url", "extractor_key", "tags", "width", "height", "format_id", "ext",
    "uploader_source",
)  # fmt: skip


class _CollectingLogger:
    """yt-dlp's messages go here instead of the terminal; warnings are kept as evidence."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        self.warnings.append(msg)

    def error(self, msg: str) -> None:
        pass


class YtDlpFetcher:
    name = "yt-dlp"

    def fetch(
        self, url: str, workdir: Path, ctx: FetchContext, *, with_page: bool = True
    ) -> FetchResult | None:
        """The post's media through yt-dlp; ``with_page`` False when the caller keeps the page itself."""
        logger = _CollectingLogger()
        with network.ytdlp_turn(ctx.config), yt_dlp.YoutubeDL(self._options(workdir, ctx, logger)) as ydl:
            ydl.add_info_extractor(CoreAuthorTwitterIE())  # replaces the stock TwitterIE in place
            try:
                info = ydl.extract_info(url, download=True)
            except DownloadError as exc:
                return _no_media_or_raise(url, exc)
            except UnavailableVideoError as exc:  # yt-dlp's wrapper of a local write error
                raise FetchError(f"{url} could not be downloaded: {exc}") from exc
            if info is None:
                return None  # the extractor gave up without raising; the next step may do better
            info = ydl.sanitize_info(info)
        files = _collect_files(workdir)
        if not any(f.role == "media" and _is_media(f.path) for f in files):
            size = info.get("filesize") or info.get("filesize_approx")
            if size and size > ctx.max_file_size:
                raise FetchError(
                    f"{url} offers media of {size:,} bytes, over the {ctx.max_file_size:,}-byte limit"
                )
            return None
        final_url = info.get("webpage_url") or url
        if with_page and not info.get("direct") and _is_web_page(final_url):
            files.append(fetch_page(final_url, workdir, ctx))
        return _result(info, files, final_url, logger.warnings)

    def _options(self, workdir: Path, ctx: FetchContext, logger: _CollectingLogger) -> dict[str, Any]:
        def hook(status: dict[str, Any]) -> None:
            if status.get("status") == "downloading":
                name = Path(status.get("filename", "media")).name
                ctx.report(name, int(status.get("downloaded_bytes") or 0), status.get("total_bytes"))

        template = "%(id).60B.%(ext)s"
        options: dict[str, Any] = {
            "paths": {"home": str(workdir), "temp": str(workdir / "tmp")},
            "outtmpl": {
                "default": f"media/{template}",
                "thumbnail": f"thumbnails/{template}",
                "subtitle": f"subtitles/{template}",
                "description": f"description/{template}",
                "infojson": f"metadata/{template}",
            },
            "restrictfilenames": True,
            "windowsfilenames": True,
            "format": "bv*+ba/b",
            "keepvideo": True,
            "writeinfojson": True,
            "writethumbnail": True,
            "write_all_thumbnails": True,
            "writedescription": True,
            "writesubtitles": True,
            "subtitleslangs": list(ctx.config["fetch"].get("subtitle_languages", ["all"])),
            "noplaylist": True,
            "socket_timeout": ctx.timeout,
            "max_filesize": ctx.max_file_size,
            "retries": 2,
            "fragment_retries": 3,
            "quiet": True,
            "no_warnings": False,
            "noprogress": True,
            "logger": logger,
            "progress_hooks": [hook],
            "http_headers": {"User-Agent": ctx.session.headers["User-Agent"]},
            "overwrites": True,
            "color": "never",
        }
        return {**options, **network.ytdlp_options(ctx.config)}


def _no_media_or_raise(url: str, exc: DownloadError) -> None:
    """Decide whether yt-dlp's failure means "no media here" or "the fetch failed"."""
    cause = exc.exc_info[1] if exc.exc_info else None
    while isinstance(cause, ExtractorError) and cause.exc_info and cause.exc_info[1] is not None:
        if isinstance(cause, UnsupportedError):
            break
        cause = cause.exc_info[1]
    if isinstance(cause, UnsupportedError):
        return None
    if isinstance(cause, net_errors.HTTPError):
        cause.response.close()  # closing is what makes the recorder write the error response to the WARC
        raise FetchError(f"{url} answered HTTP {cause.status} {cause.reason or ''}".rstrip()) from exc
    if isinstance(cause, net_errors.TransportError | socket.timeout | TimeoutError):
        text = str(cause)
        host = urlsplit(url).hostname or url
        if "timed out" in text.lower():
            raise FetchError(f"{host} did not answer in time ({url})") from exc
        if "refused" in text.lower():
            raise FetchError(f"{host} refused the connection") from exc
        if "resolve" in text.lower() or "name or service" in text.lower():
            raise FetchError(f"the host name {host} could not be resolved") from exc
        raise FetchError(f"could not fetch {url}: {text}") from exc
    message = str(exc).removeprefix("ERROR: ").strip()
    if isinstance(cause, ExtractorError) and cause.expected:
        raise FetchError(f"{url}: {message}") from exc
    if "no video" in message.lower() or "unsupported url" in message.lower():
        return None
    raise FetchError(f"{url}: {message}") from exc


def _collect_files(workdir: Path) -> list[StagedFile]:
    files = []
    for folder, role in _ROLE_FOLDERS.items():
        base = workdir / folder
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            if path.is_file() and not path.name.endswith(_SKIP_SUFFIXES) and path.stat().st_size > 0:
                files.append(StagedFile(path, role, safe_name(path.name)))
    return files


def _is_media(path: Path) -> bool:
    """yt-dlp's generic extractor takes any unknown binary for a video; we check the bytes."""
    try:
        return probe(path).kind in ("video", "audio", "image")
    except CorruptMediaError:
        return True  # media, but broken: let the pipeline report it as corrupt


def _is_web_page(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _result(
    info: dict[str, Any], files: list[StagedFile], final_url: str, warnings: list[str]
) -> FetchResult:
    key = str(info.get("extractor_key") or info.get("extractor") or "generic")
    metadata = {k: info[k] for k in _KEPT_INFO_KEYS if info.get(k) is not None}
    if warnings:
        metadata["ytdlp_warnings"] = warnings
    return FetchResult(
        files=files,
        final_url=final_url,
        platform=_platform(final_url, key.lower()),
        extractor=f"yt-dlp:{key}",
        post_id=str(info["id"]) if info.get("id") is not None else None,
        author=info.get("uploader") or info.get("channel"),
        handle=info.get("uploader_id") or info.get("channel_id"),
        title=info.get("title"),
        post_text=info.get("description"),
        post_time=_post_time(info),
        metadata=metadata,
    )


def _platform(url: str, extractor: str) -> str:
    """The registry's platform for the address; on an unknown host, yt-dlp's site name for it."""
    owner = registry.owner_of_url(url)
    if owner is not None:
        return owner.name
    return registry.fallback().name if extractor in _SITELESS_EXTRACTORS else extractor


def _post_time(info: dict[str, Any]) -> str | None:
    if info.get("timestamp") is not None:
        return datetime.fromtimestamp(float(info["timestamp"]), UTC).isoformat().replace("+00:00", "Z")
    date = info.get("upload_date")
    if date and len(date) == 8 and date.isdigit():
        return f"{date[:4]}-{date[4:6]}-{date[6:]}"
    return None
