"""An X account's own facts, for the snapshot `sources sync` keeps of it.

X's profile page x.com/<handle> is a script that shows nothing without running it, but
the embedded-timeline widget (the one `sources sync` lists posts from) carries, in each
of the account's own posts, the account as X describes it: name, bio, followers,
following, posts and avatar. Like the posts, that needs a logged-in session.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from archiver.platforms.channel import ChannelFacts

_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# x.com/<one segment> pages that are X's own, not an account
_RESERVED = frozenset({
    "home", "explore", "search", "i", "settings", "notifications", "messages", "login", "signup",
    "tos", "privacy", "about", "compose", "hashtag", "intent", "share",
})  # fmt: skip


def profile_handle(url: str, hosts: frozenset[str] | set[str]) -> str | None:
    """The account of a profile address x.com/<handle>; None for a post or any other page."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if (parts.hostname or "") not in hosts or len(segments) != 1:
        return None
    name = segments[0].lstrip("@")
    return name if _HANDLE.match(name) and name.casefold() not in _RESERVED else None


def account_facts(entries: list[dict], handle: str) -> ChannelFacts | None:
    """The account as its newest own post in the widget describes it; None when it shows none."""
    for entry in entries:
        user = ((entry.get("content") or {}).get("tweet") or {}).get("user") or {}
        if (user.get("screen_name") or "").casefold() != handle.casefold():
            continue
        followers = user.get("followers_count")
        counters = {"following": user.get("friends_count"), "posts": user.get("statuses_count")}
        return ChannelFacts(
            channel=user["screen_name"],
            state="public",
            title=user.get("name"),
            description=user.get("description") or None,
            subscribers=str(followers) if followers is not None else None,
            subscriber_count=followers,
            counters={k: str(v) for k, v in counters.items() if v is not None},
            avatar_url=user.get("profile_image_url_https"),
        )
    return None
