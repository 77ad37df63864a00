"""Reading reports: what they cite, normalised, with the sentence that cited it; stored and linked."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.platforms.registry import platform_of
from archiver.platforms.urls import normalize_url
from archiver.reports.extract import extract_targets
from archiver.reports.read import parse_report, read_report_file
from archiver.sources.registry import load_registry
from tests.replay import configure, start_replay

SEED = Path(__file__).resolve().parent.parent / "seeds" / "aleppo-offensive.md"
REGISTRY = load_registry(None)


def targets(text: str, fmt: str = "text", base_url: str | None = None):
    return extract_targets(parse_report(text, fmt, base_url), REGISTRY)


def by_url(found) -> dict:
    return {t.url: t for t in found if t.url}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://twitter.com/ThomasVLinge/status/186?s=20&t=AbC", "https://x.com/ThomasVLinge/status/186"),
        ("mobile.twitter.com/a_b/status/186/photo/1", "https://x.com/a_b/status/186"),
        ("https://www.x.com/a/statuses/186/", "https://x.com/a/status/186"),
        ("https://twitter.com/i/web/status/186?s=20", "https://x.com/i/status/186"),
        ("https://t.me/s/rybar/123?utm_source=share", "https://t.me/rybar/123"),
        ("http://telegram.me/rybar/123?single", "https://t.me/rybar/123?single"),
        ("t.me/rybar", "https://t.me/s/rybar"),  # a channel: its web preview, which lists its posts
        ("https://t.me/s/rybar/", "https://t.me/s/rybar"),
        ("https://t.me/+AbCdEf12", "https://t.me/+AbCdEf12"),
        ("https://youtu.be/dQw4w9WgXcQ?si=trackme&t=42", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"),
        ("https://m.youtube.com/watch?v=abc&feature=share&pp=x", "https://www.youtube.com/watch?v=abc"),
        (
            "https://www.instagram.com/p/Cabc/?igsh=xyz&img_index=2",
            "https://www.instagram.com/p/Cabc?img_index=2",
        ),
        (
            "https://m.facebook.com/story.php?story_fbid=1&id=2&__tn__=K",
            "https://www.facebook.com/story.php?story_fbid=1&id=2",
        ),
        ("https://vm.tiktok.com/ZMabc/", "https://vm.tiktok.com/ZMabc"),
        (
            "https://www.tiktok.com/@user/video/73?is_from_webapp=1&sender_device=pc",
            "https://www.tiktok.com/@user/video/73",
        ),
        (
            "https://news.example.org/a?id=7&utm_medium=social&fbclid=XYZ#top",
            "https://news.example.org/a?id=7",
        ),
        ("HTTPS://News.Example.org:443/A", "https://news.example.org/A"),
    ],
)
def test_normalisation_folds_hosts_and_drops_tracking(raw, expected):
    assert normalize_url(raw) == expected


def test_platform_of_normalised_urls():
    urls = ("twitter.com/a", "t.me/s/b", "vk.ru/c", "rumble.com/v1", "example.org")
    assert [platform_of(normalize_url(u)) for u in urls] == ["x", "telegram", "vk", "rumble", "web"]


def test_plain_text_punctuation_parentheses_and_line_breaks():
    text = (
        "The clip (https://t.me/rybar/55). Another one, https://x.com/a/status/1?s=20, then\n"
        "a wiki link https://en.wikipedia.org/wiki/Aleppo_(city)!\n"
        "https://youtu.be/XYZ?si=1\n"
        'He said "see t.me/s/rybar/56".'
    )
    found = targets(text)
    urls = [t.url for t in found]
    assert urls == [
        "https://t.me/rybar/55",
        "https://x.com/a/status/1",
        "https://en.wikipedia.org/wiki/Aleppo_(city)",
        "https://www.youtube.com/watch?v=XYZ",
        "https://t.me/rybar/56",
    ]
    sentences = {t.url: t.sentence for t in found}
    assert sentences["https://t.me/rybar/55"] == "The clip (https://t.me/rybar/55)."
    assert (
        sentences["https://x.com/a/status/1"].startswith("Another one,") and "wiki link" in sentences[urls[1]]
    )
    assert sentences["https://www.youtube.com/watch?v=XYZ"] == "https://youtu.be/XYZ?si=1"
    assert sentences["https://t.me/rybar/56"] == 'He said "see t.me/s/rybar/56".'


def test_same_post_cited_two_ways_is_one_target():
    found = targets("First https://twitter.com/a/status/9?s=1. Later https://x.com/a/status/9 again.")
    assert len(found) == 1 and found[0].mentions == 2 and found[0].sentence.startswith("First")


def test_html_anchors_relative_links_and_skipped_scripts():
    html = """<html><head><title>Day one</title><base href="https://news.example.org/2024/">
      <script>var u = "https://t.me/never/1";</script></head><body>
      <p>A clip was <a href="https://t.me/s/chan/7?utm_source=x">posted on Telegram</a> early on.</p>
      <nav><a href="/about">About us</a></nav>
      <p>See <a href="11/30/follow-up.html">our follow-up</a>
         and <a href="mailto:desk@example.org">mail us</a>.</p>
      <footer><a href="https://facebook.com/examplenews">Follow us</a></footer>
      </body></html>"""
    found = targets(html, "html")
    assert [t.url for t in found] == [
        "https://t.me/chan/7",
        "https://news.example.org/2024/11/30/follow-up.html",
    ]
    assert found[0].sentence == "A clip was posted on Telegram early on."
    assert found[0].original == "https://t.me/s/chan/7?utm_source=x"


def test_markdown_links_autolinks_and_images():
    md = (
        "# Notes\n\nThe army said so ([source](https://x.com/army/status/5?t=1)).\n"
        "Footage: <https://t.me/chan/8>. ![a map](https://example.org/map.png)\n"
    )
    found = targets(md, "markdown")
    assert [t.url for t in found] == ["https://x.com/army/status/5", "https://t.me/chan/8"]
    assert found[0].sentence == "The army said so (source)."


def test_markdown_reference_links_keep_the_citing_sentence():
    md = (
        "The convoy was filmed near Saraqib [on Telegram][tg]. A second angle [appeared][] later.\n\n"
        "Brackets [like this] are not links.\n\n"
        "[tg]: https://t.me/s/chan/9?utm_source=copy\n"
        '[Appeared]: <https://twitter.com/b/status/10?s=46> "the second angle"\n'
    )
    found = targets(md, "markdown")
    assert [(t.url, t.sentence) for t in found] == [
        ("https://t.me/chan/9", "The convoy was filmed near Saraqib on Telegram."),
        ("https://x.com/b/status/10", "A second angle appeared later."),
    ]


def test_handles_with_and_without_at_and_platform_from_context():
    text = (
        "The Telegram channel @rybar reposted it. On X, @Some_Analyst disagreed. "
        "A tweet by @other_one followed. Mail press@example.org or ask @nobody. "
        "The X account osint_guy_2 shared it too."
    )
    found = {t.original: t for t in targets(text)}
    assert (found["@rybar"].platform, found["@rybar"].url) == ("telegram", "https://t.me/s/rybar")
    assert found["@Some_Analyst"].url == "https://x.com/Some_Analyst"
    assert found["@other_one"].platform == "x"
    assert found["@nobody"].platform is None and found["@nobody"].url is None
    assert "@example" not in found and all("press" not in key for key in found)
    assert found["@osint_guy_2"].url == "https://x.com/osint_guy_2"


def test_registry_names_aliases_and_handles_keep_their_sentence():
    text = (
        "Clément Molin, who posts on X about conflicts, shared a clip.\n"
        "Next to a video, the journalist Thomas van Linge posted on X. Later @ThomasVLinge added a map.\n"
        "A post shared by X account War Translated quoted the blogger Osetin."
    )
    found = {t.source: t for t in targets(text) if t.source}
    assert found["Clement Molin"].url == "https://x.com/clement_molin"
    assert found["Clement Molin"].sentence == "Clément Molin, who posts on X about conflicts, shared a clip."
    assert found["Thomas van Linge"].mentions == 2  # the name and the handle are one target
    assert found["War Translated"].handle == "wartranslated"
    assert found["Osetin"].url is None and found["Osetin"].platform == "telegram"


def test_seed_report(tmp_path):
    doc, _ = read_report_file(SEED)
    found = extract_targets(doc, REGISTRY)
    urls = [t.url for t in found if t.kind == "url"]
    assert urls == [
        "https://t.me/demo_hts_channel/4101",
        "https://t.me/demo_hts_channel/4102",
        "https://x.com/clement_molin/status/1862000000000000101",
        "https://x.com/ThomasVLinge/status/1862000000000000202",
        "https://t.me/demo_osetin/2207",
        "https://x.com/wartranslated/status/1862000000000000303",
        "https://news.example.org/2024/11/30/rebels-enter-aleppo",
    ]
    sources = {t.source for t in found if t.source}
    assert sources == {
        "HTS-affiliated Telegram channel",
        "Clement Molin",
        "Thomas van Linge",
        "War Translated",
        "Osetin",
    }
    hts = next(t for t in found if t.source == "HTS-affiliated Telegram channel")
    assert hts.sentence.startswith("Footage first appeared on a channel affiliated with HTS")


def test_report_command_stores_targets_and_show_names_the_citing_report(tmp_path, archive_dir, cli, cli_json):
    with start_replay(tmp_path / "media") as server:
        configure(archive_dir, server)
        code, report = cli_json("report", str(SEED), "--capture", "--case", "seed")
    assert code == 0, report
    captured = [t for t in report["targets"] if t["capture"]]
    assert captured and all(t["capture"]["status"] == "ok" for t in captured)
    skipped = [t for t in report["targets"] if not t["capture"]]
    assert {t["source"] for t in skipped} == {"HTS-affiliated Telegram channel", "Osetin"}  # no handle known
    osetin_post = next(t for t in captured if t["url"] == "https://t.me/demo_osetin/2207")
    code, detail = cli_json("show", osetin_post["capture"]["capture_id"])
    assert [c["report_id"] for c in detail["cited_by"]] == [report["report_id"]]
    assert detail["cited_by"][0]["sentence"].startswith(
        "The pro-Russian blogger Osetin complained on Telegram"
    )
    code, out, _ = cli("show", osetin_post["capture"]["capture_id"])
    assert f"cited by: report {report['report_id']}" in out


def test_report_from_a_url_is_captured_then_read(tmp_path, archive_dir, cli_json):
    with start_replay(tmp_path / "media") as server:
        configure(archive_dir, server)
        code, report = cli_json("report", "https://news.example.org/2024/11/30/analysis?utm_source=feed")
    assert code == 0, report
    assert report["capture_id"] and report["format"] == "html"
    assert report["title"] == "What the channels showed on day one (test article)"
    urls = [t["url"] for t in report["targets"]]
    assert "https://t.me/fixture_channel/125" in urls
    assert "https://x.com/wartranslated/status/1861000000000000301" in urls
    assert "https://news.example.org/" not in urls  # the site's menu is not part of the report
    handle = next(t for t in report["targets"] if t["source"] == "War Translated")
    assert handle["url"] == "https://x.com/wartranslated"
    code, page = cli_json("show", report["capture_id"])
    assert page["status"] == "ok" and any(a["role"] == "page" for a in page["artifacts"])


def test_report_input_errors(cli, tmp_path):
    assert cli("report", str(tmp_path / "missing.md"))[0] == 2
    binary = tmp_path / "clip.bin"
    binary.write_bytes(b"\x00\x01" * 100)
    code, _, err = cli("report", str(binary))
    assert code == 2 and "binary file" in err


def test_sources_list_add_and_a_report_that_names_the_added_source(tmp_path, cli, cli_json):
    code, shipped = cli_json("sources", "list")
    assert code == 0
    assert {s["name"] for s in shipped} >= {"Clement Molin", "Thomas van Linge", "War Translated", "Osetin"}
    assert all(s["origin"] == "shipped" for s in shipped)
    osetin = next(s for s in shipped if s["name"] == "Osetin")
    assert osetin["handle"] is None and "unknown" in osetin["notes"]

    notes = "confirmed from a forwarded post"
    add = [
        "sources",
        "add",
        "Osetin",
        "--platform",
        "telegram",
        "--handle",
        "@osetin_demo",
        "--alias",
        "Osetin channel",
    ]
    code, added = cli_json(*add, "--notes", notes)
    assert code == 0 and added["replaces_shipped"] is True and added["url"] == "https://t.me/s/osetin_demo"
    code, listed = cli_json("sources", "list")
    assert next(s for s in listed if s["name"] == "Osetin")["origin"] == "archive"
    assert len(listed) == len(shipped)

    report = tmp_path / "note.txt"
    report.write_text("The Osetin channel posted again overnight.\n", encoding="utf-8")
    code, result = cli_json("report", str(report))
    assert code == 0
    [target] = result["targets"]
    assert (target["source"], target["url"]) == ("Osetin", "https://t.me/s/osetin_demo")
    assert target["sentence"] == "The Osetin channel posted again overnight."

    assert cli("sources", "add", "Osetin", "--platform", "telegram")[0] == 2  # already in this archive
    code, _, err = cli("sources", "add", "Bad", "--platform", "x", "--url", "https://t.me/somewhere")
    assert code == 2 and "is not an address on x" in err
    assert cli("sources", "add", "Bad", "--platform", "myspace")[0] == 2
