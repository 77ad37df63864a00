"""Copy a metadata JSON file (yt-dlp's ``*.info.json``) with the researcher's credentials blanked.

With a cookies file, yt-dlp writes into each format of its info.json a ``cookies`` string
("name=value; Domain=...; Path=/; ...", every cookie its jar holds for that URL), and an
extractor may put an Authorization header into ``http_headers``. Both are blanked the
way the WARCs are (archiver.bundle.credentials): cookie names and attributes kept,
values read ``REDACTED``. yt-dlp writes ``json.dump(info, ensure_ascii=False)``; the copy
is written the same way, so only blanked values differ from the original.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archiver.bundle.credentials import PLACEHOLDER, redact_header
from archiver.bundle.url_redaction import blank_url

_COOKIE_ATTRIBUTES = frozenset({"domain", "path", "expires", "version", "secure", "httponly", "max-age"})


def redact_json(source: Path, target: Path) -> list[dict[str, Any]] | None:
    """Write ``source`` to ``target`` with credentials blanked; returns what was blanked (by
    JSON path and name), or None when nothing was, or the file is not JSON (then nothing is written)."""
    try:
        value = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    redacted: list[dict[str, Any]] = []
    value = _walk(value, "$", redacted)
    if not redacted:
        return None
    target.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return redacted


def _walk(value: Any, path: str, redacted: list[dict[str, Any]]) -> Any:
    if isinstance(value, list):
        return [_walk(item, f"{path}[{i}]", redacted) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return blank_url(value, {"json_path": path}, redacted)  # webpage_url, each format's url...
    result = {}
    for key, item in value.items():
        where = f"{path}.{key}"
        if key == "cookies" and isinstance(item, str):
            item = _blank_cookie_list(item, where, redacted)
        elif key == "http_headers" and isinstance(item, dict):
            item = _blank_headers(item, where, redacted)
        else:
            item = _walk(item, where, redacted)
        result[key] = item
    return result


def _blank_cookie_list(text: str, where: str, redacted: list[dict[str, Any]]) -> str:
    """yt-dlp's form: each cookie's ``name=value`` followed by its attributes, all joined by "; "."""
    parts, names = [], []
    for part in text.split("; "):
        name, equals, secret = part.partition("=")
        if equals and secret and name.strip().lower() not in _COOKIE_ATTRIBUTES:
            names.append(name.strip())
            part = f"{name}={PLACEHOLDER}"
        parts.append(part)
    if names:
        redacted.append({"json_path": where, "cookies": names})
    return "; ".join(parts)


def _blank_headers(headers: dict[str, Any], where: str, redacted: list[dict[str, Any]]) -> dict[str, Any]:
    result = {}
    for name, value in headers.items():
        changed = redact_header(name, value) if isinstance(value, str) else None
        if changed is not None:
            value, description = changed
            redacted.append({"json_path": f"{where}.{name}", **description})
        result[name] = value
    return result
