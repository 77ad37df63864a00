"""Issue 9 item 4: the researcher's credentials never leave the archive in an exported bundle.

A real site on 127.0.0.1 that answers only a logged-in request (the cookie from
``[fetch] cookies_file``) and sets a login cookie; a real capture, a real export (folder
and zip), then every byte of the bundle searched, down into the WACZ's gzipped WARC.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.webserver import Route

SESSION = "researcher-session-5f1c2e9a7b"  # the researcher's auth_token, in the cookies file
LOGIN = "server-issued-login-88d0a3c4"  # what the site sets on a logged-in view
URL_TOKEN = "url-token-31b7e6f0c2"  # a token the site puts in a redirect


@pytest.fixture
def logged_in_capture(site, media, archive_dir, cli_json, tmp_path) -> tuple[str, Path]:
    """A capture that only succeeds with the cookie; returns its id and its WARC blob in the archive.

    The page embeds a video, so yt-dlp fetches it too and writes its info.json (which lists
    the cookies it sent)."""

    def members(handler: BaseHTTPRequestHandler) -> None:
        logged_in = f"auth_token={SESSION}" in handler.headers.get("Cookie", "")
        body = b"<html><head><title>Members only</title></head><body><video src='/v/clip.mp4'></video>"
        handler.send_response(200 if logged_in else 403)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Set-Cookie", f"login_session={LOGIN}; Path=/; HttpOnly")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.routes["/members"] = Route(handler=members)
    site.add("/v/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    site.add("/go", status=302, headers={"Location": f"/members?access_token={URL_TOKEN}&post=7"})
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        f"# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tauth_token\t{SESSION}\n"
    )
    archive_dir.mkdir()
    (archive_dir / "config.toml").write_text(f'[fetch]\ncookies_file = "{cookies}"\n')
    code, [captured] = cli_json("capture", site.url("/go"))
    assert code == 0 and captured["status"] == "ok", captured  # the site saw the cookie
    [warc] = [a for a in captured["artifacts"] if a["role"] == "warc"]
    [info] = [a for a in captured["artifacts"] if a["name"].endswith(".info.json")]
    info_blob = archive_dir / "blobs" / info["sha256"][:2] / info["sha256"][2:4] / info["sha256"]
    assert SESSION in info_blob.read_text()  # yt-dlp wrote the cookies it sent
    blob = archive_dir / "blobs" / warc["sha256"][:2] / warc["sha256"][2:4] / warc["sha256"]
    assert SESSION.encode() in gzip.decompress(blob.read_bytes())  # the archive keeps it as recorded
    return captured["capture_id"], blob


def every_byte(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """A file's bytes, and those of everything zipped or gzipped inside it, recursively."""
    yield name, data
    if data[:2] == b"\x1f\x8b":
        yield from every_byte(f"{name}!gunzip", gzip.decompress(data))
    elif zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                yield from every_byte(f"{name}!{member}", zf.read(member))


def leaks(path: Path, secrets: list[str]) -> list[str]:
    files = [p for p in sorted(path.rglob("*")) if p.is_file()] if path.is_dir() else [path]
    return [
        f"{name} holds {secret}"
        for file in files
        for name, data in every_byte(str(file), file.read_bytes())
        for secret in secrets
        if secret.encode() in data
    ]


