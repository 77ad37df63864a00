"""An archive folder: blobs, catalog and the locking that keeps them consistent.

Layout::

    ARCHIVE/catalog.db        SQLite catalog
    ARCHIVE/blobs/ab/cd/...   content-addressed files
    ARCHIVE/staging/<id>/     work in progress of one running command, locked by it
    ARCHIVE/.write.lock       shared by writers, exclusive for crash recovery
    ARCHIVE/keys/             the archive's Ed25519 key, made by the first writing command

Crash safety: a writer puts its blobs and commits the rows that name them while
holding the shared write lock, and journals each blob it newly creates in its staging
folder first (store.journal). An attempt that ends without committing (exception,
Ctrl-C, full disk) removes its own journaled blobs that still have no row; a process
killed in between leaves them, and the next writer that finds a staging folder whose
owner has died takes the lock exclusively (so no live writer is mid-way) and removes
exactly the blobs that folder's journal names and the catalog does not. A blob no
journal names is never removed, so a lost catalog cannot turn recovery into a wipe.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.archive_key import ArchiveKey
from store.blobs import BlobStore
from store.catalog import Catalog
from store.custody import write_checkpoint
from store.journal import BlobJournal

STARTUP_GRACE_S = 60


class LostCatalogError(Exception):
    """Blobs or a key without their catalog: opening would start an empty catalog over
    them, and the archive would then vouch for an empty history."""


class NotAnArchiveError(Exception):
    """A reader was pointed at a folder that holds no archive: it must not make one there."""


class ReadOnlyArchiveError(Exception):
    """A write was asked of an archive opened for reading only."""


class Archive:
    def __init__(
        self,
        root: Path,
        *,
        allow_lost_catalog: bool = False,
        readonly: bool = False,
        catalog_name: str = "catalog.db",
    ) -> None:
        """``allow_lost_catalog`` and ``catalog_name`` are for rebuilding a catalog only, never
        for ordinary use. ``readonly`` opens an existing archive exactly as it is, for commands
        that only read (possibly from read-only media): nothing is created, locked or signed."""
        self.root = Path(root)
        self.readonly = readonly
        if readonly:
            require_archive(self.root)
        elif not allow_lost_catalog:
            _refuse_lost_catalog(self.root)
        if not readonly:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / "staging").mkdir(exist_ok=True)
        self.blobs = BlobStore(self.root / "blobs", create=not readonly)
        self.catalog = Catalog(self.root / catalog_name, readonly=readonly)
        self.key = ArchiveKey(self.root / "keys")
        self._lock_path = self.root / ".write.lock"
        if not readonly:
            self._lock_path.touch(exist_ok=True)

    def close(self) -> None:
        """Seal what this run added to the custody log with a signed checkpoint, then close.

        Without a key nothing is signed: only `prepare_signing_key` (a writing command,
        before it writes) may make one, never the close of a reader or an audit.
        """
        try:
            self.catalog.abandon_open_transaction()  # a Ctrl-C between a BEGIN and its try
            if self.key.exists and not self.readonly:
                write_checkpoint(self.catalog, self.key)
        finally:
            self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refuse_if_readonly(self) -> None:
        if self.readonly:
            raise ReadOnlyArchiveError(f"the archive {self.root} was opened for reading only")

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Held while putting blobs and committing their rows."""
        self._refuse_if_readonly()
        with open(self._lock_path, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def snapshot(self) -> Iterator[list[str]]:
        """A consistent view for an audit: the blob files on disk and a catalog read snapshot,
        both taken while no writer is between putting a blob and committing its row.

        Yields the blob hashes on disk; catalog reads inside the block see the catalog as
        it was at that moment, while other processes go on capturing. An archive without a
        lock file has never had a writer, so there is nobody to wait for.
        """
        with contextlib.ExitStack() as held:
            if self._lock_path.exists() or not self.readonly:
                fh = held.enter_context(open(self._lock_path, "rb"))
                fcntl.flock(fh, fcntl.LOCK_EX)  # writers hold it shared only while committing
                held.callback(fcntl.flock, fh, fcntl.LOCK_UN)
            on_disk = list(self.blobs.iter_hashes())
            try:
                self.catalog.db.execute("BEGIN")
                self.catalog.db.execute("SELECT count(*) FROM blobs").fetchone()  # pins the snapshot
            except BaseException:
                self.catalog.abandon_open_transaction()
                raise
        try:
            yield on_disk
        finally:
            self.catalog.abandon_open_transaction()  # a read snapshot: nothing to commit

    @contextmanager
    def staging(self, name: str) -> Iterator[Path]:
        """A private work folder, locked for as long as this process uses it.

        Blobs created meanwhile are journaled in it; when the block ends, however it
        ends, those still without a catalog row are removed again.
        """
        self._refuse_if_readonly()
        folder = self.root / "staging" / name
        folder.mkdir(parents=True)
        journal = BlobJournal(folder)
        outer = self.blobs.on_new_blob
        with open(folder / ".owner.lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self.blobs.on_new_blob = journal.record
            try:
                yield folder
            finally:
                self.blobs.on_new_blob = outer
                try:
                    self._remove_unrecorded(journal.digests())
                finally:
                    shutil.rmtree(folder, ignore_errors=True)

    def _remove_unrecorded(self, digests: list[str]) -> None:
        """Remove the given blobs that have no catalog row, holding the lock exclusively
        so no other writer is between putting the same bytes and committing their row."""
        if not self._unrecorded(digests):
            return  # rows are never deleted, so nothing to do and no lock needed
        with open(self._lock_path, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                for sha in self._unrecorded(digests):
                    self.blobs.remove(sha)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _unrecorded(self, digests: list[str]) -> list[str]:
        known = {
            row[0]
            for row in self.catalog.db.execute(
                "SELECT sha256 FROM blobs WHERE sha256 IN (SELECT value FROM json_each(?))",
                [json.dumps(digests)],
            ).fetchall()
        }
        return [sha for sha in dict.fromkeys(digests) if sha not in known]

    def recover(self) -> list[str]:
        """Undo what killed processes left behind; returns the blobs removed: only those a
        dead attempt journaled as its own new blobs and never recorded."""
        self._refuse_if_readonly()
        dead = [folder for folder in (self.root / "staging").iterdir() if _owner_is_dead(folder)]
        if not dead:
            return []
        with open(self._lock_path, "rb") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []  # a live writer is mid-commit; the next run will clean up
            try:
                removed = self._unrecorded([sha for folder in dead for sha in BlobJournal(folder).digests()])
                for sha in removed:
                    self.blobs.remove(sha)
                self.blobs.clear_incoming()
                for folder in dead:
                    shutil.rmtree(folder, ignore_errors=True)
                return removed
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def orphan_blobs(self) -> list[str]:
        """Blob files on disk that the catalog does not know."""
        known = {row[0] for row in self.catalog.db.execute("SELECT sha256 FROM blobs").fetchall()}
        return [sha for sha in self.blobs.iter_hashes() if sha not in known]


def require_archive(root: Path) -> None:
    """A reader opens only what a writer made: a missing or empty catalog is no archive (or a
    lost one), never an invitation to start one."""
    if not (root / "catalog.db").is_file():
        raise NotAnArchiveError(f"there is no archive at {root} (no catalog.db)")
    _refuse_lost_catalog(root)
    if (root / "catalog.db").stat().st_size == 0:
        raise NotAnArchiveError(f"there is no archive at {root} (its catalog.db is empty)")


def writable(root: Path) -> bool:
    """Whether this process may change the archive's folder and catalog (false on read-only media)."""
    return os.access(root, os.W_OK) and os.access(root / "catalog.db", os.W_OK)


def _refuse_lost_catalog(root: Path) -> None:
    catalog = root / "catalog.db"
    if catalog.is_file() and catalog.stat().st_size > 0:
        return
    has_blobs = any((root / "blobs").glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"))
    has_key = (root / "keys").is_dir() and any((root / "keys").iterdir())
    if has_blobs or has_key:
        raise LostCatalogError(
            f"{root} holds blobs or an archive key but its catalog.db is missing or empty;"
            " restore catalog.db from a backup before using this archive (nothing was changed)"
        )


def _owner_is_dead(folder: Path) -> bool:
    lock_path = folder / ".owner.lock"
    if not lock_path.exists():
        # an owner creates its lock right after the folder; give it a moment
        return time.time() - folder.stat().st_mtime > STARTUP_GRACE_S
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return False  # removed by its owner just now
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True
