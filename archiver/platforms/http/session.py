"""Plain HTTP through requests: one session per capture, streamed downloads, clear errors."""

from __future__ import annotations

import http.cookiejar
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

from archiver.errors import FetchError, HTTPStatusError, UsageError
from archiver.ingest import StagedFile
from archiver.platforms.base import FetchContext
from archiver.platforms.http import network
from archiver.safe_names import safe_name

CHUNK = 1024 * 1024


class PacedSession(requests.Session):
    """A session whose every request, redirects included, waits out --sleep-requests."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.config = config

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        network.space_request(self.config)
        return super().send(request, **kwargs)


def make_session(config: dict[str, Any]) -> requests.Session:
    session = PacedSession(config)
    session.headers["User-Agent"] = config["fetch"]["user_agent"]
    if network.proxy(config):
        session.proxies = {"http": network.proxy(config), "https": network.proxy(config)}
        session.trust_env = False  # the proxy asked for, not one from $HTTP_PROXY or bypassed by $NO_PROXY
    browser_jar = network.browser_cookies(config)
    if browser_jar is not None:
        session.cookies.update(browser_jar)  # a copy: what one capture is sent stays its own
    cookies_file = config["fetch"].get("cookies_file")
    if cookies_file:
        jar = http.cookiejar.MozillaCookieJar(cookies_file)
        try:
            jar.load(ignore_discard=True, ignore_expires=True)
        except (OSError, http.cookiejar.LoadError) as exc:
            raise UsageError(f"cannot read cookies file {cookies_file}: {exc}") from exc
        session.cookies = jar  # type: ignore[assignment]
    return session


def download(
    url: str, folder: Path, ctx: FetchContext, *, default_name: str = "file"
) -> tuple[Path, requests.Response]:
    """Stream ``url`` into ``folder``, refusing error statuses and files over the size limit."""
    try:
        response = ctx.session.get(url, stream=True, timeout=ctx.timeout, allow_redirects=True)
    except requests.exceptions.RequestException as exc:
        raise FetchError(describe_request_error(url, exc)) from exc
    with response:
        if response.status_code >= 400:
            reason = f" {response.reason}" if response.reason else ""
            raise HTTPStatusError(f"{url} answered HTTP {response.status_code}{reason}", response.status_code)
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > ctx.max_file_size:
            raise FetchError(f"{url} is {int(declared):,} bytes, over the {ctx.max_file_size:,}-byte limit")
        target = folder / response_file_name(response, default_name)
        total = int(declared) if declared and declared.isdigit() else None
        done = 0
        started = time.monotonic()
        try:
            with open(target, "wb") as out:
                for chunk in response.iter_content(CHUNK):
                    done += len(chunk)
                    if done > ctx.max_file_size:
                        raise FetchError(f"{url} sent more than the {ctx.max_file_size:,}-byte limit")
                    out.write(chunk)
                    ctx.report(target.name, done, total)
                    network.throttle(done, started, ctx.config)
        except requests.exceptions.RequestException as exc:
            raise FetchError(describe_request_error(url, exc)) from exc
    return target, response


def fetch_page(url: str, workdir: Path, ctx: FetchContext) -> StagedFile:
    """The web page around a post, kept under workdir/page/ with an .html name."""
    folder = workdir / "page"
    folder.mkdir(exist_ok=True)
    path, response = download(url, folder, ctx, default_name="page")
    if path.suffix.lower() not in (".html", ".htm"):
        path = path.rename(path.with_name(path.name + ".html"))
    return StagedFile(path, "page", path.name, response.url)


def response_file_name(response: requests.Response, default: str) -> str:
    disposition = response.headers.get("Content-Disposition", "")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.IGNORECASE)
    if match:
        return safe_name(unquote(match.group(1)), default)
    last = unquote(urlsplit(response.url).path.rsplit("/", 1)[-1])
    return safe_name(last, default)


def describe_request_error(url: str, exc: BaseException) -> str:
    host = urlsplit(url).hostname or url
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{host} did not answer in time ({url})"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return f"{url} redirects in a loop"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"{host} presented a TLS certificate that could not be verified"
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        if "Name or service not known" in text or "getaddrinfo" in text or "NameResolution" in text:
            return f"the host name {host} could not be resolved"
        if "Connection refused" in text:
            return f"{host} refused the connection"
        if "timed out" in text or "Read timed out" in text:
            return f"{host} did not answer in time ({url})"
        return f"could not connect to {host}"
    return f"fetching {url} failed: {exc}"
