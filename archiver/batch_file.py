"""URL lists as yt-dlp reads them (`-a FILE`, `-` for standard input): one URL a line,
blank lines and `#` comments skipped, so a researcher's existing link lists work unchanged."""

from __future__ import annotations

import sys
from pathlib import Path

from archiver.capture import check_url
from archiver.errors import UsageError
from archiver.input_files import read_input_text

COMMENT_MARKS = ("#", ";", "]")  # yt-dlp's own comment marks


def read_batch_file(name: str) -> list[str]:
    """The URLs of FILE (or of standard input for ``-``), each checked before any is fetched;
    a line that is not a URL is named by its number, so the list can be fixed."""
    if name == "-":
        try:
            return _urls(sys.stdin.read().splitlines(), "standard input")
        except UnicodeDecodeError as exc:
            raise UsageError("standard input is not UTF-8 text, so it cannot be a list of URLs") from exc
    return _urls(read_input_text(Path(name), "batch file").splitlines(), name)


def _urls(lines: list[str], where: str) -> list[str]:
    urls = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith(COMMENT_MARKS):
            continue
        try:
            urls.append(check_url(text))
        except UsageError as exc:
            raise UsageError(f"{where} line {number}: {exc}") from exc
    return urls
