"""Is this a URL we can fetch? Decided once, before any fetcher sees it.

requests, urllib3 and yt-dlp each parse URLs their own way and fail on malformed ones
with their own exceptions (an out-of-range port, an unclosed IPv6 bracket, an empty
host label reach them as ValueError, UnicodeError or yt-dlp's RequestError, not as a
failed fetch). Checking here turns all of them into one sentence before any work.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from archiver.terminal import shorten

MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a fetchable http(s) URL, as a clause; None when it is one."""
    if _SPACE_OR_CONTROL.search(url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # an unclosed [ or a bracketed host that is no IP address
        return _lower_first(str(exc))
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    if parts.scheme.lower() not in ("http", "https"):
        return "it does not start with http:// or https://"
    if not host:
        return "it names no host"
    if port == 0:
        return "its port is not a number from 1 to 65535"
    return _host_problem(host)


def _host_problem(host: str) -> str | None:
    if ":" in host:
        return None  # a bracketed IPv6 address, which urlsplit has checked already
    name = host.rstrip(".")
    labels = name.split(".")
    if len(name) > MAX_HOST_LENGTH or any(not 0 < len(label) <= MAX_LABEL_LENGTH for label in labels):
        return f"its host name {shorten(host, 60)} has an empty or over-long part"
    if not name.isascii():
        try:
            name.encode("idna")
        except UnicodeError:
            return f"its host name {shorten(host, 60)} is not a valid internationalised name"
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
