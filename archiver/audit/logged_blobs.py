"""Blobs and rows against the custody log: what the signed events name must still exist,
and what the catalog holds must have been logged.

The blob checks compare files with catalog rows, and the capture checks compare capture
rows with their events; neither sees a blob that an event names but that is gone from
both the catalog and the disk (the rows and the file deleted together), nor a failed
attempt or a used blob row that was slipped into the catalog without an event.
"""

from __future__ import annotations

from typing import Any

from archiver.findings import Finding
from store.catalog import Catalog


def check_logged_blobs(catalog: Catalog, events: list[dict[str, Any]], on_disk: list[str]) -> list[Finding]:
    named = _named_blobs(events)
    rows = {r["sha256"] for r in catalog.rows("SELECT sha256 FROM blobs")}
    present = rows | set(on_disk)
    findings = [
        Finding("logged-blob-missing", sha, f"custody event {seq} names it; the catalog and disk do not")
        for sha, seq in sorted(named.items())
        if sha not in present
    ]
    # an archive older than its log had its captures adopted, not its failed attempts: there,
    # only rows written after the adoption must have an event
    since = [max((e["time"] for e in events if e["detail"].get("adopted")), default="")]
    used = catalog.rows(
        """SELECT sha256 FROM blobs b
           WHERE first_stored_at > ?
             AND (EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)
                  OR EXISTS (SELECT 1 FROM failed_attempts f WHERE f.warc_sha256 = b.sha256))
           ORDER BY sha256""",
        since,
    )
    findings += [
        Finding("uncovered-row", f"blobs/{r['sha256']}", "no custody event names this blob")
        for r in used
        if r["sha256"] not in named
    ]
    logged_subjects = {e["subject"] for e in events if e["action"] == "capture"}
    findings += [
        Finding("uncovered-row", f"failed_attempts/{r['id']}", "no custody event records this failed attempt")
        for r in catalog.rows("SELECT id FROM failed_attempts WHERE started_at > ? ORDER BY id", since)
        if r["id"] not in logged_subjects
    ]
    return findings


def _named_blobs(events: list[dict[str, Any]]) -> dict[str, int]:
    """Each blob digest a capture, import or failed-attempt event vouches for, with the first
    event that did (a capture event's hashes also hold its manifest digest, not a blob)."""
    named: dict[str, int] = {}
    for event in events:
        if event["action"] not in ("capture", "import"):
            continue
        detail = event["detail"]
        if detail.get("status") == "failed":
            digests = event["hashes"]
        else:
            digests = [a["sha256"] for a in detail.get("artifacts", [])]
        for sha in digests:
            named.setdefault(sha, event["seq"])
    return named
