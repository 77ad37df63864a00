"""A full-page screenshot of a captured page, rendered in headless Chromium.

The browser is given no network of its own: every request it makes is answered by
archiver's HTTP session, inside the capture's WARC recording, so the screenshot shows
exactly the exchanges the WARC holds and nothing the archive cannot account for.
Chromium is optional; without it the capture goes on and says why it has no picture.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import requests

from archiver.run_state import RunState
from archiver.settings import run_of

# Headers Chromium must not see twice or in a form the body no longer has: requests
# hands over the decoded body, whole.
_DROPPED_RESPONSE_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}
_CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
_DROPPED_REQUEST_HEADERS = {"host", "content-length", "connection", "accept-encoding"}


class ScreenshotUnavailable(Exception):
    """No screenshot for this capture; the message says why, for the capture's metadata."""


def find_browser(config: dict[str, Any]) -> str:
    configured = config.get("screenshot", {}).get("browser") or ""
    candidates = [configured] if configured else ["chromium", "chromium-browser", "google-chrome"]
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    raise ScreenshotUnavailable(f"no Chromium found (looked for {', '.join(candidates)})")


def take_screenshot(url: str, target: Path, session: requests.Session, config: dict[str, Any]) -> Path:
    """Render ``url`` with every request served through ``session``; write a PNG to ``target``."""
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError as exc:
        raise ScreenshotUnavailable("the playwright package is not installed") from exc
    settings = config.get("screenshot", {})
    timeout_ms = float(settings.get("timeout", 30)) * 1000
    budget = _ByteBudget(int(config["fetch"]["max_file_size"]))
    try:
        context = shared_browser(find_browser(config), run_of(config)).new_context(
            viewport={"width": int(settings.get("width", 1280)), "height": int(settings.get("height", 900))},
            service_workers="block",
            user_agent=config["fetch"]["user_agent"],
        )
        try:
            context.route("**/*", lambda route, request: _answer(route, request, session, budget, config))
            context.route_web_socket("**/*", lambda ws: ws.close())
            page = context.new_page()
            page.goto(url, wait_until="load", timeout=timeout_ms)
            _settle(page)
            page.screenshot(path=str(target), full_page=True, timeout=timeout_ms)
        finally:
            context.close()
    except PlaywrightError as exc:
        raise ScreenshotUnavailable(
            f"Chromium could not render the page: {exc.message.splitlines()[0]}"
        ) from exc
    return target


def shared_browser(executable: str, run: RunState) -> Any:
    """One Chromium per run, started on first use: a capture run of many pages pays the
    browser's start-up once, and Playwright's synchronous driver allows only one per
    thread anyway. Each screenshot still gets a fresh, empty context; the browser is shut
    down with the run."""
    browser = run.browsers.get(executable)
    if browser is None or not browser.is_connected():
        from playwright.sync_api import sync_playwright

        driver = sync_playwright().start()
        browser = driver.chromium.launch(executable_path=executable, args=_CHROMIUM_FLAGS)
        run.browsers[executable] = browser
        run.on_close(_shut_down, browser, driver)
    return browser


def _shut_down(browser: Any, driver: Any) -> None:
    with contextlib.suppress(Exception):  # the browser may already be gone at exit
        browser.close()
        driver.stop()


class _ByteBudget:
    """Caps what one rendering may pull, so a page cannot stream without end into memory."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, size: int) -> bool:
        self.left -= size
        return self.left >= 0


def _answer(route: Any, request: Any, session: requests.Session, budget: _ByteBudget, config: dict) -> None:
    if not request.url.startswith(("http://", "https://")):
        route.abort()
        return
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED_REQUEST_HEADERS}
    try:
        response = session.request(
            request.method,
            request.url,
            headers=headers,
            data=request.post_data_buffer,
            allow_redirects=False,
            timeout=float(config["fetch"]["timeout"]),
        )
    except requests.RequestException:
        route.abort("failed")
        return
    if not budget.spend(len(response.content)):
        route.abort("failed")
        return
    kept = {k: v for k, v in response.headers.items() if k.lower() not in _DROPPED_RESPONSE_HEADERS}
    route.fulfill(status=response.status_code, headers=kept, body=response.content)


def _settle(page: Any) -> None:
    """Give late scripts and lazy images a moment, without waiting forever on a chatty page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=3000)
