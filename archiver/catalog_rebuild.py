"""Rebuild a lost catalog from what the archive's own files still carry.

The blob files are named by their SHA-256 and hold the bytes exactly as captured; that
is all that survives the catalog. Capture rows (URLs, post text, authors, cases, times),
reports, failed attempts, RFC 3161 tokens, the custody log and its signed checkpoints
live only in the catalog file (catalog.db); so a rebuild can honestly say "these bytes were in the archive",
no more: every intact blob becomes one recovered item (an import whose note says so),
with its probe facts and perceptual hashes, so `show`, `lookup` and `export` find it
again. A new custody log starts with one event saying the catalog was rebuilt and what
was lost; the archive key signs it, and a checkpoint published before the loss no longer
extends this log, which is the truth.

The new catalog is built beside the old under its own name and renamed into place only
when complete; an existing catalog file is never overwritten or deleted, only moved aside.
"""

from __future__ import annotations

import mimetypes
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.audit.fixity import rehash_all
from archiver.errors import UsageError
from archiver.ingest import CaptureRecord, IngestItem, StagedFile, ingest, probe_files
from archiver.settings import operator_name
from archiver.versions import tool_versions
from store import Archive
from store.catalog import Catalog, CorruptCatalogError
from store.clock import new_id, utc_now
from store.custody import append_event, prepare_signing_key
from store.queries import record_count

CATALOG = "catalog.db"
BUILDING = "catalog.rebuilding.db"
ROLE_BY_MIME = {"application/warc": "warc", "application/json": "metadata"}
EXTENSIONS = {"application/warc": ".warc.gz", "application/json": ".json", "image/jpeg": ".jpg"}
LOST = (
    "capture details: URLs, platforms, authors, post text and times, cases, notes",
    "which files belonged to the same capture, and their roles and names",
    "failed attempts",
    "reports and the targets they cited",
    "RFC 3161 timestamp tokens",
    "the custody log and signed checkpoints from before the rebuild",
)


@dataclass
class RebuildResult:
    catalog: Path
    previous_catalog: Path | None
    recovered: list[str] = field(default_factory=list)  # capture ids
    blobs: int = 0
    bytes: int = 0
    corrupt_blobs: list[str] = field(default_factory=list)
    custody_event: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "catalog": str(self.catalog),
            "previous_catalog": str(self.previous_catalog) if self.previous_catalog else None,
            "recovered": {"captures": len(self.recovered), "blobs": self.blobs, "bytes": self.bytes},
            "not_recovered": {"corrupt_blobs": self.corrupt_blobs},
            "lost": list(LOST),
            "custody_event": self.custody_event,
        }


def rebuild_catalog(root: Path, config: dict[str, Any]) -> RebuildResult:
    previous = _previous_catalog(root)
    hashes = sorted(_blob_hashes(root))
    if not hashes:
        raise UsageError(f"{root} holds no blobs, so there is nothing to rebuild a catalog from")
    building = root / BUILDING
    for leftover in root.glob(BUILDING + "*"):  # an earlier rebuild that was interrupted
        leftover.unlink()
    shutil.rmtree(root / "index", ignore_errors=True)  # derived from the old catalog's row ids
    archive = Archive(root, allow_lost_catalog=True, catalog_name=BUILDING)
    try:
        prepare_signing_key(archive.catalog, archive.key)
        result = RebuildResult(catalog=root / CATALOG, previous_catalog=None)
        _recover_blobs(archive, hashes, config, result)
        with archive.catalog.transaction():
            result.custody_event = append_event(
                archive.catalog,
                action="note",
                actor=operator_name(config),
                subject="archive",
                hashes=[],
                detail={
                    "event": "catalog-rebuilt",
                    "recovered_captures": len(result.recovered),
                    "recovered_blobs": result.blobs,
                    "corrupt_blobs": result.corrupt_blobs,
                    "lost": list(LOST),
                },
            ).seq
    finally:
        archive.close()
    if previous is not None:
        stamp = utc_now().replace(":", "").replace("-", "").split(".")[0]
        result.previous_catalog = previous.with_name(f"{previous.name}.before-rebuild-{stamp}")
        _rename_with_sidecars(previous, result.previous_catalog)
    _rename_with_sidecars(building, root / CATALOG)
    return result


def _previous_catalog(root: Path) -> Path | None:
    """The catalog file to move aside, or a refusal when it still holds an archive's rows."""
    path = root / CATALOG
    if not path.is_file():
        return None
    if path.stat().st_size == 0:
        return path
    try:
        catalog = Catalog(path, readonly=True)
    except CorruptCatalogError:
        return path  # unreadable: kept aside, never deleted, for whoever can salvage it
    try:
        rows = record_count(catalog)
    finally:
        catalog.close()
    if rows:
        raise UsageError(
            f"{path} holds {rows} rows; rebuild-catalog never replaces a working catalog"
            " (move it away first if you really mean to rebuild)"
        )
    return path


def _rename_with_sidecars(path: Path, target: Path) -> None:
    """A WAL database is its file plus any -wal beside it: they move together."""
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    path.rename(target)


def _blob_hashes(root: Path) -> list[str]:
    blobs = root / "blobs"
    return [p.name for p in blobs.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*") if len(p.name) == 64]


def _recover_blobs(
    archive: Archive, hashes: list[str], config: dict[str, Any], result: RebuildResult
) -> None:
    """Re-hash first: a blob whose bytes no longer give its name is not evidence of anything,
    and storing it again would file it under a new name."""
    paths = [archive.blobs.path(sha) for sha in hashes]
    intact = []
    for sha, check in zip(hashes, rehash_all(paths), strict=True):
        if check.sha256 == sha:
            intact.append(sha)
        else:
            result.corrupt_blobs.append(sha)
    versions, operator = tool_versions(), operator_name(config)
    batch_size = int(config["import"]["batch_size"])
    with archive.staging(new_id("rebuild-")):
        for start in range(0, len(intact), batch_size):
            items = [_item(archive, sha, versions, operator) for sha in intact[start : start + batch_size]]
            for item in ingest(archive, items, durable_each=False):
                result.recovered.append(item.record.id)
                result.blobs += 1
                result.bytes += item.artifacts[0].size


def _item(archive: Archive, sha256: str, versions: dict[str, str], operator: str) -> IngestItem:
    path = archive.blobs.path(sha256)
    staged = StagedFile(path, "recovered", sha256[:16])
    [info] = probe_files([staged])  # a role outside the essential ones: undecodable media is kept
    staged.role = ROLE_BY_MIME.get(info.mime, "media")
    staged.name = sha256[:16] + (EXTENSIONS.get(info.mime) or mimetypes.guess_extension(info.mime) or "")
    now = utc_now()
    record = CaptureRecord(
        id=new_id(),
        kind="import",
        started_at=now,
        ended_at=now,
        operator=operator,
        tool_versions=versions,
        platform="local",
        extractor="rebuild-catalog",
        title=f"recovered {staged.name}",
        note="recovered by rebuild-catalog after the catalog was lost; where and when it was captured"
        " is unknown",
        metadata={"recovered_blob": sha256, "recovered_at": now},
    )
    return IngestItem(record, [staged], probed=[info])
