"""Footage already on disk: each file becomes one import capture, stored like a fetched one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import pixel_limit
from archiver.errors import ArchiverError, UsageError
from archiver.ingest import CaptureRecord, IngestItem, StagedFile, StoredArtifact, ingest
from archiver.platforms.base import ProgressCallback
from archiver.safe_names import safe_name
from archiver.settings import operator_name
from archiver.timestamps.stamping import is_timestamped, stamp_captures
from archiver.versions import tool_versions
from store import Archive
from store.clock import new_id, utc_now


@dataclass
class ImportOutcome:
    capture_id: str | None
    path: Path
    status: str
    error: str | None = None
    artifacts: list[StoredArtifact] | None = None
    timestamped: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "capture_id": self.capture_id,
            "status": self.status,
            "url": None,
            "path": str(self.path),
            "error": self.error,
            "artifacts": [a.as_json() for a in self.artifacts or []],
            "timestamped": self.timestamped,
        }


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively, in a stable order)."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(_walk(path))
        elif path.exists():
            raise UsageError(f"{path} is neither a file nor a folder")
        else:
            raise UsageError(f"{path} does not exist")
    if not found:
        raise UsageError("no files found in " + ", ".join(str(p) for p in paths))
    return found


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            candidate = Path(root) / name
            if candidate.is_file():
                yield candidate


def import_files(
    archive: Archive,
    files: list[Path],
    config: dict[str, Any],
    *,
    source_url: str | None = None,
    note: str | None = None,
    case_name: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[ImportOutcome]:
    """Import in batches: one transaction and one disk flush per batch, not per file; the
    progress advances per file as each is read and hashed, the slow part."""
    batch_size = int(config["import"]["batch_size"])
    outcomes: list[ImportOutcome] = []
    versions = tool_versions()
    operator = operator_name(config)
    pixel_limit.configure(config)
    with archive.staging(new_id("import-")):
        for start in range(0, len(files), batch_size):
            batch: list[IngestItem] = []
            for done, path in enumerate(files[start : start + batch_size], start=start + 1):
                try:
                    item = _prepare(path, versions, operator, source_url, note, case_name)
                    item.prepare()
                    batch.append(item)
                except FileNotFoundError:
                    outcomes.append(ImportOutcome(None, path, "failed", vanished(path)))
                except ArchiverError as exc:
                    outcomes.append(ImportOutcome(None, path, "failed", str(exc)))
                if progress is not None:
                    progress("import", done, len(files))
            stored = _ingest_present(archive, batch, outcomes)
            stamp_captures(archive, [item.record.id for item in stored], config)  # no lock held
            for item in stored:
                stamped = is_timestamped(archive, item.record.id)
                outcomes.append(
                    ImportOutcome(
                        item.record.id,
                        item.files[0].path,
                        "ok",
                        artifacts=item.artifacts,
                        timestamped=stamped,
                    )
                )
    return outcomes


def vanished(path: Path) -> str:
    return f"{path} disappeared after it was listed, before it could be read; it was not imported"


def _ingest_present(
    archive: Archive, batch: list[IngestItem], outcomes: list[ImportOutcome]
) -> list[IngestItem]:
    """Store the batch without the files deleted since they were listed, each reported failed.

    A file that vanishes fails alone, like a corrupt one, rather than ending the whole
    import: the batch is stored again without it (what the failed try had already put is
    either stored now or removed with the staging folder's unrecorded blobs).
    """
    while True:
        try:
            return ingest(archive, batch, durable_each=False)
        except FileNotFoundError as exc:
            gone = [item for item in batch if str(item.files[0].path) == exc.filename]
            if not gone:
                raise
            outcomes.append(
                ImportOutcome(None, gone[0].files[0].path, "failed", vanished(gone[0].files[0].path))
            )
            batch = [item for item in batch if item is not gone[0]]


def _prepare(
    path: Path,
    versions: dict[str, str],
    operator: str,
    source_url: str | None,
    note: str | None,
    case_name: str | None,
) -> IngestItem:
    stat = path.stat()
    started = utc_now()
    record = CaptureRecord(
        id=new_id(),
        kind="import",
        started_at=started,
        ended_at=started,
        operator=operator,
        tool_versions=versions,
        final_url=source_url,
        platform="local",
        extractor="import",
        title=_as_text(path.name),
        note=note,
        case_name=case_name,
        metadata={
            "source_path": _as_text(str(path.resolve())),
            "file_modified_at": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat().replace("+00:00", "Z"),
            "source_url": source_url,
        },
    )
    return IngestItem(record, [StagedFile(path, "media", safe_name(path.name))])


def _as_text(name: str) -> str:
    """A path as valid Unicode for the catalog: bytes that are not UTF-8 (a name from an old
    camera or a Windows-1252 disk) are written as ``\\xe9`` escapes, which keeps them readable
    and tells them apart, instead of failing the whole import."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")
