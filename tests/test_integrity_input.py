"""Hostile input outside bundles: each ends in one sentence or a recorded outcome, never a
traceback or a hang (issue 9, "Never a traceback, never a hang")."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

import pytest

from store import Archive
from tests.conftest import run_archiver
from tests.hostile_media import write_png_bomb


def one_sentence(result) -> str:
    """stderr of a refused command: one line, no traceback."""
    err = result.stderr if hasattr(result, "stderr") else result
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("archiver: "), err
    return lines[0]


def perceptual_status(archive_dir: Path, sha256: str) -> tuple[str, str]:
    with sqlite3.connect(archive_dir / "catalog.db") as db:
        return db.execute(
            "SELECT status, detail FROM perceptual_hash_status WHERE sha256 = ?", [sha256]
        ).fetchone()


# -- decompression bombs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def png_bomb(tmp_path_factory) -> Path:
    return write_png_bomb(tmp_path_factory.mktemp("bomb") / "bomb.png")


def test_lookup_refuses_a_png_bomb_in_one_sentence(png_bomb, archive_dir):
    Archive(archive_dir).close()  # lookup reads an archive, it never makes one
    started = time.monotonic()
    result = run_archiver("lookup", str(png_bomb), timeout=60)
    assert result.returncode == 2
    line = one_sentence(result)
    assert "64,000,000 pixels" in line and hashlib.sha256(png_bomb.read_bytes()).hexdigest() in line
    assert time.monotonic() - started < 20


def test_import_keeps_a_png_bomb_without_a_perceptual_hash(png_bomb, archive_dir):
    result = run_archiver("import", str(png_bomb), "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    sha = hashlib.sha256(png_bomb.read_bytes()).hexdigest()
    stored = next((archive_dir / "blobs").rglob(sha + "*"))
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    status, detail = perceptual_status(archive_dir, sha)
    assert status == "failed" and detail.startswith("not hashed perceptually") and "pixels" in detail


def test_capture_of_a_png_bomb_keeps_its_bytes_and_does_not_crash(png_bomb, site, archive_dir):
    url = site.add("/huge.png", png_bomb.read_bytes(), "image/png")
    result = run_archiver("capture", url, "--json", timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    sha = hashlib.sha256(png_bomb.read_bytes()).hexdigest()
    assert perceptual_status(archive_dir, sha)[1].startswith("not hashed perceptually")


def test_pixel_cap_comes_from_the_config(tmp_path, archive_dir, timestamp_config):
    picture = write_png_bomb(tmp_path / "wide.png", 2000, 1000)  # 2 million pixels
    config = tmp_path / "cap.toml"
    config.write_text(timestamp_config.read_text() + "\n[hashing]\nmax_image_pixels = 1000000\n")
    env = {"ARCHIVER_CONFIG": str(config)}
    Archive(archive_dir).close()
    refused = run_archiver("lookup", str(picture), env=env, timeout=60)
    assert refused.returncode == 2 and "1,000,000 pixels" in one_sentence(refused)
    assert run_archiver("import", str(picture), env=env, timeout=60).returncode == 0
    sha = hashlib.sha256(picture.read_bytes()).hexdigest()
    assert perceptual_status(archive_dir, sha)[0] == "failed"
    assert run_archiver("lookup", str(picture), timeout=60).returncode != 2  # default cap: hashed fine


# -- malformed URLs --------------------------------------------------------------------

BAD_URLS = [
    "http://127.0.0.1:99999/",
    "http://[::1/x",
    "http://[::1]:0x/",
    "http://127.0.0.1:0/",
    "http://:80/",
    "https://user@/x",
    "http://a..b/",
    "http://exa mple.com/",
    "http://" + "a" * 64 + ".example/",
    "http://" + "a" * 100_000 + "/",
]


@pytest.mark.parametrize("url", BAD_URLS, ids=lambda u: u[:30])
def test_capture_refuses_a_malformed_url_in_one_sentence(cli, archive_dir, url):
    code, _, err = cli("capture", url)
    assert code == 2
    assert "is not an http(s) URL" in one_sentence(err) and len(err) < 600
    assert not (archive_dir / "catalog.db").exists()


@pytest.mark.parametrize("url", BAD_URLS[:3], ids=lambda u: u[:30])
def test_report_and_sources_refuse_a_malformed_url_in_one_sentence(cli, archive_dir, url):
    code, _, err = cli("report", url)
    assert code == 2 and "is not an http(s) URL" in one_sentence(err)
    code, _, err = cli("sources", "add", "Somebody", "--platform", "web", "--url", url)
    assert code == 2 and "is not an http(s) URL" in one_sentence(err)


def test_report_with_malformed_links_captures_the_good_ones(cli_json, site, archive_dir, tmp_path):
    good = site.add("/fine", b"<html><title>fine</title><p>hello</p></html>", "text/html")
    report = tmp_path / "report.md"
    report.write_text(f"See http://127.0.0.1:99999/x and http://a..b/c and http://[::1/x and {good} too.\n")
    code, result = cli_json("report", str(report), "--capture")
    assert code == 0, result
    assert [t["url"] for t in result["targets"]] == [good]


# -- a server that trickles -------------------------------------------------------------


def trickle(content_type: str):
    """A handler that promises 200 bytes and sends one every 5 seconds: each wait is well
    inside the socket timeout, the whole download takes a quarter of an hour."""

    def handler(request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", "200")
        request.end_headers()
        try:
            for _ in range(200):
                request.wfile.write(b" ")
                request.wfile.flush()
                time.sleep(5)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handler


@pytest.mark.parametrize(("path", "content_type"), [("/slow.html", "text/html"), ("/slow.mp4", "video/mp4")])
def test_a_trickling_server_hits_the_download_deadline(
    site, archive_dir, tmp_path, timestamp_config, path, content_type
):
    from tests.webserver import Route

    site.routes[path] = Route(handler=trickle(content_type))
    config = tmp_path / "deadline.toml"
    config.write_text(timestamp_config.read_text() + "\n[fetch]\ndeadline = 3\n")
    started = time.monotonic()
    result = run_archiver(
        "capture", site.url(path), "--json", env={"ARCHIVER_CONFIG": str(config)}, timeout=90
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "failed" and "3-second deadline" in outcome["error"], outcome
    assert elapsed < 60
    with sqlite3.connect(archive_dir / "catalog.db") as db:
        [(error,)] = db.execute("SELECT error FROM failed_attempts").fetchall()
    assert "deadline" in error
