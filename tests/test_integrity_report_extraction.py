"""Report extraction stays linear: a report dense with links once took minutes and
gigabytes (a quadratic scan for overlapping URLs, and every citation of a text without
full stops keeping the whole text as its sentence)."""

from __future__ import annotations

import time

from archiver.reports import extract
from archiver.reports.extract import _Sentences, _urls_in_text, extract_targets, trim_url
from archiver.reports.platform_words import PlatformWords
from archiver.reports.read import parse_report
from tests.conftest import run_archiver
from tests.dense_report import dense_report


def urls_in_text_by_full_scan(text: str, words: PlatformWords) -> list[tuple[int, str]]:
    """The old extraction, kept as the reference: each match checked against every span so far."""
    hits, taken = [], []
    for pattern in (extract._SCHEMED_URL, words.bare_url):
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            raw = trim_url(match.group())
            taken.append(range(match.start(), match.start() + len(raw)))
            hits.append((match.start(), raw))
    return hits


def test_url_scan_finds_what_the_full_scan_found():
    text = dense_report(60_000) + " see https://x.com/a/status/1 (x.com/a/status/1) and www.x.com/b/status/2."
    words = PlatformWords.from_registry()
    assert _urls_in_text(text, words) == urls_in_text_by_full_scan(text, words)


def test_sentences_of_ordinary_prose_are_whole():
    text = "First one cites https://t.me/a/1 here. Second is longer and cites @someone on Telegram.\n\nThird."
    sentences = _Sentences(text, wrapped=True)
    assert sentences.around(text.index("https")) == "First one cites https://t.me/a/1 here."
    assert sentences.around(text.index("@some")) == "Second is longer and cites @someone on Telegram."


def test_a_citation_in_an_endless_sentence_keeps_nearby_context():
    text = " ".join(f"https://example.org/{i}" for i in range(20_000))
    [*_, last] = extract_targets(parse_report(text, "text"), [])
    assert last.url == "https://example.org/19999"
    assert (
        len(last.sentence) < 800 and last.sentence.startswith("… ") and "example.org/19999" in last.sentence
    )


def test_a_2_mb_report_dense_with_links_is_read_quickly(tmp_path, archive_dir):
    report = tmp_path / "dense.md"
    report.write_text(dense_report(2_000_000))
    flat = tmp_path / "flat.txt"  # no sentence end anywhere
    flat.write_text(" ".join(f"https://t.me/c{i % 900}/{i} @user_{i % 400}" for i in range(60_000)))
    for path in (report, flat):
        started = time.monotonic()
        result = run_archiver("report", str(path), "--json", timeout=120)
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 20  # a hang guard: it took minutes before
    assert '"url": "https://t.me/c599/59999"' in result.stdout
