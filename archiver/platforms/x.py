"""X (Twitter) posts, x.com/<user>/status/<id>: text only, photos, video; and an account's posts.

yt-dlp's X extractor only returns videos and gives up on text-only and photo posts.
The syndication endpoint behind X's embedded-post widget answers for any public post
without a login: text, author, time, photos and video variants. We keep that JSON
as the post's metadata, download the photos at original size, and hand videos to
yt-dlp (whose extractor asks X's own API); if yt-dlp cannot, the best MP4 the
widget lists is downloaded instead.

yt-dlp has no X timeline extractor. The embedded-profile widget's page,
syndication.twitter.com/srv/timeline-profile, carries the account's recent posts as JSON
in its ``__NEXT_DATA__`` script, but since 2023 only for a logged-in browser: it needs the
user's cookies file, and without one (or with an expired one) it answers with an empty
timeline, which we report as a login wall.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from yt_dlp.jsinterp import js_number_to_string

from archiver.errors import FetchError
from archiver.ingest import StagedFile
from archiver.platforms.base import FetchContext, FetchResult, Platform, Query, account_name, spellings
from archiver.platforms.http.polite import LoginRequiredError, get, get_files
from archiver.platforms.http.session import fetch_page
from archiver.platforms.listing import Listing, PostRef
from archiver.platforms.media import videos
from archiver.platforms.x_account import account_facts, profile_handle

SYNDICATION = "https://cdn.syndication.twimg.com/tweet-result"
TIMELINE = "https://syndication.twitter.com/srv/timeline-profile/screen-name/{}"
_STATUS = re.compile(r"^/(?:i/web|(?P<user>[^/]+))/status(?:es)?/(?P<id>\d+)")
# The canonical post address drops the photo/video/analytics tails of a status link.
_CANONICAL_STATUS = re.compile(_STATUS.pattern + r"(?:/(?:photo|video)/\d+|/analytics)?/?$")
_LOGIN_HINTS = ("log in", "age-restricted", "protected", "sensitive")
_HIDDEN = "X shows logged-out visitors a tombstone with no reason: the post is hidden from them, not deleted"
_NEXT_DATA = re.compile(
    r'<script id="__NEXT_DATA__" type="application/json">(?P<json>.*?)</script>', re.DOTALL
)


class HiddenFromLoggedOutError(LoginRequiredError):
    """X's tombstone without a reason: the post exists but is kept from logged-out visitors.

    A deleted post gets a 404 or an empty answer instead, so the failed attempt records
    which of the two a researcher saw on that day.
    """

    kind = "hidden-from-logged-out"


def status_address(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if (parts.hostname or "") not in X.hosts:
        return None
    match = _STATUS.match(parts.path)
    return (match["user"] or "i", match["id"]) if match else None


def syndication_token(post_id: str) -> str:
    """The token X's embed widget sends: (id / 1e15 * pi) in base 36, without 0s and the dot."""
    return re.sub(r"0+|\.", "", js_number_to_string(int(post_id) / 1e15 * math.pi, 36))


