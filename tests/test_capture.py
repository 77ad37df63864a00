"""`archiver capture` against real content served from 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from store import Archive


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warc_responses(archive_dir: Path, warc_sha: str) -> dict[str, list]:
    """URL -> [(status, payload bytes, ip)] replayed from the stored WARC with warcio."""
    found: dict[str, list] = {}
    blob = Archive(archive_dir).blobs.path(warc_sha)
    with open(blob, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                status = record.http_headers.get_statuscode()
                ip = record.rec_headers.get_header("WARC-IP-Address")
                found.setdefault(uri, []).append((status, record.content_stream().read(), ip))
    return found


def og_page(page_title: str, **og: str) -> bytes:
    """A post page described with Open Graph tags, as platforms and news sites serve them."""
    tags = "".join(f'<meta property="og:{key}" content="{value}">' for key, value in og.items())
    if "video" in og:
        tags += '<meta property="og:video:type" content="video/mp4">'
    return f"<html><head><title>{page_title}</title>{tags}</head><body>text</body></html>".encode()


def by_role(result: dict, role: str) -> list[dict]:
    return [a for a in result["artifacts"] if a["role"] == role]


def assert_catalog_matches_blobs(archive_dir: Path) -> None:
    archive = Archive(archive_dir)
    assert archive.catalog.integrity_errors() == []
    assert archive.orphan_blobs() == []
    for row in archive.catalog.rows("SELECT sha256, size FROM blobs"):
        data = archive.blobs.path(row["sha256"]).read_bytes()
        assert sha(data) == row["sha256"] and len(data) == row["size"]


def test_direct_mp4_is_stored_byte_for_byte_with_its_warc(site, media, cli_json, archive_dir):
    body = media["mp4"].read_bytes()
    url = site.add("/v/clip.mp4", body, "video/mp4")
    code, results = cli_json("capture", url, "--case", "aleppo")
    assert code == 0
    [result] = results
    assert result["status"] == "ok" and result["error"] is None and result["url"] == url
    [video] = by_role(result, "media")
    assert video["sha256"] == sha(body) and video["size"] == len(body) and video["mime"] == "video/mp4"
    [warc] = by_role(result, "warc")
    replayed = warc_responses(archive_dir, warc["sha256"])
    assert any(
        status == "200" and payload == body and ip == "127.0.0.1" for status, payload, ip in replayed[url]
    )
    row = Archive(archive_dir).catalog.one("SELECT * FROM captures WHERE id = ?", [result["capture_id"]])
    assert row["case_name"] == "aleppo" and row["platform"] == "web" and row["extractor"].startswith("yt-dlp")
    blob = Archive(archive_dir).catalog.one("SELECT * FROM blobs WHERE sha256 = ?", [video["sha256"]])
    assert (blob["width"], blob["height"], blob["video_codec"], blob["duration"]) == (320, 240, "h264", 2.0)
    assert_catalog_matches_blobs(archive_dir)


def test_page_with_video_tag_keeps_media_and_page(site, media, cli_json, archive_dir):
    body = media["mp4"].read_bytes()
    site.add("/media/clip.mp4", body, "video/mp4")
    html = (
        b"<html><head><title>Citadel clip</title></head>"
        b"<body><video src='/media/clip.mp4'></video></body></html>"
    )
    url = site.add("/post/1", html, "text/html; charset=utf-8")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    assert [a["sha256"] for a in by_role(result, "media")] == [sha(body)]
    assert [a["sha256"] for a in by_role(result, "page")] == [sha(html)]
    replayed = warc_responses(archive_dir, by_role(result, "warc")[0]["sha256"])
    assert site.url("/media/clip.mp4") in replayed and url in replayed


def test_page_with_og_video_is_followed(site, media, cli_json):
    body = media["mp4"].read_bytes()
    site.add("/og/clip.mp4", body, "video/mp4")
    video_url = site.url("/og/clip.mp4")
    url = site.add("/post/og", og_page("Post", video=video_url), "text/html")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    assert [a["sha256"] for a in by_role(result, "media")] == [sha(body)]


def test_jpeg_is_kept_as_image_media(site, media, cli_json):
    body = media["jpeg"].read_bytes()
    url = site.add("/img/coffee.jpg", body, "image/jpeg")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    [image] = by_role(result, "media")
    assert image["sha256"] == sha(body) and image["mime"] == "image/jpeg" and image["kind"] == "image"


def test_plain_page_without_media_is_kept_as_page(site, cli_json):
    html = b"<!doctype html><html><head><title>Statement</title></head><body>No video here.</body></html>"
    url = site.add("/statement", html, "text/html")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    assert [a["sha256"] for a in by_role(result, "page")] == [sha(html)]
    assert result["title"] == "Statement"


def test_redirect_chain_is_followed_and_every_hop_recorded(site, media, cli_json, archive_dir):
    body = media["jpeg"].read_bytes()
    final = site.add("/final.jpg", body, "image/jpeg")
    site.add("/hop2", status=302, headers={"Location": "/final.jpg"})
    first = site.add("/hop1", status=301, headers={"Location": site.url("/hop2")})
    code, [result] = cli_json("capture", first)
    assert code == 0, result
    assert result["final_url"] == final
    replayed = warc_responses(archive_dir, by_role(result, "warc")[0]["sha256"])
    assert {"301", "302", "200"} <= {status for hits in replayed.values() for status, _, _ in hits}
    assert first in replayed and site.url("/hop2") in replayed


def assert_failed(cli_json, archive_dir: Path, url: str, words: str, *extra: str) -> dict:
    code, [result] = cli_json("capture", url, *extra)
    assert code == 1
    assert result["status"] == "failed" and words in result["error"], result
    assert result["artifacts"] == []
    archive = Archive(archive_dir)
    attempt = archive.catalog.one("SELECT * FROM failed_attempts WHERE id = ?", [result["capture_id"]])
    assert attempt["url"] == url and attempt["error"] == result["error"] and attempt["ended_at"].endswith("Z")
    assert archive.catalog.rows("SELECT * FROM captures") == []
    assert archive.catalog.rows("SELECT * FROM artifacts") == []
    assert_catalog_matches_blobs(archive_dir)
    return attempt


def test_404_is_a_recorded_failure_with_the_servers_answer(site, cli_json, archive_dir):
    url = site.url("/gone")
    attempt = assert_failed(cli_json, archive_dir, url, "HTTP 404")
    replayed = warc_responses(archive_dir, attempt["warc_sha256"])
    assert [status for status, _, _ in replayed[url]][-1] == "404"


def test_500_is_a_recorded_failure(site, cli_json, archive_dir):
    url = site.add("/broken", b"oops", "text/plain", status=500)
    assert_failed(cli_json, archive_dir, url, "HTTP 500")


def test_slow_server_times_out(site, cli_json, archive_dir):
    url = site.add("/slow", b"late", "text/plain", delay=3)
    assert_failed(cli_json, archive_dir, url, "did not answer in time", "--timeout", "0.5")


def test_refused_connection_fails_cleanly(cli_json, archive_dir):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert_failed(cli_json, archive_dir, f"http://127.0.0.1:{port}/x", "refused")


def test_non_media_binary_is_nothing_archivable(site, cli_json, archive_dir):
    url = site.add("/blob.bin", bytes(range(256)) * 64, "application/octet-stream")
    assert_failed(cli_json, archive_dir, url, "neither a web page nor media")


def test_corrupt_jpeg_is_refused(site, media, cli_json, archive_dir):
    truncated = media["jpeg"].read_bytes()[:2000]
    url = site.add("/broken.jpg", truncated, "image/jpeg")
    assert_failed(cli_json, archive_dir, url, "not a readable image")


def test_corrupt_video_is_refused(site, cli_json, archive_dir):
    fake = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 5000
    url = site.add("/broken.mp4", fake, "video/mp4")
    code, [result] = cli_json("capture", url)
    assert code == 1 and result["status"] == "failed"
    assert_catalog_matches_blobs(archive_dir)


def test_file_over_the_size_limit_is_refused(site, media, cli_json, archive_dir, tmp_path, monkeypatch):
    config = tmp_path / "small.toml"
    config.write_text("[fetch]\nmax_file_size = 10000\n")
    monkeypatch.setenv("ARCHIVER_CONFIG", str(config))
    url = site.add("/big.jpg", media["jpeg"].read_bytes(), "image/jpeg")
    assert_failed(cli_json, archive_dir, url, "limit")


def test_hostile_file_name_stays_inside_the_archive(site, media, cli_json, archive_dir, tmp_path):
    body = media["jpeg"].read_bytes()
    hostile = "../../../../tmp/evil\x1b[31m\x07name.jpg"
    url = site.add(
        "/dl", body, "image/jpeg", headers={"Content-Disposition": f'attachment; filename="{hostile}"'}
    )
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    [image] = by_role(result, "media")
    assert "/" not in image["name"] and ".." not in image["name"]
    assert all(ch.isprintable() for ch in image["name"])
    assert not Path("/tmp/evil").exists()
    inside = {p.resolve() for p in archive_dir.rglob("*")}
    assert all(str(p).startswith(str(archive_dir.resolve())) for p in inside)


def test_malformed_url_is_a_usage_error(cli, archive_dir):
    code, out, err = cli("capture", "not a url")
    assert code == 2 and "not an http(s) URL" in err and "Traceback" not in err
    assert not (archive_dir / "catalog.db").exists()


def test_same_bytes_captured_twice_are_stored_once(site, media, cli_json, archive_dir):
    url = site.add("/again.jpg", media["jpeg"].read_bytes(), "image/jpeg")
    cli_json("capture", url)
    cli_json("capture", url)
    db = sqlite3.connect(archive_dir / "catalog.db")
    captures = db.execute("SELECT count(*) FROM captures").fetchone()[0]
    media_rows = db.execute(
        "SELECT count(*), count(DISTINCT sha256) FROM artifacts WHERE role='media'"
    ).fetchone()
    assert captures == 2 and media_rows == (2, 1)
    files = [p for p in (archive_dir / "blobs").rglob("*") if p.is_file() and ".incoming" not in p.parts]
    assert len(files) == db.execute("SELECT count(*) FROM blobs").fetchone()[0]


def test_thumbnail_description_and_metadata_are_kept(site, media, cli_json, archive_dir):
    video, thumb = media["mp4"].read_bytes(), media["jpeg"].read_bytes()
    site.add("/m/v.mp4", video, "video/mp4")
    site.add("/m/t.jpg", thumb, "image/jpeg")
    html = og_page(
        "Convoy in the old city",
        title="Convoy in the old city",
        description="Vehicles pass the citadel at dawn.",
        image=site.url("/m/t.jpg"),
        video=site.url("/m/v.mp4"),
    )
    url = site.add("/p/convoy", html, "text/html")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    assert [a["sha256"] for a in by_role(result, "thumbnail")] == [sha(thumb)]
    [description] = by_role(result, "description")
    [info] = by_role(result, "metadata")
    archive = Archive(archive_dir)
    assert archive.blobs.path(description["sha256"]).read_text() == "Vehicles pass the citadel at dawn."
    info_json = json.loads(archive.blobs.path(info["sha256"]).read_text())
    assert info_json["title"] == "Convoy in the old city"
    row = archive.catalog.one("SELECT * FROM captures WHERE id = ?", [result["capture_id"]])
    assert (
        row["post_text"] == "Vehicles pass the citadel at dawn." and row["title"] == "Convoy in the old city"
    )
    assert json.loads(row["tool_versions"])["yt-dlp"]


def test_subtitle_track_is_kept(site, media, cli_json):
    body = media["mp4"].read_bytes()
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.500\nThe convoy turns left at the citadel.\n"
    site.add("/media/sub.mp4", body, "video/mp4")
    site.add("/media/sub.en.vtt", vtt, "text/vtt")
    html = (
        b"<html><head><title>Subtitled clip</title></head><body>"
        b"<video src='/media/sub.mp4'><track kind='subtitles' srclang='en' src='/media/sub.en.vtt'></video>"
        b"</body></html>"
    )
    url = site.add("/post/subtitled", html, "text/html")
    code, [result] = cli_json("capture", url)
    assert code == 0, result
    assert [a["sha256"] for a in by_role(result, "media")] == [sha(body)]
    assert [a["sha256"] for a in by_role(result, "subtitle")] == [sha(vtt)]
