"""A new platform is one class: once registered, capture, report extraction and sources sync
route to it with no other change. The class below is a real adapter over recorded pages
replayed on 127.0.0.1 (tests/recordings/okru), registered only for the test's length."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archiver.capture import capture_url
from archiver.demo.server import load_recording
from archiver.errors import FetchError, UsageError
from archiver.ingest import StagedFile
from archiver.platforms import registry
from archiver.platforms.base import FetchContext, FetchResult, Platform, Query, account_name, spellings
from archiver.platforms.http.polite import get, get_files
from archiver.platforms.listing import Listing, PostRef, parse_time
from archiver.platforms.urls import normalize_url
from archiver.reports.extract import extract_targets
from archiver.reports.read import parse_report
from archiver.settings import load_config
from archiver.sources.registry import make_source
from archiver.sources.sync import sync_source
from store import Archive
from tests.replay import RECORDINGS, configure, start_replay

_TOPIC = re.compile(r"^/(?:group/)?(?P<group>[\w.]+)/topic/(?P<id>\d+)/?$")
_LISTED = re.compile(r'href="/(?P<group>[\w.]+)/topic/(?P<id>\d+)" data-time="(?P<time>[^"]+)"')
_TEXT = re.compile(r'<meta property="og:description" content="(?P<text>[^"]*)">')
_TIME = re.compile(r'<div class="topic" data-time="(?P<time>[^"]+)">')
_PHOTO = re.compile(r'<img class="topic-photo" src="(?P<url>[^"]+)">')


class OkGroups(Platform):
    """Group posts ("topics") on a made-up OK.ru: the post page's text, time and photos."""

    name = "ok"
    label = "OK"
    hosts = spellings("ok.ru", "www.ok.ru", "m.ok.ru", "odnoklassniki.ru")
    content_params = frozenset()
    cue = re.compile(r"\b(?:OK\.ru|Odnoklassniki)\b")
    handle_words = ("Odnoklassniki",)
    profile = "https://ok.ru/{}"
    adapter = True

    def canonical(self, host: str, path: str, query: Query) -> tuple[str, str, Query]:
        match = _TOPIC.match(path)
        return host, (f"/{match['group']}/topic/{match['id']}" if match else path), query

    def fetch(self, url: str, workdir: Path, ctx: FetchContext) -> FetchResult | None:
        match = _TOPIC.match(urlsplit(url).path)
        if match is None:
            return None
        post_url = f"https://ok.ru/{match['group']}/topic/{match['id']}"
        response = get(post_url, ctx)
        if response.status_code >= 400:
            raise FetchError(f"{post_url} answered HTTP {response.status_code}")
        page = workdir / f"{match['group']}-{match['id']}.html"
        page.write_bytes(response.content)
        photos = [(m["url"], "photo.jpg") for m in _PHOTO.finditer(response.text)]
        text, when = _TEXT.search(response.text), _TIME.search(response.text)
        return FetchResult(
            files=[StagedFile(page, "page", page.name, post_url), *get_files(photos, workdir / "media", ctx)],
            final_url=post_url,
            platform=self.name,
            extractor=self.name,
            post_id=match["id"],
            handle=match["group"],
            post_text=text["text"] if text else None,
            post_time=when["time"] if when else None,
        )

    def listing_address(self, handle: str | None, url: str | None) -> str | None:
        return account_name(handle, url)

    def list_posts(
        self, address: str, ctx: FetchContext, *, since: datetime | None, limit: int | None
    ) -> Listing:
        response = get(f"https://ok.ru/{address}/topics", ctx)
        posts = [
            PostRef(f"https://ok.ru/{m['group']}/topic/{m['id']}", m["id"], parse_time(m["time"]))
            for m in _LISTED.finditer(response.text)
        ]
        return Listing(posts, 1)


@pytest.fixture
def ok_replay(archive_dir: Path, tmp_path: Path):
    media = tmp_path / "media"
    with (
        start_replay(media, load_recording(RECORDINGS / "okru", media)) as server,
        registry.registered(OkGroups()),
    ):
        configure(archive_dir, server)
        yield server


def test_capture_routes_a_new_platforms_post_to_its_class(ok_replay, archive_dir):
    archive = Archive(archive_dir)
    outcome = capture_url(archive, "https://m.ok.ru/group/fixturegroup/topic/1001", load_config(archive_dir))
    assert outcome.status == "ok", outcome.error
    assert outcome.record is not None
    assert (outcome.record.platform, outcome.record.handle) == ("ok", "fixturegroup")
    assert outcome.record.post_text == "Photo post: smoke over the river crossing, seen from the east bank."
    media = [a for a in outcome.artifacts if a.role == "media"]
    assert [a.name for a in media] == ["ok-photo-1001.jpg"]
    assert [h.url for h in ok_replay.hits] == [
        "https://ok.ru/fixturegroup/topic/1001",
        "https://i.okcdn.ru/fixture/ok-photo-1001.jpg",
    ]  # the class fetched it all: yt-dlp and the web fetch were never asked


def test_reports_find_a_new_platforms_links_and_handles(ok_replay):
    text = (
        "Footage from m.ok.ru/group/fixturegroup/topic/1001?utm_source=share was reposted. "
        "The Odnoklassniki account fixture_group shared it, as did @mirror_42 on OK.ru."
    )
    targets = extract_targets(parse_report(text, "text"), [])
    assert [(t.kind, t.platform, t.url) for t in targets] == [
        ("url", "ok", "https://ok.ru/fixturegroup/topic/1001"),
        ("handle", "ok", "https://ok.ru/fixture_group"),
        ("handle", "ok", "https://ok.ru/mirror_42"),
    ]


def test_sources_sync_lists_and_captures_through_a_new_platform(ok_replay, archive_dir):
    source = make_source("Fixture group", "ok", handle="@fixturegroup")
    assert source.url == "https://ok.ru/fixturegroup"
    result = sync_source(Archive(archive_dir), source, load_config(archive_dir))
    assert [(p.url, o.status) for p, o in result.outcomes] == [
        ("https://ok.ru/fixturegroup/topic/1001", "ok"),
        ("https://ok.ru/fixturegroup/topic/1002", "ok"),
    ]  # oldest first
    assert [o.record.platform for _, o in result.outcomes if o.record] == ["ok", "ok"]


def test_an_unregistered_platform_leaves_no_trace():
    with registry.registered(OkGroups()):
        assert registry.names()[0] == "ok"
    assert "ok" not in registry.names()
    assert normalize_url("https://m.ok.ru/group/g/topic/1?utm_source=x") == "https://m.ok.ru/group/g/topic/1"
    assert registry.platform_of("https://ok.ru/g/topic/1") == "web"
    with pytest.raises(UsageError, match="unknown platform 'ok'"):
        make_source("Fixture group", "ok", handle="fixturegroup")
