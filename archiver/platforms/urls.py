"""One spelling per post, so the same post cited two ways is captured once.

Platforms serve one post under several hosts (twitter.com, mobile.twitter.com, x.com;
t.me and its web preview t.me/s/) and share links carry tracking parameters that say
who shared, not what was shared. Both are folded away: the tracking parameters here,
on any site; the hosts, paths and parameters by the platform that owns the host (its
``hosts``, ``canonical`` and ``content_params``). Anything that selects content (a
video id, an album item, a start time) is kept.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archiver.platforms import registry
from archiver.terminal import shorten
from archiver.url_check import url_problem

# Parameters that only track the sharer or the campaign, on any site.
_TRACKING = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
    "mkt_tok", "ref_src", "ref_url", "spm", "share_id", "sharer", "si", "feature", "pp", "ab_channel",
    "is_from_webapp", "sender_device", "is_copy_url", "_r", "_t", "rdid", "mibextid", "__cft__", "__tn__",
}  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "__cft__[")


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
    port = parts.port
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    query = parse_qsl(parts.query, keep_blank_values=True)
    platform = registry.owner_of_host(host)
    if platform is not None:
        scheme = "https"
        host, path, query = platform.canonical(platform.hosts[host], path, query)
        if platform.content_params is not None:
            query = [(k, v) for k, v in query if k in platform.content_params]
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = [(k, v) for k, v in query if not _is_tracking(k)]
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, netloc, path, _encode(query), ""))


def _encode(query: list[tuple[str, str]]) -> str:
    """Like urlencode, but a bare flag such as Telegram's ``?single`` stays bare."""
    return "&".join(urlencode([(k, v)]) if v else urlencode([(k, "")])[:-1] for k, v in query)


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)
