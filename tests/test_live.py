"""Live captures of a few public posts, for machines with internet: `pytest -m live`.

Deselected by default (pyproject addopts). Real platforms change their markup and
throttle clients, so these tell whether the adapters still match what is served today;
they assert on structure, never on a post's content.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.live

TELEGRAM_CHANNEL = "telegram"  # Telegram's own public channel, with a web preview
YOUTUBE_VIDEO = "https://www.youtube.com/watch?v=jNQXAC9IVRw"  # "Me at the zoo", the first upload


def test_live_telegram_channel_preview_and_post(cli, cli_json):
    assert (
        cli("sources", "add", "Telegram news", "--platform", "telegram", "--handle", TELEGRAM_CHANNEL)[0] == 0
    )
    code, result = cli_json("sources", "sync", "Telegram news", "--limit", "2")
    assert code == 0, result
    assert result["listed"] == 2 and len(result["captures"]) == 2
    for capture in result["captures"]:
        assert capture["status"] == "ok" and capture["platform"] == "telegram"
        assert capture["url"].startswith(f"https://t.me/{TELEGRAM_CHANNEL}/")
        assert capture["post_time"]
    facts = result["snapshot"]["channel"]
    assert facts["state"] == "public" and facts["title"] and facts["subscriber_count"]
    assert facts["avatar_sha256"]  # the channel's avatar, stored as a file of the snapshot
    code, again = cli_json("sources", "sync", "Telegram news", "--limit", "2")
    assert code == 0 and again["captures"] == [] and len(again["already_captured"]) == 2
    assert again["snapshot"]["previous_snapshot"] == result["snapshot"]["capture_id"]


def test_live_telegram_single_post(cli_json):
    code, outcomes = cli_json("capture", "https://t.me/s/durov/1")
    assert code == 0, outcomes
    capture = outcomes[0]
    assert capture["final_url"] == "https://t.me/durov/1" and capture["platform"] == "telegram"
    code, detail = cli_json("show", capture["capture_id"])
    assert detail["post_text"] and detail["metadata"]["views"]


def test_live_youtube_video(cli_json):
    code, outcomes = cli_json("capture", YOUTUBE_VIDEO)
    assert code == 0, outcomes
    media = [a for a in outcomes[0]["artifacts"] if a["role"] == "media"]
    assert media and any(a["kind"] == "video" for a in media)


def test_live_telegram_channel_page(cli_json):
    code, outcomes = cli_json("capture", f"https://t.me/s/{TELEGRAM_CHANNEL}")
    assert code == 0, outcomes
    pages = [a for a in outcomes[0]["artifacts"] if a["role"] == "page"]
    assert pages and outcomes[0]["final_url"].startswith(f"https://t.me/s/{TELEGRAM_CHANNEL}")
