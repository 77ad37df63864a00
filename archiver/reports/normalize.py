"""One spelling per post, so the same post cited two ways is captured once.

Platforms serve one post under several hosts (twitter.com, mobile.twitter.com, x.com;
t.me and its web preview t.me/s/) and share links carry tracking parameters that say
who shared, not what was shared. Both are folded away here; anything that selects
content (a video id, an album item, a start time) is kept.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archiver.terminal import shorten
from archiver.url_check import url_problem

# Parameters that only track the sharer or the campaign, on any site.
_TRACKING = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
    "mkt_tok", "ref_src", "ref_url", "spm", "share_id", "sharer", "si", "feature", "pp", "ab_channel",
    "is_from_webapp", "sender_device", "is_copy_url", "_r", "_t", "rdid", "mibextid", "__cft__", "__tn__",
}  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "__cft__[")
# Per platform, the parameters that select content; every other one is dropped.
_KEEP_ONLY = {
    "x": set(),
    "telegram": {"single", "comment", "thread"},
    "youtube": {"v", "list", "t", "index"},
    "instagram": {"img_index"},
    "tiktok": set(),
}

_HOSTS = {
    "twitter.com": "x.com", "www.twitter.com": "x.com", "mobile.twitter.com": "x.com",
    "m.twitter.com": "x.com", "www.x.com": "x.com", "mobile.x.com": "x.com", "m.x.com": "x.com",
    "telegram.me": "t.me", "www.t.me": "t.me", "www.telegram.me": "t.me",
    "youtube.com": "www.youtube.com", "m.youtube.com": "www.youtube.com",
    "music.youtube.com": "www.youtube.com",
    "instagram.com": "www.instagram.com", "m.instagram.com": "www.instagram.com",
    "tiktok.com": "www.tiktok.com", "m.tiktok.com": "www.tiktok.com",
    "facebook.com": "www.facebook.com", "m.facebook.com": "www.facebook.com",
    "mbasic.facebook.com": "www.facebook.com", "web.facebook.com": "www.facebook.com",
    "m.vk.com": "vk.com", "www.vk.com": "vk.com", "vk.ru": "vk.com", "m.vk.ru": "vk.com",
    "www.rumble.com": "rumble.com",
}  # fmt: skip
_PLATFORM_HOSTS = {
    "x.com": "x",
    "t.me": "telegram",
    "www.youtube.com": "youtube",
    "youtu.be": "youtube",
    "www.instagram.com": "instagram",
    "www.tiktok.com": "tiktok",
    "vm.tiktok.com": "tiktok",
    "www.facebook.com": "facebook",
    "fb.watch": "facebook",
    "vk.com": "vk",
    "rumble.com": "rumble",
}
# A public Telegram username: 5 to 32 characters today, 4 for some old ones.
_TG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_X_STATUS = re.compile(
    r"^/(?:i/web|(?P<user>[^/]+))/status(?:es)?/(?P<id>\d+)(?:/(?:photo|video)/\d+|/analytics)?/?$"
)


def platform_of(url: str) -> str:
    """The platform a normalised URL belongs to; "web" for everything else."""
    return _PLATFORM_HOSTS.get(urlsplit(url).hostname or "", "web")


def normalize_url(url: str) -> str:
    """The canonical spelling of ``url``; raises ValueError when it is not an http(s) URL."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    problem = url_problem(raw)
    if problem:
        raise ValueError(f"{shorten(url)!r} is not an http(s) URL archiver can fetch: {problem}")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    host = parts.hostname.lower().rstrip(".")
    host = _HOSTS.get(host, host)
    platform = _PLATFORM_HOSTS.get(host)
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    query = parse_qsl(parts.query, keep_blank_values=True)
    if platform is not None:
        scheme = "https"
        path, query = _fold_platform_path(host, path, query)
        keep = _KEEP_ONLY.get(platform)
        if keep is not None:
            query = [(k, v) for k, v in query if k in keep]
    query = [(k, v) for k, v in query if not _is_tracking(k)]
    if len(path) > 1:
        path = path.rstrip("/")
    if host == "youtu.be" and path == "/watch":
        netloc = "www.youtube.com"
    return urlunsplit((scheme, netloc, path, _encode(query), ""))


def _fold_platform_path(host: str, path: str, query: list[tuple[str, str]]) -> tuple[str, list]:
    if host == "x.com":
        match = _X_STATUS.match(path)
        if match:
            return f"/{match['user'] or 'i'}/status/{match['id']}", query
    elif host == "t.me":
        return _telegram_path(path), query
    elif host == "youtu.be" and len(path) > 1:
        return "/watch", [("v", path.strip("/")), *query]
    return path, query


def _telegram_path(path: str) -> str:
    """A post is t.me/<channel>/<id>; a channel is its web preview t.me/s/<channel>, the page that
    lists its posts (t.me/<channel> only shows a join card)."""
    segments = [s for s in path.split("/") if s]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if len(segments) == 1 and _TG_NAME.match(segments[0]):
        return f"/s/{segments[0]}"
    if len(segments) == 2 and _TG_NAME.match(segments[0]) and segments[1].isdigit():
        return f"/{segments[0]}/{segments[1]}"
    return path


def _encode(query: list[tuple[str, str]]) -> str:
    """Like urlencode, but a bare flag such as Telegram's ``?single`` stays bare."""
    return "&".join(urlencode([(k, v)]) if v else urlencode([(k, "")])[:-1] for k, v in query)


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)
