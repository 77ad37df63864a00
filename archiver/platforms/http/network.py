"""How this run reaches the network, the same for our adapters and for yt-dlp: a proxy,
the researcher's cookies (a cookies.txt file or a browser's own store), a pause between
requests and a cap on download speed, as yt-dlp's flags of the same names set them.

Setting them once, in the fetch settings, means a capture cannot go out half through a
proxy (our page fetch) and half directly (yt-dlp's media), nor pace one and not the other.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from archiver.errors import UsageError
from archiver.settings import run_of

ANY_HOST = "*"  # the pacing key of --sleep-requests: it spaces every request, whatever its host


def proxy(config: dict[str, Any]) -> str | None:
    return config["fetch"].get("proxy") or None


def browser_cookie_source(config: dict[str, Any]) -> tuple[str, str | None] | None:
    """(browser, profile) from ``BROWSER[:PROFILE]``, as yt-dlp's --cookies-from-browser reads it."""
    spec = config["fetch"].get("cookies_from_browser") or ""
    if not spec:
        return None
    browser, _, profile = spec.partition(":")
    return browser.lower(), profile or None


def browser_cookies(config: dict[str, Any]) -> Any:
    """The browser's cookie jar, read once a run by yt-dlp's own reader (so ours and its
    agree); None when no browser is named. The CLI reads it before any fetch, so a browser
    that cannot be read is a usage error, not one failed capture per URL."""
    source = browser_cookie_source(config)
    if source is None:
        return None
    jars = run_of(config).cookie_jars
    spec = config["fetch"]["cookies_from_browser"]
    if spec not in jars:
        jars[spec] = _read_browser(*source)
    return jars[spec]


def _read_browser(browser: str, profile: str | None) -> Any:
    from yt_dlp.cookies import SUPPORTED_BROWSERS, extract_cookies_from_browser

    if browser not in SUPPORTED_BROWSERS:
        known = ", ".join(sorted(SUPPORTED_BROWSERS))
        raise UsageError(f"--cookies-from-browser: {browser!r} is not a browser yt-dlp reads ({known})")
    try:
        return extract_cookies_from_browser(browser, profile, logger=_SilentLogger())
    except Exception as exc:  # a browser's store fails in its own ways (keyring, schema, lock)
        raise UsageError(f"cannot read the cookies of {browser}: {exc}") from exc


def request_interval(config: dict[str, Any]) -> float:
    return float(config["fetch"].get("sleep_requests") or 0)


def rate_limit(config: dict[str, Any]) -> int | None:
    """Bytes per second a download may take, None for no cap."""
    return int(config["fetch"].get("limit_rate") or 0) or None


def space_request(config: dict[str, Any]) -> None:
    """Wait out --sleep-requests since this run's last request, to any host."""
    interval = request_interval(config)
    if interval > 0:
        pause = run_of(config).pacing.reserve(ANY_HOST, interval)
        if pause > 0:
            time.sleep(pause)


def request_made(config: dict[str, Any]) -> None:
    """Note that a request went out just now (yt-dlp's own, which do not pass space_request)."""
    if request_interval(config) > 0:
        run_of(config).pacing.reserve(ANY_HOST, 0.0)


@contextmanager
def ytdlp_turn(config: dict[str, Any]) -> Iterator[None]:
    """Around a yt-dlp run: its first request waits its turn like ours, and our next one
    waits from its last (yt-dlp spaces only the requests in between, by its own options)."""
    space_request(config)
    try:
        yield
    finally:
        request_made(config)


def throttle(done: int, started: float, config: dict[str, Any]) -> None:
    """Sleep as long as it takes for ``done`` bytes since ``started`` to stay under --limit-rate."""
    rate = rate_limit(config)
    if rate:
        ahead = done / rate - (time.monotonic() - started)
        if ahead > 0:
            time.sleep(ahead)


def ytdlp_options(config: dict[str, Any]) -> dict[str, Any]:
    """The same settings in yt-dlp's option names."""
    options: dict[str, Any] = {}
    if config["fetch"].get("cookies_file"):
        options["cookiefile"] = config["fetch"]["cookies_file"]
    source = browser_cookie_source(config)
    if source is not None:
        options["cookiesfrombrowser"] = (source[0], source[1], None, None)
    if proxy(config):
        options["proxy"] = proxy(config)
    interval = request_interval(config)
    if interval > 0:
        options["sleep_interval_requests"] = interval  # between its page requests
        options["sleep_interval"] = interval  # and before each download
    if rate_limit(config):
        options["ratelimit"] = rate_limit(config)
    return options


class _SilentLogger:
    """yt-dlp's cookie reader reports progress on stderr; a failure comes back as an exception."""

    def debug(self, message: str, *args: object, **kwargs: object) -> None:
        pass

    info = warning = error = debug

    def progress_bar(self) -> None:
        return None