def test_exported_bundle_holds_no_credential_and_verifies(logged_in_capture, cli_json, tmp_path):
    capture_id, blob = logged_in_capture
    original_sha256 = hashlib.sha256(blob.read_bytes()).hexdigest()
    folder, zipped = tmp_path / "bundle", tmp_path / "bundle.zip"
    for out in (folder, zipped):
        code, result = cli_json("export", capture_id, "-o", str(out))
        assert code == 0, result
        assert leaks(out, [SESSION, LOGIN]) == []
        code, report = cli_json("verify", str(out))
        assert code == 0 and report["ok"], report["findings"]
    # the token of the redirect is gone from the WARC and from the WACZ's index and pages
    # (the final URL is evidence as recorded: it stays in manifest.json and in yt-dlp's file names)
    capture = folder / "data" / "captures" / capture_id
    [bagged_warc] = (capture / "files").glob("*.warc.gz")
    assert leaks(bagged_warc, [URL_TOKEN]) == []
    assert leaks(folder / "data" / "archive.wacz", [URL_TOKEN]) == []

    assert hashlib.sha256(blob.read_bytes()).hexdigest() == original_sha256 == blob.name
    assert SESSION.encode() in gzip.decompress(blob.read_bytes())  # the original stays in the archive

    redactions = json.loads((capture / "redactions.json").read_text())
    [entry] = [e for e in redactions["files"] if e["path"].endswith(".warc.gz")]
    [info] = [e for e in redactions["files"] if e["path"].endswith(".info.json")]
    assert {"auth_token", "login_session"} <= {c for f in info["fields"] for c in f.get("cookies", [])}
    assert json.loads((capture / info["path"]).read_text())["title"]  # still the same JSON
    assert entry["original_sha256"] == original_sha256
    derived = capture / entry["path"]
    assert entry["sha256"] == hashlib.sha256(derived.read_bytes()).hexdigest() != original_sha256
    blanked = [r for record in entry["records"] for r in record["redacted"]]
    assert {"header": "Cookie", "cookies": ["auth_token"]} in blanked
    assert {"header": "Set-Cookie", "cookies": ["login_session"]} in blanked
    assert {"header": "Location", "url_params": ["access_token"]} in blanked
    assert all(r["record_id"].startswith("<urn:uuid:") and r["block_digest"] for r in entry["records"])
    assert SESSION not in json.dumps(redactions) and LOGIN not in json.dumps(redactions)

    metadata = json.loads((capture / "metadata.json").read_text())
    [warc] = [a for a in metadata["artifacts"] if a["role"] == "warc"]
    assert warc["sha256"] == entry["sha256"] and warc["derived_from"]["sha256"] == original_sha256
    manifest = json.loads((capture / "manifest.json").read_text())  # as timestamped: the original
    assert [a["sha256"] for a in manifest["artifacts"] if a["role"] == "warc"] == [original_sha256]
    listed = (folder / "manifest-sha256.txt").read_text()
    assert f"{entry['sha256']}  data/captures/{capture_id}/{entry['path']}" in listed
    assert "credentials" in (folder / "VERIFY.md").read_text().lower()
    assert "Credentials redacted" in (folder / "index.html").read_text()


def test_the_wacz_index_points_at_records_of_the_redacted_warc(logged_in_capture, cli_json, tmp_path):
    capture_id, _ = logged_in_capture
    out = tmp_path / "bundle"
    assert cli_json("export", capture_id, "-o", str(out))[0] == 0
    with zipfile.ZipFile(out / "data" / "archive.wacz") as wacz:
        lines = wacz.read("indexes/index.cdxj").decode().splitlines()
        warcs = {
            n.removeprefix("archive/"): wacz.read(n) for n in wacz.namelist() if n.startswith("archive/")
        }
    bagged = {
        p.name: p.read_bytes() for p in (out / "data" / "captures" / capture_id / "files").glob("*.warc.gz")
    }
    assert warcs == bagged  # the WACZ packs the redacted WARC, not the original
    assert len(lines) >= 2
    for line in lines:
        fields = json.loads(line.split(" ", 2)[2])
        data = warcs[fields["filename"]]
        start, length = int(fields["offset"]), int(fields["length"])
        record = next(iter(ArchiveIterator(io.BytesIO(data[start : start + length]), check_digests=True)))
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        assert URL_TOKEN not in line
    assert any("access_token=REDACTED" in line for line in lines)


def test_a_bundle_carrying_the_original_warc_is_named(logged_in_capture, cli_json, tmp_path):
    """Swapping the original back in (with the cookie) and re-manifesting does not pass as the copy."""
    capture_id, blob = logged_in_capture
    out = tmp_path / "bundle"
    assert cli_json("export", capture_id, "-o", str(out))[0] == 0
    [derived] = (out / "data" / "captures" / capture_id / "files").glob("*.warc.gz")
    shutil.copyfile(blob, derived)
    code, report = cli_json("verify", str(out))
    found = {(f["kind"], f["object"]) for f in report["findings"]}
    assert code == 1 and ("redaction-mismatch", derived.relative_to(out).as_posix()) in found
