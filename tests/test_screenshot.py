"""Page screenshots: rendered in Chromium with every request answered through the WARC."""

from __future__ import annotations

import io
import json

from PIL import Image, ImageStat

from store import Archive
from tests.test_capture import by_role, sha, warc_responses

PAGE = (
    b"<html><head><title>Checkpoint</title><link rel='stylesheet' href='/s/site.css'></head>"
    b"<body><h1>Checkpoint north of the city</h1><img src='/s/photo.jpg'></body></html>"
)


def test_page_screenshot_is_a_png_and_its_requests_are_in_the_warc(site, media, cli_json, archive_dir):
    photo = media["jpeg"].read_bytes()
    site.add("/s/site.css", b"body { background: #ffe0e8; font: 32px sans-serif; }", "text/css")
    site.add("/s/photo.jpg", photo, "image/jpeg")
    url = site.add("/s/post", PAGE, "text/html")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    [shot] = by_role(result, "screenshot")
    assert shot["mime"] == "image/png"
    picture = Image.open(io.BytesIO(Archive(archive_dir).blobs.path(shot["sha256"]).read_bytes()))
    assert picture.width == 1280 and picture.height >= 900
    # the photo and the pink background both show: far from one flat colour
    assert max(ImageStat.Stat(picture.convert("L")).stddev) > 20
    assert picture.convert("RGB").getpixel((1270, 5)) == (255, 224, 232)
    replayed = warc_responses(archive_dir, by_role(result, "warc")[0]["sha256"])
    assert [payload for _, payload, _ in replayed[site.url("/s/photo.jpg")]] == [photo]
    assert site.url("/s/site.css") in replayed
    assert sha(PAGE) in {a["sha256"] for a in by_role(result, "page")}


def test_missing_browser_is_noted_and_the_capture_still_lands(
    site, cli_json, archive_dir, tmp_path, monkeypatch
):
    config = tmp_path / "nobrowser.toml"
    config.write_text('[screenshot]\nbrowser = "/nonexistent/chromium"\n')
    monkeypatch.setenv("ARCHIVER_CONFIG", str(config))
    url = site.add("/s/plain", PAGE, "text/html")
    code, [result] = cli_json("capture", url)
    assert code == 0 and by_role(result, "screenshot") == []
    row = Archive(archive_dir).catalog.one(
        "SELECT metadata FROM captures WHERE id = ?", [result["capture_id"]]
    )
    assert "no Chromium found" in json.loads(row["metadata"])["screenshot_error"]
