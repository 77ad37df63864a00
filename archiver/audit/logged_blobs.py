"""Blobs and rows against the custody log: what the signed events name must still exist,
and what the catalog holds must have been logged.

The blob checks compare files with catalog rows, and the capture checks compare capture
rows with their events; neither sees a blob that an event names but that is gone from
both the catalog and the disk (the rows and the file deleted together), nor a failed
attempt or a used blob row that was slipped into the catalog without an event.
"""

from __future__ import annotations

from archiver.findings import Finding
from store.catalog import Catalog
from store.queries import blob_digests, failed_attempts_since, used_blobs_since
from store.records import CustodyEvent


def check_logged_blobs(catalog: Catalog, events: list[CustodyEvent], on_disk: list[str]) -> list[Finding]:
    named = _named_blobs(events)
    present = blob_digests(catalog) | set(on_disk)
    findings = [
        Finding("logged-blob-missing", sha, f"custody event {seq} names it; the catalog and disk do not")
        for sha, seq in sorted(named.items())
        if sha not in present
    ]
    # an archive older than its log had its captures adopted, not its failed attempts: there,
    # only rows written after the adoption must have an event
    since = max((e.time for e in events if e.detail.get("adopted")), default="")
    findings += [
        Finding("uncovered-row", f"blobs/{sha}", "no custody event names this blob")
        for sha in used_blobs_since(catalog, since)
        if sha not in named
    ]
    logged_subjects = {e.subject for e in events if e.action == "capture"}
    findings += [
        Finding("uncovered-row", f"failed_attempts/{attempt}", "no custody event records this failed attempt")
        for attempt in failed_attempts_since(catalog, since)
        if attempt not in logged_subjects
    ]
    return findings


def _named_blobs(events: list[CustodyEvent]) -> dict[str, int]:
    """Each blob digest a capture, import or failed-attempt event vouches for, with the first
    event that did (a capture event's hashes also hold its manifest digest, not a blob)."""
    named: dict[str, int] = {}
    for event in events:
        if event.action not in ("capture", "import"):
            continue
        detail = event.detail
        if detail.get("status") == "failed":
            digests = event.hashes
        else:
            digests = [a["sha256"] for a in detail.get("artifacts", [])]
        for sha in digests:
            named.setdefault(sha, event.seq)
    return named
