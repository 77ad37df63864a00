"""An X account's recent posts, from the timeline behind X's embedded-profile widget.

yt-dlp has no X timeline extractor (it fetches single posts, which is how each listed
post is then captured). The widget's page, syndication.twitter.com/srv/timeline-profile,
carries the account's recent posts as JSON in its ``__NEXT_DATA__`` script, but since
2023 only for a logged-in browser: it needs the user's cookies file, and without one
(or with an expired one) it answers with an empty timeline, which we report as a login wall.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from archiver.errors import FetchError
from archiver.fetchers.base import FetchContext
from archiver.fetchers.polite import LoginRequiredError, get
from archiver.sources.posts import Listing, PostRef

TIMELINE = "https://syndication.twitter.com/srv/timeline-profile/screen-name/{}"
_NEXT_DATA = re.compile(
    r'<script id="__NEXT_DATA__" type="application/json">(?P<json>.*?)</script>', re.DOTALL
)


def account_posts(handle: str, ctx: FetchContext) -> Listing:
    url = TIMELINE.format(handle)
    response = get(url, ctx)
    if response.status_code in (401, 403):
        raise LoginRequiredError("X", url, f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise FetchError(f"X answered HTTP {response.status_code} for the timeline of @{handle}")
    entries = _timeline_entries(response.text, url)
    if not entries:
        raise LoginRequiredError(
            "X", url, "the timeline came back empty, as it does without a logged-in session"
        )
    posts = []
    for entry in entries:
        tweet = (entry.get("content") or {}).get("tweet") or {}
        post_id = tweet.get("id_str")
        if entry.get("type") != "tweet" or not post_id:
            continue
        author = (tweet.get("user") or {}).get("screen_name") or handle
        posts.append(
            PostRef(f"https://x.com/{author}/status/{post_id}", post_id, _when(tweet.get("created_at")))
        )
    return Listing(posts, 1)


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
