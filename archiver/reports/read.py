"""Reports come as plain text, Markdown, HTML or a page saved from a browser.

Each is reduced to the same thing: readable text, plus the links whose anchor text
sits at known places in it, so a link can be traced back to the sentence that cited it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from archiver.errors import UsageError

FORMATS = ("text", "markdown", "html")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "blockquote", "header", "footer", "figure", "figcaption", "pre", "hr", "dd", "dt", "title",
}  # fmt: skip
_SKIPPED_TAGS = {"script", "style", "noscript", "template", "svg", "iframe"}
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_MD_LINK = re.compile(
    r"(?P<image>!?)\[(?P<label>[^\]\n]*)\]"
    r"\((?P<url><[^>\n]+>|[^)\s]+(?:\([^)\s]*\)[^)\s]*)*)(?:\s+\"[^\"\n]*\")?\)"
)
_MD_AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>")
_MD_DECORATION = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)|\*\*|~~", re.MULTILINE)


@dataclass
class Link:
    start: int
    end: int
    url: str


@dataclass
class Document:
    text: str
    format: str
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    base_url: str | None = None  # where a saved page came from, if it says


def read_report_file(path: Path, fmt: str | None = None) -> tuple[Document, bytes]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"report file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path} is a folder, not a report file") from exc
    return parse_report(decode(raw, path.name), fmt or guess_format(path.name, raw)), raw


def decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:4096]:
        raise UsageError(f"{name} is a binary file, not a text, Markdown or HTML report")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def guess_format(name: str, raw: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml", ".shtml"):
        return "html"
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    head = raw[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<!-- saved from")) or b"<body" in head:
        return "html"
    if _MD_LINK.search(raw[:65536].decode("utf-8", "replace")):
        return "markdown"
    return "text"


def parse_report(text: str, fmt: str, base_url: str | None = None) -> Document:
    if fmt == "html":
        return _parse_html(text, base_url)
    if fmt == "markdown":
        return _parse_markdown(text)
    if fmt == "text":
        return Document(text=text, format="text")
    raise UsageError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def _parse_markdown(source: str) -> Document:
    parts: list[str] = []
    links: list[Link] = []
    length = 0
    cursor = 0
    for match in sorted(
        [*_MD_LINK.finditer(source), *_MD_AUTOLINK.finditer(source)], key=lambda m: m.start()
    ):
        if match.start() < cursor:
            continue
        before = _MD_DECORATION.sub("", source[cursor : match.start()])
        parts.append(before)
        length += len(before)
        url = match.group("url").strip("<>")
        label = match.groupdict().get("label")
        shown = url if label is None else label
        if match.groupdict().get("image"):
            shown = label or ""
        else:
            links.append(Link(length, length + len(shown), url))
        parts.append(shown)
        length += len(shown)
        cursor = match.end()
    parts.append(_MD_DECORATION.sub("", source[cursor:]))
    return Document(text="".join(parts), format="markdown", links=links)


class _TextAndLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.links: list[Link] = []
        self.open_links: list[tuple[int, str | None]] = []
        self.skipping = 0
        self.in_title = False
        self.title = ""
        self.base: str | None = None
        self.canonical: str | None = None

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "base" and values.get("href"):
            self.base = values["href"]
        elif tag == "link" and "canonical" in (values.get("rel") or "").lower().split():
            self.canonical = values.get("href")
        elif tag == "a":
            self.open_links.append((self.length, values.get("href")))
        if tag in _BLOCK_TAGS:
            self._emit("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "title":
            self.in_title = False
        elif tag == "a" and self.open_links:
            start, href = self.open_links.pop()
            if href:
                self.links.append(Link(start, self.length, href.strip()))
        if tag in _BLOCK_TAGS:
            self._emit("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.in_title:
            self.title += data
            return
        self._emit(re.sub(r"\s+", " ", data))


def _parse_html(source: str, base_url: str | None) -> Document:
    parser = _TextAndLinks()
    parser.feed(source)
    parser.close()
    saved = _SAVED_FROM.search(source[:4096])
    origin = base_url or (saved.group(1) if saved else None) or parser.canonical
    base = urljoin(origin or "", parser.base) if parser.base else origin
    links = []
    for link in parser.links:
        url = urljoin(base, unescape(link.url)) if base else link.url
        if urlsplit(url).scheme in ("http", "https"):
            links.append(Link(link.start, link.end, url))
    text = "".join(parser.parts)  # not tidied: link offsets point into exactly this text
    title = " ".join(parser.title.split()) or None
    return Document(text=text, format="html", links=links, title=title, base_url=origin)
