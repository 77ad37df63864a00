"""Blobs against the catalog: every row has its file, every file its row, every byte its hash."""

from __future__ import annotations

from collections.abc import Callable

from archiver.audit.fixity import rehash_all
from archiver.findings import Finding
from store import Archive


def check_blobs(
    archive: Archive, blob_files: list[str], done: Callable[[int], None] | None = None
) -> list[Finding]:
    """``blob_files``: the hashes found on disk when the catalog snapshot was taken."""
    catalog = archive.catalog
    rows = {r["sha256"]: r for r in catalog.rows("SELECT sha256, size FROM blobs")}
    on_disk = set(blob_files)
    findings = [
        Finding("blob-missing", sha, f"catalog row has no file; used by {_users(archive, sha)}")
        for sha in sorted(set(rows) - on_disk)
    ]
    findings += [
        Finding("blob-extra", sha, f"file {archive.blobs.path(sha)} has no catalog row")
        for sha in sorted(on_disk - set(rows))
    ]
    present = sorted(set(rows) & on_disk)
    for sha, result in zip(
        present, rehash_all([archive.blobs.path(s) for s in present], done=done), strict=True
    ):
        if result.sha256 is None:
            findings.append(Finding("blob-unreadable", sha, f"{result.path}: {result.error}"))
        elif result.sha256 != sha:
            findings.append(
                Finding(
                    "blob-corrupt",
                    sha,
                    f"{result.path} now hashes to {result.sha256}; used by {_users(archive, sha)}",
                )
            )
        elif result.size != rows[sha]["size"]:
            findings.append(
                Finding(
                    "catalog-row-edited",
                    f"blobs/{sha}",
                    f"size says {rows[sha]['size']}, the file has {result.size} bytes",
                )
            )
    findings += _orphan_rows(archive)
    findings += [
        Finding("catalog-integrity", "catalog.db", problem) for problem in catalog.integrity_errors()
    ]
    return findings


def _orphan_rows(archive: Archive) -> list[Finding]:
    rows = archive.catalog.rows(
        """SELECT sha256 FROM blobs b
           WHERE NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)
             AND NOT EXISTS (SELECT 1 FROM failed_attempts f WHERE f.warc_sha256 = b.sha256)"""
    )
    return [
        Finding("blob-orphaned", r["sha256"], "blob row that no capture or failed attempt uses") for r in rows
    ]


def _users(archive: Archive, sha256: str) -> str:
    ids = [
        r["capture_id"]
        for r in archive.catalog.rows("SELECT DISTINCT capture_id FROM artifacts WHERE sha256 = ?", [sha256])
    ]
    return ", ".join(f"capture {i}" for i in ids) or "no capture"
