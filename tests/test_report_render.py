"""The bundle's index.html in real headless Chromium: it renders, and asks the network for nothing.

Playwright drives Debian's Chromium and records every request the page makes (the
browser's own background services are not the page and are not counted). A control
page with one external image proves the recorder sees requests when there are some.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from archiver.run_state import RunState
from archiver.screenshot import shared_browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser():
    """The Chromium archiver itself drives for screenshots (one Playwright driver per thread)."""
    assert CHROMIUM, "Debian's chromium is required (installed by .ci/run)"
    run = RunState()
    yield shared_browser(CHROMIUM, run)
    run.close()


def render(browser, page_file: Path, screenshot: Path) -> list[str]:
    """Open the page, wait for it to settle, screenshot it; return every URL it requested."""
    page = browser.new_page(viewport={"width": 1200, "height": 1600})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return requested


def test_control_page_with_an_external_image_is_caught(browser, tmp_path):
    control = tmp_path / "control.html"
    control.write_text("<html><body><img src='http://evidence.invalid/x.png'>control</body></html>")
    requested = render(browser, control, tmp_path / "control.png")
    assert "http://evidence.invalid/x.png" in requested


def test_bundle_report_renders_with_no_network_request(browser, site, media, cli_json, tmp_path):
    site.add("/v/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    site.add("/i/photo.jpg", media["jpeg"].read_bytes(), "image/jpeg")
    html = b"<html><head><title>Citadel</title></head><body><video src='/v/clip.mp4'></video></body></html>"
    _, [video] = cli_json("capture", site.add("/post/7", html, "text/html"))
    _, [photo] = cli_json("capture", site.url("/i/photo.jpg"))
    bag = tmp_path / "bundle"
    code, _ = cli_json("export", video["capture_id"], photo["capture_id"], "-o", str(bag))
    assert code == 0
    shot = tmp_path / "report.png"
    requested = render(browser, bag / "index.html", shot)
    assert [url for url in requested if not url.startswith(LOCAL_SCHEMES)] == []
    assert any(url.endswith(".jpg") for url in requested)  # the photo preview did load, from the bag
    with Image.open(shot) as image:
        stats = ImageStat.Stat(image.convert("L"))
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert stats.stddev[0] > 10 and len(colours) > 50  # text, tables and the photo, not a blank page
