"""Record a capture that failed: URL, time, error and the WARC of whatever the server answered.

"It was already gone on day X" is evidence too, so a failure is stored as carefully as a
capture. A full disk is the hard case: the downloads are dropped first to make room,
then the WARC if it still does not fit, and only when not even the row fits does the
user get one sentence instead of a record, with the archive left as it was.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import ArchiverError, DiskFullError
from archiver.full_disk import full_disk_sentence, is_disk_full
from archiver.ingest import StagedFile, StoredArtifact, put_artifact, record_blob
from archiver.probe import MediaInfo
from store import Archive
from store.clock import utc_now
from store.custody import log_failed_attempt


@dataclass(frozen=True)
class Attempt:
    capture_id: str
    url: str
    case_name: str | None
    started_at: str
    warc_path: Path  # inside the attempt's staging folder, beside the fetchers' downloads
    operator: str
    tool_versions: dict[str, str]


def as_failure(exc: Exception, archive: Archive) -> ArchiverError:
    """The error a failed attempt records: a full disk is our side failing, whatever layer noticed
    it first (a fetch error from yt-dlp's write, a store error); any other unexpected error is a
    bug to show."""
    if is_disk_full(exc, archive.root):
        return DiskFullError(full_disk_sentence(archive.root, f"the capture could not be stored ({exc})"))
    if isinstance(exc, ArchiverError):
        return exc
    raise exc


def record_failed_attempt(archive: Archive, attempt: Attempt, exc: ArchiverError) -> None:
    """Store the attempt (with its WARC when there is room for it); on a disk too full for even
    the row, raise one sentence saying so."""
    _discard_downloads(attempt.warc_path.parent)
    try:
        with archive.write_lock():
            warc = _put_warc(archive, attempt.warc_path)
            _insert_row(archive, attempt, exc, warc)
    except (OSError, sqlite3.Error) as error:
        if not is_disk_full(error, archive.root):
            raise
        why = "" if isinstance(exc, DiskFullError) else f" ({exc})"
        doing = f"capturing {attempt.url} failed{why} and could not even be recorded as a failed attempt"
        raise DiskFullError(full_disk_sentence(archive.root, doing)) from error


def _discard_downloads(workdir: Path) -> None:
    """A failed attempt keeps only its WARC: dropping the downloads first gives the record the
    room they took, which on a full disk is what lets it be written at all."""
    for child in workdir.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
    (workdir / "screenshot.png").unlink(missing_ok=True)


def _put_warc(archive: Archive, warc_path: Path) -> StoredArtifact | None:
    """The WARC of what the server answered, if any; an attempt is worth recording without it,
    so a full disk drops the WARC rather than the record."""
    if not _has_exchanges(warc_path):
        return None
    info = MediaInfo(mime="application/warc", kind="data")
    try:
        return put_artifact(archive, StagedFile(warc_path, "warc", warc_path.name), info)
    except OSError as error:
        if not is_disk_full(error, archive.root):
            raise
        return None


def _insert_row(archive: Archive, attempt: Attempt, exc: ArchiverError, warc: StoredArtifact | None) -> None:
    with archive.catalog.transaction():
        if warc is not None:
            record_blob(archive.catalog, warc)
        archive.catalog.insert(
            "failed_attempts",
            {
                "id": attempt.capture_id,
                "url": attempt.url,
                "case_name": attempt.case_name,
                "started_at": attempt.started_at,
                "ended_at": utc_now(),
                "error_kind": exc.kind,
                "error": str(exc),
                "operator": attempt.operator,
                "tool_versions": attempt.tool_versions,
                "warc_sha256": warc.sha256 if warc else None,
            },
        )
        log_failed_attempt(archive.catalog, attempt.capture_id)


def _has_exchanges(warc_path: Path) -> bool:
    """True when the WARC holds at least one response, i.e. the server said something."""
    from warcio.archiveiterator import ArchiveIterator

    if not warc_path.exists():
        return False
    try:
        with open(warc_path, "rb") as fh:
            return any(rec.rec_type == "response" for rec in ArchiveIterator(fh))
    except (OSError, io.UnsupportedOperation, ValueError):
        return False
