"""Migration 0001: blobs, captures, artifacts, failed attempts and the captures' full-text index.

Frozen. The full-text table and its triggers are written out as the SQL they are, not
asked of sqlite-utils' ``enable_fts``, so a newer sqlite-utils cannot change what this
step creates.
"""

from __future__ import annotations

_FTS_COLUMNS = '"title", "post_text", "input_url", "final_url", "author", "handle", "case_name", "note"'
_NEW = ", ".join(f"new.{c}" for c in _FTS_COLUMNS.split(", "))
_OLD = ", ".join(f"old.{c}" for c in _FTS_COLUMNS.split(", "))

STATEMENTS = (
    """
        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mime TEXT NOT NULL,
            kind TEXT NOT NULL,            -- image, video, audio, html, document, data
            width INTEGER, height INTEGER,
            duration REAL, frame_rate REAL,
            video_codec TEXT, audio_codec TEXT, container TEXT,
            media_info TEXT,               -- JSON: everything the probe saw
            first_stored_at TEXT NOT NULL
        )""",
    """
        CREATE TABLE captures (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('capture', 'import')),
            input_url TEXT, final_url TEXT,
            platform TEXT, extractor TEXT, post_id TEXT,
            author TEXT, handle TEXT,
            title TEXT, post_text TEXT, post_time TEXT,
            case_name TEXT,
            started_at TEXT NOT NULL, ended_at TEXT NOT NULL,
            operator TEXT NOT NULL,
            tool_versions TEXT NOT NULL,   -- JSON
            note TEXT,
            metadata TEXT                  -- JSON: platform metadata kept verbatim
        )""",
    """
        CREATE TABLE artifacts (
            id INTEGER PRIMARY KEY,
            capture_id TEXT NOT NULL REFERENCES captures(id),
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            role TEXT NOT NULL CHECK (role IN
                ('media', 'thumbnail', 'page', 'warc', 'metadata', 'screenshot', 'subtitle', 'description')),
            name TEXT NOT NULL,
            source_url TEXT,
            UNIQUE (capture_id, name)
        )""",
    """
        CREATE TABLE failed_attempts (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            case_name TEXT,
            started_at TEXT NOT NULL, ended_at TEXT NOT NULL,
            error_kind TEXT NOT NULL,
            error TEXT NOT NULL,
            operator TEXT NOT NULL,
            tool_versions TEXT NOT NULL,
            warc_sha256 TEXT REFERENCES blobs(sha256)  -- what the server did answer, if anything
        )""",
    "CREATE INDEX artifacts_sha256 ON artifacts(sha256)",
    "CREATE INDEX artifacts_capture ON artifacts(capture_id)",
    "CREATE INDEX captures_case ON captures(case_name)",
    "CREATE INDEX captures_started ON captures(started_at)",
    "CREATE INDEX failed_url ON failed_attempts(url)",
    f"""CREATE VIRTUAL TABLE "captures_fts" USING FTS5 (
    {_FTS_COLUMNS},
    tokenize='unicode61 remove_diacritics 2',
    content="captures"
)""",
    f"""CREATE TRIGGER "captures_ai" AFTER INSERT ON "captures" BEGIN
  INSERT INTO "captures_fts" (rowid, {_FTS_COLUMNS}) VALUES (new.rowid, {_NEW});
END""",
    f"""CREATE TRIGGER "captures_ad" AFTER DELETE ON "captures" BEGIN
  INSERT INTO "captures_fts" ("captures_fts", rowid, {_FTS_COLUMNS}) VALUES('delete', old.rowid, {_OLD});
END""",
    f"""CREATE TRIGGER "captures_au" AFTER UPDATE ON "captures" BEGIN
  INSERT INTO "captures_fts" ("captures_fts", rowid, {_FTS_COLUMNS}) VALUES('delete', old.rowid, {_OLD});
  INSERT INTO "captures_fts" (rowid, {_FTS_COLUMNS}) VALUES (new.rowid, {_NEW});
END""",
)
