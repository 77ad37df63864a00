"""Blank URL tokens in what an export writes about a capture: metadata.json, index.html, the
WACZ's page list, and the URLs inside yt-dlp's info.json.

The WARC copy blanks them in WARC-Target-URI and request lines (warc_redaction), so the
CDXJ index built from it does too; this does the same to the capture's own description,
so one token is blanked in every exported place a reader sees. Only whole URLs are
touched (the capture's input and final URL, each file's source URL, and string values of
platform metadata that are URLs); a URL quoted inside a post's text is the post's
content, and stays as posted.

Two files are signed bytes: manifest.json, which the RFC 3161 tokens cover, and the
custody events in custody.json, which the signed Merkle tree covers. Blanking either
would break its proof. From manifest version 2 they were written with each credential
value already hidden (store.url_hiding); a version 1 capture keeps its URLs as captured
there, and redactions.json names both files (see ``signed``).
"""

from __future__ import annotations

from typing import Any

from archiver.bundle.credentials import redact_url

_URL_FIELDS = ("input_url", "final_url")
SIGNED_FILES = ("manifest.json", "custody.json")


def redact_detail(detail: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A copy of a capture's export detail with URL tokens blanked, and what was blanked (by field)."""
    blanked: list[dict[str, Any]] = []
    copy = dict(detail)
    for key in _URL_FIELDS:
        copy[key] = blank_url(copy.get(key), {"field": key}, blanked)
    copy["artifacts"] = [
        {**a, "source_url": blank_url(a.get("source_url"), {"field": f"artifacts[{a.get('name')}]"}, blanked)}
        for a in detail.get("artifacts", [])
    ]
    copy["metadata"] = blank_urls_in(detail.get("metadata"), "metadata", blanked)
    copy["missing"] = blank_urls_in(detail.get("missing"), "missing", blanked)
    return copy, blanked


def blank_urls_in(value: Any, where: str, blanked: list[dict[str, Any]]) -> Any:
    """``value`` (parsed JSON) with every string that is an http(s) URL redacted."""
    if isinstance(value, dict):
        return {k: blank_urls_in(v, f"{where}.{k}", blanked) for k, v in value.items()}
    if isinstance(value, list):
        return [blank_urls_in(v, f"{where}[{i}]", blanked) for i, v in enumerate(value)]
    return blank_url(value, {"field": where}, blanked)


def blank_url(value: Any, label: dict[str, str], blanked: list[dict[str, Any]]) -> Any:
    """``value`` redacted if it is an http(s) URL; what was blanked goes to ``blanked`` under ``label``."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return value
    url, params = redact_url(value)
    if params:
        blanked.append({**label, "url_params": params})
    return url
