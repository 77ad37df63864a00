"""X's edge cases against recorded answers: a tombstone without text, an empty timeline widget,
and GraphQL answers that keep the author's name in ``core`` (a real saved response)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.demo.server import Route, load_recording
from archiver.platforms.x_graphql import graphql_author
from tests.replay import RECORDINGS, configure, start_replay

HIDDEN = "https://x.com/someone/status/1862000000000000505"
REAL_POST = "https://x.com/Mentor_0x39/status/1649204618902097920"


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("replay-media")


def _hidden_tombstone() -> Route:
    """What the syndication endpoint answers for a post it keeps from logged-out visitors."""
    body = {"__typename": "TweetTombstone", "tombstone": {"text": {"text": "", "entities": [], "rtl": False}}}
    return Route(
        host="cdn.syndication.twimg.com",
        path="/tweet-result",
        query={"id": "1862000000000000505"},
        headers={"Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )


def test_tombstone_without_text_says_hidden_not_deleted(archive_dir, media_dir, cli, cli_json):
    with start_replay(media_dir, [_hidden_tombstone()]) as server:
        configure(archive_dir, server)
        code, _, err = cli("capture", HIDDEN)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "hidden from them, not deleted" in err and "fetch.cookies_file" in err
    code, rows = cli_json("list", "--failed")
    assert rows[0]["url"] == HIDDEN and rows[0]["error_kind"] == "hidden-from-logged-out"


def _timeline_without_posts() -> Route:
    """The widget's page with entries, none of them a post (only its "follow" prompt)."""
    page = (Path(__file__).parent / "recordings" / "platforms" / "x-timeline-empty.html").read_text()
    prompt = '"entries": [{"type": "follow_prompt", "entry_id": "follow-0", "content": {}}]'
    return Route(
        host="syndication.twitter.com",
        path="/srv/timeline-profile/screen-name/wartranslated",
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=page.replace('"entries": []', prompt).encode(),
    )


@pytest.mark.parametrize("extra", [[], [_timeline_without_posts()]], ids=["no-entries", "no-posts"])
def test_empty_timeline_widget_is_one_sentence_never_an_empty_ok(archive_dir, media_dir, cli, extra):
    with start_replay(media_dir, extra) as server:
        configure(archive_dir, server)
        code, out, err = cli("sources", "sync", "War Translated", "--json")
    assert code == 1 and out.strip() == "" and len(err.strip().splitlines()) == 1
    assert "the timeline widget listed no posts, as it does without a logged-in session" in err


def test_uploader_from_graphql_core_on_a_real_saved_answer(archive_dir, media_dir, cli_json):
    """TweetResultByRestId as X served it to twscrape (tests/recordings/platforms/third-party):
    the author's name is under ``core`` only, where the stock yt-dlp extractor does not look."""
    third_party = load_recording(RECORDINGS / "platforms" / "third-party", media_dir)
    with start_replay(media_dir, third_party) as server:
        configure(archive_dir, server)
        code, outcomes = cli_json("capture", REAL_POST)
    assert code == 0, outcomes
    assert any("TweetResultByRestId" in h.url and h.status == 200 for h in server.hits)
    code, detail = cli_json("show", outcomes[0]["capture_id"])
    assert detail["metadata"]["uploader_source"] == "graphql core"
    info_json = next(a for a in detail["artifacts"] if a["name"].endswith(".info.json"))
    info = json.loads(_blob(archive_dir, info_json["sha256"]))
    assert (info["uploader"], info["uploader_id"]) == ("Mentor 🇹🇷 🇦🇱", "Mentor_0x39")
    assert info["uploader_source"] == "graphql core" and info["channel_id"] == "1339050010558738434"
    assert [a["kind"] for a in detail["artifacts"] if a["role"] == "media"] == ["video"]


def _blob(archive_dir: Path, sha256: str) -> str:
    return (archive_dir / "blobs" / sha256[:2] / sha256[2:4] / sha256).read_text(encoding="utf-8")


def _timeline_with_account(followers: int, bio: str) -> Route:
    """The logged-in widget, its posts' author described as X's widget describes it."""
    page = (Path(__file__).parent / "recordings" / "platforms" / "x-timeline-wartranslated.html").read_text()
    user = '"name": "War Translated (test placeholder)", "screen_name": "wartranslated"'
    described = user + (
        f', "description": "{bio}", "followers_count": {followers}, "friends_count": 310,'
        ' "statuses_count": 20466, "profile_image_url_https": "https://pbs.twimg.com/media/DemoPhotoInkhil.jpg"'
    )
    return Route(
        host="syndication.twitter.com",
        path="/srv/timeline-profile/screen-name/wartranslated",
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=page.replace(user, described).encode(),
        cookie="auth_token",
    )


def test_account_sync_snapshots_the_account_from_the_widget(archive_dir, media_dir, tmp_path, cli_json):
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n.twitter.com\tTRUE\t/\tTRUE\t2147483647\tauth_token\tfixture-auth\n"
    )
    results = []
    for followers, bio in ((190200, "Translating the war."), (190950, "Translating the war, daily.")):
        with start_replay(media_dir, [_timeline_with_account(followers, bio)]) as server:
            configure(archive_dir, server, cookies_file=cookies)
            results.append(cli_json("sources", "sync", "War Translated"))
    (code, first), (code2, second) = results
    assert code == 0 and code2 == 0, (first, second)
    facts = first["snapshot"]["channel"]
    assert first["snapshot"]["url"] == "https://x.com/wartranslated"
    assert facts["title"] == "War Translated (test placeholder)"
    assert facts["description"] == "Translating the war."
    assert (facts["subscriber_count"], facts["counters"]) == (190200, {"following": "310", "posts": "20466"})
    assert facts["avatar_sha256"]  # the avatar was fetched and stored as a file of the capture
    assert second["snapshot"]["previous_snapshot"] == first["snapshot"]["capture_id"]
    assert [c["field"] for c in second["snapshot"]["changes"]] == ["description", "subscribers"]


def test_graphql_author_reads_core_also_behind_the_visibility_wrapper():
    answer = json.loads((RECORDINGS / "platforms" / "third-party" / "x-graphql-core-tweet.json").read_text())
    expected = {"name": "Mentor 🇹🇷 🇦🇱", "screen_name": "Mentor_0x39", "id_str": "1339050010558738434"}
    assert graphql_author(answer["data"]) == expected
    tweet = answer["data"]["tweetResult"]["result"]
    wrapped = {"tweetResult": {"result": {"__typename": "TweetWithVisibilityResults", "tweet": tweet}}}
    assert graphql_author(wrapped) == expected
    del tweet["core"]["user_results"]["result"]["core"]
    assert graphql_author(answer["data"]) is None  # nothing under core: yt-dlp's own reading stands
