"""File names from the outside world (URLs, Content-Disposition, titles) made harmless.

A name may contain path separators, '..', control characters or thousands of bytes;
what we keep is a single plain path component that cannot escape its folder.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(raw: str, default: str = "file") -> str:
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    text = text.replace("/", "_").replace("\\", "_")
    text = _UNSAFE.sub("_", text).strip("._-")
    while ".." in text:
        text = text.replace("..", ".")
    if not text:
        return default
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext[:16] if dot else ""
        text = (stem if dot else text)[: MAX_NAME - len(ext) - 1] + (f".{ext}" if ext else "")
    return text
