"""Migration 0002: reports and the targets they cite, so a capture can say which report led to it.

Frozen.
"""

from __future__ import annotations

STATEMENTS = (
    """
        CREATE TABLE reports (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL,          -- the file path or URL the report was read from
            format TEXT NOT NULL,          -- text, markdown, html
            title TEXT,
            sha256 TEXT NOT NULL,          -- of the report's bytes as read
            text TEXT NOT NULL,            -- the readable text the targets were found in
            capture_id TEXT,               -- when the report itself was captured from a URL
            case_name TEXT,
            read_at TEXT NOT NULL
        )""",
    """
        CREATE TABLE targets (
            id INTEGER PRIMARY KEY,
            report_id TEXT NOT NULL REFERENCES reports(id),
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('url', 'handle', 'source')),
            key TEXT NOT NULL,
            url TEXT,
            platform TEXT,
            handle TEXT,
            source_name TEXT,
            original TEXT NOT NULL,        -- as the report wrote it
            sentence TEXT NOT NULL,        -- the sentence that cited it
            mentions INTEGER NOT NULL,
            capture_id TEXT,               -- a captures.id or failed_attempts.id, once captured
            capture_status TEXT,
            UNIQUE (report_id, key)
        )""",
    "CREATE INDEX targets_url ON targets(url)",
    "CREATE INDEX targets_capture ON targets(capture_id)",
)
