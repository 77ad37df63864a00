"""Find what a report cites: links, @handles, and sources named in the registry.

Every target keeps the sentence that cited it, because "which report said what about
this post" is part of the evidence trail.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from archiver.platforms import registry
from archiver.platforms.urls import normalize_url
from archiver.reports.platform_words import PlatformWords
from archiver.reports.read import Document
from archiver.sources.registry import Source

_SCHEMED_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’»…*_"
_PAIRS = {")": "(", "]": "[", "}": "{"}
_HANDLE = re.compile(r"(?<![\w@./:+-])@(?P<handle>[A-Za-z0-9_]{2,32})(?![\w@]|\.[A-Za-z]{2,})")
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"”’»)\]]*\s+(?=[\"“‘«(\[]?(?:[A-ZÀ-ÞА-ЯЁ0-9@#]|https?://))"  # a full stop, then a new start
    r"|\n[ \t]*\n\s*"  # or a blank line
)
# In plain text a line break also ends a sentence, unless the next line plainly continues it
# (a lower-case word); a line that starts with a link is a new citation.
_LINE_END = re.compile(r"\n\s*(?=https?://|(?![a-zà-ÿа-яё(\[<]))")
# Characters of context kept on each side of a citation whose sentence is longer.
_CONTEXT = 300


@dataclass
class Target:
    kind: str  # "url", "handle" or "source"
    key: str  # what makes two citations the same target
    url: str | None  # what a capture fetches; None when nothing is known to fetch
    platform: str | None
    sentence: str
    original: str
    handle: str | None = None
    source: str | None = None  # registry name
    mentions: int = 1

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "url": self.url,
            "platform": self.platform,
            "handle": self.handle,
            "source": self.source,
            "original": self.original,
            "sentence": self.sentence,
            "mentions": self.mentions,
        }


class _Sentences:
    """Sentence boundaries of a text, to answer "which sentence holds offset N"."""

    def __init__(self, text: str, wrapped: bool) -> None:
        self.text = text
        ends = {m.end() for m in _SENTENCE_END.finditer(text)}
        if not wrapped:
            ends |= {m.end() for m in _LINE_END.finditer(text)}
        self.starts = [0, *sorted(ends)]

    def around(self, start: int, end: int | None = None) -> str:
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, max(start, (end or start) - 1)) - 1
        stop = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        begin = self.starts[first]
        # Text without full stops (a list of links, a log) is one "sentence" however long:
        # keep the context nearest the citation, so each target costs what its citation does.
        lead, tail = begin < start - _CONTEXT, stop > (end or start) + _CONTEXT
        begin, stop = max(begin, start - _CONTEXT), min(stop, (end or start) + _CONTEXT)
        words = self.text[begin:stop].split()
        if lead and len(words) > 1:
            words[0] = "…"  # the first word was cut
        if tail and len(words) > 1:
            words[-1] = "…"
        return " ".join(words)


def extract_targets(doc: Document, sources: list[Source]) -> list[Target]:
    sentences = _Sentences(doc.text, wrapped=doc.format != "text")
    words = PlatformWords.from_registry()
    found: list[tuple[int, Target]] = []
    for link in doc.links:
        target = _url_target(link.url, sentences.around(link.start, link.end))
        if target:
            found.append((link.start, target))
    for start, raw in _urls_in_text(doc.text, words):
        target = _url_target(raw, sentences.around(start, start + len(raw)))
        if target:
            found.append((start, target))
    found += _handles(doc.text, sentences, sources, words)
    found += _named_sources(doc.text, sentences, sources)
    return _merge(found)


def _urls_in_text(text: str, words: PlatformWords) -> list[tuple[int, str]]:
    """Schemed URLs, then bare platform links that do not start inside one already found."""
    hits: list[tuple[int, str]] = []
    taken = _Spans()
    for pattern in (_SCHEMED_URL, words.bare_url):
        found = []
        for match in pattern.finditer(text):
            if taken.covers(match.start()):
                continue
            raw = trim_url(match.group())
            found.append((match.start(), match.start() + len(raw)))
            hits.append((match.start(), raw))
        taken.add(found)  # one pattern's matches never overlap each other
    return hits


class _Spans:
    """Character ranges, asked "does any of them hold offset N" in logarithmic time."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.starts: list[int] = []
        self.reach: list[int] = []  # furthest end among the spans starting at or before each

    def add(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted([*self.spans, *spans])
        self.starts = [start for start, _ in self.spans]
        self.reach = list(itertools.accumulate((end for _, end in self.spans), max))

    def covers(self, offset: int) -> bool:
        last = bisect.bisect_right(self.starts, offset) - 1
        return last >= 0 and self.reach[last] > offset


def trim_url(raw: str) -> str:
    """Drop the punctuation a sentence wraps around a URL, keeping balanced brackets."""
    while raw:
        last = raw[-1]
        if last in _TRAILING or last in _PAIRS and raw.count(last) > raw.count(_PAIRS[last]):
            raw = raw[:-1]
        else:
            break
    return raw


def _url_target(raw: str, sentence: str) -> Target | None:
    try:
        url = normalize_url(raw)
    except ValueError:
        return None
    return Target("url", url, url, registry.platform_of(url), sentence, raw)


def _handles(
    text: str, sentences: _Sentences, sources: list[Source], words: PlatformWords
) -> list[tuple[int, Target]]:
    found = []
    for match in _HANDLE.finditer(text):
        sentence = sentences.around(match.start())
        platform = _platform_from_context(sentence, match.group("handle"), words)
        found.append((match.start(), _handle_target(match.group("handle"), platform, sentence, sources)))
    for match in words.named_handle.finditer(text):
        handle = match.group("handle")
        if match.group("what") != "handle" and not _looks_like_handle(handle):
            continue  # "X account War Translated": a name, left to the registry
        platform = words.handle_words[match.group("platform")]
        sentence = sentences.around(match.start())
        found.append((match.start("handle"), _handle_target(handle, platform, sentence, sources)))
    return found


def _looks_like_handle(word: str) -> bool:
    return "_" in word or any(c.isdigit() for c in word) or word[0].islower()


def _platform_from_context(sentence: str, handle: str, words: PlatformWords) -> str | None:
    """The platform named closest to the handle in its sentence, if any."""
    where = sentence.find("@" + handle)
    best: tuple[int, str] | None = None
    for platform, cue in words.cues:
        for match in cue.finditer(sentence):
            distance = abs(match.start() - where)
            if best is None or distance < best[0]:
                best = (distance, platform)
    return best[1] if best else None


def _handle_target(handle: str, platform: str | None, sentence: str, sources: list[Source]) -> Target:
    for source in sources:
        same_platform = platform in (None, source.platform)
        if source.handle and source.handle.casefold() == handle.casefold() and same_platform:
            return Target(
                "handle", f"source:{source.name.casefold()}", source.url, source.platform,
                sentence, "@" + handle, handle=source.handle, source=source.name,
            )  # fmt: skip
    url = registry.named(platform).profile_url(handle) if platform else None
    key = f"{platform or 'unknown'}:{handle.casefold()}"
    return Target("handle", key, url, platform, sentence, "@" + handle, handle=handle)


def _named_sources(text: str, sentences: _Sentences, sources: list[Source]) -> list[tuple[int, Target]]:
    found = []
    for source in sources:
        names = sorted({source.name, *source.aliases}, key=len, reverse=True)
        pattern = re.compile(
            r"(?<![\w@])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
        )
        for match in pattern.finditer(text):
            sentence = sentences.around(match.start(), match.end())
            target = Target(
                "source", f"source:{source.name.casefold()}", source.url, source.platform,
                sentence, match.group(), handle=source.handle, source=source.name,
            )  # fmt: skip
            found.append((match.start(), target))
    return found


def _merge(found: list[tuple[int, Target]]) -> list[Target]:
    """One target per key, in order of first citation; the first sentence is kept."""
    merged: dict[str, Target] = {}
    for _, target in sorted(found, key=lambda pair: pair[0]):
        seen = merged.get(target.key)
        if seen is None:
            merged[target.key] = target
        else:
            seen.mentions += 1
    return list(merged.values())
