"""A post's videos: yt-dlp first, the links the platform's widget lists as the fallback.

yt-dlp's extractors know a platform's own API and its best formats, so they go first;
when they give up (an API that refuses logged-out clients, an extractor behind a change
of markup), the widget page our adapter already read still names the video files, and
those are downloaded as they are.
"""

from __future__ import annotations

from pathlib import Path

from archiver.errors import FetchError
from archiver.ingest import StagedFile
from archiver.platforms.base import FetchContext
from archiver.platforms.http.polite import get_files, wait_turn
from archiver.platforms.ytdlp_media import YtDlpFetcher


def videos(
    url: str, widget_links: list[tuple[str, str]], workdir: Path, ctx: FetchContext
) -> list[StagedFile]:
    """yt-dlp's files for ``url`` (its media, info.json, thumbnails; not a page, which the
    adapter keeps itself), else each (link, default name) of the widget downloaded.
    Called for a post the widget says has video, even when it lists no file for it."""
    try:
        wait_turn(url, ctx)  # yt-dlp's first request goes to the host our adapter just asked
        result = YtDlpFetcher().fetch(url, workdir / "yt-dlp", ctx, with_page=False)
    except FetchError:
        result = None  # yt-dlp's extractor gave up; the widget's own video links still work
    if result is not None:
        return result.files
    return get_files(widget_links, workdir / "videos", ctx)
