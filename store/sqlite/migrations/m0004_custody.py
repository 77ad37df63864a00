"""Migration 0004: the custody log, its signed checkpoints, RFC 3161 tokens of captures, and
the SHA-512 of exported blobs (bundles list both digests; blobs never change).

Triggers refuse UPDATE and DELETE on the log and checkpoints: the log is append-only by
construction, and `archiver verify` catches anyone who goes around the triggers.

Captures made before the log existed get their event here, once, marked as adopted. The
event is written from this module's own frozen copy of what it meant in 0004: capture
manifest version 1 (its field list, the artifact query, canonical JSON), the event leaf
and the RFC 9162 leaf hash. Manifest version 1 is itself frozen (store.manifest), so the
two agree for ever, and `archiver verify` rebuilding a manifest under version 1 finds
what this step logged; but a later change to today's manifest or custody code cannot
change what an old archive gets when it is upgraded.

Why adopt inside the migration rather than mark captures "unadopted" for the application
to log later: the log then never exists with captures it does not cover, and no reader
has to know about a half-upgraded state.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

_APPEND_ONLY = """CREATE TRIGGER {table}_no_{verb_lower} BEFORE {verb} ON {table}
                    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""

STATEMENTS = (
    """
        CREATE TABLE custody_events (
            seq INTEGER PRIMARY KEY,       -- leaf index in the Merkle tree, from 0
            time TEXT NOT NULL,            -- UTC, local clock
            actor TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN
                ('capture', 'import', 'timestamp', 'export', 'verify', 'note')),
            subject TEXT NOT NULL,         -- capture id, bundle id, or 'archive'
            hashes TEXT NOT NULL,          -- JSON list of the SHA-256 digests the event concerns
            detail TEXT NOT NULL,          -- JSON object
            leaf TEXT NOT NULL,            -- canonical JSON of all the above: the leaf's bytes
            leaf_hash TEXT NOT NULL        -- hex SHA-256(0x00 || leaf)
        )""",
    "CREATE INDEX custody_subject ON custody_events(subject)",
    """
        CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY,
            tree_size INTEGER NOT NULL,
            root_hash TEXT NOT NULL,       -- hex
            time TEXT NOT NULL,
            key_id TEXT NOT NULL,          -- hex SHA-256 of the archive public key (raw bytes)
            signature TEXT NOT NULL        -- hex Ed25519 signature over the checkpoint statement
        )""",
    *(
        _APPEND_ONLY.format(table=table, verb=verb, verb_lower=verb.lower())
        for table in ("custody_events", "checkpoints")
        for verb in ("UPDATE", "DELETE")
    ),
    """
        CREATE TABLE timestamp_batches (   -- one token for many captures: the document it covers
            sha256 TEXT PRIMARY KEY,
            document BLOB NOT NULL         -- canonical JSON: capture id -> manifest SHA-256
        )""",
    """
        CREATE TABLE timestamps (
            id INTEGER PRIMARY KEY,
            capture_id TEXT NOT NULL REFERENCES captures(id),
            tsa_name TEXT NOT NULL,
            tsa_url TEXT NOT NULL,
            manifest_sha256 TEXT NOT NULL, -- of the capture manifest the token vouches for
            batch_sha256 TEXT REFERENCES timestamp_batches(sha256),  -- NULL: token covers the manifest
            token BLOB NOT NULL,           -- TimeStampResp, DER, as the TSA sent it
            chain TEXT NOT NULL,           -- PEM certificates the token carries
            gen_time TEXT NOT NULL,        -- the TSA's time, UTC
            serial TEXT NOT NULL,
            requested_at TEXT NOT NULL
        )""",
    "CREATE INDEX timestamps_capture ON timestamps(capture_id)",
    """
        CREATE TABLE blob_sha512 (         -- second digest, computed once at a blob's first export
            sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
            sha512 TEXT NOT NULL
        )""",
)

# --- capture manifest version 1, as it was defined when this migration shipped ---------

MANIFEST_V1_FIELDS = (
    "id", "kind", "input_url", "final_url", "platform", "extractor", "post_id", "author", "handle",
    "title", "post_text", "post_time", "case_name", "started_at", "ended_at", "operator",
    "tool_versions", "note", "metadata",
)  # fmt: skip
_MANIFEST_V1_JSON_FIELDS = ("tool_versions", "metadata")
_MANIFEST_V1_ARTIFACTS = """SELECT a.name, a.role, a.sha256, a.source_url, b.size, b.mime, b.kind
           FROM artifacts a LEFT JOIN blobs b ON b.sha256 = a.sha256
           WHERE a.capture_id = ? ORDER BY a.name"""
_ADOPTED = "made before this archive had a custody log"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _column_json(value: Any) -> str:
    """How the catalog's row helper stored a list or dict column in 0004."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _manifest_v1(db: Database, capture_id: str) -> dict[str, Any]:
    [capture] = _dicts(
        db.execute(f"SELECT {', '.join(MANIFEST_V1_FIELDS)} FROM captures WHERE id = ?", [capture_id])
    )
    for key in _MANIFEST_V1_JSON_FIELDS:
        capture[key] = json.loads(capture[key]) if capture[key] else None
    artifacts = _dicts(db.execute(_MANIFEST_V1_ARTIFACTS, [capture_id]))
    return {"schema": "archiver-capture-manifest/1", "capture": capture, "artifacts": artifacts}


def _adoption_event(db: Database, seq: int, capture_id: str) -> dict[str, Any]:
    manifest = _manifest_v1(db, capture_id)
    digest = hashlib.sha256(_canonical(manifest)).hexdigest()
    capture = manifest["capture"]
    files = [{k: a[k] for k in ("name", "role", "sha256", "size", "mime")} for a in manifest["artifacts"]]
    return {
        "seq": seq,
        "time": _now(),
        "actor": capture["operator"],
        "action": capture["kind"],
        "subject": capture_id,
        "hashes": [digest, *sorted({a["sha256"] for a in files})],
        "detail": {
            "manifest_sha256": digest,
            "manifest_version": 1,
            "url": capture["final_url"] or capture["input_url"],
            "artifacts": files,
            "adopted": _ADOPTED,
        },
    }


def adopt_existing_captures(db: Database) -> int:
    """Log every capture the archive already held, oldest first; returns how many."""
    ids = [row[0] for row in db.execute("SELECT id FROM captures ORDER BY started_at, id").fetchall()]
    for seq, capture_id in enumerate(ids):
        event = _adoption_event(db, seq, capture_id)
        leaf = _canonical(event)
        db.execute(
            "INSERT INTO custody_events (seq, time, actor, action, subject, hashes, detail, leaf, leaf_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event["seq"],
                event["time"],
                event["actor"],
                event["action"],
                event["subject"],
                _column_json(event["hashes"]),
                _column_json(event["detail"]),
                leaf.decode("utf-8"),
                hashlib.sha256(b"\x00" + leaf).hexdigest(),
            ],
        )
    return len(ids)
