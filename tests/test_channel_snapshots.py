"""`sources sync` keeps a snapshot of the channel itself, against recorded t.me pages served locally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.demo.server import Route, load_recording
from tests.replay import RECORDINGS, configure, start_replay

SNAPSHOTS = RECORDINGS / "platforms" / "snapshots"
PREVIEW = "https://t.me/s/fixture_snap"


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("replay-media")


def _sync(archive_dir: Path, media_dir: Path, cli, cli_json, name: str, *extra: Route) -> tuple[int, dict]:
    with start_replay(media_dir, [*extra, *load_recording(SNAPSHOTS, media_dir)]) as server:
        configure(archive_dir, server)
        cli("sources", "add", name, "--platform", "telegram", "--handle", name)
        return cli_json("sources", "sync", name, "--limit", "1")


def _renamed() -> Route:
    return Route(
        host="t.me",
        path="/s/fixture_snap",
        headers={"Content-Type": "text/html; charset=utf-8"},
        body_file=SNAPSHOTS / "tg-snap-preview-2.html",
    )


def test_sync_snapshots_the_channel_and_reports_what_changed(archive_dir, media_dir, cli, cli_json):
    code, first = _sync(archive_dir, media_dir, cli, cli_json, "fixture_snap")
    assert code == 0, first
    snap = first["snapshot"]
    assert snap["status"] == "ok" and snap["url"] == PREVIEW and snap["previous_snapshot"] is None
    assert snap["changes"] == []
    facts = snap["channel"]
    assert facts["state"] == "public" and facts["title"] == "Snapshot fixture (test placeholder)"
    assert facts["description"] == "Daily front-line maps.\nPlaceholder channel for tests."
    assert (facts["subscribers"], facts["subscriber_count"]) == ("48.2K", 48200)
    assert facts["counters"] == {"subscribers": "48.2K", "photos": "1.1K", "videos": "212", "links": "35"}
    assert [c["url"] for c in first["captures"]] == ["https://t.me/fixture_snap/7"]

    code, detail = cli_json("show", snap["capture_id"])  # the snapshot is a capture like any other
    assert code == 0 and detail["metadata"]["channel"]["title"] == facts["title"]
    roles = sorted(a["role"] for a in detail["artifacts"])
    assert roles == ["media", "page", "warc"]
    avatar = next(a for a in detail["artifacts"] if a["role"] == "media")
    assert avatar["mime"] == "image/jpeg" and avatar["sha256"] == facts["avatar_sha256"]
    code, events = cli_json("log", snap["capture_id"])
    assert code == 0 and [e["action"] for e in events["events"]][:1] == ["capture"], events

    code, second = _sync(archive_dir, media_dir, cli, cli_json, "fixture_snap", _renamed())
    assert code == 0, second
    assert second["snapshot"]["previous_snapshot"] == snap["capture_id"]
    assert second["snapshot"]["changes"] == [
        {"field": "title", "before": facts["title"], "after": "Snapshot fixture, renamed (test placeholder)"},
        {"field": "subscribers", "before": "48.2K", "after": "51.7K"},
    ]  # the avatar moved to a new CDN address with the same bytes: not a change
    assert second["already_captured"] == ["https://t.me/fixture_snap/7"]


def test_sync_text_names_the_snapshot_and_the_changes(archive_dir, media_dir, cli, cli_json):
    assert _sync(archive_dir, media_dir, cli, cli_json, "fixture_snap")[0] == 0
    with start_replay(media_dir, [_renamed(), *load_recording(SNAPSHOTS, media_dir)]) as server:
        configure(archive_dir, server)
        code, out, err = cli("sources", "sync", "fixture_snap", "--limit", "1")
    assert code == 0, err
    assert "channel snapshot " in out
    assert "(Snapshot fixture, renamed (test placeholder), 51.7K subscribers)" in out
    assert "subscribers '48.2K' -> '51.7K'" in out


def test_a_channel_that_is_gone_is_a_not_found_snapshot_and_exit_1(archive_dir, media_dir, cli, cli_json):
    code, result = _sync(archive_dir, media_dir, cli, cli_json, "fixture_gone")
    assert code == 1
    assert result["snapshot"]["status"] == "ok" and result["snapshot"]["channel"]["state"] == "not-found"
    assert result["listed"] == 0 and result["captures"] == []
    assert "shows no Telegram channel or account fixture_gone: deleted, or it never existed" in result["note"]
    code, detail = cli_json("show", result["snapshot"]["capture_id"])
    assert detail["final_url"] == "https://t.me/fixture_gone"  # the page t.me answered with is kept


def test_capturing_a_channel_without_preview_keeps_its_card(archive_dir, media_dir, cli_json):
    with start_replay(media_dir, load_recording(SNAPSHOTS, media_dir)) as server:
        configure(archive_dir, server)
        code, outcomes = cli_json("capture", "https://t.me/fixture_card")
    assert code == 0, outcomes
    code, detail = cli_json("show", outcomes[0]["capture_id"])
    facts = detail["metadata"]["channel"]
    assert facts["state"] == "no-preview" and facts["title"] == "Card-only fixture (test placeholder)"
    assert (facts["subscribers"], facts["subscriber_count"]) == ("12 345", 12345)
    assert facts["description"] == "A channel whose owner switched the web preview off."
    assert [a["source_url"] for a in detail["artifacts"] if a["role"] == "media"] == [facts["avatar_url"]]
    assert json.dumps(facts)  # plain JSON, as the catalog keeps it
