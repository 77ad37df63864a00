"""What archiver prints never drives the terminal it is printed on.

Titles, post texts, URLs and file names come from strangers: a page title can hold an
escape sequence that clears the screen, rewrites earlier lines or sets the clipboard
(OSC 52), and a file name can hold bidirectional overrides that make ``gpj.exe`` read as
``exe.jpg``. Every human-readable line therefore goes through one filter, installed on
stdout and stderr for the whole run, that shows such characters as visible escapes
(``\\x1b``) instead of sending them. JSON output escapes them in the JSON itself
(``\\u001b``), so that it stays exact and parseable.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# C0 controls but tab and newline, a carriage return not ending a line, DEL and C1 controls,
# Unicode bidirectional overrides and isolates, line and paragraph separators, and lone
# surrogates (undecodable bytes of a file name, kept by Python's surrogateescape).
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` with every character that could act on a terminal shown as an escape."""
    text = UNSAFE.sub(_visible, text)
    return _SURROGATE.sub(_undecodable, text)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines, tabs, line separators) as one space, so
    that a stranger's multi-line title cannot break a one-line-per-item listing."""
    return " ".join(text.split())


def shorten(text: str, limit: int = 100) -> str:
    """User input quoted back in a sentence, cut to ``limit`` characters: a 100,000-character
    argument gets a readable error, not a screenful."""
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def escape_json(text: str) -> str:
    """JSON text with the characters json.dumps leaves raw (DEL, C1, bidi, surrogates) escaped.

    They can only occur inside JSON strings, where ``\\uXXXX`` means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _undecodable(match: re.Match[str]) -> str:
    """A surrogateescape'd byte shows as the byte it stood for; any other lone surrogate as itself."""
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


class CleanWriter(io.TextIOBase):
    """A text stream that passes everything to ``raw`` through ``clean``."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(clean(text))  # bytes raise TypeError here, as on any text stream
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.raw.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.raw.errors


@contextmanager
def cleaned_output() -> Iterator[None]:
    """Filter stdout and stderr for the duration of one command."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanWriter(sys.stdout), CleanWriter(sys.stderr)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved


def raw_stderr() -> TextIO:
    """The unfiltered stderr, for progress bars that draw with escape sequences of their own."""
    stream = sys.stderr
    return stream.raw if isinstance(stream, CleanWriter) else stream
