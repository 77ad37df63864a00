"""--proxy, --cookies, --cookies-from-browser, --sleep-requests and --limit-rate reach our
requests and yt-dlp's alike, checked by servers on 127.0.0.1 that see the traffic."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.proxy import LocalProxy
from tests.replay import configure, start_replay
from tests.webserver import Route


def page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><p>{title} body</p></body></html>".encode()


@pytest.fixture
def proxy():
    server = LocalProxy()
    yield server
    server.close()


def recording(site, path: str, body: bytes, log: list) -> str:
    """A route that notes the time and headers of every request, then answers with ``body``."""

    def handler(request) -> None:
        log.append((time.monotonic(), dict(request.headers.items())))
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)

    site.routes[path] = Route(handler=handler)
    return site.url(path)


def test_proxy_carries_every_request_of_ours_and_of_yt_dlp(site, proxy, cli_json):
    url = site.add("/post", page("post"), "text/html")
    code, [result] = cli_json("capture", url, "--proxy", proxy.url)
    assert code == 0 and result["status"] == "ok"
    relayed = [u for _, u, _ in proxy.seen]
    assert relayed.count(url) == site.hits["/post"] >= 2
    clients = {"yt-dlp" if "Sec-Fetch-Mode" in h else "requests" for _, u, h in proxy.seen if u == url}
    assert clients == {"yt-dlp", "requests"}


def test_proxy_on_report_capture_and_a_bad_proxy_url(site, proxy, cli, cli_json, tmp_path):
    url = site.add("/cited", page("cited"), "text/html")
    report = tmp_path / "update.md"
    report.write_text(f"The flag was shown in [this post]({url}).\n")
    code, result = cli_json("report", str(report), "--capture", "--proxy", proxy.url)
    assert code == 0 and any(u == url for _, u, _ in proxy.seen)
    code, _, err = cli("capture", url, "--proxy", "not a proxy")
    assert code == 2 and "not a proxy URL" in err


def test_cookies_file_is_sent_by_ours_and_by_yt_dlp(site, cli_json, tmp_path):
    log: list = []
    url = recording(site, "/members", page("members"), log)
    jar = tmp_path / "cookies.txt"
    jar.write_text("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tsessionid\ts3cr3t\n")
    code, _ = cli_json("capture", url, "--cookies", str(jar))
    assert code == 0 and len(log) >= 2
    assert all("sessionid=s3cr3t" in headers.get("Cookie", "") for _, headers in log)


def firefox_profile(folder, host: str) -> str:
    """A Firefox profile as Firefox leaves it: cookies.sqlite with its moz_cookies table."""
    folder.mkdir()
    db = sqlite3.connect(folder / "cookies.sqlite")
    db.execute(
        """CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',
           name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER,
           creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0,
           sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0)"""
    )
    db.execute(
        "INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly)"
        " VALUES ('fxsession', 'from-firefox', ?, '/', 4102444800, 0, 0)",
        [host],
    )
    db.commit()
    db.close()
    return str(folder)


def test_cookies_from_a_browser_profile_are_sent(site, cli, cli_json, tmp_path):
    log: list = []
    url = recording(site, "/members", page("members"), log)
    profile = firefox_profile(tmp_path / "profile", "127.0.0.1")
    code, _ = cli_json("capture", url, "--cookies-from-browser", f"firefox:{profile}")
    assert code == 0 and len(log) >= 2
    assert all("fxsession=from-firefox" in headers.get("Cookie", "") for _, headers in log)
    code, _, err = cli("capture", url, "--cookies-from-browser", "netscape-navigator")
    assert code == 2 and "not a browser" in err


def test_sleep_requests_spaces_every_request_of_the_run(site, cli_json):
    log: list = []
    urls = [recording(site, f"/p{n}", page(f"p{n}"), log) for n in range(2)]
    started = time.monotonic()
    code, results = cli_json("capture", *urls, "--sleep-requests", "0.7")
    assert code == 0 and [r["status"] for r in results] == ["ok", "ok"]
    times = sorted(t for t, _ in log)
    assert len(times) >= 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.65, gaps
    assert time.monotonic() - started >= 0.7 * (len(times) - 1)


def test_limit_rate_slows_a_download(site, media, cli_json):
    body = media["mp4"].read_bytes()
    url = site.add("/v/clip.mp4", body, "video/mp4")
    rate = len(body) // 2  # two seconds' worth
    started = time.monotonic()
    code, [result] = cli_json("capture", url, "--limit-rate", str(rate))
    assert code == 0 and result["status"] == "ok"
    assert time.monotonic() - started >= 1.5


def test_sources_sync_takes_the_cookies_and_pause_flags(archive_dir, tmp_path, cli_json):
    jar = tmp_path / "x-cookies.txt"
    rows = [
        f"{domain}\tTRUE\t/\tTRUE\t2147483647\t{name}\t{value}"
        for domain in (".x.com", ".twitter.com")
        for name, value in (("auth_token", "fixture-auth-token"), ("ct0", "fixturecsrf"))
    ]
    jar.write_text("# Netscape HTTP Cookie File\n" + "\n".join(rows) + "\n")
    with start_replay(tmp_path / "replay-media") as server:
        configure(archive_dir, server)  # no cookies in the settings: only the flag gives them
        started = time.monotonic()
        code, result = cli_json(
            "sources", "sync", "War Translated", "--cookies", str(jar), "--sleep-requests", "0.4"
        )
        elapsed = time.monotonic() - started
    assert code == 0, result
    timeline = [h for h in server.hits if "timeline-profile" in h.url]
    assert timeline and "auth_token=fixture-auth-token" in timeline[0].headers.get("Cookie", "")
    assert len(server.hits) >= 3 and elapsed >= 0.4 * (len(server.hits) - 1)


def test_limit_rate_slows_our_own_page_download(site, cli_json, archive_dir):
    body = b"<html><head><title>long</title></head><body>" + b"<p>word</p>" * 20_000 + b"</body></html>"
    url = site.add("/long", body, "text/html")
    (archive_dir / "config.toml").parent.mkdir(parents=True, exist_ok=True)
    (archive_dir / "config.toml").write_text("[screenshot]\nenabled = false\n")
    started = time.monotonic()
    code, [result] = cli_json("capture", url, "--limit-rate", str(len(body) // 2))
    assert code == 0 and result["status"] == "ok"
    assert time.monotonic() - started >= 1.5  # yt-dlp does not cap a page it reads, so this wait is ours