class X(Platform):
    name = "x"
    label = "X"
    hosts = spellings(
        "x.com", "www.x.com", "mobile.x.com", "m.x.com",
        "twitter.com", "www.twitter.com", "mobile.twitter.com", "m.twitter.com",
    )  # fmt: skip
    content_params = frozenset()
    cue = re.compile(
        r"\b(?:Twitter|tweet(?:s|ed)?|X (?:account|post|user|handle|thread)|(?:[Oo]n|[Vv]ia|[Ff]rom) X)\b"
    )
    handle_words = ("X", "Twitter")
    profile = "https://x.com/{}"
    adapter = True

    def canonical(self, host: str, path: str, query: Query) -> tuple[str, str, Query]:
        match = _CANONICAL_STATUS.match(path)
        if match:
            path = f"/{match['user'] or 'i'}/status/{match['id']}"
        return host, path, query

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        address = status_address(url)
        if address is None:
            handle = profile_handle(url, set(self.hosts))
            return self._snapshot(handle, workdir, ctx) if handle else None
        _, post_id = address
        post = self._post_json(post_id, url, ctx)
        user = post.get("user") or {}
        handle = user.get("screen_name") or address[0]
        post_url = f"https://x.com/{handle}/status/{post_id}"
        record = workdir / f"{post_id}.tweet-result.json"
        record.write_text(json.dumps(post, ensure_ascii=False, indent=2), encoding="utf-8")
        files = [StagedFile(record, "metadata", record.name, SYNDICATION)]
        details = post.get("mediaDetails") or []
        photos = [d for d in details if d.get("type") == "photo"]
        links = [
            (f"{p['media_url_https']}?name=orig", f"{post_id}-photo{n}.jpg") for n, p in enumerate(photos, 1)
        ]
        files += get_files(links, workdir / "media", ctx)
        clips = [d for d in details if d.get("type") in ("video", "animated_gif")]
        if clips:
            files += videos(post_url, _best_mp4s(clips), workdir, ctx)
        files.append(fetch_page(post_url, workdir, ctx))
        text = post.get("text")
        return FetchResult(
            files=files,
            final_url=post_url,
            platform=self.name,
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
                "photos": len(details) - len(clips),
                "videos": len(clips),
                "quoted_post": (post.get("quoted_tweet") or {}).get("id_str"),
                "lang": post.get("lang"),
                "uploader_source": _uploader_source(files),
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
            reason = (((post.get("tombstone") or {}).get("text") or {}).get("text") or "").strip()
            if not reason:
                raise HiddenFromLoggedOutError("X", url, _HIDDEN, cookies_file=ctx.cookies_file)
            if any(hint in reason.lower() for hint in _LOGIN_HINTS):
                raise LoginRequiredError("X", url, reason, cookies_file=ctx.cookies_file)
            raise FetchError(f"X shows no post at {url}: {reason or 'unavailable'}")
        return post

    def _snapshot(self, handle: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        """The account's facts from its timeline widget; None (the profile page is then kept as a
        plain page) without a logged-in session, when the widget shows nothing of the account."""
        if not ctx.cookies_file:
            return None
        url = TIMELINE.format(handle)
        response = get(url, ctx)
        if response.status_code >= 400:
            return None
        facts = account_facts(_timeline_entries(response.text, url), handle)
        if facts is None:
            return None
        page = workdir / f"{handle}-timeline.html"
        page.write_bytes(response.content)
        files = [StagedFile(page, "page", page.name, url)]
        if facts.avatar_url:
            files += get_files([(facts.avatar_url, f"{handle}-avatar.jpg")], workdir / "media", ctx)
        return FetchResult(
            files=files,
            final_url=f"https://x.com/{handle}",
            platform=self.name,
            extractor=f"{self.name}:account",
            author=facts.title,
            handle=facts.channel,
            title=facts.title,
            post_text=facts.description,
            metadata={"channel": facts.as_json()},
        )

    def snapshot_url(self, address: str) -> str | None:
        return self.profile_url(address)

    def listing_address(self, handle: str | None, url: str | None) -> str | None:
        return account_name(handle, url)

    def list_posts(
        self, address: str, ctx: FetchContext, *, since: datetime | None, limit: int | None
    ) -> Listing:
        handle = address
        url = TIMELINE.format(handle)
        response = get(url, ctx)
        if response.status_code in (401, 403):
            raise LoginRequiredError("X", url, f"HTTP {response.status_code}", cookies_file=ctx.cookies_file)
        if response.status_code >= 400:
            raise FetchError(f"X answered HTTP {response.status_code} for the timeline of @{handle}")
        posts = []
        for entry in _timeline_entries(response.text, url):
            tweet = (entry.get("content") or {}).get("tweet") or {}
            post_id = tweet.get("id_str")
            if entry.get("type") != "tweet" or not post_id:
                continue
            author = (tweet.get("user") or {}).get("screen_name") or handle
            posts.append(
                PostRef(f"https://x.com/{author}/status/{post_id}", post_id, _when(tweet.get("created_at")))
            )
        if not posts:  # no entries, or none a post: never an empty "ok" that hides the login wall
            empty = "the timeline widget listed no posts, as it does without a logged-in session"
            raise LoginRequiredError("X", url, empty, cookies_file=ctx.cookies_file)
        return Listing(posts, 1)


def _uploader_source(files: list[StagedFile]) -> str | None:
    """Where yt-dlp's info.json took the video's uploader from, when that was our reading of
    X's answer rather than yt-dlp's own (x_graphql.py); None otherwise."""
    for staged in files:
        if staged.role == "metadata" and staged.path.name.endswith(".info.json"):
            source = json.loads(staged.path.read_text(encoding="utf-8")).get("uploader_source")
            if source:
                return source
    return None


def _best_mp4s(clips: list[dict]) -> list[tuple[str, str]]:
    """The highest-bitrate MP4 the widget lists for each video, with a name to fall back on."""
    links = []
    for n, clip in enumerate(clips, 1):
        variants = [
            v for v in clip.get("video_info", {}).get("variants", []) if v.get("content_type") == "video/mp4"
        ]
        if variants:
            links.append((max(variants, key=lambda v: v.get("bitrate") or 0)["url"], f"video{n}.mp4"))
    return links


def _timeline_entries(html: str, url: str) -> list[dict]:
    match = _NEXT_DATA.search(html)
    if match is None:
        raise FetchError(f"{url} did not serve X's timeline widget (no __NEXT_DATA__ in the page)")
    try:
        data = json.loads(match["json"])
    except ValueError as exc:
        raise FetchError(f"{url} served a timeline that is not valid JSON") from exc
    timeline = ((data.get("props") or {}).get("pageProps") or {}).get("timeline") or {}
    return list(timeline.get("entries") or [])


def _when(created_at: str | None) -> datetime | None:
    """X writes "Fri Nov 29 16:20:00 +0000 2024" (RFC 2822 order, year last)."""
    if not created_at:
        return None
    try:
        return datetime.strptime(created_at, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return None


PLATFORMS = [X()]
