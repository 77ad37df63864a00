"""Migrations are frozen SQL and data: what an old migration writes never follows today's code.

An archive made before migration 0004 (custody log) is built here the way an archiver of
that time left it: only migrations 0001-0003 run, blobs on disk, capture rows written.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

import store.manifest
from store.blobs import BlobStore
from store.catalog import Catalog
from store.sqlite.migrations import MIGRATIONS, m0004_custody

# sha256 over every schema object's SQL after 0001-0004: a shipped migration must never be edited
SCHEMA_0004_SHA256 = "fbdef2439e7ac2361809d8a1779ef542e24a423f35d1708df083b831603df757"
SCHEMA_0005_SHA256 = "73a016b055eaea8eae6afdf696d0d8570cc1d435df815cb623c7ffd20fb2e710"  # and 0005


def _pre_custody_archive(root: Path, media: dict[str, Path]) -> list[str]:
    """An archive as migrations 0001-0003 left it, holding an image capture and a video import."""
    root.mkdir()
    blobs = BlobStore(root / "blobs")
    conn = sqlite3.connect(root / "catalog.db", isolation_level=None)
    db = Database(conn)
    db.execute("BEGIN")
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, migration in MIGRATIONS[:3]:
        migration(db)
        db.execute("INSERT INTO schema_migrations VALUES (?, '2025-06-01T00:00:00.000Z')", [name])
    db.execute("PRAGMA user_version = 3")
    ids = []
    for n, (kind, source, mime) in enumerate(
        [("capture", media["jpeg"], "image/jpeg"), ("import", media["mp4"], "video/mp4")]
    ):
        blob = blobs.put_file(source)
        capture_id = f"20250601-00000{n}-0000000{n}"
        db.execute(
            "INSERT INTO blobs (sha256, size, mime, kind, first_stored_at) VALUES (?, ?, ?, ?, ?)",
            [blob.sha256, blob.size, mime, mime.split("/")[0], "2025-06-01T00:00:00.000Z"],
        )
        db.execute(
            """INSERT INTO captures (id, kind, input_url, title, started_at, ended_at, operator,
                                     tool_versions, metadata)
               VALUES (?, ?, ?, ?, ?, ?, 'analyst', '{"archiver": "0.0.9"}', ?)""",
            [
                capture_id,
                kind,
                "https://t.me/example/7" if kind == "capture" else None,
                f"Пост {n}",
                f"2025-06-01T00:00:0{n}.000Z",
                f"2025-06-01T00:00:0{n}.500Z",
                '{"views": 12}' if kind == "capture" else None,
            ],
        )
        db.execute(
            "INSERT INTO artifacts (capture_id, sha256, role, name) VALUES (?, ?, 'media', ?)",
            [capture_id, blob.sha256, source.name],
        )
        ids.append(capture_id)
    db.execute("COMMIT")
    conn.close()
    return ids


def _adopted_rows(catalog_file: Path) -> list[tuple]:
    """The adopted events as written, without their time (the only thing that may differ)."""
    conn = sqlite3.connect(catalog_file)
    rows = conn.execute("SELECT seq, actor, action, subject, hashes, detail FROM custody_events ORDER BY seq")
    found = rows.fetchall()
    conn.close()
    return found


def test_an_archive_from_before_the_custody_log_upgrades_and_verifies(media, tmp_path, archive_dir, cli_json):
    ids = _pre_custody_archive(archive_dir, media)
    code, report = cli_json("verify")
    assert code == 0 and report["findings"] == []
    code, log = cli_json("log")
    adopted = [e for e in log["events"] if e["detail"].get("adopted")]
    assert [e["subject"] for e in adopted] == ids
    assert [e["detail"]["manifest_version"] for e in adopted] == [1, 1]
    code, shown = cli_json("show", ids[0])  # migration 0005: what was kept then is "ok", lacking nothing
    assert code == 0 and (shown["status"], shown["missing"]) == ("ok", [])


def test_migration_0004_writes_the_same_rows_whatever_todays_manifest_says(media, tmp_path, monkeypatch):
    _pre_custody_archive(tmp_path / "a", media)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    Catalog(tmp_path / "a" / "catalog.db").close()
    today = _adopted_rows(tmp_path / "a" / "catalog.db")
    assert len(today) == 2

    fewer = tuple(f for f in store.manifest.CAPTURE_FIELDS[1] if f != "title")
    monkeypatch.setitem(store.manifest.CAPTURE_FIELDS, 1, fewer)
    Catalog(tmp_path / "b" / "catalog.db").close()
    later = _adopted_rows(tmp_path / "b" / "catalog.db")
    assert later == today


def test_the_frozen_manifest_copy_is_manifest_version_1():
    """Version 1 is frozen in store.manifest too; the migration's copy must say the same."""
    assert store.manifest.CAPTURE_FIELDS[1] == m0004_custody.MANIFEST_V1_FIELDS


@pytest.mark.parametrize("count, expected", [(4, SCHEMA_0004_SHA256), (5, SCHEMA_0005_SHA256)])
def test_shipped_migrations_are_never_edited(tmp_path, count, expected):
    db = Database(sqlite3.connect(tmp_path / "c.db", isolation_level=None))
    for _, migration in MIGRATIONS[:count]:
        migration(db)
    rows = db.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY rowid").fetchall()
    db.close()
    digest = hashlib.sha256("\n".join("|".join(r) for r in rows).encode()).hexdigest()
    assert digest == expected
