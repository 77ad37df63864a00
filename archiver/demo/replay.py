"""Replay: send every outgoing request to a local server of recorded responses.

Used by `archiver demo` and the tests, never by a real capture. When the setting
``[platforms] replay`` names a server (``http://127.0.0.1:PORT``), a request for
``https://t.me/foo/1?embed=1`` goes to ``http://127.0.0.1:PORT/t.me/foo/1?embed=1``
instead, from both sides of the pipeline: the requests session (a transport adapter)
and yt-dlp (a request handler registered in its networking layer), so the real yt-dlp
extractors and our adapters parse the recorded pages. Responses are handed back under
their original URL. Requests to loopback addresses are never rewritten.

Nothing happens on import: the yt-dlp handler is registered when a replay starts and
removed when the last one ends, so a real capture never meets it, and this module is
imported only when the settings name a replay server (see archiver.demo.replaying).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from yt_dlp.networking import common as yt_networking
from yt_dlp.networking._requests import RequestsRH
from yt_dlp.networking.exceptions import UnsupportedRequest

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_active_server: str | None = None


def to_replay(url: str, server: str) -> str:
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{server}/{parts.netloc}{parts.path or '/'}{query}"


def from_replay(url: str, server: str) -> str:
    """The original URL of a rewritten one (redirects come back in rewritten form)."""
    if not url.startswith(server + "/"):
        return url
    return "https://" + url[len(server) + 1 :]


def _rewrites(url: str) -> bool:
    return _active_server is not None and (urlsplit(url).hostname or "") not in _LOOPBACK


class ReplayAdapter(HTTPAdapter):
    """requests side: rewrite on the way out, restore the URL on the way back."""

    def __init__(self, server: str) -> None:
        super().__init__()
        self.server = server

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        original = request.url or ""
        if (urlsplit(original).hostname or "") in _LOOPBACK:
            return super().send(request, **kwargs)
        request.url = to_replay(original, self.server)
        try:
            response = super().send(request, **kwargs)
        finally:
            request.url = original
        response.url = original
        location = response.headers.get("Location")
        if location:
            response.headers["Location"] = from_replay(location, self.server)
        return response


class ArchiverReplayRH(RequestsRH):
    """yt-dlp side: only takes requests while a replay is active, then outranks every handler."""

    def _validate(self, request: Any) -> None:
        if not _rewrites(request.url):
            raise UnsupportedRequest("archiver replay is not active for this request")
        super()._validate(request)

    def _send(self, request: Any) -> Any:
        server = _active_server
        assert server is not None
        rewritten = request.copy()
        rewritten.url = to_replay(request.url, server)
        cookies = self._cookie_header(request)
        if cookies:  # the jar would match them against 127.0.0.1, not the platform's host
            rewritten.headers["Cookie"] = cookies
        response = super()._send(rewritten)
        response.url = from_replay(response.url, server)
        return response

    def _cookie_header(self, request: Any) -> str | None:
        probe = urllib.request.Request(request.url)
        self._get_cookiejar(request).add_cookie_header(probe)
        return probe.get_header("Cookie")


def _replay_first(handler: Any, request: Any) -> int:
    """yt-dlp's preference hook: outrank every other handler (ours refuses what it must not take)."""
    return 10_000 if isinstance(handler, ArchiverReplayRH) else 0


def _register() -> None:
    yt_networking._REQUEST_HANDLERS[ArchiverReplayRH.RH_KEY] = ArchiverReplayRH
    yt_networking._RH_PREFERENCES.add(_replay_first)


def _unregister() -> None:
    yt_networking._REQUEST_HANDLERS.pop(ArchiverReplayRH.RH_KEY, None)
    yt_networking._RH_PREFERENCES.discard(_replay_first)


@contextmanager
def replay_to(server: str, session: requests.Session) -> Iterator[None]:
    """Route this session's traffic, and that of every yt-dlp made meanwhile, to ``server``."""
    global _active_server
    adapter = ReplayAdapter(server)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    previous, _active_server = _active_server, server
    if previous is None:
        _register()
    try:
        yield
    finally:
        _active_server = previous
        if previous is None:
            _unregister()
