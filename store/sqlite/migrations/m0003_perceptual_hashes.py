"""Migration 0003: perceptual hashes of stored images and video frames, and why a file has none.

Frozen.
"""

from __future__ import annotations

STATEMENTS = (
    """
        CREATE TABLE image_hashes (
            id INTEGER PRIMARY KEY,        -- the id the hash index returns
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            variant INTEGER NOT NULL,      -- 0 as stored, 1-7 rotations and flips (PDQ dihedral order)
            pdq BLOB NOT NULL,             -- 32 bytes
            quality INTEGER NOT NULL,      -- PDQ quality 0-100
            phash TEXT,                    -- 64-bit pHash as 16 hex digits (variant 0 only)
            UNIQUE (sha256, variant)
        )""",
    """
        CREATE TABLE video_frame_hashes (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            t REAL NOT NULL,               -- seconds from the start of the video stream
            pdq BLOB NOT NULL,
            quality INTEGER NOT NULL,
            UNIQUE (sha256, t)
        )""",
    """
        CREATE TABLE perceptual_hash_status (
            sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
            kind TEXT NOT NULL,            -- image or video
            status TEXT NOT NULL CHECK (status IN ('hashed', 'failed')),
            detail TEXT,                   -- why hashing failed, or the sampling used
            hashed_at TEXT NOT NULL
        )""",
)
