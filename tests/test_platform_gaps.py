"""What t.me really serves and the adapters once misread: replies, and media a capture could not get.

The third-party pages (tests/recordings/platforms/third-party/) are t.me markup a public scraper
project saved; the hand-made ones exercise the same structures with our own placeholders.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from archiver.demo.server import Route
from archiver.platforms.telegram_widget import parse_messages
from tests.replay import RECORDINGS, configure, start_replay

THIRD_PARTY = RECORDINGS / "platforms" / "third-party"
TG = "https://t.me/fixture_channel"
X_VIDEO = "https://x.com/clement_molin/status/1862000000000000101"
X_CLIP = "/ext_tw_video/1862000000000000999/pu/vid/avc1/320x240/demoClipA.mp4"


@pytest.fixture
def replay(archive_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with start_replay(tmp_path_factory.mktemp("media")) as server:
        configure(archive_dir, server)
        yield server


def _captured(cli_json, url: str) -> tuple[int, dict]:
    code, [outcome] = cli_json("capture", url)
    shown, detail = cli_json("show", outcome["capture_id"])
    assert shown == 0
    return code, detail


def test_a_saved_reply_keeps_its_own_text_and_names_the_quoted_post():
    [message] = parse_messages((THIRD_PARTY / "tchan-reply-20.html").read_text(encoding="utf-8"))
    assert message.text == "Reply to a video (not recorded in telegram)"
    assert message.reply_to == {
        "channel": "tchantest",
        "post_id": "19",
        "author": "tchan's test channel 👍",
        "text": "Video",
    }


def test_a_saved_post_without_reply_has_none():
    [message] = parse_messages((THIRD_PARTY / "tchan-video-too-big-5343.html").read_text(encoding="utf-8"))
    assert message.reply_to is None and message.text == "some text"


def test_a_captured_reply_records_the_body_as_text_title_and_search_words(replay, cli_json):
    code, post = _captured(cli_json, f"{TG}/126")
    assert code == 0
    body = "Correction: the shelling was south of the ring road, near the grain silos."
    assert post["post_text"] == body and post["title"] == body
    assert post["metadata"]["reply_to"] == {
        "channel": "fixture_channel",
        "post_id": "125",
        "author": "Fixture channel (test placeholder)",
        "text": "Text-only post: shelling reported near the northern ring road.",
    }
    code, found = cli_json("search", "grain silos")
    assert code == 0 and [r["capture_id"] for r in found] == [post["id"]]
    # The quoted post's words are not the reply's text, but the page shows them, and
    # the search covers a captured page's visible text.
    code, found = cli_json("search", "northern ring road")
    assert code == 0 and post["id"] in [r["capture_id"] for r in found]


def test_a_captured_third_party_reply(replay, cli_json):
    code, post = _captured(cli_json, "https://t.me/tchantest/20")
    assert code == 0
    assert post["post_text"] == "Reply to a video (not recorded in telegram)"
    assert post["metadata"]["reply_to"]["post_id"] == "19"


# --- incomplete captures: the post kept, each item it showed but the capture lacks named ---

TOO_BIG = {"what": "video", "reason": "too big for the web preview; needs a Telegram account"}


def _roles(detail: dict) -> list[tuple[str, str]]:
    return sorted((a["role"], a["kind"]) for a in detail["artifacts"] if a["role"] != "warc")


def test_a_video_too_big_for_the_preview_is_an_incomplete_capture_with_its_thumbnail(replay, cli, cli_json):
    code, [outcome] = cli_json("capture", f"{TG}/127")
    assert code == 1, outcome
    assert outcome["status"] == "incomplete" and outcome["missing"] == [TOO_BIG]
    code, post = cli_json("show", outcome["capture_id"])
    assert (post["status"], post["missing"]) == ("incomplete", [TOO_BIG])
    assert post["post_text"] == "Full recording of the council session, 41 minutes."
    assert _roles(post) == [("metadata", "data"), ("page", "html"), ("thumbnail", "image")]

    code, out, err = cli("show", outcome["capture_id"])
    assert code == 0 and "missing: no video (too big for the web preview; needs a Telegram account)" in out
    code, out, err = cli("capture", f"{TG}/127")
    assert code == 1 and out.startswith("incomplete ") and "Traceback" not in err
    assert err.strip() == "incomplete: no video (too big for the web preview; needs a Telegram account)"


def test_a_saved_too_big_video_post_is_incomplete(replay, cli_json):
    code, [outcome] = cli_json("capture", "https://t.me/some_random_user/5343")
    assert code == 1 and outcome["missing"] == [TOO_BIG]
    code, post = cli_json("show", outcome["capture_id"])
    assert post["post_text"] == "some text" and post["metadata"]["view_count"] == 436_600
    [thumb] = [a for a in post["artifacts"] if a["role"] == "thumbnail"]
    assert thumb["source_url"].startswith("https://cdn1.telegram-cdn.org/file/HyfobRUDoAx")


def test_a_video_given_only_as_a_link_is_fetched(replay, cli_json):
    code, post = _captured(cli_json, f"{TG}/128")
    assert code == 0 and (post["status"], post["missing"]) == ("ok", [])
    [video] = [a for a in post["artifacts"] if a["role"] == "media"]
    assert video["kind"] == "video" and video["duration"] == pytest.approx(2, abs=0.2)


def test_an_expired_photo_link_keeps_the_post_as_incomplete(archive_dir, tmp_path, cli_json):
    expired = Route(host="cdn4.telesco.pe", path="/file/fx-124.jpg", status=404, body=b"gone")
    with start_replay(tmp_path / "media", [expired]) as server:
        configure(archive_dir, server)
        code, [outcome] = cli_json("capture", f"{TG}/124")
    assert code == 1
    assert outcome["missing"] == [
        {
            "what": "photo",
            "reason": "the server answered HTTP 404",
            "url": "https://cdn4.telesco.pe/file/fx-124.jpg",
        }
    ]
    assert [a["role"] for a in outcome["artifacts"] if a["role"] == "media"] == []


def test_an_x_video_refused_everywhere_is_incomplete(archive_dir, tmp_path, cli_json):
    refused = [
        Route(
            host="x.com",
            path="/i/api/graphql/2ICDjqPd81tulZcYrtpTuQ/TweetResultByRestId",
            contains="1862000000000000101",
            status=403,
            body=b'{"errors":[{"message":"Forbidden","code":200}]}',
        ),
        Route(host="video.twimg.com", path=X_CLIP, status=403, body=b"Forbidden"),
    ]
    with start_replay(tmp_path / "media", refused) as server:
        configure(archive_dir, server)
        code, [outcome] = cli_json("capture", X_VIDEO)
    assert code == 1 and outcome["status"] == "incomplete"
    assert [(m["what"], m["reason"]) for m in outcome["missing"]] == [
        ("video", "the server answered HTTP 403")
    ]
    assert outcome["missing"][0]["url"].startswith(f"https://video.twimg.com{X_CLIP}")


def test_list_and_recapture_incomplete_keep_the_old_capture(archive_dir, tmp_path, cli_json):
    expired = Route(host="cdn4.telesco.pe", path="/file/fx-124.jpg", status=404, body=b"gone")
    with start_replay(tmp_path / "media", [expired]) as server:
        configure(archive_dir, server)
        code, outcomes = cli_json("capture", f"{TG}/124", f"{TG}/125", f"{TG}/127")
    assert code == 1
    photo, text, big = (o["capture_id"] for o in outcomes)
    code, listed = cli_json("list", "--incomplete")
    assert code == 0 and [r["capture_id"] for r in listed] == [big, photo]
    assert listed[0]["missing"] == [TOO_BIG]

    with start_replay(tmp_path / "media") as server:  # the photo link works again; the video never will
        configure(archive_dir, server)
        code, retried = cli_json("recapture", "--incomplete")
        assert code == 1
        assert [(r["url"], r["status"], r["note"]) for r in retried] == [
            (f"{TG}/124", "ok", f"recapture of {photo}"),
            (f"{TG}/127", "incomplete", f"recapture of {big}"),
        ]
        code, again = cli_json("recapture", "--incomplete")  # only the video's latest capture is left
        assert [r["url"] for r in again] == [f"{TG}/127"]
        code, [one] = cli_json("recapture", text[:20])
        assert code == 0 and one["note"] == f"recapture of {text}"
    code, every = cli_json("list")
    assert len(every) == 7 and {photo, text, big} <= {r["capture_id"] for r in every}


def test_recapture_refuses_bad_input_in_one_sentence(replay, cli, media, tmp_path, cli_json):
    still = tmp_path / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    code, [imported] = cli_json("import", str(still))
    for args, sentence in [
        ((), "name the captures to recapture by ID, or give --incomplete, not both"),
        (("20990101-000000-00000000",), "no capture with id 20990101-000000-00000000"),
        ((imported["capture_id"],), f"capture {imported['capture_id']} is an import of local files"),
    ]:
        code, out, err = cli("recapture", *args)
        assert code == 2 and "Traceback" not in err
        assert err.strip().splitlines()[0].startswith(f"archiver: {sentence}")


def test_an_incomplete_capture_is_vouched_for_under_manifest_version_3(replay, cli_json, archive_dir):
    code, [outcome] = cli_json("capture", f"{TG}/127")
    code, log = cli_json("log")
    [event] = [e for e in log["events"] if e["action"] == "capture"]
    assert event["detail"]["manifest_version"] == 3
    code, report = cli_json("verify")
    assert code == 0 and report["findings"] == []
    with closing(sqlite3.connect(archive_dir / "catalog.db")) as db, db:  # someone hides what it lacks
        db.execute("UPDATE captures SET status = 'ok', missing = '[]' WHERE id = ?", [outcome["capture_id"]])
    code, report = cli_json("verify")
    edited = [f["object"] for f in report["findings"] if f["kind"] == "catalog-row-edited"]
    assert code == 1 and edited == [outcome["capture_id"]]


def test_a_bundle_says_what_an_incomplete_capture_lacks(replay, cli_json, tmp_path):
    code, [outcome] = cli_json("capture", f"{TG}/127")
    code, exported = cli_json("export", outcome["capture_id"], "-o", str(tmp_path / "bundle"))
    assert code == 0, exported
    [metadata] = (tmp_path / "bundle").rglob("metadata.json")
    capture = json.loads(metadata.read_text(encoding="utf-8"))["capture"]
    assert (capture["status"], capture["missing"]) == ("incomplete", [TOO_BIG])
    page = next((tmp_path / "bundle").rglob("index.html")).read_text(encoding="utf-8")
    assert "<th>Status</th><td>incomplete</td>" in page
    assert "no video (too big for the web preview; needs a Telegram account)" in page
