"""Read-only questions asked of the catalog: one capture, recent captures, full-text search."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from store.catalog import Catalog

_SUMMARY = """
    SELECT c.id AS capture_id, c.kind, c.status, c.missing, c.input_url AS url, c.final_url, c.platform,
           c.author, c.handle, c.title, c.post_time, c.started_at, c.case_name,
           (SELECT count(*) FROM artifacts a WHERE a.capture_id = c.id) AS artifact_count
    FROM captures c
"""


def capture_detail(catalog: Catalog, capture_id: str) -> dict[str, Any] | None:
    """A capture with its artifacts, or a failed attempt, by id (or unique id prefix)."""
    row = _by_id(catalog, "captures", capture_id)
    if row is not None:
        row.pop("page_text", None)  # only for the search: the stored page is what is shown
        for key in ("tool_versions", "metadata", "missing"):
            row[key] = json.loads(row[key]) if row.get(key) else None
        row["artifacts"] = catalog.rows(
            """SELECT a.role, a.name, a.sha256, b.size, b.mime, b.kind, b.width, b.height, b.duration,
                      b.video_codec, b.audio_codec, a.source_url
               FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256
               WHERE a.capture_id = ? ORDER BY a.id""",
            [row["id"]],
        )
        return row
    failed = _by_id(catalog, "failed_attempts", capture_id)
    if failed is not None:
        failed["status"] = "failed"
        failed["tool_versions"] = json.loads(failed["tool_versions"])
    return failed


def _by_id(catalog: Catalog, table: str, capture_id: str) -> dict[str, Any] | None:
    exact = catalog.one(f"SELECT * FROM {table} WHERE id = ?", [capture_id])
    if exact is not None:
        return exact
    like = capture_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = catalog.rows(f"SELECT * FROM {table} WHERE id LIKE ? ESCAPE '\\' LIMIT 2", [like])
    return found[0] if len(found) == 1 else None


def list_captures(
    catalog: Catalog,
    *,
    case_name: str | None = None,
    limit: int | None = 50,
    include_failed: bool = False,
    incomplete_only: bool = False,
) -> list[dict[str, Any]]:
    """The newest captures (and failed attempts, if asked), at most ``limit``; None lists all.
    ``incomplete_only`` keeps the captures that lack something the post showed."""
    conditions = [
        *(["c.case_name = ?"] if case_name else []),
        *(["c.status = 'incomplete'"] if incomplete_only else []),
    ]
    params = [case_name] if case_name else []
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    most = -1 if limit is None else limit  # SQLite reads a negative LIMIT as none
    rows = _summaries(
        catalog.rows(f"{_SUMMARY} {where} ORDER BY c.started_at DESC, c.id DESC LIMIT ?", [*params, most])
    )
    if include_failed:
        fwhere = "WHERE case_name = ?" if case_name else ""
        rows += catalog.rows(
            f"""SELECT id AS capture_id, 'capture' AS kind, 'failed' AS status, url, error, error_kind,
                       started_at, case_name
                FROM failed_attempts {fwhere} ORDER BY started_at DESC LIMIT ?""",
            [*params, most],
        )
        rows.sort(key=lambda r: r["started_at"], reverse=True)
        rows = rows[:limit]
    return rows


def search_captures(catalog: Catalog, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Full-text search over titles, post text, the visible text of captured pages, URLs,
    authors, case names and notes.

    The query is treated as plain words (each must appear), so that user input with
    quotes, colons or URLs never turns into FTS syntax errors.
    """
    words = [w for w in query.replace('"', " ").split() if w]
    if not words:
        return []
    fts_query = " ".join(f'"{w}"' for w in words)
    try:
        found = catalog.rows(
            f"""{_SUMMARY}
                JOIN captures_fts f ON f.rowid = c.rowid
                WHERE captures_fts MATCH ?
                ORDER BY f.rank LIMIT ?""",
            [fts_query, limit],
        )
    except sqlite3.OperationalError:
        return []
    return _summaries(found)


def _summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["missing"] = json.loads(row["missing"])
    return rows


def incomplete_captures(catalog: Catalog) -> list[dict[str, Any]]:
    """Each URL whose latest capture lacks something its post showed, oldest first: what a retry
    needs. A URL captured whole since is left out, as are older incomplete tries of the same URL."""
    return catalog.rows(
        """SELECT id, input_url, case_name FROM captures c
           WHERE status = 'incomplete' AND NOT EXISTS (
               SELECT 1 FROM captures later
               WHERE later.input_url = c.input_url AND later.started_at > c.started_at)
           ORDER BY started_at, id"""
    )


def capture_timestamps(catalog: Catalog, capture_id: str) -> list[dict[str, Any]]:
    """The RFC 3161 tokens held for a capture, oldest first (what `show` lists; the audit
    is what checks them)."""
    return catalog.rows(
        """SELECT tsa_name, tsa_url, gen_time, serial, manifest_sha256, batch_sha256
           FROM timestamps WHERE capture_id = ? ORDER BY gen_time, id""",
        [capture_id],
    )


def capture_ids(catalog: Catalog, *, case_name: str | None = None) -> list[str]:
    """Every successful capture's id (of one case, if given), oldest first."""
    where, params = ("WHERE case_name = ?", [case_name]) if case_name else ("", [])
    return [r["id"] for r in catalog.rows(f"SELECT id FROM captures {where} ORDER BY started_at, id", params)]


def is_capture(catalog: Catalog, capture_id: str) -> bool:
    """Whether the id is a successful capture's (not a failed attempt's), exactly."""
    return catalog.one("SELECT id FROM captures WHERE id = ?", [capture_id]) is not None


def blob_kind(catalog: Catalog, sha256: str) -> str | None:
    """What a stored file is (image, video, ...), or None when the archive does not hold it."""
    blob = catalog.one("SELECT kind FROM blobs WHERE sha256 = ?", [sha256])
    return None if blob is None else blob["kind"]


def total_blob_bytes(catalog: Catalog) -> int:
    return catalog.db.execute("SELECT coalesce(sum(size), 0) FROM blobs").fetchone()[0]


def blob_digests(catalog: Catalog) -> set[str]:
    return {r["sha256"] for r in catalog.rows("SELECT sha256 FROM blobs")}


def used_blobs_since(catalog: Catalog, since: str) -> list[str]:
    """Blobs stored after ``since`` that an artifact or a failed attempt's WARC uses."""
    rows = catalog.rows(
        """SELECT sha256 FROM blobs b
           WHERE first_stored_at > ?
             AND (EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)
                  OR EXISTS (SELECT 1 FROM failed_attempts f WHERE f.warc_sha256 = b.sha256))
           ORDER BY sha256""",
        [since],
    )
    return [r["sha256"] for r in rows]


def failed_attempts_since(catalog: Catalog, since: str) -> list[str]:
    return [
        r["id"]
        for r in catalog.rows("SELECT id FROM failed_attempts WHERE started_at > ? ORDER BY id", [since])
    ]


def record_count(catalog: Catalog) -> int:
    """Blobs, captures and custody events catalogued: zero for a catalog that holds no archive."""
    tables = ("blobs", "captures", "custody_events")
    return sum(catalog.one(f"SELECT count(*) AS n FROM {table}")["n"] for table in tables)
