"""Turn a report (a file, or a URL that is captured first) into stored targets, and capture them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.capture import CaptureOutcome, capture_url
from archiver.errors import FetchError, UsageError
from archiver.reports.extract import Target, extract_targets
from archiver.reports.read import Document, decode, parse_report, read_report_file
from archiver.sources.registry import load_registry
from store import Archive
from store.clock import new_id, utc_now
from store.reports import link_capture, save_report


@dataclass
class ReadReport:
    id: str
    origin: str
    document: Document
    targets: list[Target]
    target_ids: list[int]
    capture_id: str | None = None


def read_report(
    archive: Archive,
    origin: str,
    config: dict[str, Any],
    *,
    fmt: str | None = None,
    case_name: str | None = None,
) -> ReadReport:
    capture_id = None
    if origin.lower().startswith(("http://", "https://")):  # a malformed one fails in capture_url
        raw, capture_id = _captured_page(archive, origin, config, case_name)
        document = parse_report(decode(raw, origin), fmt or "html", base_url=origin)
    else:
        document, raw = read_report_file(Path(origin), fmt)
    targets = extract_targets(document, load_registry(archive.root))
    report_id = new_id()
    row = {
        "id": report_id,
        "origin": origin,
        "format": document.format,
        "title": document.title,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "text": document.text,
        "capture_id": capture_id,
        "case_name": case_name,
        "read_at": utc_now(),
    }
    ids = save_report(archive.catalog, row, [_target_row(t) for t in targets])
    return ReadReport(report_id, origin, document, targets, ids, capture_id)


def capture_targets(
    archive: Archive,
    report: ReadReport,
    config: dict[str, Any],
    *,
    case_name: str | None = None,
    progress=None,
) -> list[tuple[Target, CaptureOutcome | None]]:
    """Capture every target that has a URL; each outcome is linked back to its target row."""
    results = []
    for target, target_id in zip(report.targets, report.target_ids, strict=True):
        if target.url is None:
            results.append((target, None))
            continue
        outcome = capture_url(archive, target.url, config, case_name=case_name, progress=progress)
        link_capture(archive.catalog, target_id, outcome.capture_id, outcome.status)
        results.append((target, outcome))
    return results


def _captured_page(
    archive: Archive, url: str, config: dict[str, Any], case_name: str | None
) -> tuple[bytes, str]:
    outcome = capture_url(archive, url, config, case_name=case_name)
    if outcome.status == "failed":
        raise FetchError(f"could not capture the report at {url}: {outcome.error}")
    pages = [
        a
        for a in outcome.artifacts
        if a.role in ("page", "media") and a.media.mime in ("text/html", "text/plain")
    ]
    if not pages:
        raise UsageError(f"{url} is not a page archiver can read as a report")
    return pages[0].blob_path.read_bytes(), outcome.capture_id


def _target_row(target: Target) -> dict[str, Any]:
    return {
        "kind": target.kind,
        "key": target.key,
        "url": target.url,
        "platform": target.platform,
        "handle": target.handle,
        "source_name": target.source,
        "original": target.original,
        "sentence": target.sentence,
        "mentions": target.mentions,
    }
