"""Hand captured or imported files to the store: probe, hash, store, record.

Shared by `capture` and `import` so that both produce exactly the same kind of
record. Everything a capture needs is probed before the first blob is written, and
blobs plus rows are committed under the archive's write lock, so a failure at any
point leaves the archive as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.errors import CorruptMediaError
from archiver.hashing import ingest_hook
from archiver.post import PostFacts
from archiver.probe import MediaInfo, probe
from store import Archive
from store.catalog import Catalog
from store.clock import utc_now
from store.custody import log_capture

# Roles whose corruption fails the capture; a broken thumbnail does not.
ESSENTIAL_ROLES = {"media"}


@dataclass
class StagedFile:
    path: Path
    role: str
    name: str
    source_url: str | None = None


@dataclass(kw_only=True)
class CaptureRecord(PostFacts):
    id: str
    kind: str  # "capture" or "import"
    started_at: str
    operator: str
    tool_versions: dict[str, str]
    ended_at: str | None = None
    input_url: str | None = None
    case_name: str | None = None
    note: str | None = None
    status: str = "ok"  # "incomplete" when the capture lacks something the post showed
    missing: list[dict[str, str]] = field(default_factory=list)  # each {what, reason}
    page_text: str | None = None  # searched, never shown: the page itself is the evidence

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StoredArtifact:
    sha256: str
    size: int
    role: str
    name: str
    source_url: str | None
    media: MediaInfo
    blob_path: Path
    new_blob: bool
    sha512: str

    def as_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "mime": self.media.mime,
            "kind": self.media.kind,
            "role": self.role,
            "name": self.name,
        }


@dataclass
class IngestItem:
    record: CaptureRecord
    files: list[StagedFile]
    artifacts: list[StoredArtifact] = field(default_factory=list)
    probed: list[MediaInfo] | None = None  # set by callers that probed already
    perceptual: list[ingest_hook.Perceptual | None] | None = None  # and by those that hashed already

    def prepare(self) -> None:
        """Probe and perceptually hash the files now, the slow part of storing them, so that a
        caller storing many items in one batch can report each item's progress as it goes."""
        self.probed = probe_files(self.files)
        self.perceptual = ingest_hook.compute(self.files, self.probed)


def probe_files(files: list[StagedFile]) -> list[MediaInfo]:
    """Identify every file first, so a corrupt essential file fails before anything is stored."""
    infos = []
    for staged in files:
        try:
            infos.append(probe(staged.path))
        except CorruptMediaError as exc:
            if staged.role in ESSENTIAL_ROLES:
                raise
            infos.append(
                MediaInfo(mime="application/octet-stream", kind="data", extra={"probe_error": str(exc)})
            )
    return infos


def ingest(archive: Archive, items: list[IngestItem], *, durable_each: bool = True) -> list[IngestItem]:
    """Store a batch of captures atomically: all of them land, or none does.

    ``durable_each=False`` flushes the whole batch with one filesystem sync before the
    commit instead of one fsync per blob: same guarantee, far fewer disk flushes when
    importing thousands of small files.
    """
    probed = [item.probed or probe_files(item.files) for item in items]
    hashed = [
        item.perceptual if item.perceptual is not None else ingest_hook.compute(item.files, infos)
        for item, infos in zip(items, probed, strict=True)
    ]
    new_hashes = False
    with archive.write_lock():
        for item, infos in zip(items, probed, strict=True):
            item.artifacts = []
            for staged, info in zip(item.files, infos, strict=True):
                item.artifacts.append(put_artifact(archive, staged, info, durable=durable_each))
        if not durable_each:
            archive.blobs.sync()
        with archive.catalog.transaction():
            for item, perceptual in zip(items, hashed, strict=True):
                _write_rows(archive, item)
                log_capture(archive.catalog, item.record.id)
                new_hashes |= ingest_hook.store_rows(archive.catalog, item.artifacts, perceptual)
    if new_hashes:
        ingest_hook.refresh_indexes(archive)
    return items


def put_artifact(
    archive: Archive, staged: StagedFile, info: MediaInfo, *, durable: bool = True
) -> StoredArtifact:
    """Copy one file into the blob store; the caller holds the write lock and records the row."""
    blob = archive.blobs.put_file(staged.path, durable=durable)
    return StoredArtifact(
        blob.sha256,
        blob.size,
        staged.role,
        staged.name,
        staged.source_url,
        info,
        blob.path,
        blob.created,
        blob.sha512,
    )


def record_blob(catalog: Catalog, artifact: StoredArtifact) -> None:
    """The blob's catalog row and its SHA-512 (unless identical bytes are already known)."""
    catalog.insert_or_ignore(
        "blobs",
        {
            "sha256": artifact.sha256,
            "size": artifact.size,
            "first_stored_at": utc_now(),
            **artifact.media.as_row(),
        },
    )
    catalog.insert_or_ignore("blob_sha512", {"sha256": artifact.sha256, "sha512": artifact.sha512})


def _write_rows(archive: Archive, item: IngestItem) -> None:
    catalog = archive.catalog
    if item.record.ended_at is None:
        item.record.ended_at = utc_now()
    catalog.insert("captures", item.record.as_row())
    names: set[str] = set()
    for artifact in item.artifacts:
        record_blob(catalog, artifact)
        artifact.name = _unique_name(artifact.name, names)
        catalog.insert(
            "artifacts",
            {
                "capture_id": item.record.id,
                "sha256": artifact.sha256,
                "role": artifact.role,
                "name": artifact.name,
                "source_url": artifact.source_url,
            },
        )


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
    taken.add(candidate)
    return candidate
