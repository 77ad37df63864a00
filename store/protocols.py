"""What the application needs from storage, as interfaces a second backend can implement.

Read off the call sites in archiver/ and in the store's own composition (store.archive,
store.perceptual): nothing more, so that a PostgreSQL catalog, an S3 blob store or an
index built from another catalog (the team archive) only has to provide these. The
local-folder ``store.blobs.BlobStore``, the SQLite ``store.catalog.Catalog`` and the
memory-mapped ``store.hashindex.HashIndex`` are the default implementations;
tests/test_layering.py checks that they keep satisfying these protocols.

Two members are local by nature and say so: ``BlobStore.path`` (a file on disk, which an
object store can only offer by downloading first) and ``Catalog.db`` (the raw SQLite
handle the store's row modules still use; tests/test_layering.py lists the application
modules that still write SQL, a list that may only shrink).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import numpy as np

from store.hashindex import Hits


@runtime_checkable
class BlobStore(Protocol):
    """Content-addressed, immutable bytes keyed by their SHA-256."""

    on_new_blob: Callable[[str], None] | None
    """Told each new blob's digest before it becomes visible (the crash journal)."""

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> IO[bytes]:
        """A binary stream of the blob, for exports and audits that must not assume a disk."""
        ...

    def path(self, sha256: str) -> Path:
        """Where the blob lies on a local disk (local backends only)."""
        ...

    def put_file(self, source: Path, *, durable: bool = True) -> Any: ...

    def put_bytes(self, data: bytes, *, durable: bool = True) -> Any: ...

    def sync(self) -> None:
        """Make every ``durable=False`` write of this process durable."""
        ...

    def iter_hashes(self) -> Iterator[str]:
        """Every stored blob, from the storage itself (not from the catalog)."""
        ...

    def remove(self, sha256: str) -> None:
        """Only crash recovery removes blobs: those a dead writer created and never recorded."""
        ...

    def clear_incoming(self) -> None: ...


@runtime_checkable
class Catalog(Protocol):
    """The catalog: migrations, write transactions and row access."""

    db: Any

    @property
    def schema_version(self) -> int: ...

    def migrate(self) -> list[str]: ...

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction; custody events are appended inside the one of what they record."""
        ...

    def insert(self, table: str, row: dict[str, Any]) -> int: ...

    def insert_or_ignore(self, table: str, row: dict[str, Any]) -> None: ...

    def rows(self, sql: str, params: list | tuple | dict = ()) -> list[dict[str, Any]]: ...

    def one(self, sql: str, params: list | tuple | dict = ()) -> dict[str, Any] | None: ...

    def quick_check_errors(self) -> list[str]:
        """Cheap soundness check run before every write; empty when sound."""
        ...

    def integrity_errors(self) -> list[str]:
        """The full soundness check `archiver verify` reports; empty when sound."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class HashIndex(Protocol):
    """256-bit perceptual hashes answering Hamming-radius queries, kept level with the catalog."""

    @property
    def exists(self) -> bool: ...

    @property
    def meta(self) -> dict: ...

    @property
    def high_water(self) -> int:
        """The newest catalog row id the index has seen."""
        ...

    def __len__(self) -> int: ...

    def search(self, queries: list[bytes] | np.ndarray, radius: int) -> Hits: ...

    def writing(self) -> AbstractContextManager[Any]:
        """Exclusive right to change the index, across processes."""
        ...

    def append(self, ids: np.ndarray, codes: np.ndarray, high_water: int) -> None: ...

    def rebuild(self, ids: np.ndarray, codes: np.ndarray, high_water: int) -> None: ...

    def reload(self) -> None: ...
