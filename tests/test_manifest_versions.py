"""The capture manifest is an explicit, versioned list of fields, not `SELECT *`.

A migration that adds a column to captures must leave every existing capture verifying,
and once a new manifest version exists, old captures keep verifying under their own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import store.manifest


def _import_one(cli_json, media, tmp_path: Path) -> str:
    still = tmp_path / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    code, [imported] = cli_json("import", str(still))
    assert code == 0, imported
    return imported["capture_id"]


def _add_column(archive_dir: Path) -> None:
    db = sqlite3.connect(archive_dir / "catalog.db", isolation_level=None)
    db.execute("ALTER TABLE captures ADD COLUMN language TEXT")
    db.execute("UPDATE captures SET language = 'uk'")
    db.close()


def test_a_migration_adding_a_column_leaves_old_captures_verifying(cli_json, media, tmp_path, archive_dir):
    _import_one(cli_json, media, tmp_path)
    _add_column(archive_dir)
    code, report = cli_json("verify")
    assert code == 0 and report["findings"] == []


def test_old_captures_verify_under_their_own_version_after_a_new_one(
    cli_json, media, tmp_path, archive_dir, monkeypatch
):
    old = _import_one(cli_json, media, tmp_path)
    _add_column(archive_dir)
    today = store.manifest.CURRENT_VERSION
    later = today + 1
    monkeypatch.setattr(store.manifest, "CURRENT_VERSION", later)
    monkeypatch.setitem(
        store.manifest.CAPTURE_FIELDS, later, (*store.manifest.CAPTURE_FIELDS[today], "language")
    )
    monkeypatch.setattr("store.custody.CURRENT_VERSION", later)
    (tmp_path / "other").mkdir()
    second = tmp_path / "other" / "second.jpg"
    second.write_bytes(media["jpeg"].read_bytes()[:-2] + b"\xff\xd9")
    code, [new] = cli_json("import", str(second))
    assert code == 0, new

    code, log = cli_json("log")
    versions = {
        e["subject"]: e["detail"].get("manifest_version") for e in log["events"] if e["action"] == "import"
    }
    assert versions == {old: today, new["capture_id"]: later}
    code, report = cli_json("verify")
    assert code == 0 and report["findings"] == []

    db = sqlite3.connect(archive_dir / "catalog.db", isolation_level=None)
    db.execute("UPDATE captures SET language = 'ru' WHERE id = ?", [new["capture_id"]])
    db.close()
    code, report = cli_json("verify")
    assert code == 1
    assert {(f["kind"], f["object"]) for f in report["findings"]} >= {
        ("catalog-row-edited", new["capture_id"])
    }


def test_a_newer_manifest_version_is_one_sentence(cli, cli_json, media, tmp_path, monkeypatch):
    captured = _import_one(cli_json, media, tmp_path)
    monkeypatch.setattr(store.manifest, "CAPTURE_FIELDS", {})
    code, out, err = cli("export", captured, "-o", str(tmp_path / "out"))
    assert code == 2 and "Traceback" not in err
    version = store.manifest.CURRENT_VERSION
    sentence = (
        f"capture {captured} uses manifest version {version}, newer than this archiver knows; "
        "upgrade archiver"
    )
    assert err.strip().splitlines() == [f"archiver: {sentence}"]
