"""X (Twitter) posts, x.com/<user>/status/<id>: text only, photos, video.

yt-dlp's X extractor only returns videos and gives up on text-only and photo posts.
The syndication endpoint behind X's embedded-post widget answers for any public post
without a login: text, author, time, photos and video variants. We keep that JSON
as the post's metadata, download the photos at original size, and hand videos to
yt-dlp (whose extractor asks X's own API); if yt-dlp cannot, the best MP4 the
widget lists is downloaded instead.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import urlsplit

from yt_dlp.jsinterp import js_number_to_string

from archiver.errors import FetchError
from archiver.fetchers.base import FetchContext, FetchResult
from archiver.fetchers.http import fetch_page
from archiver.fetchers.polite import LoginRequiredError, get, get_file
from archiver.fetchers.ytdlp import YtDlpFetcher
from archiver.ingest import StagedFile

SYNDICATION = "https://cdn.syndication.twimg.com/tweet-result"
_HOSTS = {"x.com", "twitter.com", "www.x.com", "www.twitter.com", "mobile.twitter.com", "mobile.x.com"}
_STATUS = re.compile(r"^/(?P<user>[^/]+)/status(?:es)?/(?P<id>\d+)")
_LOGIN_HINTS = ("log in", "age-restricted", "protected", "sensitive")


def status_address(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if (parts.hostname or "") not in _HOSTS:
        return None
    match = _STATUS.match(parts.path)
    return (match["user"], match["id"]) if match else None


def syndication_token(post_id: str) -> str:
    """The token X's embed widget sends: (id / 1e15 * pi) in base 36, without 0s and the dot."""
    return re.sub(r"0+|\.", "", js_number_to_string(int(post_id) / 1e15 * math.pi, 36))


class XFetcher:
    name = "x"

    def accepts(self, url: str) -> bool:
        return status_address(url) is not None

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        address = status_address(url)
        assert address is not None
        _, post_id = address
        post = self._post_json(post_id, url, ctx)
        user = post.get("user") or {}
        handle = user.get("screen_name") or address[0]
        post_url = f"https://x.com/{handle}/status/{post_id}"
        record = workdir / f"{post_id}.tweet-result.json"
        record.write_text(json.dumps(post, ensure_ascii=False, indent=2), encoding="utf-8")
        files = [StagedFile(record, "metadata", record.name, SYNDICATION)]
        media_dir = workdir / "media"
        media_dir.mkdir()
        details = post.get("mediaDetails") or []
        for n, item in enumerate(d for d in details if d.get("type") == "photo"):
            photo = f"{item['media_url_https']}?name=orig"
            path = get_file(photo, media_dir, ctx, default_name=f"{post_id}-photo{n + 1}.jpg")
            files.append(StagedFile(path, "media", path.name, photo))
        videos = [d for d in details if d.get("type") in ("video", "animated_gif")]
        if videos:
            files += self._video(post_url, videos, workdir, ctx)
        else:
            files.append(fetch_page(post_url, workdir, ctx))
        text = post.get("text")
        return FetchResult(
            files=files,
            final_url=post_url,
            platform="x",
            extractor=self.name,
            post_id=post_id,
            author=user.get("name"),
            handle=handle,
            title=(text or "")[:120] or None,
            post_text=text,
            post_time=(post.get("created_at") or "").replace(".000Z", "Z") or None,
            metadata={
                "likes": post.get("favorite_count"),
                "replies": post.get("conversation_count"),
                "photos": len(details) - len(videos),
                "videos": len(videos),
                "quoted_post": (post.get("quoted_tweet") or {}).get("id_str"),
                "lang": post.get("lang"),
            },
        )

    def _post_json(self, post_id: str, url: str, ctx: FetchContext) -> dict:
        response = get(
            SYNDICATION, ctx, params={"id": post_id, "token": syndication_token(post_id), "lang": "en"}
        )
        if response.status_code == 404:
            raise FetchError(f"X says the post {url} does not exist or was deleted")
        if response.status_code >= 400:
            raise FetchError(f"X answered HTTP {response.status_code} for {url}")
        try:
            post = response.json()
        except ValueError as exc:
            raise FetchError(f"X sent something other than JSON for {url}") from exc
        if not post:
            raise FetchError(f"X says the post {url} does not exist or was deleted")
        if post.get("__typename") == "TweetTombstone":
            reason = ((post.get("tombstone") or {}).get("text") or {}).get("text", "")
            if any(hint in reason.lower() for hint in _LOGIN_HINTS):
                raise LoginRequiredError("X", url, reason)
            raise FetchError(f"X shows no post at {url}: {reason or 'unavailable'}")
        return post

    def _video(self, post_url: str, videos: list[dict], workdir: Path, ctx: FetchContext) -> list[StagedFile]:
        try:
            result = YtDlpFetcher().fetch(post_url, workdir / "yt-dlp", ctx)
        except FetchError:
            result = None  # X's API refused yt-dlp; the widget's own MP4 links still work
        if result is not None:
            return result.files
        folder = workdir / "videos"
        folder.mkdir()
        staged = []
        for n, video in enumerate(videos, 1):
            variants = [
                v
                for v in video.get("video_info", {}).get("variants", [])
                if v.get("content_type") == "video/mp4"
            ]
            if not variants:
                continue
            best = max(variants, key=lambda v: v.get("bitrate") or 0)["url"]
            path = get_file(best, folder, ctx, default_name=f"video{n}.mp4")
            staged.append(StagedFile(path, "media", path.name, best))
        staged.append(fetch_page(post_url, workdir, ctx))
        return staged
