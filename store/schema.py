"""Catalog schema as an ordered list of named migrations.

Each migration runs once, inside the transaction that records it in
``schema_migrations``; ``PRAGMA user_version`` mirrors how many have run so that
tools like Datasette can see the schema version at a glance. Features add their
tables by appending a migration here, never by editing one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database


def _core(db: Database) -> None:
    db.execute(
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
        )"""
    )
    db.execute(
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
        )"""
    )
    db.execute(
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
        )"""
    )
    db.execute(
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
        )"""
    )
    db.execute("CREATE INDEX artifacts_sha256 ON artifacts(sha256)")
    db.execute("CREATE INDEX artifacts_capture ON artifacts(capture_id)")
    db.execute("CREATE INDEX captures_case ON captures(case_name)")
    db.execute("CREATE INDEX captures_started ON captures(started_at)")
    db.execute("CREATE INDEX failed_url ON failed_attempts(url)")
    db["captures"].enable_fts(
        ["title", "post_text", "input_url", "final_url", "author", "handle", "case_name", "note"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


def _reports(db: Database) -> None:
    """Reports and what they cite, so a capture can say which report led to it."""
    db.execute(
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
        )"""
    )
    db.execute(
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
        )"""
    )
    db.execute("CREATE INDEX targets_url ON targets(url)")
    db.execute("CREATE INDEX targets_capture ON targets(capture_id)")


def _custody(db: Database) -> None:
    """Custody log (Merkle leaves), its signed checkpoints, RFC 3161 tokens of captures, and
    the SHA-512 of exported blobs (bundles list both digests; blobs never change).

    Triggers refuse UPDATE and DELETE on the log and checkpoints: the log is append-only
    by construction, and `archiver verify` catches anyone who goes around the triggers.
    """
    db.execute(
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
        )"""
    )
    db.execute("CREATE INDEX custody_subject ON custody_events(subject)")
    db.execute(
        """
        CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY,
            tree_size INTEGER NOT NULL,
            root_hash TEXT NOT NULL,       -- hex
            time TEXT NOT NULL,
            key_id TEXT NOT NULL,          -- hex SHA-256 of the archive public key (raw bytes)
            signature TEXT NOT NULL        -- hex Ed25519 signature over the checkpoint statement
        )"""
    )
    for table in ("custody_events", "checkpoints"):
        for verb in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
            )
    db.execute(
        """
        CREATE TABLE timestamp_batches (   -- one token for many captures: the document it covers
            sha256 TEXT PRIMARY KEY,
            document BLOB NOT NULL         -- canonical JSON: capture id -> manifest SHA-256
        )"""
    )
    db.execute(
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
        )"""
    )
    db.execute("CREATE INDEX timestamps_capture ON timestamps(capture_id)")
    _adopt_existing_captures(db)
    db.execute(
        """
        CREATE TABLE blob_sha512 (         -- second digest, computed once at a blob's first export
            sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
            sha512 TEXT NOT NULL
        )"""
    )


def _adopt_existing_captures(db: Database) -> None:
    """Captures made before the log existed get their event now, once, marked as adopted."""
    from store.catalog import Catalog  # imported here: the catalog module imports this one
    from store.custody import adopt_existing_captures

    adopt_existing_captures(Catalog.wrapping(db))


def _perceptual_hashes(db: Database) -> None:
    """Perceptual hashes of stored images and video frames, and why a file has none."""
    db.execute(
        """
        CREATE TABLE image_hashes (
            id INTEGER PRIMARY KEY,        -- the id the hash index returns
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            variant INTEGER NOT NULL,      -- 0 as stored, 1-7 rotations and flips (PDQ dihedral order)
            pdq BLOB NOT NULL,             -- 32 bytes
            quality INTEGER NOT NULL,      -- PDQ quality 0-100
            phash TEXT,                    -- 64-bit pHash as 16 hex digits (variant 0 only)
            UNIQUE (sha256, variant)
        )"""
    )
    db.execute(
        """
        CREATE TABLE video_frame_hashes (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            t REAL NOT NULL,               -- seconds from the start of the video stream
            pdq BLOB NOT NULL,
            quality INTEGER NOT NULL,
            UNIQUE (sha256, t)
        )"""
    )
    db.execute(
        """
        CREATE TABLE perceptual_hash_status (
            sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
            kind TEXT NOT NULL,            -- image or video
            status TEXT NOT NULL CHECK (status IN ('hashed', 'failed')),
            detail TEXT,                   -- why hashing failed, or the sampling used
            hashed_at TEXT NOT NULL
        )"""
    )


MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("0001_core", _core),
    ("0002_reports", _reports),
    ("0003_perceptual_hashes", _perceptual_hashes),
    ("0004_custody", _custody),
]
