"""The visible text of a captured page, for the full-text index.

A researcher remembers a phrase from a page's body, not its title. What a reader saw is
the text between tags, without scripts, styles and templates (code, not words) and with
entities decoded; the HTML itself stays stored byte for byte, this is only what is searched.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

# Enough for any article or thread; a multi-megabyte page is mostly markup, and the index
# should not grow by what no one will search for.
MAX_HTML_BYTES = 8 * 1024 * 1024
MAX_TEXT_CHARS = 200_000

# Code and markup, not words. The <head> is not among them: pages often never close it, and
# what it holds as text (the title) is indexed anyway.
_UNSEEN = {"script", "style", "template", "noscript", "svg"}


# Tags that end a run of text where a reader sees a break; inline tags (<b>, <a>, <span>)
# join their text to the next, as "Qal<b>'at</b>" reads as one word.
_BREAKS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption"}
_BREAKS |= {"figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li"}
_BREAKS |= {"main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "title", "tr", "ul"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.unseen: list[str] = []  # open unseen elements, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _UNSEEN:
            self.unseen.append(tag)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.unseen:
            while self.unseen and self.unseen.pop() != tag:
                pass
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.unseen and self.length < MAX_TEXT_CHARS:
            self.parts.append(data)
            self.length += len(data)


def visible_text(html: str) -> str:
    """The words a reader of ``html`` saw, separated by single spaces, at most MAX_TEXT_CHARS."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())[:MAX_TEXT_CHARS]


def page_file_text(path: Path) -> str | None:
    """The visible text of a stored page file, None when it shows no words. Bytes that are
    not UTF-8 are replaced: an odd character in the index costs less than a missed page."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_HTML_BYTES)
    return visible_text(raw.decode("utf-8", "replace")) or None
