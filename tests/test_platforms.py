"""Telegram and X through our adapters and the real yt-dlp extractors, against recorded responses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archiver.demo.server import Route
from archiver.settings import load_config
from archiver.sources.registry import make_source
from archiver.sources.sync import list_posts
from tests.replay import configure, start_replay

TG = "https://t.me/fixture_channel"
X_VIDEO = "https://x.com/clement_molin/status/1862000000000000101"
X_PHOTO = "https://x.com/ThomasVLinge/status/1862000000000000202"
X_TEXT = "https://x.com/wartranslated/status/1862000000000000303"


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("replay-media")


@pytest.fixture
def replay(archive_dir: Path, media_dir: Path):
    with start_replay(media_dir) as server:
        configure(archive_dir, server)
        yield server


def _show(cli_json, capture_id: str) -> dict:
    code, detail = cli_json("show", capture_id)
    assert code == 0
    return detail


def _media(detail: dict) -> list[dict]:
    return [a for a in detail["artifacts"] if a["role"] == "media"]


def test_telegram_posts_text_photo_album_video_forwarded(replay, cli_json):
    urls = [f"{TG}/125", f"{TG}/124", f"{TG}/121", f"{TG}/122", f"{TG}/123"]
    code, outcomes = cli_json("capture", *urls)
    assert code == 0, outcomes
    text, photo, album, video, forwarded = (_show(cli_json, o["capture_id"]) for o in outcomes)

    assert text["platform"] == "telegram" and text["handle"] == "fixture_channel"
    assert text["post_text"] == "Text-only post: shelling reported near the northern ring road.\nNo media."
    assert text["post_time"] == "2024-11-30T09:15:00Z"
    assert text["metadata"]["views"] == "3.1K" and text["metadata"]["view_count"] == 3100
    assert _media(text) == []
    assert text["author"] == "Fixture channel (test placeholder)"

    assert [(m["mime"], m["width"]) for m in _media(photo)] == [("image/jpeg", 640)]
    assert photo["metadata"]["album"] is False

    assert album["metadata"]["album"] is True and album["metadata"]["photos"] == 2
    assert [m["name"] for m in _media(album)] == ["fx-121-a.jpg", "fx-121-b.jpg"]

    clips = _media(video)
    assert (
        len(clips) == 1
        and clips[0]["mime"] == "video/mp4"
        and clips[0]["duration"] == pytest.approx(2, abs=0.2)
    )
    assert any(a["name"].endswith(".info.json") for a in video["artifacts"])  # yt-dlp's TelegramEmbedIE ran
    assert video["metadata"]["view_count"] == 1_200_000 and video["post_time"] == "2024-11-29T16:30:45Z"

    assert forwarded["metadata"]["forwarded_from"] == "Other Source & Co"
    assert forwarded["metadata"]["forwarded_from_url"] == "https://t.me/other_source/77"


def test_telegram_login_wall_is_one_sentence_and_a_failed_attempt(replay, cli, cli_json):
    code, out, err = cli("capture", "https://t.me/fixture_restricted/9")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "asks for a login" in lines[0] and "cookies" in lines[0]
    code, rows = cli_json("list", "--failed")
    assert [(r["status"], r["error_kind"]) for r in rows] == [("failed", "login-required")]


def test_telegram_deleted_post_is_a_fetch_failure_not_a_login_wall(replay, cli, cli_json):
    code, _, err = cli("capture", f"{TG}/999")
    assert code == 1 and "Post not found" in err and "login" not in err
    assert cli_json("list", "--failed")[1][0]["error_kind"] == "fetch"


def test_channel_sync_pages_back_and_never_recaptures(replay, cli, cli_json):
    assert cli("sources", "add", "Fixture", "--platform", "telegram", "--handle", "@fixture_channel")[0] == 0
    code, first = cli_json("sources", "sync", "Fixture", "--limit", "2")
    assert code == 0
    assert [c["url"] for c in first["captures"]] == [f"{TG}/124", f"{TG}/125"]  # oldest first
    assert all(c["status"] == "ok" for c in first["captures"])
    preview = "https://t.me/s/fixture_channel"
    assert [h.url for h in replay.hits if "/s/" in h.url] == [preview, preview]  # the snapshot, the listing

    replay.hits.clear()
    code, second = cli_json("sources", "sync", "Fixture", "--since", "2024-11-29T06:00:00Z")
    assert code == 0, second
    assert second["listed"] == 6  # 120..125; 118 and 119 are older than --since
    assert second["already_captured"] == [f"{TG}/125", f"{TG}/124"]
    assert [c["url"] for c in second["captures"]] == [f"{TG}/{n}" for n in (120, 121, 122, 123)]
    pages = [h.url for h in replay.hits if "/s/" in h.url]
    assert pages == [preview, preview, f"{preview}?before=121"]
    fetched_posts = {h.url.split("?")[0] for h in replay.hits if "embed=1" in h.url}
    assert f"{TG}/124" not in fetched_posts and f"{TG}/125" not in fetched_posts

    code, third = cli_json("sources", "sync", "Fixture", "--since", "2024-11-29")
    assert code == 0 and third["captures"] == [] and len(third["already_captured"]) == 6


def test_sync_of_a_channel_without_preview_says_so(replay, cli):
    cli("sources", "add", "Private one", "--platform", "telegram", "--handle", "fixture_private")
    code, _, err = cli("sources", "sync", "Private one")
    assert code == 1 and "has no public web preview" in err and len(err.strip().splitlines()) == 1


def test_sync_of_a_source_without_handle_is_a_usage_error(replay, cli):
    code, _, err = cli("sources", "sync", "Osetin")
    assert code == 2 and "has no telegram handle" in err


def test_x_text_photo_video(replay, cli_json):
    photo_link = "https://twitter.com/i/web/status/1862000000000000202"  # as X e-mails and some apps write it
    code, outcomes = cli_json(
        "capture", X_TEXT, photo_link, "https://mobile.twitter.com/clement_molin/status/1862000000000000101"
    )
    assert code == 0, outcomes
    text, photo, video = (_show(cli_json, o["capture_id"]) for o in outcomes)
    assert text["platform"] == "x" and text["handle"] == "wartranslated" and _media(text) == []
    assert text["post_text"].startswith("Pro-Russian blogger") and text["post_time"] == "2024-11-30T07:30:00Z"
    assert [a["role"] for a in text["artifacts"]].count("page") == 1
    assert [(m["mime"], m["width"], m["height"]) for m in _media(photo)] == [("image/jpeg", 640, 480)]
    assert photo["author"] == "Thomas van Linge (demo placeholder)" and photo["final_url"] == X_PHOTO
    clips = _media(video)
    assert len(clips) == 1 and clips[0]["mime"] == "video/mp4" and clips[0]["width"] == 320
    info = [a for a in video["artifacts"] if a["name"].endswith(".info.json")]
    assert info, "yt-dlp's TwitterIE did not run"
    assert video["final_url"] == X_VIDEO


def test_x_login_wall_is_one_sentence_and_a_failed_attempt(replay, cli, cli_json):
    code, _, err = cli("capture", "https://twitter.com/someone/status/1862000000000000404")
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "X asks for a login" in err and "fetch.cookies_file" in err and "Age-restricted" in err
    code, rows = cli_json("list", "--failed")
    assert rows[0]["status"] == "failed" and rows[0]["error_kind"] == "login-required"


@pytest.mark.parametrize(
    ("status", "retry_after", "least_wait"),
    [(429, "1", 1.0), (503, None, 0.2)],  # the server's Retry-After, else the configured backoff
)
def test_x_refusal_then_success(archive_dir, media_dir, cli_json, status, retry_after, least_wait):
    headers = {"Content-Type": "application/json"} | ({"Retry-After": retry_after} if retry_after else {})
    refusal = Route(
        host="cdn.syndication.twimg.com",
        path="/tweet-result",
        query={"id": "1862000000000000303"},
        status=status,
        headers=headers,
        body=b'{"errors":[{"code":88,"message":"Rate limit exceeded"}]}',
        once=True,
    )
    with start_replay(media_dir, [refusal]) as server:
        configure(archive_dir, server)
        started = time.monotonic()
        code, outcomes = cli_json("capture", X_TEXT)
        elapsed = time.monotonic() - started
    assert code == 0 and outcomes[0]["status"] == "ok"
    statuses = [h.status for h in server.hits if "tweet-result" in h.url]
    assert statuses == [status, 200]
    assert elapsed >= least_wait


def _cookies_file(path: Path) -> Path:
    lines = ["# Netscape HTTP Cookie File"]
    for domain in (".x.com", ".twitter.com"):
        lines.append(f"{domain}\tTRUE\t/\tTRUE\t2147483647\tauth_token\tfixture-auth-token")
        lines.append(f"{domain}\tTRUE\t/\tTRUE\t2147483647\tct0\tfixturecsrf")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_x_account_sync_sends_the_cookies_file(archive_dir, media_dir, tmp_path, cli_json):
    with start_replay(media_dir) as server:
        configure(archive_dir, server, cookies_file=_cookies_file(tmp_path / "cookies.txt"))
        assert cli_json("capture", X_TEXT)[0] == 0
        code, result = cli_json("sources", "sync", "War Translated")
    assert code == 0, result
    assert result["listed"] == 2 and result["already_captured"] == [X_TEXT]
    assert [c["url"] for c in result["captures"]] == [
        "https://x.com/wartranslated/status/1861000000000000301"
    ]
    timeline = [h for h in server.hits if "timeline-profile" in h.url]
    assert timeline and "auth_token=fixture-auth-token" in timeline[0].headers.get("Cookie", "")


def test_x_account_sync_without_cookies_explains_the_login_wall(replay, cli):
    code, _, err = cli("sources", "sync", "wartranslated")
    assert code == 1 and "X asks for a login" in err and "cookies" in err


def test_yt_dlp_gets_the_cookies_file(archive_dir, media_dir, tmp_path, cli_json):
    with start_replay(media_dir) as server:
        configure(archive_dir, server, cookies_file=_cookies_file(tmp_path / "cookies.txt"))
        code, outcomes = cli_json("capture", X_VIDEO)
    assert code == 0, outcomes
    graphql = [h for h in server.hits if "/i/api/graphql/" in h.url]  # yt-dlp's TwitterIE, logged in
    assert graphql and "auth_token=fixture-auth-token" in graphql[0].headers.get("Cookie", "")
    assert not any("guest/activate" in h.url for h in server.hits)


def test_feed_source_syncs_through_yt_dlp_playlist(replay, cli, cli_json):
    code, _, err = cli(
        "sources", "add", "Desk", "--platform", "web", "--url", "https://news.example.org/feed.xml"
    )
    assert code == 0, err
    code, result = cli_json("sources", "sync", "Desk", "--since", "2024-11-25")
    assert code == 0, result
    assert [c["url"] for c in result["captures"]] == [
        "https://news.example.org/2024/11/29/day-one",
        "https://news.example.org/2024/11/30/day-two",
    ]
    assert cli_json("sources", "sync", "Desk", "--since", "2024-11-25")[1]["captures"] == []


def test_per_host_pause_between_requests(archive_dir, media_dir, cli, cli_json):
    with start_replay(media_dir) as server:
        configure(archive_dir, server, pause='default = 0.0, "t.me" = 0.5')
        cli("sources", "add", "Fixture", "--platform", "telegram", "--handle", "fixture_channel")
        started = time.monotonic()
        code, result = cli_json("sources", "sync", "Fixture", "--limit", "2")
        elapsed = time.monotonic() - started
    assert code == 0 and len(result["captures"]) == 2
    to_telegram = [h for h in server.hits if h.url.startswith("https://t.me/")]
    assert len(to_telegram) == 4  # the channel's snapshot, its listing page and two embed pages
    assert elapsed >= 1.5  # three pauses of 0.5 s between the four requests to t.me


def test_x_video_falls_back_to_the_widget_mp4_when_the_api_refuses(archive_dir, media_dir, cli_json):
    refusal = Route(
        host="x.com",
        path="/i/api/graphql/2ICDjqPd81tulZcYrtpTuQ/TweetResultByRestId",
        contains="1862000000000000101",
        status=403,
        headers={"Content-Type": "application/json"},
        body=b'{"errors":[{"message":"Forbidden","code":200}]}',
    )
    with start_replay(media_dir, [refusal]) as server:
        configure(archive_dir, server)
        code, outcomes = cli_json("capture", X_VIDEO)
    assert code == 0, outcomes
    assert any(h.status == 403 for h in server.hits)
    media = [a for a in outcomes[0]["artifacts"] if a["role"] == "media"]
    assert [(a["kind"], a["name"]) for a in media] == [("video", "demoClipA.mp4")]
    assert not any(a["name"].endswith(".info.json") for a in outcomes[0]["artifacts"])


def test_youtube_channel_is_listed_through_yt_dlp(replay, archive_dir):
    channel = make_source("Fixture YT", "youtube", handle="@fixturechannel")
    listing = list_posts(channel, load_config(archive_dir), since=None, limit=2)
    assert [p.url for p in listing.posts] == [
        "https://www.youtube.com/watch?v=fxVideo0003",
        "https://www.youtube.com/watch?v=fxVideo0002",
    ]
    assert [h.url for h in replay.hits] == ["https://www.youtube.com/@fixturechannel/videos"]


def test_expired_cookies_are_named_in_the_login_message(archive_dir, media_dir, tmp_path, cli):
    stale = tmp_path / "stale-cookies.txt"
    stale.write_text("# Netscape HTTP Cookie File\n.x.com\tTRUE\t/\tTRUE\t2147483647\tguest_id\tv1\n")
    with start_replay(media_dir) as server:
        configure(archive_dir, server, cookies_file=stale)
        code, _, err = cli("sources", "sync", "War Translated")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"the cookies in {stale} did not open a logged-in session" in err
