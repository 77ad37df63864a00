"""The store on its own: blobs, catalog settings and migrations (no archiver import)."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys

import pytest

from store import Archive, BlobStore
from store.catalog import Catalog
from store.sqlite.migrations import MIGRATIONS


def test_blob_is_content_addressed_read_only_and_stored_once(tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    data = os.urandom(9 * 1024 * 1024 + 17)  # spans several copy chunks
    source = tmp_path / "src.bin"
    source.write_bytes(data)
    first = blobs.put_file(source)
    digest = hashlib.sha256(data).hexdigest()
    assert first.sha256 == digest and first.size == len(data) and first.created
    assert first.sha512 == hashlib.sha512(data).hexdigest()  # same pass, for bundle manifests
    assert first.path == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert first.path.read_bytes() == data
    assert not first.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    second = blobs.put_bytes(data)
    assert second.sha256 == digest and not second.created and second.sha512 == first.sha512
    assert list(blobs.iter_hashes()) == [digest]
    assert list(blobs.tmp.iterdir()) == []


def test_failed_copy_leaves_no_temp_file(tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    with pytest.raises(IsADirectoryError):
        blobs.put_file(tmp_path)
    assert list(blobs.tmp.iterdir()) == [] and list(blobs.iter_hashes()) == []


def test_catalog_settings_and_schema_version(tmp_path):
    catalog = Catalog(tmp_path / "c.db")
    db = catalog.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert catalog.schema_version == len(MIGRATIONS)
    assert {"captures", "artifacts", "blobs", "failed_attempts", "captures_fts"} <= set(db.table_names())
    assert catalog.migrate() == []  # idempotent


def test_foreign_keys_refuse_an_artifact_without_its_blob(tmp_path):
    import sqlite3

    catalog = Catalog(tmp_path / "c.db")
    with pytest.raises(sqlite3.IntegrityError), catalog.transaction():
        catalog.insert(
            "captures",
            {
                "id": "x",
                "kind": "import",
                "started_at": "t",
                "ended_at": "t",
                "operator": "o",
                "tool_versions": {},
            },
        )
        catalog.insert("artifacts", {"capture_id": "x", "sha256": "00" * 32, "role": "media", "name": "n"})
    assert catalog.rows("SELECT * FROM captures") == []  # the whole transaction rolled back


def test_store_imports_without_archiver(tmp_path):
    code = (
        "import sys, store; from store import Archive; Archive(sys.argv[1]);"
        "assert not any(m == 'archiver' or m.startswith('archiver.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "a")], check=True)


def test_archive_layout(tmp_path):
    archive = Archive(tmp_path / "new" / "archive")
    assert (archive.root / "catalog.db").is_file() and (archive.root / "blobs").is_dir()


def test_mapped_hashing_matches_hashlib(tmp_path):
    from store.streams import hash_mapped

    for size in (0, 1, 4 * 1024 * 1024, 9 * 1024 * 1024 + 5):
        data = os.urandom(size)
        path = tmp_path / f"f{size}"
        path.write_bytes(data)
        hashers = [hashlib.sha256(), hashlib.sha512()]
        with open(path, "rb") as fh:
            assert hash_mapped(fh, hashers) == size
        assert [h.hexdigest() for h in hashers] == [
            hashlib.sha256(data).hexdigest(),
            hashlib.sha512(data).hexdigest(),
        ]
