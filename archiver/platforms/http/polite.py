"""How our platform adapters talk to a platform: slowly, patiently, and clearly.

A per-host pause keeps us under the rate at which Telegram and X start refusing
clients; 429 and 5xx answers are retried with a doubling wait (or the server's
Retry-After); a login wall becomes one sentence that says what to do about it.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from archiver.errors import FetchError, HTTPStatusError
from archiver.ingest import StagedFile
from archiver.platforms.base import FetchContext
from archiver.platforms.http.session import describe_request_error, download
from archiver.settings import run_of

_RETRY_STATUSES = {429, 500, 502, 503, 504}


class LoginRequiredError(FetchError):
    kind = "login-required"

    def __init__(self, platform: str, url: str, detail: str = "", *, cookies_file: str | None = None) -> None:
        host = urlsplit(url).hostname or url
        reason = f" ({detail})" if detail else ""
        if cookies_file:
            advice = (
                f"the cookies in {cookies_file} did not open a logged-in session; export fresh ones for "
                f"{host} from a browser where you are logged in"
            )
        else:
            advice = (
                f"pass --cookies-from-browser BROWSER, or export your browser's cookies for {host} to a "
                "cookies.txt file and pass --cookies FILE (setting fetch.cookies_file)"
            )
        super().__init__(f"{platform} asks for a login to show {url}{reason}; {advice}")


def wait_turn(url: str, ctx: FetchContext) -> None:
    """Sleep until this host's minimum interval since this run's last request to it has passed."""
    host = urlsplit(url).hostname or ""
    limits = ctx.config.get("platforms", {}).get("min_interval", {})
    interval = float(limits.get(host, limits.get("default", 0.0)))
    pause = run_of(ctx.config).pacing.reserve(host, interval)
    if pause > 0:
        time.sleep(pause)


def get(url: str, ctx: FetchContext, **kwargs: object) -> requests.Response:
    """GET with the host's pace and retries; the caller judges the final status."""
    settings = ctx.config.get("platforms", {})
    attempts = max(1, int(settings.get("retries", 3)))
    delay = float(settings.get("backoff", 2.0))
    for attempt in range(1, attempts + 1):
        wait_turn(url, ctx)
        try:
            response = ctx.session.get(url, timeout=ctx.timeout, **kwargs)
        except requests.exceptions.RequestException as exc:
            message = describe_request_error(url, exc)
            transient = isinstance(exc, requests.exceptions.ConnectionError | requests.Timeout)
            if attempt == attempts or not transient or "could not be resolved" in message:
                raise FetchError(message) from exc
            time.sleep(delay)
        else:
            if response.status_code not in _RETRY_STATUSES or attempt == attempts:
                return response
            time.sleep(_retry_after(response, delay))
        delay *= 2
    raise AssertionError("unreachable: the last attempt returns or raises")


def get_file(url: str, folder: Path, ctx: FetchContext, default_name: str) -> Path:
    """Stream one media file at the host's pace; a failed download is retried once."""
    for attempt in (1, 2):
        wait_turn(url, ctx)
        try:
            path, _ = download(url, folder, ctx, default_name=default_name)
            return path
        except FetchError:
            if attempt == 2:
                raise
            time.sleep(float(ctx.config.get("platforms", {}).get("backoff", 2.0)))
    raise AssertionError("unreachable")


def get_files(
    links: list[tuple[str, str]], folder: Path, ctx: FetchContext, *, role: str = "media"
) -> list[StagedFile]:
    """Each (URL, name to use when the server gives none) downloaded into ``folder``.

    A file the server refuses or no longer has (403, 404, 410: X refusing a video, a CDN
    link past its expiry) does not lose the post: the capture keeps the rest and notes the
    file as missing, so it is stored as incomplete and can be recaptured.
    """
    folder.mkdir(exist_ok=True)
    staged = []
    for url, default_name in links:
        try:
            path = get_file(url, folder, ctx, default_name)
        except HTTPStatusError as exc:
            if not 400 <= exc.status < 500 or exc.status == 429:
                raise
            ctx.note_missing(_what(default_name), f"the server answered HTTP {exc.status}", url)
            continue
        staged.append(StagedFile(path, role, path.name, url))
    return staged


def _what(name: str) -> str:
    """ "video", "photo" or "file", from the name the file would have had."""
    kind = (mimetypes.guess_type(name)[0] or "").partition("/")[0]
    return {"video": "video", "image": "photo"}.get(kind, "file")


def _retry_after(response: requests.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    return min(float(value), 120.0) if value.isdigit() else default
