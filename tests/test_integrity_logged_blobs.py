"""verify against the custody log: blobs the log names must exist, rows must have been logged."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def kinds(cli_json) -> list[str]:
    code, audit = cli_json("verify")
    assert code == (1 if audit["findings"] else 0)
    return sorted(f["kind"] for f in audit["findings"])


def failed_attempt_with_warc(site, cli_json, archive_dir: Path) -> tuple[str, str]:
    code, outcome = cli_json("capture", site.url("/gone"))
    assert code == 1
    with sqlite3.connect(archive_dir / "catalog.db") as db:
        attempt, warc = db.execute("SELECT id, warc_sha256 FROM failed_attempts").fetchone()
    assert warc
    return attempt, warc


def test_a_logged_blob_gone_from_catalog_and_disk_is_a_finding(site, cli_json, archive_dir):
    attempt, warc = failed_attempt_with_warc(site, cli_json, archive_dir)
    assert kinds(cli_json) == []
    with sqlite3.connect(archive_dir / "catalog.db") as db:  # rows and file removed together
        db.execute("DELETE FROM failed_attempts WHERE id = ?", [attempt])
        db.execute("DELETE FROM blob_sha512 WHERE sha256 = ?", [warc])
        db.execute("DELETE FROM blobs WHERE sha256 = ?", [warc])
    path = archive_dir / "blobs" / warc[:2] / warc[2:4] / warc
    os.chmod(path, 0o644)
    path.unlink()
    code, audit = cli_json("verify")
    assert code == 1
    assert [(f["kind"], f["object"]) for f in audit["findings"]] == [("logged-blob-missing", warc)]


def test_rows_no_custody_event_covers_are_findings(site, cli_json, archive_dir):
    attempt, warc = failed_attempt_with_warc(site, cli_json, archive_dir)
    with sqlite3.connect(archive_dir / "catalog.db") as db:  # a failed attempt slipped in, unlogged
        row = db.execute("SELECT * FROM failed_attempts WHERE id = ?", [attempt]).fetchone()
        db.execute(
            "INSERT INTO failed_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ["20991231-000000-deadbeef", *row[1:]],
        )
    code, audit = cli_json("verify")
    assert code == 1
    assert [(f["kind"], f["object"]) for f in audit["findings"]] == [
        ("uncovered-row", "failed_attempts/20991231-000000-deadbeef")
    ]
