"""What t.me really serves and the adapters once misread: replies, and media a capture could not get.

The third-party pages (tests/recordings/platforms/third-party/) are t.me markup a public scraper
project saved; the hand-made ones exercise the same structures with our own placeholders.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.platforms.telegram_widget import parse_messages
from tests.replay import RECORDINGS, configure, start_replay

THIRD_PARTY = RECORDINGS / "platforms" / "third-party"
TG = "https://t.me/fixture_channel"


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
    code, found = cli_json("search", "northern")
    assert code == 1 and found == []


def test_a_captured_third_party_reply(replay, cli_json):
    code, post = _captured(cli_json, "https://t.me/tchantest/20")
    assert code == 0
    assert post["post_text"] == "Reply to a video (not recorded in telegram)"
    assert post["metadata"]["reply_to"]["post_id"] == "19"
