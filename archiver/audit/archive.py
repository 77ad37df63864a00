"""The whole-archive audit behind `archiver verify`, and the custody event that records it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archiver.audit.blobs import check_blobs
from archiver.audit.captures import check_captures
from archiver.audit.checkpoint_stamps import check_checkpoint_stamps
from archiver.audit.custody import check_custody
from archiver.audit.logged_blobs import check_logged_blobs
from archiver.audit.timestamps import check_timestamps
from archiver.findings import Finding
from archiver.settings import operator_name
from archiver.timestamps.authorities import authorities
from store import Archive
from store.custody import append_event, checkpoints, custody_rows, events


def audit_archive(
    archive: Archive, config: dict[str, Any], done: Callable[[int], None] | None = None
) -> list[Finding]:
    catalog = archive.catalog
    with archive.snapshot() as on_disk:  # other processes may go on capturing meanwhile
        rows = custody_rows(catalog)
        logged = events(catalog)
        findings = check_blobs(archive, on_disk, done)
        findings += check_captures(catalog, logged)
        findings += check_logged_blobs(catalog, logged, on_disk)
        signed = checkpoints(catalog)
        findings += check_timestamps(catalog, logged, authorities(config))
        findings += check_checkpoint_stamps(logged, signed, authorities(config))
        findings += check_custody(rows, signed, archive.key.public_key_on_disk())
    return findings


def record_audit(archive: Archive, findings: list[Finding], config: dict[str, Any]) -> None:
    """The audit itself is custody: who checked the archive, when, and what they found."""
    with archive.catalog.transaction():
        append_event(
            archive.catalog,
            action="verify",
            actor=operator_name(config),
            subject="archive",
            hashes=[],
            detail={
                "ok": not findings,
                "findings": len(findings),
                "kinds": sorted({f.kind for f in findings}),
            },
        )
